//! The keyword pass: every occurrence of every rule keyword and key-name stem, in a few SIMD
//! passes.
//!
//! # Searchers
//!
//! The literals are searched with aho-corasick's `packed` Teddy searcher where the CPU has
//! SSSE3 or AVX2, else with its automaton. One Teddy pass takes at most [`TEDDY_GROUP`]
//! literals (past that, `packed` falls back to Rabin-Karp, several times slower), so the
//! literals are split into groups, one pass each:
//!
//! * the key-name stems are all in the first group, because the key-value parser must see
//!   them in text order;
//! * rule keywords only mark a rule as triggered or record an anchor, so their order does not
//!   matter: they are sorted (similar literals land in the same group), the stems' group takes
//!   the first of them up to an even share of all literals, and the rest are cut into as few
//!   groups as fit;
//! * past [`MAX_TEDDY_RULE_LITERALS`] rule keywords (thousands of custom keywords), one
//!   automaton takes them all, in one pass whatever their number.
//!
//! # Order inside a group
//!
//! Teddy looks at the first three or four bytes of each literal through 8 or 16 *buckets*:
//! a position is a candidate for a bucket when each of its bytes has a low nibble and a high
//! nibble that some literal of the bucket has at that offset. A bucket that mixes `AKIA`,
//! `eyJ` and `xox` accepts many byte combinations that none of them has, and every
//! candidate costs a verification. aho-corasick 1.1 puts a literal whose low-nibble prefix is
//! new into bucket `B − 1 − (id mod B)`, where `id` is its position in the list, and the
//! rest next to the literal with the same prefix (case variants stay together). So the order
//! of the list steers the buckets: [`bucket_order`] groups literals whose bytes share nibbles,
//! judged against a model of log text (lower-case letters, digits and spaces common,
//! upper-case rarer), and lays them out so that each group gets the ids of one bucket. On the
//! benchmark corpus this cut the keyword pass from 1.01 to 0.76 ns per byte. If a later
//! aho-corasick assigns buckets differently, only speed changes, never what is found.
//!
//! # Overlapping occurrences
//!
//! Teddy reports non-overlapping matches, leftmost first: an occurrence that starts inside
//! (or at the start of) a reported one is skipped. That would hide `gho_` inside a longer
//! custom keyword `xgho_`, or one of two keywords that share a prefix. So each literal carries
//! the list of literals of its group that can start inside it, with their offsets, and every
//! reported match checks them in place: a few byte comparisons, and every occurrence of every
//! literal is reported.

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::ops::Range;

/// The most literals one Teddy pass takes (aho-corasick's `packed` limit for its fast path).
const TEDDY_GROUP: usize = 64;

/// Past this many rule keywords, one automaton searches them all: Teddy passes add up, an
/// automaton's cost hardly grows with the number of literals.
const MAX_TEDDY_RULE_LITERALS: usize = 4 * TEDDY_GROUP;

/// The keyword searcher of an engine.
pub(crate) struct Keywords {
    groups: Vec<Group>,
    literals: Vec<Box<[u8]>>,
    /// For each literal: `(other, offset)` for every literal of the same group that can start
    /// `offset` bytes into it (offset 0: one is a prefix of the other).
    overlaps: Vec<Vec<(usize, usize)>>,
}

impl Drop for Keywords {
    /// Known secret values are among the literals: their bytes are zeroed, not just freed.
    fn drop(&mut self) {
        for literal in &mut self.literals {
            zeroize::Zeroize::zeroize(&mut **literal);
        }
    }
}

struct Group {
    searcher: Searcher,
    /// The searcher's pattern id → the caller's literal index.
    ids: Vec<usize>,
}

enum Searcher {
    /// Leftmost-first, non-overlapping: completed by the overlap lists.
    Teddy(packed::Searcher),
    /// Leftmost-first, non-overlapping: completed by the overlap lists (no SIMD on this CPU).
    LeftmostFirst(AhoCorasick),
    /// Every occurrence, for a group too large for overlap lists (hits come in the order
    /// their ends appear).
    Overlapping(AhoCorasick),
}

