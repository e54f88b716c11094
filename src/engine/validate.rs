//! Checksums, entropy and boundary tests shared by the rules.
//!
//! Every function here works on bytes and never panics, whatever the input.

use std::ops::Range;

/// Packs 64 flags (each byte 0 or 1) into a mask, bit `i` from `flags[i]`.
///
/// One multiply gathers the low bits of eight bytes into the top byte of a word; together
/// with the compare loops that fill `flags`, the compiler turns this into SIMD compares and
/// a few multiplies, about 0.1 ns a byte, where a loop shifting one bit a byte costs ten times
/// as much.
#[inline(always)]
fn pack_flags(flags: &[u8; 64]) -> u64 {
    let mut mask = 0u64;
    for (w, eight) in flags.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        let gathered = u64::from_le_bytes(word).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= gathered << (8 * w);
    }
    mask
}

/// The mask of the bytes of `hay[from..]` (at most 64) for which `member` holds.
///
/// `member` should be a few comparisons, not a table lookup, so that the loop vectorizes.
#[cfg_attr(
    all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2"
    ),
    allow(dead_code)
)]
#[inline(always)]
pub(crate) fn block_mask(hay: &[u8], from: usize, member: impl Fn(u8) -> bool) -> u64 {
    let chunk = hay.get(from..).unwrap_or_default();
    let flags_of = |block: &[u8; 64]| {
        let mut flags = [0u8; 64];
        for (flag, &b) in flags.iter_mut().zip(block) {
            *flag = u8::from(member(b));
        }
        pack_flags(&flags)
    };
    match chunk.get(..64).and_then(|c| <&[u8; 64]>::try_from(c).ok()) {
        Some(block) => flags_of(block),
        None => {
            // The last, partial block: padded, and the padding's bits masked off.
            let mut block = [0u8; 64];
            block[..chunk.len()].copy_from_slice(chunk);
            flags_of(&block) & ((1u64 << chunk.len()) - 1)
        }
    }
}

/// Compile-time bounds on a run finder's minimum length. Associated consts rather than inline
/// `const` blocks, which need Rust 1.79 (the MSRV is 1.75); a bad `MIN` still fails the build.
struct RunLength<const MIN: usize>;

impl<const MIN: usize> RunLength<MIN> {
    const FITS_TWO_BLOCKS: () = assert!(
        MIN >= 1 && MIN <= 64,
        "runs are found within two 64-byte blocks"
    );
}

/// Calls `f` with every maximal run of `member` bytes that is at least `MIN` long
/// (`1 <= MIN <= 64`).
///
/// Membership is computed 64 bytes at a time without a branch per byte ([`block_mask`]), a
/// few constant shift-ands mark where `MIN` members in a row begin, and only those positions
/// are expanded to their run's ends, from the masks too. A skip scan (one probe every `MIN`
/// bytes) would mispredict on most probes for short minimums, because log lines are full of
/// short digit runs (timestamps, ids), and it would read bytes the classifying pass has
/// already classified for the other scanners.
#[cfg(test)]
pub(crate) fn for_each_long_run<const MIN: usize>(
    hay: &[u8],
    member: impl Fn(u8) -> bool + Copy,
    f: impl FnMut(Range<usize>),
) {
    for_each_long_run_masked::<MIN>(hay, |from| block_mask(hay, from, member), member, f);
}

/// [`for_each_long_run`] with the block masks from `mask_of` (the mask of the 64 bytes from
/// an offset, as [`block_mask`] gives it for `member`): the classifying pass
/// (`engine::classify`) computes them with SIMD compares.
pub(crate) fn for_each_long_run_masked<const MIN: usize>(
    hay: &[u8],
    mask_of: impl Fn(usize) -> u64,
    member: impl Fn(u8) -> bool + Copy,
    mut f: impl FnMut(Range<usize>),
) {
    let () = RunLength::<MIN>::FITS_TWO_BLOCKS;
    let mask_of = |block: usize| mask_of(block * 64);
    let blocks = hay.len().div_ceil(64);
    let mut done = 0;
    let mut current = mask_of(0);
    for block in 0..blocks {
        let next = if block + 1 < blocks {
            mask_of(block + 1)
        } else {
            0
        };
        let both = u128::from(current) | (u128::from(next) << 64);
        let long = long_run_starts::<MIN>(both);
        let base = block * 64;
        let below = |end: usize| -> u64 {
            match end.saturating_sub(base) {
                0 => !0,
                n if n >= 64 => 0,
                n => !0u64 << n,
            }
        };
        let mut starts = (long as u64) & below(done);
        while starts != 0 {
            let probe = base + starts.trailing_zeros() as usize;
            // A run's first long position is its start, unless the run began before `done`
            // (only where an earlier block's run ended early at its mask's edge).
            let mut start = probe;
            while start > done && member(hay[start - 1]) {
                start -= 1;
            }
            // The run's end, from the masks while it lies inside them: a long run of members
            // (a timestamp, a number) must not cost a branch per byte.
            let from_base = probe - base;
            let mut end = probe + (both >> from_base).trailing_ones() as usize;
            if end == base + 128 {
                while end < hay.len() && member(hay[end]) {
                    end += 1;
                }
            }
            f(start..end);
            done = end;
            starts &= below(end);
        }
        current = next;
    }
}

