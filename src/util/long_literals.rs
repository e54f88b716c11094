//! A searcher for a set of long literals that skips most of the text: the known secret values'
//! forms.
//!
//! # Why not the keyword pass
//!
//! Every literal in the SIMD keyword pass costs its share of a pass over every byte (64
//! literals a pass), and literals made of hex digits or base64 letters turn every hex digest
//! in a log into candidates to verify. Twenty known values come to about 180 forms: three
//! more passes, about 19% more work on clean text. Forms are long (at least 6 bytes, a
//! 24-character value's are 24 to 48), which is what skipping searchers are made for.
//!
//! # How
//!
//! Wu and Manber's block shift: with `m` the length of the shortest literal, the text is read
//! through a window of `m` bytes, looking only at the `Q` bytes that end it. A table maps
//! (a hash of) those bytes to how far the window may move without passing an occurrence:
//! `m − Q + 1` for a `Q`-gram that ends no literal's first `m` bytes' `Q`-grams, less for one
//! that does, 0 where a literal's first `m` bytes end with it. Only at 0 are the literals of
//! that hash compared with the text. On log text the window moves about `m − Q` bytes a step.
//!
//! # Guarantees
//!
//! Every occurrence of every literal is reported, overlapping ones included, in order of
//! their start (checked against a naive search in this module's tests). Time is the text's
//! length divided by the typical shift, plus the comparisons at shift 0: at most one per
//! literal per position, each as long as the literal at worst. That worst case needs text
//! made of the literals' own prefixes, which is to say text that knows the secret. The table
//! is 32 KiB of `u8`; the table, the hashes and the literals are zeroed when dropped (the
//! hashes say something about the secrets too).

use std::ops::Range;
use zeroize::Zeroizing;

/// Bytes hashed at the end of the window.
const Q: usize = 4;
/// Bits of the hash: the shift table has `1 << HASH_BITS` entries.
const HASH_BITS: u32 = 15;
/// The window never exceeds this: the shift must fit a `u8`, and past it skips gain little.
const MAX_WINDOW: usize = 128;

/// The searcher. Build with [`LongLiterals::new`]; every literal must be at least `Q` bytes.
pub(crate) struct LongLiterals {
    /// The window: the shortest literal's length, at most [`MAX_WINDOW`].
    window: usize,
    /// For each hash of a window's last `Q` bytes: how far the window may move.
    shift: Zeroizing<Vec<u8>>,
    /// For each hash at shift 0: the literals whose first `window` bytes end with such bytes,
    /// as `hash << 32 | literal`, sorted.
    ends: Zeroizing<Vec<u64>>,
    literals: Vec<Zeroizing<Vec<u8>>>,
}

fn hash(bytes: &[u8]) -> u32 {
    let word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    word.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)
}

