//! Checksums and entropy: Luhn (payment cards), mod 97 (IBANs), CRC-32 in base 62
//! (GitHub tokens) and Shannon entropy, each run only on candidates.
//!
//! Every function here works on bytes and never panics, whatever the input.

/// The Luhn checksum used by payment cards.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d.wrapping_sub(b'0'));
        if v > 9 {
            return false;
        }
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Shannon entropy in bits per byte.
///
/// Computed as `log2(n) - Σ c·log2(c) / n` over the byte counts `c`, one term per distinct
/// byte: bytes seen once add nothing, and `c·log2(c)` for small counts comes from a table,
/// so a 40-byte key costs a handful of additions instead of a logarithm per distinct byte.
pub(crate) fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    // Keys and tokens are short: byte counts then fit in a `u8`, and the table to clear is a
    // quarter of the size.
    let weighted = if bytes.len() <= usize::from(u8::MAX) {
        sum_count_log2_count(bytes, &mut [0u8; 256])
    } else {
        sum_count_log2_count(bytes, &mut [0u32; 256])
    };
    let n = bytes.len() as f64;
    n.log2() - weighted / n
}

/// `Σ c·log2(c)` over the counts `c` of the distinct bytes of `bytes`, counted in `counts`
/// (all zero, and wide enough for `bytes.len()`).
fn sum_count_log2_count<C>(bytes: &[u8], counts: &mut [C; 256]) -> f64
where
    C: Copy + Default + From<u8> + Into<u32> + std::ops::AddAssign,
{
    for &b in bytes {
        counts[usize::from(b)] += C::from(1);
    }
    let mut weighted = 0.0;
    for &b in bytes {
        // Taken, so each distinct byte counts once.
        let c: u32 = std::mem::take(&mut counts[usize::from(b)]).into();
        if c > 1 {
            weighted += count_log2_count(c);
        }
    }
    weighted
}

/// `c·log2(c)`.
fn count_log2_count(c: u32) -> f64 {
    const TABLED: usize = 64;
    static TABLE: std::sync::OnceLock<[f64; TABLED]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0.0; TABLED];
        for (c, slot) in t.iter_mut().enumerate().skip(1) {
            let c = c as f64;
            *slot = c * c.log2();
        }
        t
    });
    match table.get(c as usize) {
        Some(&v) => v,
        None => f64::from(c) * f64::from(c).log2(),
    }
}

