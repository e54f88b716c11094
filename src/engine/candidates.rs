//! Candidates: the keyword passes, the rare-byte pass and the scanners, which either
//! report a finding or trigger a rule's regex ([`Triggers`]). Stages 1, 2 and 4 of the
//! engine's search (see the module docs of `engine`).

use super::digits::{self, DigitHit};
use super::email;
use super::{keyvalue, CompiledRule, Engine, Raw, KEY_RUN_MIN, MAX_RULES, OVERRIDES_ALLOWLIST};
use crate::rules::keys::{classify, KeyClass};
use crate::rules::{aws, http, network};
use crate::util::classify::Classified;
use std::ops::Range;

/// What the keyword searches asked for, before any regex runs.
pub(super) struct Triggers {
    /// Rules to search over the whole text, one bit each.
    whole: [u64; MAX_RULES / 64],
    /// Keyword hits of rules searched in place; past the buffer, a rule falls back to a search
    /// of the whole text.
    anchored: [(u16, usize); 32],
    anchored_count: usize,
}

impl Triggers {
    pub(super) fn new() -> Triggers {
        Triggers {
            whole: [0; MAX_RULES / 64],
            anchored: [(0, 0); 32],
            anchored_count: 0,
        }
    }

    pub(super) fn whole_text(&mut self, rule: u16) {
        self.whole[usize::from(rule) / 64] |= 1 << (rule % 64);
    }

    pub(super) fn is_whole_text(&self, rule: u16) -> bool {
        self.whole[usize::from(rule) / 64] & (1 << (rule % 64)) != 0
    }

    /// The rules to search over the whole text, in index order.
    pub(super) fn whole_text_rules(&self) -> impl Iterator<Item = u16> + '_ {
        self.whole
            .iter()
            .enumerate()
            .flat_map(|(word_index, &word)| {
                let mut bits = word;
                std::iter::from_fn(move || {
                    (bits != 0).then(|| {
                        let bit = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        (word_index * 64 + bit) as u16
                    })
                })
            })
    }

    pub(super) fn anchored(&self) -> &[(u16, usize)] {
        &self.anchored[..self.anchored_count]
    }

    /// A keyword of `rule` at `range`.
    pub(super) fn hit(
        &mut self,
        rules: &[CompiledRule],
        hay: &[u8],
        rule: u16,
        range: Range<usize>,
    ) {
        let compiled = &rules[usize::from(rule)];
        if !compiled.accepts_hit(hay, range.clone()) {
            return;
        }
        if compiled.searched_at_hits() && self.anchored_count < self.anchored.len() {
            self.anchored[self.anchored_count] = (rule, range.start);
            self.anchored_count += 1;
        } else {
            self.whole_text(rule);
        }
    }
}

impl Engine {
    /// Decodes the decimal byte list starting at `at` (`65, 99, 116]`), scans the bytes, and
    /// reports each finding as the span of list elements that encode it.
    pub(super) fn scan_byte_array(&self, hay: &[u8], at: usize, out: &mut Vec<Raw>) {
        let mut decoded = Vec::new();
        let mut elements: Vec<Range<usize>> = Vec::new();
        let mut i = at;
        while decoded.len() < self.max_len {
            let start = i;
            let mut value = 0u32;
            while i < hay.len() && hay[i].is_ascii_digit() && i - start < 3 {
                value = value * 10 + u32::from(hay[i] - b'0');
                i += 1;
            }
            let Ok(byte) = u8::try_from(value) else { break };
            if i == start {
                break;
            }
            decoded.push(byte);
            elements.push(start..i);
            match hay.get(i..i + 2) {
                Some(b", ") => i += 2,
                _ => break,
            }
        }
        if decoded.is_empty() {
            return;
        }
        let mut inner = Vec::new();
        self.find(&decoded, &mut inner);
        for (rule, r) in inner {
            if let (Some(first), Some(last)) =
                (elements.get(r.start), elements.get(r.end.saturating_sub(1)))
            {
                // The inner search applied the allowlist to the decoded bytes already; the
                // list's digits must not be matched against it again.
                out.push((rule | OVERRIDES_ALLOWLIST, first.start..last.end));
            }
        }
    }

