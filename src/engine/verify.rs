//! Verifying: a triggered rule's regex or hand matcher run over the text or anchored at
//! its keyword hits, and each match validated (checksum, placeholder guard, proximity) before
//! it is reported. Stage 3 of the engine's search.

use super::{CompiledRule, Engine, Raw, Validator};
use std::ops::Range;

impl Engine {
    pub(super) fn run_pattern(&self, index: u16, hay: &[u8], out: &mut Vec<Raw>) {
        let Some(rule) = self.rules.get(usize::from(index)) else {
            return;
        };
        let Some(regex) = &rule.regex else { return };
        // Proximity words are searched once per text, on its first match.
        let mut hits = None;
        for m in regex.find_iter(hay) {
            if let Some(proximity) = &rule.proximity {
                let hits = hits.get_or_insert_with(|| proximity.hits(hay));
                if !proximity.allows(hits, m.start()) {
                    continue;
                }
            }
            self.push_match(rule, index, hay, m.range(), out);
        }
    }

    pub(super) fn run_anchored(&self, index: u16, hay: &[u8], at: usize, out: &mut Vec<Raw>) {
        let Some(rule) = self.rules.get(usize::from(index)) else {
            return;
        };
        if let Some(secret_at) = rule.hand.secret_at {
            if let Some(secret) = secret_at(hay, at) {
                self.validate_push(rule, index, hay, secret, out);
            }
            return;
        }
        if let Some(match_at) = rule.hand.match_at {
            if let Some(end) = match_at(hay, at) {
                self.push_match(rule, index, hay, at..end, out);
            }
            return;
        }
        let Some(anchored) = &rule.anchored else {
            return;
        };
        let input = regex_automata::Input::new(hay)
            .span(at..hay.len())
            .anchored(regex_automata::Anchored::Yes);
        if let Some(m) = anchored.search(&input) {
            self.push_match(rule, index, hay, m.range(), out);
        }
    }

    /// Records the secret parts of one match: its `secret…` groups, or the whole match when
    /// the rule has none or the matching alternation branch holds none.
    pub(super) fn push_match(
        &self,
        rule: &CompiledRule,
        index: u16,
        hay: &[u8],
        m: Range<usize>,
        out: &mut Vec<Raw>,
    ) {
        if rule.secret_groups.is_empty() {
            self.validate_push(rule, index, hay, m, out);
            return;
        }
        if let Some(secret_in) = rule.hand.secret_in {
            let secret = secret_in(hay, m.clone()).unwrap_or(m);
            self.validate_push(rule, index, hay, secret, out);
            return;
        }
        let Some(captures) = &rule.captures else {
            // Built for every rule with secret groups; without it the whole match goes.
            self.validate_push(rule, index, hay, m, out);
            return;
        };
        // Anchored at the match and bounded by it, the capture search reads the match's bytes
        // once more, not the rest of the text (look-around still sees outside the span, and
        // the match found first is the preferred one within it too).
        let input = regex_automata::Input::new(hay)
            .span(m.clone())
            .anchored(regex_automata::Anchored::Yes);
        let mut caps = captures.create_captures();
        captures.search_captures(&input, &mut caps);
        if !caps.is_match() {
            // The same pattern over the same match cannot fail; if it ever did, fail closed.
            self.validate_push(rule, index, hay, m, out);
            return;
        }
        let mut any_group = false;
        for &g in &rule.secret_groups {
            if let Some(s) = caps.get_group(g) {
                any_group = true;
                self.validate_push(rule, index, hay, s.range(), out);
            }
        }
        if !any_group {
            self.validate_push(rule, index, hay, m, out);
        }
    }

    pub(super) fn validate_push(
        &self,
        rule: &CompiledRule,
        index: u16,
        hay: &[u8],
        r: Range<usize>,
        out: &mut Vec<Raw>,
    ) {
        if r.is_empty()
            || (rule.placeholder_guard
                && crate::util::text::looks_like_placeholder(&hay[r.clone()]))
        {
            return;
        }
        // Our own marker in a secret's place (`Credential=[REDACTED:…]` on a second pass), or
        // inside a candidate that only matches because a replacement removed a delimiter, is
        // not a secret; redacting it would make redaction not idempotent.
        if crate::util::text::contains_marker(&hay[r.clone()]) {
            return;
        }
        let ok = match &rule.validator {
            Validator::None => true,
            Validator::Builtin(f) => f(hay, r.clone()),
            Validator::Custom(f) => f(&String::from_utf8_lossy(&hay[r.clone()])),
        };
        if ok {
            out.push((index, r));
        }
    }
}
