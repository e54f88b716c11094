//! Proximity keywords: a custom rule's match counts only if one of its words occurs shortly
//! before it (`near`), or only if none does (`not_near`).
//!
//! A word is looked for in the `within` bytes before the match's start, regardless of ASCII
//! case, and must begin a word there: at the window's edge of the text, after a byte that is
//! not a letter or digit, or as the capital that starts a camelCase part (`creditCard` holds
//! `card`, `discard` does not). The words are one aho-corasick automaton per list, searched
//! only for matches the rule's regex already found, so a rule without proximity words pays
//! nothing and one with them pays a search of at most `within` bytes per match.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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

    /// Whether one of the words begins a word within the window before `match_start`.
    pub(crate) fn occurs_before(&self, hay: &[u8], match_start: usize) -> bool {
        let end = match_start.min(hay.len());
        let start = end.saturating_sub(self.within);
        // Overlapping search: a hit glued to a word (`discard`) must not hide a later
        // one that starts a word.
        self.words
            .find_overlapping_iter(&hay[start..end])
            .any(|m| starts_word(hay, start + m.start()))
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

impl Proximity {
    /// Whether a match starting at `match_start` passes both lists.
    pub(crate) fn allows(&self, hay: &[u8], match_start: usize) -> bool {
        self.near
            .as_ref()
            .map_or(true, |w| w.occurs_before(hay, match_start))
            && !self
                .not_near
                .as_ref()
                .is_some_and(|w| w.occurs_before(hay, match_start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(words: &[&str], within: usize) -> WordWindow {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        WordWindow::new(&words, within).unwrap()
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
            assert!(w.occurs_before(text.as_bytes(), at(text)), "{text}");
        }
        for text in ["discard 4111", "scorecard: 4111", "4111 card"] {
            assert!(!w.occurs_before(text.as_bytes(), at(text)), "{text}");
        }
        // A word cut by the window's edge does not count.
        let text = "card ......... 4111";
        assert!(!window(&["card"], 12).occurs_before(text.as_bytes(), at(text)));
        assert!(window(&["card"], 15).occurs_before(text.as_bytes(), at(text)));
    }

    #[test]
    fn a_glued_hit_does_not_hide_a_later_one() {
        // `discard` holds `card` glued to a word; the second `card` starts one.
        let w = window(&["card", "discard"], 40);
        let text = "xdiscard card 4111";
        assert!(w.occurs_before(text.as_bytes(), text.find('4').unwrap()));
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
        let at = |t: &str| t.find('1').unwrap();
        assert!(p.allows(b"ssn 123", at("ssn 123")));
        assert!(!p.allows(b"id 123", at("id 123")));
        assert!(!p.allows(b"test ssn 123", at("test ssn 123")));
    }
}
