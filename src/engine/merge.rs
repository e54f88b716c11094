//! Merging: findings filtered by the allowlist and exempt values, sorted, and overlapping
//! ones merged under one rule. The last stage of a search; rendering the replacements is the
//! redactor's (`crate::redactor`).

use super::keywords::Keywords;
use super::{keyvalue, Engine, Raw, OVERRIDES_ALLOWLIST};
use crate::rules::keys::KeyNames;
use std::ops::Range;

impl Engine {
    pub(super) fn finish(&self, hay: &[u8], out: &mut Vec<Raw>) {
        if out.is_empty() {
            return;
        }
        if !self.allow_literals.is_empty() || self.allow_patterns.is_some() {
            out.retain(|(rule, r)| {
                rule & OVERRIDES_ALLOWLIST != 0 || !self.allowed(&hay[r.clone()])
            });
        }
        for (rule, _) in out.iter_mut() {
            *rule &= !OVERRIDES_ALLOWLIST;
        }
        if self.replacements_findable {
            // A replacement's own output met again (the next pass of the fixed point):
            // keeping it writes what replacing it would, and finding it again would count it
            // twice.
            out.retain(|(rule, r)| {
                !self
                    .rules
                    .get(usize::from(*rule))
                    .is_some_and(|c| c.replacement.produced(c.form, &hay[r.clone()]))
            });
        }
        // Ties go to the rule listed first in the catalogue, so labels are deterministic.
        out.sort_unstable_by(|a, b| {
            (a.1.start, std::cmp::Reverse(a.1.end), a.0).cmp(&(
                b.1.start,
                std::cmp::Reverse(b.1.end),
                b.0,
            ))
        });
        if let Some((names, stems)) = &self.exempt {
            drop_exempt_values(hay, names, stems, self.slots.secret_value, out);
        }
        let mut merged = 0;
        for i in 0..out.len() {
            if merged > 0 && out[i].1.start < out[merged - 1].1.end {
                let end = out[i].1.end.max(out[merged - 1].1.end);
                out[merged - 1].1.end = end;
                // A group that holds a known secret value is one: an exempt field lets only
                // known values' findings through its filter, so the label must say so.
                if Some(out[i].0) == self.slots.secret_value {
                    out[merged - 1].0 = out[i].0;
                }
            } else {
                out.swap(merged, i);
                merged += 1;
            }
        }
        out.truncate(merged);
    }

    pub(super) fn allowed(&self, secret: &[u8]) -> bool {
        self.allow_literals.iter().any(|l| l.as_slice() == secret)
            || self
                .allow_patterns
                .as_ref()
                .is_some_and(|set| set.is_match(secret))
    }
}

/// Drops the findings that lie inside the value of an exempt key (`request_id=…`,
/// `"trace_id": "…"`), except known secret values (`secret_value`), which are never an id.
/// Runs only on texts with findings, so exemptions cost clean text nothing. A finding that
/// reaches past the value is kept whole: only what is certainly inside an exempt value is let
/// through. `out` is sorted by start, and the values come in text order: one merge.
fn drop_exempt_values(
    hay: &[u8],
    names: &KeyNames,
    stems: &Keywords,
    secret_value: Option<u16>,
    out: &mut Vec<Raw>,
) {
    let mut values: Vec<Range<usize>> = Vec::new();
    let mut key_end = 0;
    stems.for_each(hay, |_, hit| {
        if hit.start < key_end {
            return;
        }
        let key = keyvalue::key_around(hay, hit);
        key_end = key.end;
        if !names.matches(&hay[key.clone()]) {
            return;
        }
        if let Some(value) = keyvalue::exempt_value_after(hay, key) {
            values.push(value);
        }
    });
    if values.is_empty() {
        return;
    }
    let mut next = 0;
    out.retain(|(rule, r)| {
        // The values do not overlap (each key is read past the last one's key) and come in
        // text order: the first value not ending before this finding's start is the only one
        // that can hold it.
        while next < values.len() && values[next].end < r.start {
            next += 1;
        }
        let inside = values
            .get(next)
            .is_some_and(|value| value.start <= r.start && r.end <= value.end);
        !inside || Some(*rule) == secret_value
    });
}
