//! Integers in decimal, as their `Display` writes them, without `core::fmt`.
//!
//! The layer copies every integer field into its capture buffer as text (`status = 200`,
//! `user_id = 4111…`: a card number logged as a `u64` must be scanned). Through `write!`, one
//! small integer costs about 200 instructions of formatting machinery (argument tables,
//! padding checks) for three digits; this is a division loop into a stack buffer.

/// The decimal text of an integer: an optional `-`, then its digits, no padding.
pub(crate) struct Decimal {
    buf: [u8; Decimal::MAX_LEN],
    start: usize,
}

impl Decimal {
    /// `u128::MAX` has 39 digits; `i128::MIN` a sign and 39 digits.
    const MAX_LEN: usize = 40;

    /// The text of `-magnitude` when `negative`, else of `magnitude`.
    pub(crate) fn new(negative: bool, magnitude: u128) -> Decimal {
        let mut buf = [0u8; Decimal::MAX_LEN];
        let mut start = buf.len();
        let mut push = |digit: u8| {
            start -= 1;
            buf[start] = b'0' + digit;
        };
        match u64::try_from(magnitude) {
            // The common case: 64-bit division, which the compiler turns into a multiply.
            Ok(mut v) => loop {
                push((v % 10) as u8);
                v /= 10;
                if v == 0 {
                    break;
                }
            },
            Err(_) => {
                let mut v = magnitude;
                loop {
                    push((v % 10) as u8);
                    v /= 10;
                    if v == 0 {
                        break;
                    }
                }
            }
        }
        if negative {
            start -= 1;
            buf[start] = b'-';
        }
        Decimal { buf, start }
    }

    /// The text: ASCII digits and an optional leading `-`.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;
    use crate::test_rng::XorShift;

    fn text(d: &Decimal) -> &str {
        std::str::from_utf8(d.as_bytes()).expect("digits are ASCII")
    }

    /// Every boundary that changes the digit count or the division path, and random values
    /// of every bit length, for each integer type a field can carry: the same text as
    /// `Display`.
    #[test]
    fn writes_what_display_writes() {
        let mut values: Vec<u128> = vec![0, u128::from(u64::MAX), u128::MAX];
        let mut power = 1u128;
        while let Some(next) = power.checked_mul(10) {
            values.extend([power - 1, power, power + 1]);
            power = next;
        }
        values.extend([power - 1, power, power + 1]);
        values.extend([u128::from(u64::MAX) - 1, u128::from(u64::MAX) + 1]);
        let mut rng = XorShift(0x5EED_DEC1);
        for bits in 1..=128u32 {
            for _ in 0..50 {
                let raw = u128::from(rng.next()) << 64 | u128::from(rng.next());
                values.push(if bits == 128 {
                    raw
                } else {
                    raw & ((1u128 << bits) - 1)
                });
            }
        }
        let mut checked = 0;
        for &v in &values {
            assert_eq!(text(&Decimal::new(false, v)), v.to_string());
            if let Ok(signed) = i64::try_from(v) {
                let n = -signed;
                assert_eq!(
                    text(&Decimal::new(n < 0, n.unsigned_abs().into())),
                    n.to_string()
                );
            }
            if let Ok(signed) = i128::try_from(v) {
                let n = -signed;
                assert_eq!(text(&Decimal::new(n < 0, n.unsigned_abs())), n.to_string());
            }
            checked += 1;
        }
        for (negative, magnitude, expected) in [
            (true, i64::MIN.unsigned_abs().into(), i64::MIN.to_string()),
            (true, i128::MIN.unsigned_abs(), i128::MIN.to_string()),
            (false, u128::MAX, u128::MAX.to_string()),
        ] {
            assert_eq!(text(&Decimal::new(negative, magnitude)), expected);
        }
        assert!(checked > 6_000, "{checked} values checked");
    }
}
