//! The classifying pass: byte classes of 64-byte blocks as bit masks.
//!
//! Scanners that look for runs of a class read the text through these masks: bit `i` of a
//! mask is byte `i` of the block. Runs, their starts and the bytes before them then come from
//! shifts and ands, a few operations a block instead of a branch a byte.
//!
//! [`Classified`] computes every class of a text's blocks in one pass, each 16 bytes loaded
//! once for all classes, and the scanners read it in turn: the shape dispatch (token runs
//! and the bytes a token may start after), the digit scanner (number bytes) and the key-run
//! scan (base64 key bytes).
//!
//! # Implementations
//!
//! * [`portable`]: one compare loop a class (`util::runs::block_mask`). The reference:
//!   every other implementation must give its masks bit for bit.
//! * `sse2` (x86 and x86-64, where SSE2 is part of the baseline): sixteen bytes a compare
//!   with `safe_arch`'s safe wrappers of the SSE2 intrinsics and `movemask`, so the crate
//!   stays free of `unsafe`. About four times faster than the portable loop.
//!
//! The `*_mask` functions use the fastest available at compile time; the tests compare every
//! implementation with [`portable`] at every length and alignment.

use crate::util::runs::long_run_starts;
use crate::util::text::{ByteSet, ALNUM};

/// The classes of one 64-byte block, a mask each (bit `i` for byte `i`).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct BlockClasses {
    /// Token-run bytes, [`portable::is_run`].
    pub(crate) run: u64,
    /// Bytes a token may start after, [`portable::is_opener`].
    pub(crate) opener: u64,
    /// Key bytes, [`portable::is_key`].
    pub(crate) key: u64,
    /// Number bytes, [`portable::is_number`].
    pub(crate) number: u64,
}

/// Bytes that can continue a token run: `[A-Za-z0-9_.+/=-]`, the alphabets of every token
/// shape (`rules::shape`) and of base64 with either padding.
#[inline]
pub(crate) fn in_token_run(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+' | b'/' | b'=')
}

/// Bytes inside a token run after which a token may start: `key=token`, `path/token`.
/// (The classifying pass tests them with SIMD compares; this is the definition.)
#[inline]
pub(crate) fn opens_token(b: u8) -> bool {
    matches!(b, b'+' | b'/' | b'=')
}

/// `[A-Za-z0-9+/]`, the bytes of a secret access key, as a table: the definition of the
/// key class, which the tests check the classifying pass's key mask against.
pub(crate) static KEY_BYTES: ByteSet = ByteSet::new(ALNUM, b"+/");

/// How many blocks [`Classified`] holds (512 bytes of text, 256 bytes of masks on the stack): most
/// field values and log lines fit, and a longer text's later blocks are classified by each
/// scanner as it reads them, at the cost of one class each.
const HELD_BLOCKS: usize = 8;

/// A text with the classes of its first [`HELD_BLOCKS`] blocks, computed once and read by
/// every scanner. Nothing is allocated.
pub(crate) struct Classified<'h> {
    hay: &'h [u8],
    held: usize,
    blocks: [BlockClasses; HELD_BLOCKS],
    /// Whether the text may hold a run of [`LONG_RUN`] token-run bytes: false only when it
    /// is all held and has none.
    long_token_runs: bool,
}

/// The run length [`Classified::may_hold_long_token_runs`] answers for: no longer than the
/// shortest token run the shape dispatch looks at, nor than any key run (both assert it).
pub(crate) const LONG_RUN: usize = 24;

