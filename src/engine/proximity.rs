//! Proximity keywords: a custom rule's match counts only if one of its words occurs shortly
//! before it (`near`), or only if none does (`not_near`).
//!
//! A word is looked for in the `within` bytes before the match's start, on the match's own
//! line (a window never reaches past a line break: the layer joins a value's fields with
//! them), regardless of ASCII case, and must begin a word there: at the start of the text,
//! after a byte that is not a letter or digit, or as the capital that starts a camelCase part
//! (`creditCard` holds `card`, `discard` does not). Words inside our own markers
//! (`[REDACTED:employee-id]`) do not count, so a second pass judges a match as the first did.
//!
//! # Cost
//!
//! Each list is one aho-corasick automaton. The words are searched once per text, and only in
//! a text where the rule's regex matched, with the text's complete markers and line breaks;
//! each match then costs two binary searches. A rule without proximity words pays nothing.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::ops::Range;

/// The widest window a proximity list may look back over: the check runs on every match.
pub(crate) const MAX_PROXIMITY_WINDOW: usize = 4096;

/// One list of words and how far before a match it is looked for.
#[derive(Clone, Debug)]
pub(crate) struct WordWindow {
    words: AhoCorasick,
    within: usize,
}

impl WordWindow {
    /// Compiles `words` to be looked for `within` bytes before a match. Errors say why the
    /// list cannot be used.
    pub(crate) fn new(words: &[String], within: usize) -> Result<WordWindow, String> {
        if words.is_empty() {
            return Err("a proximity list needs at least one word".into());
        }
        if words.iter().any(|w| w.trim().is_empty()) {
            return Err("a proximity word is empty".into());
        }
        if within == 0 || within > MAX_PROXIMITY_WINDOW {
            return Err(format!(
                "a proximity window of {within} bytes is not between 1 and {MAX_PROXIMITY_WINDOW}"
            ));
        }
        let words = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(words)
            .map_err(|e| format!("proximity words: {e}"))?;
        Ok(WordWindow { words, within })
    }

    /// Where the words begin a word in `hay`, outside `markers` (sorted, disjoint), sorted
    /// by start. Linear in the text and the hits.
    fn hits(&self, hay: &[u8], markers: &[Range<usize>]) -> Vec<Range<usize>> {
        // Overlapping search: a hit glued to a word (`discard`) must not hide a later one
        // that starts a word.
        let mut hits: Vec<Range<usize>> = self
            .words
            .find_overlapping_iter(hay)
            .map(|m| m.range())
            .filter(|r| starts_word(hay, r.start))
            .collect();
        hits.sort_unstable_by_key(|r| (r.start, r.end));
        let mut next_marker = 0;
        hits.retain(|hit| {
            while markers.get(next_marker).is_some_and(|m| m.end <= hit.start) {
                next_marker += 1;
            }
            !markers.get(next_marker).is_some_and(|m| m.start < hit.end)
        });
        hits
    }

    /// Whether one of `hits` lies within the window before `match_start`, on its line
    /// (`breaks`: where the text's lines break, sorted).
    fn occurs_before(&self, hits: &[Range<usize>], breaks: &[usize], match_start: usize) -> bool {
        let end = match_start;
        let mut start = end.saturating_sub(self.within);
        let before = breaks.partition_point(|&b| b < end);
        if let Some(&line_break) = before.checked_sub(1).and_then(|i| breaks.get(i)) {
            start = start.max(line_break + 1);
        }
        let first = hits.partition_point(|h| h.start < start);
        hits[first..]
            .iter()
            .take_while(|h| h.start < end)
            .any(|h| h.end <= end)
    }
}

/// Whether the word at `at` starts a word: nothing alphanumeric before it, or a capital
/// after a lower-case letter or a digit (`creditCard`, `v2Token`).
fn starts_word(hay: &[u8], at: usize) -> bool {
    let Some(&before) = at.checked_sub(1).and_then(|i| hay.get(i)) else {
        return true;
    };
    if !before.is_ascii_alphanumeric() {
        return true;
    }
    let first = hay.get(at).copied().unwrap_or(0);
    first.is_ascii_uppercase() && (before.is_ascii_lowercase() || before.is_ascii_digit())
}

/// A custom rule's proximity lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct Proximity {
    /// One of these must occur before a match.
    pub near: Option<WordWindow>,
    /// None of these may occur before a match.
    pub not_near: Option<WordWindow>,
}

/// Where a proximity rule's words occur in one text, and where its lines break: computed
/// once, on the text's first match.
pub(crate) struct Hits {
    near: Vec<Range<usize>>,
    not_near: Vec<Range<usize>>,
    breaks: Vec<usize>,
}

impl Proximity {
    /// The word positions of both lists in `hay`, and its line breaks.
    pub(crate) fn hits(&self, hay: &[u8]) -> Hits {
        let markers = markers(hay);
        let of =
            |w: &Option<WordWindow>| w.as_ref().map_or_else(Vec::new, |w| w.hits(hay, &markers));
        Hits {
            near: of(&self.near),
            not_near: of(&self.not_near),
            breaks: memchr::memchr2_iter(b'\n', b'\r', hay).collect(),
        }
    }

