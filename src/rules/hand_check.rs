//! Checks the hand-written matchers ([`HandMatcher`]) against the regexes they stand for.
//!
//! A hand matcher must give exactly what its rule's regex gives. [`HandCheck::compare`] runs
//! both over a text: for `match_at` and `secret_in`, at every position; for `secret_at`, at
//! every keyword hit, against the regex anchored at the earliest start whose match runs
//! through the hit, and it checks that every secret the regex finds over the whole text is
//! found at some hit. The unit tests feed it generated text, the `hand_matchers` fuzz target
//! arbitrary bytes (through [`crate::testing::hand_matcher_disagreement`]).

use super::{rules, Detector, HandMatcher};
use once_cell::sync::Lazy;
use regex_automata::util::captures::Captures;
use regex_automata::{meta, util::syntax, Anchored, Input, PatternID};
use std::ops::Range;

/// One rule with hand matchers, and its regex compiled for anchored searches.
pub(crate) struct HandCheck {
    pub id: &'static str,
    pub keywords: &'static [&'static str],
    hand: HandMatcher,
    regex: meta::Regex,
    secret_groups: Vec<usize>,
}

/// Every built-in rule that has a hand matcher.
pub(crate) static CHECKS: Lazy<Vec<HandCheck>> = Lazy::new(|| {
    rules()
        .filter_map(|rule| match rule.detector {
            Detector::Pattern {
                regex,
                keywords,
                hand,
                ..
            } if hand.match_at.is_some()
                || hand.secret_in.is_some()
                || hand.secret_at.is_some() =>
            {
                // Built-in patterns compile (the catalogue tests build every rule); a rule
                // that did not would have no check rather than a panic here.
                let regex = meta::Regex::builder()
                    .syntax(syntax::Config::new().unicode(false).utf8(false))
                    .build(regex)
                    .ok()?;
                let secret_groups = (1..regex.captures_len())
                    .filter(|&g| {
                        regex
                            .group_info()
                            .to_name(PatternID::ZERO, g)
                            .is_some_and(|n| n.starts_with("secret"))
                    })
                    .collect();
                Some(HandCheck {
                    id: rule.id,
                    keywords,
                    hand,
                    regex,
                    secret_groups,
                })
            }
            _ => None,
        })
        .collect()
});

impl HandCheck {
    /// Compares the hand matchers with the regex over `text`. Returns how many regex matches
    /// were compared, or a description of the first disagreement.
    pub(crate) fn compare(&self, text: &[u8]) -> Result<usize, String> {
        let mut caps = self.regex.create_captures();
        let shown =
            |what: String| format!("{}: {what} in {:?}", self.id, String::from_utf8_lossy(text));
        let mut matches = 0;
        if let Some(secret_at) = self.hand.secret_at {
            let hits = (0..text.len()).filter(|&x| {
                self.keywords
                    .iter()
                    .any(|k| text[x..].starts_with(k.as_bytes()))
            });
            let mut found = Vec::new();
            for hit in hits {
                let expected = (0..=hit).find_map(|start| {
                    let input = Input::new(text)
                        .span(start..text.len())
                        .anchored(Anchored::Yes);
                    self.regex.search_captures(&input, &mut caps);
                    caps.get_match().filter(|m| hit < m.end())?;
                    Some(self.secret_of(&caps))
                });
                matches += usize::from(expected.is_some());
                let expected = expected.flatten();
                let got = secret_at(text, hit);
                if got != expected {
                    return Err(shown(format!(
                        "secret_at({hit}) = {got:?}, the regex says {expected:?}"
                    )));
                }
                found.extend(got);
            }
            let mut at = 0;
            while let Some(m) = self.regex.search(&Input::new(text).span(at..text.len())) {
                let input = Input::new(text).span(m.range()).anchored(Anchored::Yes);
                self.regex.search_captures(&input, &mut caps);
                if let Some(secret) = self.secret_of(&caps) {
                    if !found.contains(&secret) {
                        return Err(shown(format!("{secret:?} found by the regex, at no hit")));
                    }
                }
                at = m.end().max(at + 1);
            }
            return Ok(matches);
        }
        for at in 0..=text.len() {
            let input = Input::new(text)
                .span(at..text.len())
                .anchored(Anchored::Yes);
            let expected = self.regex.search(&input).map(|m| m.end());
            if let Some(match_at) = self.hand.match_at {
                let got = match_at(text, at);
                if got != expected {
                    return Err(shown(format!(
                        "match_at({at}) = {got:?}, the regex says {expected:?}"
                    )));
                }
            }
            let Some(end) = expected else { continue };
            matches += 1;
            if let Some(secret_in) = self.hand.secret_in {
                let input = Input::new(text).span(at..end).anchored(Anchored::Yes);
                self.regex.search_captures(&input, &mut caps);
                let (got, want) = (secret_in(text, at..end), self.secret_of(&caps));
                if got != want {
                    return Err(shown(format!(
                        "secret_in({at}..{end}) = {got:?}, the regex says {want:?}"
                    )));
                }
            }
        }
        Ok(matches)
    }

    fn secret_of(&self, caps: &Captures) -> Option<Range<usize>> {
        self.secret_groups
            .iter()
            .find_map(|&g| caps.get_group(g))
            .map(|s| s.range())
    }
}