impl<'h> Classified<'h> {
    /// Classifies `hay`'s blocks (the first [`HELD_BLOCKS`]).
    #[inline]
    pub(crate) fn new(hay: &'h [u8]) -> Classified<'h> {
        let held = hay.len().div_ceil(64).min(HELD_BLOCKS);
        let mut blocks = [BlockClasses::default(); HELD_BLOCKS];
        for (i, classes) in blocks[..held].iter_mut().enumerate() {
            *classes = with_block(hay, i * 64, imp::classify_block);
        }
        // A few shift-ands a block, so that a text without a long token run (a third of log
        // lines) skips the shape dispatch and the key-run scan.
        let long_token_runs = held < hay.len().div_ceil(64)
            || blocks[..held].iter().enumerate().any(|(i, classes)| {
                let next = blocks.get(i + 1).map_or(0, |c| c.run);
                long_run_starts::<LONG_RUN>(u128::from(classes.run) | u128::from(next) << 64) != 0
            });
        Classified {
            hay,
            held,
            blocks,
            long_token_runs,
        }
    }

    /// `hay` with no class computed up front: each is computed where a scanner asks for it,
    /// as for blocks past the held ones. For engines none of whose scanners reads the
    /// classes (an e-mail-only redactor, custom rules alone), which would otherwise pay
    /// for a pass nobody reads.
    #[inline]
    pub(crate) fn unclassified(hay: &'h [u8]) -> Classified<'h> {
        Classified {
            hay,
            held: 0,
            blocks: [BlockClasses::default(); HELD_BLOCKS],
            long_token_runs: true,
        }
    }

    /// Whether the text may hold a run of at least [`LONG_RUN`] token-run bytes
    /// (`[A-Za-z0-9_.+/=-]`); when false, it holds none.
    pub(crate) fn may_hold_long_token_runs(&self) -> bool {
        self.long_token_runs
    }

    /// The text.
    pub(crate) fn hay(&self) -> &'h [u8] {
        self.hay
    }

    /// The held classes of the block at `from` (a multiple of 64), if held.
    #[inline(always)]
    fn held(&self, from: usize) -> Option<&BlockClasses> {
        debug_assert!(from % 64 == 0, "blocks start at multiples of 64");
        self.blocks[..self.held].get(from / 64)
    }

    /// [`token_run_mask`] of the block at `from`, a multiple of 64.
    #[inline(always)]
    pub(crate) fn run(&self, from: usize) -> u64 {
        self.held(from)
            .map_or_else(|| token_run_mask(self.hay, from), |c| c.run)
    }

    /// [`opener_mask`] of the block at `from`, a multiple of 64.
    #[inline(always)]
    pub(crate) fn opener(&self, from: usize) -> u64 {
        self.held(from)
            .map_or_else(|| opener_mask(self.hay, from), |c| c.opener)
    }

    /// [`key_mask`] of the block at `from`, a multiple of 64.
    #[inline(always)]
    pub(crate) fn key(&self, from: usize) -> u64 {
        self.held(from)
            .map_or_else(|| key_mask(self.hay, from), |c| c.key)
    }

    /// [`number_mask`] of the block at `from`, a multiple of 64.
    #[inline(always)]
    pub(crate) fn number(&self, from: usize) -> u64 {
        self.held(from)
            .map_or_else(|| number_mask(self.hay, from), |c| c.number)
    }
}

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

/// The mask of the key bytes ([`portable::is_key`]) from `from`: what AWS secret keys and
/// the other base64 keys of the key-run scan are made of.
#[inline]
pub(crate) fn key_mask(hay: &[u8], from: usize) -> u64 {
    with_block(hay, from, imp::key_block)
}

/// `mask_of` the 64 bytes from `from`, the last partial block padded with zero bytes (which
/// are in no class).
#[inline(always)]
fn with_block<T>(hay: &[u8], from: usize, mask_of: fn(&[u8; 64]) -> T) -> T {
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
    use super::BlockClasses;
    use crate::util::runs::block_mask;

    pub(crate) use super::{in_token_run as is_run, opens_token as is_opener};

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

    /// Bytes of a base64 key (`[A-Za-z0-9+/]`): the key-run scan's runs
    /// (`rules::aws::KEY_BYTES`).
    pub(crate) fn is_key(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
    }

    pub(crate) fn key_block(block: &[u8; 64]) -> u64 {
        block_mask(block, 0, is_key)
    }

    pub(crate) fn classify_block(block: &[u8; 64]) -> BlockClasses {
        BlockClasses {
            run: token_run_block(block),
            opener: opener_block(block),
            key: key_block(block),
            number: number_block(block),
        }
    }
}

/// SSE2 through `safe_arch`: four 16-byte lanes a block.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
mod sse2 {
    use super::BlockClasses;
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

    #[inline]
    pub(crate) fn key_block(block: &[u8; 64]) -> u64 {
        per_lane(block, |v| {
            in_range(v | splat(0x20), b'a', b'z')
                | in_range(v, b'0', b'9')
                | eq(v, b'+')
                | eq(v, b'/')
        })
    }