/// Bit `p` is set where the `MIN` bits from `p` on are all set in `both` (two blocks' masks,
/// the second in the high half): a few constant shift-ands (`1 <= MIN <= 64`).
#[inline(always)]
pub(crate) fn long_run_starts<const MIN: usize>(both: u128) -> u128 {
    let mut long = both;
    let mut covered = 1;
    while covered * 2 <= MIN {
        long &= long >> covered;
        covered *= 2;
    }
    if covered < MIN {
        long &= long >> (MIN - covered);
    }
    long
}

/// True for bytes that continue an identifier-like token.
#[inline]
pub(crate) fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// True when a token may start at `at`: the text starts there, or the byte before is not
/// alphanumeric, or it ends an escape that a formatter put there (`\n` in Debug output,
/// `%2F` in a URL), which are separators in disguise.
pub(crate) fn starts_token(hay: &[u8], at: usize) -> bool {
    if at == 0 || at > hay.len() {
        return true;
    }
    if !is_alnum(hay[at - 1]) {
        return true;
    }
    let escaped = at >= 2 && hay[at - 2] == b'\\' && matches!(hay[at - 1], b'n' | b'r' | b't');
    let percent = at >= 3
        && hay[at - 3] == b'%'
        && hay[at - 2].is_ascii_hexdigit()
        && hay[at - 1].is_ascii_hexdigit();
    escaped || percent
}

/// True when a token may end at `at` (exclusive).
///
/// One of our markers right after counts as a continuation: it replaced a secret that was glued
/// to this one, and a second pass must decide as the first did.
pub(crate) fn ends_token(hay: &[u8], at: usize) -> bool {
    at >= hay.len() || !(is_alnum(hay[at]) || hay[at..].starts_with(b"[REDACTED"))
}

/// A set of bytes as a lookup table: one load a byte, where a chain of range tests is several
/// compares and branches.
pub(crate) struct ByteSet([bool; 256]);

impl ByteSet {
    /// The bytes of the inclusive `ranges` and the `singles`.
    pub(crate) const fn new(ranges: &[(u8, u8)], singles: &[u8]) -> ByteSet {
        let mut table = [false; 256];
        let mut r = 0;
        while r < ranges.len() {
            let mut b = ranges[r].0 as usize;
            while b <= ranges[r].1 as usize {
                table[b] = true;
                b += 1;
            }
            r += 1;
        }
        let mut s = 0;
        while s < singles.len() {
            table[singles[s] as usize] = true;
            s += 1;
        }
        ByteSet(table)
    }

    /// Every byte but the `excluded`.
    pub(crate) const fn all_but(excluded: &[u8]) -> ByteSet {
        let mut table = [true; 256];
        let mut s = 0;
        while s < excluded.len() {
            table[excluded[s] as usize] = false;
            s += 1;
        }
        ByteSet(table)
    }

    #[inline]
    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }

    /// How many bytes at the start of `bytes`, at most `max`, are in the set.
    #[inline]
    pub(crate) fn leading(&self, bytes: &[u8], max: usize) -> usize {
        count_while(bytes, max, |b| self.contains(b))
    }
}

