//! The classifying pass: byte classes of 64-byte blocks as bit masks.
//!
//! Scanners that look for runs of a class (token runs for the shape dispatch, number bytes
//! for the digit scanner) read the text through these masks: bit `i` of a mask is byte `i` of the block. Runs, their starts and the bytes
//! before them then come from shifts and ands, a few operations a block instead of a
//! branch a byte.
//!
//! # Implementations
//!
//! * [`portable`]: one compare loop a class (`validate::block_mask`). The reference:
//!   every other implementation must give its masks bit for bit.
//! * `sse2` (x86 and x86-64, where SSE2 is part of the baseline): sixteen bytes a compare
//!   with `safe_arch`'s safe wrappers of the SSE2 intrinsics and `movemask`, so the crate
//!   stays free of `unsafe`. About four times faster than the portable loop.
//!
//! The `*_mask` functions use the fastest available at compile time; the tests compare every
//! implementation with [`portable`] at every length and alignment.

/// The mask of the token-run bytes (`[A-Za-z0-9_.+/=-]`, `rules::shape::in_token_run`)
/// among the (up to) 64 bytes of `hay` from `from`; past the end, bytes are in no class.
#[inline]
pub(crate) fn token_run_mask(hay: &[u8], from: usize) -> u64 {
    with_block(hay, from, imp::token_run_block)
}

/// The mask of `+`, `/` and `=` (a token may start right after one) from `from`.
#[inline]
pub(crate) fn opener_mask(hay: &[u8], from: usize) -> u64 {
    with_block(hay, from, imp::opener_block)
}

/// The mask of the number bytes ([`portable::is_number`]) from `from`: what the digit
/// scanner's runs are made of.
#[inline]
pub(crate) fn number_mask(hay: &[u8], from: usize) -> u64 {
    with_block(hay, from, imp::number_block)
}

/// `mask_of` the 64 bytes from `from`, the last partial block padded with zero bytes (which
/// are in no class).
#[inline(always)]
fn with_block(hay: &[u8], from: usize, mask_of: fn(&[u8; 64]) -> u64) -> u64 {
    if let Some(block) = hay
        .get(from..from + 64)
        .and_then(|b| <&[u8; 64]>::try_from(b).ok())
    {
        return mask_of(block);
    }
    let chunk = hay.get(from..).unwrap_or_default();
    let mut block = [0u8; 64];
    block[..chunk.len()].copy_from_slice(chunk);
    mask_of(&block)
}

#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
use sse2 as imp;

#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
use portable as imp;

/// The reference implementation: plain compares, flags packed a multiply for eight. Where
/// SSE2 classifies, only the tests call it.
#[cfg_attr(
    all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2"
    ),
    allow(dead_code)
)]
pub(crate) mod portable {
    use crate::engine::validate::block_mask;

    pub(crate) use crate::rules::shape::{in_token_run as is_run, opens_token as is_opener};

    /// Bytes that can occur inside a card, SSN, phone, IBAN or IPv4 as written: digits,
    /// upper-case letters (IBAN), space, `-`, `.`, `(`, `)`, `+`.
    pub(crate) fn is_number(b: u8) -> bool {
        b.is_ascii_digit()
            || b.is_ascii_uppercase()
            || matches!(b, b' ' | b'-' | b'.' | b'(' | b')' | b'+')
    }

    pub(crate) fn token_run_block(block: &[u8; 64]) -> u64 {
        block_mask(block, 0, is_run)
    }

    pub(crate) fn opener_block(block: &[u8; 64]) -> u64 {
        block_mask(block, 0, is_opener)
    }

    pub(crate) fn number_block(block: &[u8; 64]) -> u64 {
        block_mask(block, 0, is_number)
    }
}

/// SSE2 through `safe_arch`: four 16-byte lanes a block.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
mod sse2 {
    use safe_arch::{
        add_i8_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, m128i, min_u8_m128i,
        move_mask_i8_m128i, set_splat_i8_m128i,
    };

    fn splat(b: u8) -> m128i {
        set_splat_i8_m128i(i8::from_ne_bytes([b]))
    }

    /// Bytes in `lo..=hi`: `b - lo` is at most `hi - lo` unsigned, which SSE2 tests as
    /// `min(b - lo, hi - lo) == b - lo`.
    fn in_range(v: m128i, lo: u8, hi: u8) -> m128i {
        let shifted = add_i8_m128i(v, splat(lo.wrapping_neg()));
        cmp_eq_mask_i8_m128i(min_u8_m128i(shifted, splat(hi - lo)), shifted)
    }