    /// Every class of a block, each lane loaded once and the compares the classes share
    /// (letters, digits, `+`, `/`) made once.
    #[inline]
    pub(crate) fn classify_block(block: &[u8; 64]) -> BlockClasses {
        let mut classes = BlockClasses::default();
        for i in 0..4 {
            let v = lane(block, i);
            let letter = in_range(v | splat(0x20), b'a', b'z');
            let digit = in_range(v, b'0', b'9');
            let plus = eq(v, b'+');
            let slash = eq(v, b'/');
            let equals = eq(v, b'=');
            let dash_dot = in_range(v, b'-', b'.');
            let key = letter | digit | plus | slash;
            let opener = plus | slash | equals;
            let run = key | equals | dash_dot | eq(v, b'_');
            let number = digit
                | in_range(v, b'A', b'Z')
                | dash_dot
                | in_range(v, b'(', b')')
                | eq(v, b' ')
                | plus;
            let shift = 16 * i;
            classes.run |= bits(run) << shift;
            classes.opener |= bits(opener) << shift;
            classes.key |= bits(key) << shift;
            classes.number |= bits(number) << shift;
        }
        classes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;

    type Class = (fn(&[u8; 64]) -> u64, fn(&[u8; 64]) -> u64, fn(u8) -> bool);

    /// Each class: the compiled implementation, the reference, the definition.
    const CLASSES: [Class; 4] = [
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
        (imp::key_block, portable::key_block, portable::is_key),
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
            let all = imp::classify_block(block);
            assert_eq!(all, portable::classify_block(block), "{block:?}");
            assert_eq!(
                [all.run, all.opener, all.number, all.key],
                CLASSES.map(|(fast, _, _)| fast(block))
            );
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
        let masks: [(Mask, Definition); 4] = [
            (token_run_mask, portable::is_run),
            (opener_mask, portable::is_opener),
            (number_mask, portable::is_number),
            (key_mask, portable::is_key),
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

    #[test]
    fn key_bytes_are_the_key_run_scans_bytes() {
        for b in 0..=255u8 {
            assert_eq!(portable::is_key(b), KEY_BYTES.contains(b), "{b}");
        }
    }

    /// Held and not held blocks give what each class's own mask gives, at every length
    /// around the held limit.
    #[test]
    fn a_classified_text_reads_like_the_masks() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let alphabet = b"aZ09+/=_-. ()@:%\\\"\n";
        let (mut long, mut short) = (0, 0);
        for len in (0..200).chain(HELD_BLOCKS * 64 - 70..HELD_BLOCKS * 64 + 140) {
            let mut text: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.next() as usize % alphabet.len()])
                .collect();
            // Every other text gets a run of LONG_RUN - 1 or LONG_RUN token bytes, often
            // across a block edge or the held limit: both answers must be exercised.
            if len > LONG_RUN && len % 2 == 0 {
                let run = LONG_RUN - 1 + (rng.next() % 2) as usize;
                let edge = [64, 128, HELD_BLOCKS * 64][(rng.next() % 3) as usize];
                let at = edge.saturating_sub(run / 2).min(len.saturating_sub(run));
                if at + run <= len {
                    text[at..at + run].fill(b'a');
                    text[at.saturating_sub(1)] = b' ';
                    if at + run < len {
                        text[at + run] = b' ';
                    }
                }
            }
            let classified = Classified::new(&text);
            assert_eq!(classified.hay(), &text[..]);
            let longest = text
                .split(|&b| !portable::is_run(b))
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0);
            if longest >= LONG_RUN {
                assert!(classified.may_hold_long_token_runs(), "{text:?}");
                long += 1;
            } else if len <= HELD_BLOCKS * 64 {
                assert!(!classified.may_hold_long_token_runs(), "{text:?}");
                short += 1;
            }
            let unclassified = Classified::unclassified(&text);
            assert!(unclassified.may_hold_long_token_runs());
            for from in (0..len + 64).step_by(64) {
                for c in [&classified, &unclassified] {
                    assert_eq!(c.run(from), token_run_mask(&text, from));
                    assert_eq!(c.opener(from), opener_mask(&text, from));
                    assert_eq!(c.key(from), key_mask(&text, from));
                    assert_eq!(c.number(from), number_mask(&text, from));
                }
            }
        }
        assert!(long > 50 && short > 50, "{long} {short}");
    }
}
