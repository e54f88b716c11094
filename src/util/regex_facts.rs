//! What every match of a regular expression looks like, read from its syntax tree.
//!
//! The engine chooses where to look for a rule's keywords from these facts rather than
//! from what the rule says about itself: a keyword may be looked for inside the long
//! key-byte runs of the key-run scan only when every match of the rule starts with one of
//! its keywords and its first bytes are key bytes (`engine::build`).
//!
//! Both answers are *guarantees*: "every match starts with one of these literals" comes from
//! `regex-syntax`'s prefix extraction (what its prefilters rely on), and the count of
//! leading bytes in a set is a lower bound over all matches, computed on the tree. Where the
//! tree cannot show it, the answer is the cautious one (no, or 0), which only ever sends a
//! keyword back to the SIMD pass.

use crate::util::text::ByteSet;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};

/// A parsed pattern, for questions about all of its matches.
pub(crate) struct RegexFacts {
    hir: Hir,
}

impl RegexFacts {
    /// Parses `pattern` as `regex::bytes` does with `unicode` on or off. `None` when it does
    /// not parse (it then never compiled either).
    pub(crate) fn parse(pattern: &str, unicode: bool) -> Option<RegexFacts> {
        regex_syntax::ParserBuilder::new()
            .unicode(unicode)
            .utf8(false)
            .build()
            .parse(pattern)
            .ok()
            .map(|hir| RegexFacts { hir })
    }

    /// Whether every match starts with one of `literals`.
    pub(crate) fn always_starts_with_one_of<L: AsRef<[u8]>>(&self, literals: &[L]) -> bool {
        let prefixes = Extractor::new()
            .kind(ExtractKind::Prefix)
            .extract(&self.hir);
        // An infinite set says nothing; a finite one lists a prefix of every match (an
        // inexact one may be shorter than the match's literal part, never wrong).
        prefixes.literals().is_some_and(|prefixes| {
            prefixes.iter().all(|prefix| {
                literals
                    .iter()
                    .any(|l| !l.as_ref().is_empty() && prefix.as_bytes().starts_with(l.as_ref()))
            })
        })
    }

    /// The fewest leading bytes, over all matches, that are all in `set`: every match's first
    /// that many bytes are in `set` (its whole length if the match is shorter).
    pub(crate) fn leading_bytes_in(&self, set: &ByteSet) -> usize {
        leading(&self.hir, set).bytes
    }
}

/// What [`leading`] knows of the matches of a subtree.
struct Leading {
    /// Every match's first `bytes` bytes are in the set.
    bytes: usize,
    /// Every match is in the set from end to end (and is then at least `bytes` long).
    whole: bool,
}