    fn eq(v: m128i, b: u8) -> m128i {
        cmp_eq_mask_i8_m128i(v, splat(b))
    }

    fn bits(m: m128i) -> u64 {
        u64::from(move_mask_i8_m128i(m) as u16)
    }

    /// The sixteen bytes of `block` from `16 * lane`.
    fn lane(block: &[u8; 64], lane: usize) -> m128i {
        // A view of the block, not a copy: a copy through the stack stalls the load.
        let (sixteen, _) = block[16 * lane..].split_at(16);
        match <&[u8; 16]>::try_from(sixteen) {
            Ok(bytes) => load_unaligned_m128i(bytes),
            Err(_) => m128i::default(),
        }
    }

    /// `f` of each 16-byte lane, packed into one mask.
    #[inline(always)]
    fn per_lane(block: &[u8; 64], f: impl Fn(m128i) -> m128i) -> u64 {
        let mut out = 0;
        for i in 0..4 {
            out |= bits(f(lane(block, i))) << (16 * i);
        }
        out
    }

    #[inline]
    pub(crate) fn token_run_block(block: &[u8; 64]) -> u64 {
        per_lane(block, |v| {
            let letter = in_range(v | splat(0x20), b'a', b'z');
            // `-`, `.`, `/` and the digits are one range.
            let dash_to_nine = in_range(v, b'-', b'9');
            letter | dash_to_nine | eq(v, b'+') | eq(v, b'=') | eq(v, b'_')
        })
    }

    #[inline]
    pub(crate) fn opener_block(block: &[u8; 64]) -> u64 {
        per_lane(block, |v| eq(v, b'+') | eq(v, b'/') | eq(v, b'='))
    }

    #[inline]
    pub(crate) fn number_block(block: &[u8; 64]) -> u64 {
        per_lane(block, |v| {
            in_range(v, b'0', b'9')
                | in_range(v, b'A', b'Z')
                | in_range(v, b'-', b'.')
                | in_range(v, b'(', b')')
                | eq(v, b' ')
                | eq(v, b'+')
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;

    type Class = (fn(&[u8; 64]) -> u64, fn(&[u8; 64]) -> u64, fn(u8) -> bool);

    /// Each class: the compiled implementation, the reference, the definition.
    const CLASSES: [Class; 3] = [
        (
            imp::token_run_block,
            portable::token_run_block,
            portable::is_run,
        ),
        (
            imp::opener_block,
            portable::opener_block,
            portable::is_opener,
        ),
        (
            imp::number_block,
            portable::number_block,
            portable::is_number,
        ),
    ];

    /// Every byte value at every position, and random blocks: the compiled implementation
    /// gives the reference's masks, and the reference gives each class's definition.
    #[test]
    fn every_implementation_agrees_with_the_reference() {
        let check = |block: &[u8; 64]| {
            for (fast, reference, definition) in CLASSES {
                let want = reference(block);
                assert_eq!(fast(block), want, "{block:?}");
                for (i, &b) in block.iter().enumerate() {
                    assert_eq!(want >> i & 1 == 1, definition(b), "{b}");
                }
            }
        };
        for value in 0..=255u8 {
            for at in 0..64 {
                let mut block = [b'a'; 64];
                block[at] = value;
                check(&block);
            }
        }
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let mut block = [0u8; 64];
            for b in block.iter_mut() {
                *b = rng.next() as u8;
            }
            check(&block);
        }
    }

    /// At every length and offset, including the last partial block.
    #[test]
    fn partial_blocks_are_classified_and_masked() {
        let text: Vec<u8> = (0..200u32).map(|i| (i * 37 % 256) as u8).collect();
        type Mask = fn(&[u8], usize) -> u64;
        type Definition = fn(u8) -> bool;
        let masks: [(Mask, Definition); 3] = [
            (token_run_mask, portable::is_run),
            (opener_mask, portable::is_opener),
            (number_mask, portable::is_number),
        ];
        for from in 0..text.len() + 2 {
            for len in [0, 1, 15, 16, 17, 63, 64, 65, 130] {
                let hay = &text[..(from + len).min(text.len())];
                for (mask, definition) in masks {
                    let mut want = 0u64;
                    for (i, &b) in hay.iter().skip(from).take(64).enumerate() {
                        want |= u64::from(definition(b)) << i;
                    }
                    assert_eq!(mask(hay, from), want, "from {from} len {len}");
                }
            }
        }
    }
}