/// Fewer than five distinct letters and digits: `AKIAXXXXXXXXXXXXXXXX`, `hf_aaaa…` and
/// `ghp_xxxx…` are documentation placeholders, not credentials.
pub(crate) fn looks_like_placeholder(secret: &[u8]) -> bool {
    let mut seen = [false; 128];
    let mut distinct = 0;
    for &b in secret {
        if b.is_ascii_alphanumeric() && !seen[usize::from(b)] {
            seen[usize::from(b)] = true;
            distinct += 1;
            if distinct >= 5 {
                return false;
            }
        }
    }
    true
}

/// `[A-Za-z0-9]`, the alphanumerics most token bodies are made of.
pub(crate) const ALNUM: &[(u8, u8)] = &[(b'A', b'Z'), (b'a', b'z'), (b'0', b'9')];

/// How many bytes from the start of `bytes`, at most `max`, satisfy `class`.
///
/// A plain indexed loop: `iter().take().take_while().count()` kept two counters a byte and
/// ran at half the speed.
#[inline]
pub(crate) fn count_while(bytes: &[u8], max: usize, class: impl Fn(u8) -> bool) -> usize {
    let limit = bytes.len().min(max);
    let mut i = 0;
    while i < limit && class(bytes[i]) {
        i += 1;
    }
    i
}

/// Whether `text` holds the start of one of our redaction markers (`[REDACTED`).
///
/// `memchr` for `[` and a comparison at each: `memmem::find` would build a searcher on every
/// call, which cost more than the search on the short spans checked here.
pub(crate) fn contains_marker(text: &[u8]) -> bool {
    memchr::memchr_iter(b'[', text).any(|at| text[at..].starts_with(b"[REDACTED"))
}

/// Whether `text` ends with one of our redaction markers (`[REDACTED:us-ssn]`), which stands
/// for a word: the prose test must see the same thing before and after redaction.
pub(crate) fn ends_with_marker(text: &[u8]) -> bool {
    let tail = &text[text.len().saturating_sub(80)..];
    tail.ends_with(b"]")
        && tail
            .iter()
            .rposition(|&b| b == b'[')
            .is_some_and(|open| tail[open..].starts_with(b"[REDACTED"))
}