    /// Parses the key around a stem hit and records its value. Returns the key's end, so later
    /// stems inside the same key are skipped.
    pub(super) fn key_value_at(&self, hay: &[u8], hit: Range<usize>, out: &mut Vec<Raw>) -> usize {
        let key = keyvalue::key_around(hay, hit.clone());
        let key_end = key.end;
        // `Signature=<base64>` (SigV4, SigV2, `X-Amz-Signature`): the signature rule has it,
        // and ends it where the signature ends. Stems inside the signature are skipped, as
        // inside any value (a text of `Signature=Signature=…` stays linear).
        let name_at = key.end.saturating_sub(9);
        if self.slots.aws_signature.is_some()
            && hay[name_at..key.end].eq_ignore_ascii_case(b"signature")
        {
            // Only where the signature ends the value: a CloudFront signature goes on
            // with `~`, `-` and `_`, which the key parser takes and the signature rule not.
            if let Some(end) = aws::signature_at(hay, name_at) {
                let ends_value = hay.get(end).map_or(true, |&b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'~' | b'-' | b'_' | b'.'))
                });
                if ends_value {
                    return end.max(key_end);
                }
            }
        }
        let Some(class) = classify(&hay[key.clone()], &self.extra_keys) else {
            return key_end;
        };
        let (slot, strong, header_like) = match class {
            KeyClass::AwsSecretAccessKey => (self.slots.aws_secret, true, false),
            KeyClass::AwsSessionToken => (self.slots.aws_session, true, false),
            KeyClass::Authorization => (self.slots.authorization, true, true),
            KeyClass::Cookie => (self.slots.cookie, true, true),
            KeyClass::Sensitive { strong } => (self.slots.sensitive, strong, false),
        };
        let Some(rule) = slot else {
            return key_end;
        };
        let Some(kv) = keyvalue::value_after(hay, key, header_like, !strong) else {
            return key_end;
        };
        if kv.prose && !kv.delimited && !strong && !kv.scheme {
            // Prose, not data (mostly turned down inside `value_after`, before the read).
            return key_end;
        }
        let value = &hay[kv.value.clone()];
        let own = Some(&self.rules[usize::from(rule)].replacement);
        if aws::is_sigv4_credential(value) {
            // `Credential=AKID/date/region/service/aws4_request`: the access-key rule takes
            // the key id; the scope is not secret and stays readable.
            return key_end;
        }
        if aws::sigv4_credential_key_id(value).is_some_and(|key_id| {
            crate::util::text::contains_marker(key_id) || keyvalue::is_placeholder(key_id, own)
        }) {
            // The same, once the key id is redacted: the fixed point keeps the scope.
            return key_end;
        }
        if keyvalue::is_placeholder(value, own) {
            return key_end;
        }
        // Parts of a header value (a cookie's value, the credentials after the scheme) can be
        // placeholders of their own; a whole value was checked just above.
        let mut push_part = |r: Range<usize>| {
            if !keyvalue::is_placeholder(&hay[r.clone()], None) {
                out.push((rule | OVERRIDES_ALLOWLIST, r));
            }
        };
        match class {
            KeyClass::Authorization => {
                http::authorization_secret(value, kv.value.start, &mut push_part)
            }
            KeyClass::Cookie => http::cookie_secrets(value, kv.value.start, &mut push_part),
            _ => out.push((rule | OVERRIDES_ALLOWLIST, kv.value.clone())),
        }
        kv.value.end.max(key_end)
    }

    pub(super) fn run_scanners(
        &self,
        text: &Classified,
        triggers: &mut Triggers,
        out: &mut Vec<Raw>,
    ) {
        let hay = text.hay();
        let s = &self.slots;
        if s.digit_scanner_on() {
            digits::scan_digits(text, s.ipv4.is_some(), &mut |hit, r| {
                let slot = match hit {
                    DigitHit::Card => s.card,
                    DigitHit::Ssn => s.ssn,
                    DigitHit::Phone => s.phone,
                    DigitHit::Iban => s.iban,
                    DigitHit::Ipv4 => s.ipv4,
                };
                if let Some(rule) = slot {
                    out.push((rule, r));
                }
            });
        }
        if let Some(rule) = s.ipv6 {
            network::scan_ipv6(hay, &mut |r| out.push((rule, r)));
        }
        let paired = s.aws_secret.is_some()
            && s.aws_access_key.is_some()
            && out.iter().any(|(rule, _)| Some(*rule) == s.aws_access_key);
        let bare_keys = s.aws_secret_bare.is_some() || paired;
        // A key run is a token run too, and longer than `classify::LONG_RUN`.
        if !bare_keys && self.run_keywords.is_empty() || !text.may_hold_long_token_runs() {
            return;
        }
        let mut each_run = |run: Range<usize>| {
            self.run_keywords_in(hay, run.clone(), triggers, out);
            let Some(c) = aws::secret_key_candidate(hay, run).filter(|_| bare_keys) else {
                return;
            };
            if paired && c.paired_ok {
                if let Some(rule) = s.aws_secret {
                    out.push((rule, c.range));
                    return;
                }
            }
            if c.bare_ok() {
                if let Some(rule) = s.aws_secret_bare {
                    out.push((rule, c.range));
                }
            }
        };
        let is_key_byte = |b| aws::KEY_BYTES.contains(b);
        let key_mask = |at| text.key(at);
        if self.run_keywords.is_empty() {
            crate::util::runs::for_each_long_run_masked::<40>(
                hay,
                key_mask,
                is_key_byte,
                &mut each_run,
            );
        } else {
            crate::util::runs::for_each_long_run_masked::<KEY_RUN_MIN>(
                hay,
                key_mask,
                is_key_byte,
                &mut each_run,
            );
        }
    }

    /// One `memchr` pass for the bytes that start an e-mail check (`@`) or a keyword search
    /// (`build::Placement::AtByte`): each of these bytes is rare in logs, and a `memchr2` costs
    /// about what a `memchr` does, while each call has a fixed cost that matters on short
    /// texts.
    pub(super) fn rare_bytes(&self, hay: &[u8], triggers: &mut Triggers, out: &mut Vec<Raw>) {
        let email = self.slots.email;
        let mut email_end = 0;
        let mut at_byte = |at: usize| {
            let byte = hay[at];
            if byte == b'@' && at >= email_end {
                if let Some(rule) = email {
                    if let Some(found) = email::email_at(hay, at) {
                        email_end = found.end;
                        out.push((rule, found));
                    }
                }
            }
            for (_, keywords) in self.byte_keywords.iter().filter(|(b, _)| *b == byte) {
                for k in keywords {
                    let Some(start) = at.checked_sub(k.offset) else {
                        continue;
                    };
                    if hay[start..].starts_with(&k.literal) {
                        triggers.hit(&self.rules, hay, k.rule, start..start + k.literal.len());
                    }
                }
            }
        };
        for chunk in self.rare_needles.chunks(3) {
            match *chunk {
                [a] => memchr::memchr_iter(a, hay).for_each(&mut at_byte),
                [a, b] => memchr::memchr2_iter(a, b, hay).for_each(&mut at_byte),
                [a, b, c] => memchr::memchr3_iter(a, b, c, hay).for_each(&mut at_byte),
                _ => {}
            }
        }
    }

    /// Searches `run`, a maximal run of at least [`KEY_RUN_MIN`] key bytes, for the keywords
    /// the engine looks for there (`build::Placement::InKeyRuns`), and searches each hit's
    /// rule (at the hit, or over the whole text once for a rule whose matches do not start at
    /// a keyword).
    pub(super) fn run_keywords_in(
        &self,
        hay: &[u8],
        run: Range<usize>,
        triggers: &mut Triggers,
        out: &mut Vec<Raw>,
    ) {
        // A match starts at a keyword followed by KEY_RUN_MIN key bytes in all.
        let last_start = run.end - KEY_RUN_MIN.min(run.len());
        for (literal, rule) in &self.run_keywords {
            let Some(&first) = literal.first() else {
                continue;
            };
            for offset in memchr::memchr_iter(first, &hay[run.start..=last_start]) {
                let at = run.start + offset;
                if !hay[at..run.end].starts_with(literal) || triggers.is_whole_text(*rule) {
                    continue;
                }
                let compiled = &self.rules[usize::from(*rule)];
                if !compiled.accepts_hit(hay, at..at + literal.len()) {
                    continue;
                }
                if compiled.searched_at_hits() {
                    self.run_anchored(*rule, hay, at, out);
                } else {
                    triggers.whole_text(*rule);
                    self.run_pattern(*rule, hay, out);
                }
            }
        }
    }
}