    /// Whether a match starting at `match_start` passes both lists.
    pub(crate) fn allows(&self, hits: &Hits, match_start: usize) -> bool {
        self.near.as_ref().map_or(true, |w| {
            w.occurs_before(&hits.near, &hits.breaks, match_start)
        }) && !self
            .not_near
            .as_ref()
            .is_some_and(|w| w.occurs_before(&hits.not_near, &hits.breaks, match_start))
    }
}

/// The longest rule id (with a keyed hash's tag) a marker of ours holds.
const LONGEST_MARKER_ID: usize = 80;

/// The spans of our own complete markers in `hay`, sorted and disjoint: `[REDACTED]`, or
/// `[REDACTED:`, a rule id (and a keyed-hash tag) on one line, and `]`. An unterminated
/// `[REDACTED` hides nothing. Linear: each marker is read at most `LONGEST_MARKER_ID` bytes
/// past its start.
fn markers(hay: &[u8]) -> Vec<Range<usize>> {
    const OPEN: &[u8] = b"[REDACTED";
    let is_id_byte = |b: &&u8| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b':');
    memchr::memmem::find_iter(hay, OPEN)
        .filter_map(|start| {
            let after = start + OPEN.len();
            match hay.get(after) {
                Some(b']') => Some(start..after + 1),
                Some(b':') => {
                    let limit = (after + 1 + LONGEST_MARKER_ID).min(hay.len());
                    let id = hay[after + 1..limit].iter().take_while(is_id_byte).count();
                    let close = after + 1 + id;
                    (id > 0 && hay.get(close) == Some(&b']')).then_some(start..close + 1)
                }
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(words: &[&str], within: usize) -> WordWindow {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        WordWindow::new(&words, within).unwrap()
    }

    fn before(w: &WordWindow, text: &str, at: usize) -> bool {
        let hay = text.as_bytes();
        let hits = w.hits(hay, &markers(hay));
        let breaks: Vec<usize> = memchr::memchr2_iter(b'\n', b'\r', hay).collect();
        w.occurs_before(&hits, &breaks, at)
    }

    #[test]
    fn words_must_start_a_word_within_the_window() {
        let w = window(&["card"], 10);
        let at = |text: &str| text.find('4').unwrap();
        for text in [
            "card 4111",
            "CARD: 4111",
            "creditCard=4111",
            "my-card 4111",
            "cards 4111",
        ] {
            assert!(before(&w, text, at(text)), "{text}");
        }
        for text in ["discard 4111", "scorecard: 4111", "4111 card"] {
            assert!(!before(&w, text, at(text)), "{text}");
        }
        // A word cut by the window's edge does not count.
        let text = "card ......... 4111";
        assert!(!before(&window(&["card"], 12), text, at(text)));
        assert!(before(&window(&["card"], 15), text, at(text)));
    }

    #[test]
    fn windows_stop_at_line_breaks_and_skip_markers() {
        let w = window(&["card"], 40);
        for text in [
            "card\n4111",
            "card\r\n4111",
            "[REDACTED:card] 4111",
            "[REDACTED:x-card] 4111",
        ] {
            assert!(!before(&w, text, text.find('4').unwrap()), "{text:?}");
        }
        let text = "card [REDACTED:x] 4111";
        assert!(before(&w, text, text.find('4').unwrap()));
        // Only complete markers of our shape hide words: not an unterminated one, not one
        // that spans lines or holds other text.
        for text in [
            "note [REDACTED by admin; card 4111 tags=[]",
            "[REDACTED:x card 4111",
            "[REDACTED:\ncard 4111]",
        ] {
            assert!(before(&w, text, text.find('4').unwrap()), "{text:?}");
        }
    }

    #[test]
    fn many_markers_and_words_cost_linear_time() {
        // A megabyte of markers and words: every hit is judged against the markers in one
        // walk, and an unterminated marker is read only a bounded distance.
        let w = window(&["employee"], 30);
        for unit in [
            "[REDACTED] employee ",
            "[REDACTED",
            "[REDACTED:aaaa employee ",
        ] {
            let text = unit.repeat((1 << 20) / unit.len()) + " 1234567";
            let started = std::time::Instant::now();
            let hay = text.as_bytes();
            let hits = w.hits(hay, &markers(hay));
            std::hint::black_box(w.occurs_before(&hits, &[], hay.len() - 7));
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{unit:?}: {:?}",
                started.elapsed()
            );
        }
    }

    #[test]
    fn a_glued_hit_does_not_hide_a_later_one() {
        // `discard` holds `card` glued to a word; the second `card` starts one.
        let w = window(&["card", "discard"], 40);
        let text = "xdiscard card 4111";
        assert!(before(&w, text, text.find('4').unwrap()));
    }

    #[test]
    fn lists_are_checked_at_build() {
        assert!(WordWindow::new(&[], 10).is_err());
        assert!(WordWindow::new(&[" ".into()], 10).is_err());
        assert!(WordWindow::new(&["a".into()], 0).is_err());
        assert!(WordWindow::new(&["a".into()], MAX_PROXIMITY_WINDOW + 1).is_err());
    }

    #[test]
    fn both_lists_decide() {
        let p = Proximity {
            near: Some(window(&["ssn"], 20)),
            not_near: Some(window(&["test"], 20)),
        };
        let allows = |t: &str| p.allows(&p.hits(t.as_bytes()), t.find('1').unwrap());
        assert!(allows("ssn 123"));
        assert!(!allows("id 123"));
        assert!(!allows("test ssn 123"));
    }
}