/// ISO 13616 check: the IBAN (letters and digits only, no spaces) passes mod-97.
pub(crate) fn iban_mod97(iban: &[u8]) -> bool {
    if iban.len() < 5 {
        return false;
    }
    let rearranged = iban[4..].iter().chain(&iban[..4]);
    let mut rem: u32 = 0;
    for &b in rearranged {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// The expected IBAN length for a country code, per the SWIFT IBAN registry.
pub(crate) fn iban_length(country: &[u8]) -> Option<usize> {
    const TABLE: &[(&[u8; 2], usize)] = &[
        (b"AD", 24),
        (b"AE", 23),
        (b"AL", 28),
        (b"AT", 20),
        (b"AZ", 28),
        (b"BA", 20),
        (b"BE", 16),
        (b"BG", 22),
        (b"BH", 22),
        (b"BI", 27),
        (b"BR", 29),
        (b"BY", 28),
        (b"CH", 21),
        (b"CR", 22),
        (b"CY", 28),
        (b"CZ", 24),
        (b"DE", 22),
        (b"DJ", 27),
        (b"DK", 18),
        (b"DO", 28),
        (b"EE", 20),
        (b"EG", 29),
        (b"ES", 24),
        (b"FI", 18),
        (b"FK", 18),
        (b"FO", 18),
        (b"FR", 27),
        (b"GB", 22),
        (b"GE", 22),
        (b"GI", 23),
        (b"GL", 18),
        (b"GR", 27),
        (b"GT", 28),
        (b"HR", 21),
        (b"HU", 28),
        (b"IE", 22),
        (b"IL", 23),
        (b"IQ", 23),
        (b"IS", 26),
        (b"IT", 27),
        (b"JO", 30),
        (b"KW", 30),
        (b"KZ", 20),
        (b"LB", 28),
        (b"LC", 32),
        (b"LI", 21),
        (b"LT", 20),
        (b"LU", 20),
        (b"LV", 21),
        (b"LY", 25),
        (b"MC", 27),
        (b"MD", 24),
        (b"ME", 22),
        (b"MK", 19),
        (b"MN", 20),
        (b"MR", 27),
        (b"MT", 31),
        (b"MU", 30),
        (b"NI", 28),
        (b"NL", 18),
        (b"NO", 15),
        (b"OM", 23),
        (b"PK", 24),
        (b"PL", 28),
        (b"PS", 29),
        (b"PT", 25),
        (b"QA", 29),
        (b"RO", 24),
        (b"RS", 22),
        (b"RU", 33),
        (b"SA", 24),
        (b"SC", 31),
        (b"SD", 18),
        (b"SE", 24),
        (b"SI", 19),
        (b"SK", 24),
        (b"SM", 27),
        (b"SO", 23),
        (b"ST", 25),
        (b"SV", 28),
        (b"TL", 23),
        (b"TN", 24),
        (b"TR", 26),
        (b"UA", 29),
        (b"VA", 22),
        (b"VG", 24),
        (b"XK", 20),
        (b"YE", 30),
    ];
    TABLE
        .iter()
        .find(|(code, _)| code.as_slice() == country)
        .map(|&(_, len)| len)
}

/// GitHub's token checksum: the last six characters are the CRC32 of the prefix and body,
/// in base62, left-padded with `0`.
pub(crate) fn github_checksum_ok(token: &[u8]) -> bool {
    if token.len() < 10 {
        return false;
    }
    let (body, sum) = token.split_at(token.len() - 6);
    let mut crc = crc32(body);
    let mut encoded = [b'0'; 6];
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for slot in encoded.iter_mut().rev() {
        *slot = DIGITS[(crc % 62) as usize];
        crc /= 62;
    }
    encoded == sum
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_and_rejects_off_by_one() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"378282246310005"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b""));
        assert!(!luhn(b"41x1"));
    }

    #[test]
    fn iban_checks() {
        assert!(iban_mod97(b"GB82WEST12345698765432"));
        assert!(iban_mod97(b"DE89370400440532013000"));
        assert!(!iban_mod97(b"GB82WEST12345698765433"));
        assert_eq!(iban_length(b"GB"), Some(22));
        assert_eq!(iban_length(b"ZZ"), None);
    }

    #[test]
    fn entropy_orders_random_above_repetitive() {
        assert!(shannon_entropy(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") > 4.0);
        assert!(shannon_entropy(b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") < 0.1);
        let direct = |bytes: &[u8]| -> f64 {
            let mut counts = [0u32; 256];
            bytes.iter().for_each(|&b| counts[usize::from(b)] += 1);
            let n = bytes.len() as f64;
            counts
                .iter()
                .filter(|&&c| c > 0)
                .map(|&c| -(f64::from(c) / n) * (f64::from(c) / n).log2())
                .sum()
        };
        let long: Vec<u8> = (0..300u32).map(|i| (i * i % 7) as u8).collect();
        for text in [
            &b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"[..],
            b"aabbbcccc",
            b"x",
            &long,
            // The largest count the short path holds, and one past it.
            &[7u8; 255][..],
            &[7u8; 256][..],
            &long[..255],
        ] {
            let (fast, slow) = (shannon_entropy(text), direct(text));
            assert!((fast - slow).abs() < 1e-9, "{fast} vs {slow} for {text:?}");
        }
    }

    #[test]
    fn github_checksum_matches_crc32_base62() {
        // A token whose checksum we compute here, and the same token with one body byte changed.
        let body = b"ghp_abcdefghijklmnopqrstuvwxyz0123";
        let mut crc = crc32(body);
        let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut tail = [b'0'; 6];
        for slot in tail.iter_mut().rev() {
            *slot = digits[(crc % 62) as usize];
            crc /= 62;
        }
        let mut token = body.to_vec();
        token.extend_from_slice(&tail);
        assert!(github_checksum_ok(&token));
        token[5] = b'Z';
        assert!(!github_checksum_ok(&token));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