impl Keywords {
    /// `literals[..stems]` are key stems, searched in text order; the rest are rule keywords.
    pub(crate) fn new(literals: &[String], stems: usize) -> Result<Keywords, crate::Error> {
        Keywords::build(literals, stems, true)
    }

    /// `simd: false` builds what a CPU without SSSE3 gets, so tests cover that path too.
    fn build(literals: &[String], stems: usize, simd: bool) -> Result<Keywords, crate::Error> {
        let mut groups_of_indices: Vec<(Vec<usize>, bool)> = Vec::new();
        let mut rule_literals: Vec<usize> = (stems..literals.len()).collect();
        let large = rule_literals.len() > MAX_TEDDY_RULE_LITERALS;
        if !large {
            rule_literals.sort_by(|&a, &b| literals[a].cmp(&literals[b]));
        }
        if stems > 0 {
            // The stems' pass takes rule keywords too, up to an even share of all literals:
            // 57 stems and 65 rule keywords are two passes of 61, not three.
            // Only literals of three bytes or more join it: Teddy fingerprints as many bytes
            // as its shortest literal has, and the stems have three.
            let mut group: Vec<usize> = (0..stems).collect();
            if !large && stems < TEDDY_GROUP {
                let passes = literals.len().div_ceil(TEDDY_GROUP);
                let share = literals.len().div_ceil(passes);
                let mut room = share.saturating_sub(stems);
                rule_literals.retain(|&i| {
                    let joins = room > 0 && literals[i].len() >= 3;
                    if joins {
                        group.push(i);
                        room -= 1;
                    }
                    !joins
                });
            }
            groups_of_indices.push((group, false));
        }
        if large {
            groups_of_indices.push((rule_literals, true));
        } else if !rule_literals.is_empty() {
            let count = rule_literals.len().div_ceil(TEDDY_GROUP);
            let n = rule_literals.len();
            for g in 0..count {
                let chunk = rule_literals[n * g / count..n * (g + 1) / count].to_vec();
                groups_of_indices.push((chunk, false));
            }
        }
        let mut overlaps = vec![Vec::new(); literals.len()];
        let mut groups = Vec::with_capacity(groups_of_indices.len());
        for (indices, large) in groups_of_indices {
            let searcher = if large {
                Searcher::Overlapping(automaton(literals, &indices, MatchKind::Standard)?)
            } else {
                let texts: Vec<&[u8]> = indices.iter().map(|&i| literals[i].as_bytes()).collect();
                let ordered: Vec<usize> = bucket_order(&texts)
                    .into_iter()
                    .map(|k| indices[k])
                    .collect();
                for &a in &ordered {
                    for &b in &ordered {
                        let (a_text, b_text) = (literals[a].as_bytes(), literals[b].as_bytes());
                        // A literal overlaps itself too (`abcab` in `abcabcab`), just not at 0.
                        for offset in overlap_offsets(a_text, b_text).filter(|&o| a != b || o > 0) {
                            overlaps[a].push((b, offset));
                        }
                    }
                    overlaps[a].sort_by_key(|&(_, offset)| offset);
                }
                let teddy = packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(ordered.iter().map(|&i| &literals[i]))
                    .build()
                    .filter(|_| simd);
                let group = match teddy {
                    Some(t) => Searcher::Teddy(t),
                    None => Searcher::LeftmostFirst(automaton(
                        literals,
                        &ordered,
                        MatchKind::LeftmostFirst,
                    )?),
                };
                groups.push(Group {
                    searcher: group,
                    ids: ordered,
                });
                continue;
            };
            groups.push(Group {
                searcher,
                ids: indices,
            });
        }
        Ok(Keywords {
            groups,
            literals: literals
                .iter()
                .map(|l| l.as_bytes().to_vec().into_boxed_slice())
                .collect(),
            overlaps,
        })
    }