/// Whether `at` lies inside the rule id of one of our markers (`[REDACTED:aws-session-token]`):
/// the key stems there (`session`, `token`) name a rule, not a key. The whole marker must be
/// there, closing `]` included: `[REDACTED:x-password=hunter2` is a key and its value.
pub(crate) fn inside_marker(hay: &[u8], at: usize) -> bool {
    const OPEN: &[u8] = b"[REDACTED:";
    const LONGEST_ID: usize = 64;
    let is_id_byte = |b: u8| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-');
    let mut start = at;
    let floor = at.saturating_sub(LONGEST_ID);
    while start > floor && is_id_byte(hay[start - 1]) {
        start -= 1;
    }
    if start < OPEN.len() || &hay[start - OPEN.len()..start] != OPEN {
        return false;
    }
    let ceiling = (start + LONGEST_ID).min(hay.len());
    let end = (at..ceiling).find(|&i| !is_id_byte(hay[i]));
    end.is_some_and(|end| hay[end] == b']')
}

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

    #[test]
    fn long_runs_are_all_found_whatever_their_alignment() {
        let set = |b: u8| b.is_ascii_digit();
        for pad in 0..12 {
            let text = format!("{}1234567 ab 123456789012 c 12345678", "x".repeat(pad));
            let mut runs = Vec::new();
            for_each_long_run::<8>(text.as_bytes(), set, |r| runs.push(text[r].to_string()));
            assert_eq!(runs, ["123456789012", "12345678"], "pad {pad}");
        }
    }

    #[test]
    fn runs_across_block_boundaries_and_at_the_ends() {
        let set = |b: u8| b.is_ascii_digit() || b == b' ';
        for pad in 0..140 {
            let text = format!("{}a  b c 4111 1111 1111 1111 d 123456789", "x".repeat(pad));
            let mut runs = Vec::new();
            for_each_long_run::<9>(text.as_bytes(), set, |r| {
                runs.push(text[r].trim().to_string())
            });
            assert_eq!(runs, ["4111 1111 1111 1111", "123456789"], "pad {pad}");
        }
        let mut runs = Vec::new();
        let long = "7".repeat(300);
        for_each_long_run::<40>(long.as_bytes(), set, |r| runs.push(r));
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0], 0..300);
        for_each_long_run::<9>(b"", set, |_| panic!("nothing in an empty text"));
        for_each_long_run::<9>(b"12345678", set, |_| panic!("one short of the minimum"));
    }

    /// Every maximal run of at least `min` members, byte by byte: the reference.
    fn runs_by_hand(hay: &[u8], member: impl Fn(u8) -> bool, min: usize) -> Vec<Range<usize>> {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < hay.len() {
            let start = i;
            while i < hay.len() && member(hay[i]) {
                i += 1;
            }
            if i - start >= min {
                runs.push(start..i);
            }
            i = i.max(start + 1);
        }
        runs
    }

    /// Deterministic texts of every length up to 300, made of stretches of digit-like bytes,
    /// of base64 bytes and of anything (bytes above 127 included), 1 to 80 bytes each, so that
    /// runs of every length occur at every alignment.
    fn mixed_texts() -> Vec<Vec<u8>> {
        let mut rng = crate::test_rng::XorShift(0x2545_F491_4F6C_DD1D);
        let mut next = move || rng.next();
        let kinds: [&[u8]; 3] = [b"0123456789 -", b"aZ09+/xQ", b"aZ09+/ -.:\\\xe9\x00"];
        (0..600)
            .map(|i| {
                let len = i % 300;
                let mut text = Vec::with_capacity(len);
                while text.len() < len {
                    let kind = kinds[(next() % 3) as usize];
                    let stretch = (1 + next() % 80) as usize;
                    for _ in 0..stretch.min(len - text.len()) {
                        text.push(kind[(next() >> 8) as usize % kind.len()]);
                    }
                }
                text
            })
            .collect()
    }

    #[test]
    fn block_masks_agree_with_a_byte_by_byte_test() {
        let member = |b: u8| b.is_ascii_alphanumeric() || b == b'+';
        for text in mixed_texts() {
            for from in (0..=text.len()).step_by(13) {
                let want = text[from..]
                    .iter()
                    .take(64)
                    .enumerate()
                    .fold(0u64, |m, (i, &b)| m | (u64::from(member(b)) << i));
                assert_eq!(
                    block_mask(&text, from, member),
                    want,
                    "{text:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn run_finders_agree_with_a_byte_by_byte_scan() {
        let base64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        let digits = |b: u8| b.is_ascii_digit() || b == b' ' || b == b'-';
        let (mut digit_runs, mut key_runs) = (0, 0);
        for text in mixed_texts() {
            let mut found = Vec::new();
            for_each_long_run::<9>(&text, digits, |r| found.push(r));
            assert_eq!(found, runs_by_hand(&text, digits, 9), "{text:?}");
            digit_runs += found.len();
            let mut found = Vec::new();
            for_each_long_run::<40>(&text, base64, |r| found.push(r));
            assert_eq!(found, runs_by_hand(&text, base64, 40), "{text:?}");
            key_runs += found.len();
        }
        // The texts must hold runs to find, or the comparisons above prove nothing.
        assert!(
            digit_runs > 100 && key_runs > 100,
            "{digit_runs} {key_runs}"
        );
    }

    #[test]
    fn token_boundaries_see_through_escapes() {
        assert!(starts_token(b"x=AKIA", 2));
        assert!(!starts_token(b"xAKIA", 1));
        assert!(starts_token(b"a\\nAKIA", 3));
        assert!(starts_token(b"a%2FAKIA", 4));
        assert!(ends_token(b"AKIA", 4));
        assert!(!ends_token(b"AKIAx", 4));
    }

    #[test]
    fn stems_inside_marker_ids_are_recognised() {
        let text = b"token=[REDACTED:aws-session-token] session=x";
        let at = |needle: &[u8], from: usize| {
            from + text[from..]
                .windows(needle.len())
                .position(|w| w == needle)
                .expect("present")
        };
        assert!(inside_marker(text, at(b"session", 0)), "in the marker");
        assert!(inside_marker(text, at(b"token", 10)), "in the marker");
        assert!(!inside_marker(text, at(b"token", 0)), "the key before it");
        assert!(!inside_marker(text, at(b"session", 30)), "the key after it");
        assert!(!inside_marker(b"[REDACTED]token", 10), "not a rule marker");
        assert!(
            !inside_marker(b"[REDACTED:x-password=hunter2", 12),
            "no closing bracket: a key"
        );
        assert!(!inside_marker(b"[REDACTED:token", 10), "cut off: a key");
    }
}