impl LongLiterals {
    /// A searcher for `literals`, or `None` when one is shorter than `Q` bytes (the caller
    /// searches those otherwise) or there are none.
    pub(crate) fn new<'a>(literals: impl IntoIterator<Item = &'a [u8]>) -> Option<LongLiterals> {
        let literals: Vec<Zeroizing<Vec<u8>>> = literals
            .into_iter()
            .map(|l| Zeroizing::new(l.to_vec()))
            .collect();
        let shortest = literals.iter().map(|l| l.len()).min()?;
        if shortest < Q {
            return None;
        }
        let window = shortest.min(MAX_WINDOW);
        let default = (window - Q + 1) as u8;
        let mut shift = Zeroizing::new(vec![default; 1 << HASH_BITS]);
        let mut ends = Zeroizing::new(Vec::with_capacity(literals.len()));
        for (id, literal) in literals.iter().enumerate() {
            // The Q-gram ending at byte `end` of the window may move it `window - 1 - end`.
            for end in Q - 1..window {
                let h = hash(&literal[end + 1 - Q..=end]) as usize;
                let distance = (window - 1 - end) as u8;
                shift[h] = shift[h].min(distance);
            }
            ends.push(u64::from(hash(&literal[window - Q..window])) << 32 | id as u64);
        }
        ends.sort_unstable();
        Some(LongLiterals {
            window,
            shift,
            ends,
            literals,
        })
    }

    /// Calls `f(literal index, range)` for every occurrence of every literal in `hay`, in
    /// order of their start.
    pub(crate) fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, Range<usize>)) {
        let window = self.window;
        if hay.len() < window {
            return;
        }
        let mut end = window - 1;
        while end < hay.len() {
            let h = hash(&hay[end + 1 - Q..=end]);
            let step = self.shift[h as usize];
            if step > 0 {
                end += usize::from(step);
                continue;
            }
            let start = end + 1 - window;
            let first = self.ends.partition_point(|&e| (e >> 32) < u64::from(h));
            for &e in self.ends[first..]
                .iter()
                .take_while(|&&e| (e >> 32) == u64::from(h))
            {
                let id = (e & u64::from(u32::MAX)) as usize;
                let literal = &self.literals[id];
                if hay[start..].starts_with(literal) {
                    f(id, start..start + literal.len());
                }
            }
            end += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;

    fn below(rng: &mut XorShift, n: usize) -> usize {
        (rng.next() % n as u64) as usize
    }

    /// Every occurrence of every literal, by trying each at each position, in order of start.
    fn naive(literals: &[Vec<u8>], hay: &[u8]) -> Vec<(usize, Range<usize>)> {
        let mut out = Vec::new();
        for start in 0..hay.len() {
            for (id, l) in literals.iter().enumerate() {
                if hay[start..].starts_with(l) {
                    out.push((id, start..start + l.len()));
                }
            }
        }
        out
    }

    /// What the searcher reports, in its order: by start, then literal (all literals that
    /// occur at one start share the window's last bytes, so one bucket, sorted by literal).
    fn found(searcher: &LongLiterals, hay: &[u8]) -> Vec<(usize, Range<usize>)> {
        let mut out = Vec::new();
        searcher.for_each(hay, |id, r| out.push((id, r)));
        out
    }

    #[test]
    fn finds_what_trying_every_literal_everywhere_finds() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let alphabets: [&[u8]; 3] = [
            b"ab",
            b"0123456789abcdef",
            b"abcdefghijklmnopqrstuvwxyz0123456789+/=",
        ];
        for round in 0..400 {
            let alphabet = alphabets[round % alphabets.len()];
            let count = 1 + below(&mut rng, 30);
            let literals: Vec<Vec<u8>> = (0..count)
                .map(|_| {
                    // Mostly short, some longer than the window's cap.
                    let len = if below(&mut rng, 8) == 0 {
                        MAX_WINDOW + below(&mut rng, 200)
                    } else {
                        Q + below(&mut rng, 40)
                    };
                    (0..len)
                        .map(|_| alphabet[below(&mut rng, alphabet.len())])
                        .collect()
                })
                .collect();
            let searcher = LongLiterals::new(literals.iter().map(Vec::as_slice)).unwrap();
            // Text from the same alphabet with literals planted at every kind of offset,
            // overlapping each other and at both ends.
            let mut hay: Vec<u8> = Vec::new();
            for _ in 0..below(&mut rng, 12) {
                for _ in 0..below(&mut rng, 20) {
                    hay.push(alphabet[below(&mut rng, alphabet.len())]);
                }
                let l = &literals[below(&mut rng, literals.len())];
                let cut = below(&mut rng, l.len() / 2 + 1);
                hay.truncate(hay.len().saturating_sub(cut));
                hay.extend_from_slice(l);
            }
            assert_eq!(
                found(&searcher, &hay),
                naive(&literals, &hay),
                "round {round}"
            );
        }
    }

    #[test]
    fn short_texts_and_short_literals() {
        assert!(LongLiterals::new([&b"ab"[..]]).is_none());
        assert!(LongLiterals::new(std::iter::empty()).is_none());
        let s = LongLiterals::new([&b"secret"[..], &b"secret-value"[..]]).unwrap();
        assert_eq!(found(&s, b""), vec![]);
        assert_eq!(found(&s, b"secre"), vec![]);
        assert_eq!(found(&s, b"secret-value"), vec![(0, 0..6), (1, 0..12)]);
        assert_eq!(found(&s, b"xsecretsecret"), vec![(0, 1..7), (0, 7..13)]);
    }

    #[test]
    fn long_literals_use_a_bounded_window() {
        let long: Vec<u8> = (0..500u32)
            .map(|i| b"0123456789abcdef"[(i * 7 % 16) as usize])
            .collect();
        let s = LongLiterals::new([long.as_slice()]).unwrap();
        assert_eq!(s.window, MAX_WINDOW);
        let mut hay = b"prefix ".to_vec();
        hay.extend_from_slice(&long);
        hay.extend_from_slice(b" suffix");
        assert_eq!(found(&s, &hay), vec![(0, 7..507)]);
    }
}
