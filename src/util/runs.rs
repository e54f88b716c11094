//! Runs of a byte class found through 64-byte bit masks: a mask a block, then runs,
//! their starts and their lengths from shifts and ands, a few operations a block instead of
//! a branch a byte.
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

/// `for_each_long_run` (the tests' reference) with the block masks from `mask_of` (the mask
/// of the 64 bytes from an offset, as [`block_mask`] gives it for `member`): the classifying
/// pass (`util::classify`) computes them with SIMD compares.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