    /// The literal of index `i`.
    #[cfg(test)]
    pub(crate) fn literal(&self, i: usize) -> &[u8] {
        &self.literals[i]
    }

    /// How many passes over a text [`Keywords::for_each`] makes.
    #[cfg(test)]
    pub(crate) fn passes(&self) -> usize {
        self.groups.len()
    }

    /// Calls `f(literal index, range)` for every occurrence of every literal: the first
    /// group's (every stem, and some rule keywords) in text order first, then the other
    /// rule keywords'.
    pub(crate) fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, Range<usize>)) {
        for group in &self.groups {
            let mut reported = |id: usize, range: Range<usize>| {
                let literal = group.ids[id];
                let start = range.start;
                f(literal, range);
                // In text order: the list is sorted by offset.
                for &(other, offset) in &self.overlaps[literal] {
                    let at = start + offset;
                    if hay[at..].starts_with(&self.literals[other]) {
                        f(other, at..at + self.literals[other].len());
                    }
                }
            };
            match &group.searcher {
                Searcher::Teddy(s) => s
                    .find_iter(hay)
                    .for_each(|m| reported(m.pattern().as_usize(), m.range())),
                Searcher::LeftmostFirst(ac) => ac
                    .find_iter(hay)
                    .for_each(|m| reported(m.pattern().as_usize(), m.range())),
                Searcher::Overlapping(ac) => ac
                    .find_overlapping_iter(hay)
                    .for_each(|m| f(group.ids[m.pattern().as_usize()], m.range())),
            }
        }
    }
}

fn automaton(
    literals: &[String],
    indices: &[usize],
    kind: MatchKind,
) -> Result<AhoCorasick, crate::Error> {
    AhoCorasickBuilder::new()
        .match_kind(kind)
        .build(indices.iter().map(|&i| &literals[i]))
        .map_err(|e| crate::Error::InvalidRule {
            rule: "keywords".into(),
            reason: e.to_string(),
        })
}

/// The offsets at which `b` can start inside an occurrence of `a` (0 included): where the
/// bytes of `a` from there agree with `b` for as long as both last.
fn overlap_offsets<'a>(a: &'a [u8], b: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    (0..a.len()).filter(move |&offset| {
        let shared = (a.len() - offset).min(b.len());
        a[offset..offset + shared] == b[..shared]
    })
}

/// How often a byte occurs in log text, roughly: only the ratios matter.
fn text_weight(b: u8) -> u32 {
    match b {
        b' ' => 40,
        b'a'..=b'z' => 16,
        b'0'..=b'9' => 12,
        b'A'..=b'Z' => 6,
        b'.' | b',' | b':' | b';' | b'/' | b'-' | b'_' | b'=' | b'"' | b'\'' => 4,
        b'(' | b')' | b'{' | b'}' | b'[' | b']' | b'&' | b'?' | b'+' | b'%' => 4,
        _ => 0,
    }
}

/// The nibbles a Teddy bucket accepts at each of its first four offsets.
#[derive(Clone, Copy, Default)]
struct Bucket {
    low: [u16; 4],
    high: [u16; 4],
    literals: u32,
    prefixes: usize,
}

impl Bucket {
    fn with(mut self, literal: &[u8], mask_len: usize) -> Bucket {
        for (offset, &b) in literal.iter().take(mask_len).enumerate() {
            self.low[offset] |= 1 << (b & 15);
            self.high[offset] |= 1 << (b >> 4);
        }
        self.literals += 1;
        self
    }

    /// Expected verification work per text position: the chance that a position is a
    /// candidate, times the literals to compare.
    fn cost(&self, mask_len: usize, total_weight: f64) -> f64 {
        if self.literals == 0 {
            return 0.0;
        }
        let mut chance = 1.0;
        for offset in 0..mask_len {
            let accepted: u32 = (0..=255u8)
                .filter(|&b| {
                    self.low[offset] >> (b & 15) & 1 == 1 && self.high[offset] >> (b >> 4) & 1 == 1
                })
                .map(text_weight)
                .sum();
            chance *= f64::from(accepted) / total_weight;
        }
        chance * (1.0 + f64::from(self.literals))
    }
}