fn leading(hir: &Hir, set: &ByteSet) -> Leading {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Leading {
            bytes: 0,
            whole: true,
        },
        HirKind::Literal(literal) => {
            let inside = literal.0.iter().take_while(|&&b| set.contains(b)).count();
            Leading {
                bytes: inside,
                whole: inside == literal.0.len(),
            }
        }
        HirKind::Class(class) => {
            let whole = match class {
                Class::Bytes(bytes) => bytes
                    .ranges()
                    .iter()
                    .all(|r| (r.start()..=r.end()).all(|b| set.contains(b))),
                // A character outside ASCII is several bytes, none of them ASCII: outside any
                // set of ASCII bytes, so such a class is never whole.
                Class::Unicode(chars) => chars.ranges().iter().all(|r| {
                    u8::try_from(u32::from(r.end())).is_ok_and(|end| {
                        (r.start() as u8..=end).all(|b| b.is_ascii() && set.contains(b))
                    })
                }),
            };
            Leading {
                bytes: usize::from(whole),
                whole,
            }
        }
        HirKind::Repetition(repetition) => {
            let sub = leading(&repetition.sub, set);
            let min = usize::try_from(repetition.min).unwrap_or(usize::MAX);
            if sub.whole {
                Leading {
                    bytes: sub.bytes.saturating_mul(min),
                    whole: true,
                }
            } else {
                Leading {
                    bytes: if min > 0 { sub.bytes } else { 0 },
                    whole: false,
                }
            }
        }
        HirKind::Capture(capture) => leading(&capture.sub, set),
        HirKind::Concat(parts) => {
            let mut bytes = 0usize;
            for part in parts {
                let part = leading(part, set);
                bytes = bytes.saturating_add(part.bytes);
                if !part.whole {
                    return Leading {
                        bytes,
                        whole: false,
                    };
                }
            }
            Leading { bytes, whole: true }
        }
        HirKind::Alternation(branches) => {
            let each: Vec<Leading> = branches.iter().map(|b| leading(b, set)).collect();
            Leading {
                bytes: each.iter().map(|l| l.bytes).min().unwrap_or(0),
                whole: each.iter().all(|l| l.whole),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;
    use crate::util::text::ALNUM;

    static KEY: ByteSet = ByteSet::new(ALNUM, b"+/");

    #[test]
    fn leading_bytes_of_known_patterns() {
        let n = |p: &str| RegexFacts::parse(p, false).map(|f| f.leading_bytes_in(&KEY));
        assert_eq!(n(r"SK[0-9a-fA-F]{32}"), Some(34));
        assert_eq!(n(r"SK[0-9a-fA-F]{32}|AB"), Some(2));
        assert_eq!(n(r"SK_[0-9a-f]{32}"), Some(2));
        assert_eq!(n(r"\bab(?:cd)*ef"), Some(4));
        assert_eq!(n(r"(?i:ab)[0-9]{3,}x?"), Some(5));
        assert_eq!(n(r"a[0-9]{0,3}b"), Some(2));
        assert_eq!(n(r"a\w{40}"), Some(1), "\\w holds `_`");
        assert_eq!(n(r"(?u:a\w{40})"), Some(1));
        assert_eq!(n(r"[A-Z]{2}(?:[0-9]{2}|x)y"), Some(4));
        assert_eq!(n(r"(unclosed"), None);
        let u = |p: &str| RegexFacts::parse(p, true).map(|f| f.leading_bytes_in(&KEY));
        assert_eq!(u(r"ab[a-zé]{5}"), Some(2));
        assert_eq!(u(r"ab[a-z]{5}"), Some(7));
    }

    #[test]
    fn starts_with_of_known_patterns() {
        let s = |p: &str, ks: &[&str]| {
            RegexFacts::parse(p, false).is_some_and(|f| f.always_starts_with_one_of(ks))
        };
        assert!(s(r"SK[0-9a-fA-F]{32}", &["SK"]));
        assert!(s(
            r"gh[pousr]_[A-Za-z0-9]{36}",
            &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        ));
        assert!(!s(
            r"gh[pousr]_[A-Za-z0-9]{36}",
            &["ghp_", "gho_", "ghu_", "ghs_"]
        ));
        assert!(s(r"\bAWS (?P<secret>[A-Z0-9]{16})", &["AWS "]));
        assert!(!s(r"[A-Za-z0-9_~.]{3}[0-9]Q~", &["Q~"]));
        assert!(!s(r"x?SK[0-9]", &["SK"]));
        assert!(!s(r"SK[0-9]", &[""]));
    }

    /// Where the answer is yes, generated matches bear it out: every match in random text
    /// starts with one of the literals. (And the patterns where it is no have a match that
    /// does not, so the test sees both answers.)
    #[test]
    fn starts_with_holds_on_every_match() {
        // Pattern, literals, the expected answer, the pieces of the random text.
        let cases: [(&str, &[&str], bool, &[&str]); 6] = [
            (
                r"(?:ab|cd)[a-z]{2}",
                &["ab", "cd"],
                true,
                &["a", "b", "c", "d", "x"],
            ),
            (
                r"\$?k[_-]v\$",
                &["k_v$", "k-v$", "$k"],
                true,
                &["$", "k", "_", "-", "v"],
            ),
            (
                r"(?:X-(?:Ab|AB)|x-ab)-c",
                &["X-Ab-c", "X-AB-c", "x-ab-c"],
                true,
                &["X-", "x-", "Ab", "AB", "ab", "aB", "-c", "c"],
            ),
            (
                r"(?i:ab)c",
                &["ab", "AB"],
                false,
                &["a", "A", "b", "B", "c"],
            ),
            (
                r"\$?k[_-]v\$",
                &["k_v$", "$k"],
                false,
                &["$", "k", "_", "-", "v"],
            ),
            (r"[a-z]{2}Q~", &["Q~"], false, &["a", "b", "Q", "~", "x"]),
        ];
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for (pattern, literals, expected, pieces) in cases {
            let facts = RegexFacts::parse(pattern, false).expect("parses");
            assert_eq!(
                facts.always_starts_with_one_of(literals),
                expected,
                "{pattern}"
            );
            let regex = regex::bytes::Regex::new(pattern).expect("compiles");
            let (mut seen, mut without) = (0, 0);
            for _ in 0..3_000 {
                let text: String = (0..12)
                    .map(|_| pieces[(rng.next() % pieces.len() as u64) as usize])
                    .collect();
                let text = text.as_bytes();
                for m in regex.find_iter(text) {
                    seen += 1;
                    if !literals
                        .iter()
                        .any(|l| m.as_bytes().starts_with(l.as_bytes()))
                    {
                        without += 1;
                    }
                }
            }
            assert!(seen > 50, "{pattern}: only {seen} matches");
            if expected {
                assert_eq!(without, 0, "{pattern}");
            } else {
                assert!(without > 0, "{pattern}: every match started with a literal");
            }
        }
    }

    /// The lower bound holds on generated matches: each regex's matches in random text
    /// start with at least that many bytes of the set.
    #[test]
    fn leading_bytes_bound_every_match() {
        let patterns = [
            r"SK[0-9a-fA-F]{1,3}",
            r"(?:ab|a\+)[0-9]*[a-z_]{2}",
            r"x(?:[a-c]{2}|[/+])+y?",
            r"(?i:k)[^a]{2}[A-Z]",
            r"[0-9]{0,2}=[a-z]",
        ];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for pattern in patterns {
            let facts = RegexFacts::parse(pattern, false).expect("parses");
            let bound = facts.leading_bytes_in(&KEY);
            let regex = regex::bytes::Regex::new(pattern).expect("compiles");
            let mut seen = 0;
            for _ in 0..2_000 {
                const BYTES: &[u8] = b"abcxyzSK09+/=_AkK-";
                let text: Vec<u8> = (0..40)
                    .map(|_| BYTES[(rng.next() % BYTES.len() as u64) as usize])
                    .collect();
                for m in regex.find_iter(&text) {
                    seen += 1;
                    let inside = m
                        .as_bytes()
                        .iter()
                        .take_while(|&&b| KEY.contains(b))
                        .count();
                    assert!(
                        inside >= bound.min(m.len()),
                        "{pattern}: {:?} has {inside} leading key bytes, bound {bound}",
                        String::from_utf8_lossy(m.as_bytes())
                    );
                }
            }
            assert!(seen > 100, "{pattern}: only {seen} matches");
        }
    }
}