/// An order of `literals` (a permutation of their indices) under which aho-corasick's Teddy
/// puts literals with similar leading bytes into the same bucket (see the module docs).
fn bucket_order(literals: &[&[u8]]) -> Vec<usize> {
    let n = literals.len();
    let mask_len = literals
        .iter()
        .map(|l| l.len())
        .min()
        .unwrap_or(1)
        .clamp(1, 4);
    let buckets = if n > 32 { 16 } else { 8 };
    let total_weight = f64::from((0..=255u8).map(text_weight).sum::<u32>());

    // Literals with the same low nibbles over the mask go to the same bucket whatever their
    // ids; they are placed as one class.
    let mut classes: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
    for (i, literal) in literals.iter().enumerate() {
        let key: Vec<u8> = literal.iter().take(mask_len).map(|b| b & 15).collect();
        match classes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => classes.push((key, vec![i])),
        }
    }
    // Ids `id` with `buckets - 1 - id % buckets == b`: how many classes bucket `b` can open.
    let capacity = |b: usize| (0..n).filter(|id| buckets - 1 - id % buckets == b).count();
    let mut state = vec![Bucket::default(); buckets];
    let mut assigned: Vec<Vec<usize>> = vec![Vec::new(); buckets];
    let mut by_size: Vec<usize> = (0..classes.len()).collect();
    by_size.sort_by_key(|&c| std::cmp::Reverse(classes[c].1.len()));
    for c in by_size {
        let mut best: Option<(f64, usize, Bucket)> = None;
        for (b, bucket) in state.iter().enumerate() {
            if bucket.prefixes >= capacity(b) {
                continue;
            }
            let mut grown = *bucket;
            for &i in &classes[c].1 {
                grown = grown.with(literals[i], mask_len);
            }
            grown.prefixes += 1;
            let added = grown.cost(mask_len, total_weight) - bucket.cost(mask_len, total_weight);
            if best.as_ref().map_or(true, |(cost, _, _)| added < *cost) {
                best = Some((added, b, grown));
            }
        }
        // Capacities add up to `n` ≥ the number of classes, so a bucket is always free.
        if let Some((_, b, grown)) = best {
            state[b] = grown;
            assigned[b].push(c);
        }
    }

    // Lay the classes out: id `id` opens a class of bucket `buckets - 1 - id % buckets`, or
    // takes a further member of a class already open.
    let mut order = Vec::with_capacity(n);
    let mut followers: Vec<usize> = Vec::new();
    for id in 0..n {
        let class = match assigned[buckets - 1 - id % buckets].pop() {
            Some(c) => Some(c),
            // Nothing else to place here: open a class meant for another bucket (slower
            // searches, same results).
            None if followers.is_empty() => assigned.iter_mut().find_map(Vec::pop),
            None => None,
        };
        match class {
            Some(c) => {
                let members = &classes[c].1;
                order.push(members[0]);
                followers.extend_from_slice(&members[1..]);
            }
            None => order.extend(followers.pop()),
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_hits(k: &Keywords, hay: &[u8]) -> Vec<(usize, Range<usize>)> {
        let mut hits = Vec::new();
        k.for_each(hay, |i, r| hits.push((i, r)));
        hits.sort_by_key(|(i, r)| (r.start, *i));
        hits
    }

    fn naive_hits(literals: &[String], hay: &[u8]) -> Vec<(usize, Range<usize>)> {
        let mut hits = Vec::new();
        for start in 0..hay.len() {
            for (i, l) in literals.iter().enumerate() {
                if hay[start..].starts_with(l.as_bytes()) {
                    hits.push((i, start..start + l.len()));
                }
            }
        }
        hits
    }

    #[test]
    fn bucket_order_is_a_permutation() {
        let literals: Vec<String> = (0..150).map(|i| format!("k{i:03}x")).collect();
        for n in [1, 2, 8, 33, 64, 150] {
            let texts: Vec<&[u8]> = literals[..n].iter().map(|l| l.as_bytes()).collect();
            let mut order = bucket_order(&texts);
            order.sort_unstable();
            assert_eq!(order, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn every_occurrence_is_reported_even_inside_another() {
        // Prefixes of each other, one inside another, suffix-prefix overlaps, and a stem group.
        let literals: Vec<String> = [
            "pass", "ssn", "gho_", "xgho_", "AKIA", "AKIAX", "abcab", "cabx", "bca", "Q~Q",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let texts: [&[u8]; 5] = [
            b"passn xgho_1 AKIAXYZ abcabcabx Q~Q~Q",
            b"passsn AKIAKIAX abcabx bcab",
            b"",
            b"gho_",
            b"cabxgho_abcabcabcabx",
        ];
        for simd in [true, false] {
            let k = Keywords::build(&literals, 2, simd).expect("keywords build");
            // (With `simd`, a CPU without SSSE3 builds the same automata.)
            if !simd {
                assert!(k
                    .groups
                    .iter()
                    .all(|g| matches!(g.searcher, Searcher::LeftmostFirst(_))));
            }
            for hay in texts {
                assert_eq!(
                    all_hits(&k, hay),
                    naive_hits(&literals, hay),
                    "simd {simd}: {}",
                    String::from_utf8_lossy(hay)
                );
            }
        }
    }

    /// 50 stems and 70 rule keywords: two passes of 60, the stems' taking 10 rule keywords
    /// (not the 2-byte one, which would blunt its fingerprints). Every occurrence of every
    /// literal is reported, and the first pass, stems and rule keywords together, reports in
    /// text order, which the key-value parser needs of the stems.
    #[test]
    fn the_stems_pass_takes_rule_keywords_and_keeps_text_order() {
        let mut literals: Vec<String> = (0..50).map(|i| format!("st{i:02}")).collect();
        literals.push("ab".to_string());
        literals.extend((0..69).map(|i| format!("rk{i:02}x")));
        let k = Keywords::new(&literals, 50).expect("keywords build");
        assert_eq!(k.passes(), 2);
        let first = &k.groups[0].ids;
        assert_eq!(first.len(), 60);
        assert!((0..50).all(|stem| first.contains(&stem)));
        assert!(!first.contains(&50), "the 2-byte keyword stays out");
        let mut rng = crate::test_rng::XorShift(0x1234_5678_9ABC_DEF1);
        for _ in 0..300 {
            let mut hay = String::new();
            for _ in 0..rng.next() % 30 {
                let literal = &literals[(rng.next() % literals.len() as u64) as usize];
                let cut = literal.len() - (rng.next() % 2) as usize;
                hay.push_str(&literal[..cut]);
                hay.push_str(["", " ", "x", "s", "t0"][(rng.next() % 5) as usize]);
            }
            let hay = hay.as_bytes();
            assert_eq!(all_hits(&k, hay), naive_hits(&literals, hay), "{hay:?}");
            let mut first_pass = Vec::new();
            k.for_each(hay, |i, r| {
                if first.contains(&i) {
                    first_pass.push(r.start);
                }
            });
            assert!(
                first_pass.windows(2).all(|w| w[0] <= w[1]),
                "{first_pass:?}"
            );
        }
    }

    #[test]
    fn large_keyword_sets_use_one_automaton_and_miss_nothing() {
        let literals: Vec<String> = (0..MAX_TEDDY_RULE_LITERALS + 50)
            .map(|i| format!("kw{i}_"))
            .collect();
        let k = Keywords::new(&literals, 0).expect("keywords build");
        assert_eq!(k.groups.len(), 1);
        let hay = b"kw1_ kw12_ kw123_ kw0_kw7_ nothing kw2";
        assert_eq!(all_hits(&k, hay), naive_hits(&literals, hay));
    }
}
