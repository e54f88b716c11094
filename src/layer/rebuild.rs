//! Rebuilding an event's values once something was found: the scrubbed text rendered into
//! a second buffer, each piece settled to a fixed point, and each field re-emitted as the
//! same kind of value it was (see the pipeline in `capture`).

use super::capture::{Capture, Kind, Number, Whole, UNFORMATTABLE_MARKER};
use crate::redactor::to_fixed_point;
use crate::Redactor;
use std::error::Error as StdError;
use std::fmt;
use std::ops::Range;
use tracing_core::field::{debug, DebugValue, FieldSet, Value, ValueSet};

/// One scrubbed field value, ready to be re-emitted.
enum Out<'a> {
    Str(&'a str),
    Debug(DebugValue<Verbatim<'a>>),
    Bytes(&'a [u8]),
    Error(Box<dyn StdError + Send + Sync + 'static>),
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
    Bool(bool),
}

impl Out<'_> {
    fn as_value(&self) -> &dyn Value {
        match self {
            Out::Str(v) => v,
            Out::Debug(v) => v,
            Out::Bytes(v) => v,
            Out::Error(v) => v,
            Out::I64(v) => v,
            Out::U64(v) => v,
            Out::I128(v) => v,
            Out::U128(v) => v,
            Out::F64(v) => v,
            Out::Bool(v) => v,
        }
    }
}

/// Text re-emitted through `record_debug` exactly as it was formatted (no quotes added).
#[derive(Clone, Copy)]
struct Verbatim<'a>(&'a str);

impl fmt::Debug for Verbatim<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// An error rebuilt from scrubbed messages, keeping the shape of the original chain.
#[derive(Debug)]
struct ScrubbedError {
    message: String,
    source: Option<Box<ScrubbedError>>,
}

impl fmt::Display for ScrubbedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ScrubbedError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

impl Capture {
    /// Builds the scrubbed values for `fields` (every field not captured stays absent) and
    /// hands them to `f`. Call only after [`scan`](Self::scan) said the capture is dirty.
    pub(crate) fn rebuild<R>(
        &mut self,
        redactor: &Redactor,
        fields: &FieldSet,
        f: impl FnOnce(&ValueSet<'_>) -> R,
    ) -> R {
        self.render(redactor);
        let Capture {
            rendered,
            rendered_pieces,
            slots,
            ..
        } = &*self;
        let text_of = |piece: usize| -> &str {
            rendered_pieces
                .get(piece)
                .and_then(|r| std::str::from_utf8(&rendered[r.clone()]).ok())
                // Only a bug could make a rendered text piece invalid UTF-8; fail closed.
                .unwrap_or(UNFORMATTABLE_MARKER)
        };
        let bytes_of = |piece: usize| -> &[u8] {
            rendered_pieces
                .get(piece)
                .map_or(UNFORMATTABLE_MARKER.as_bytes(), |r| &rendered[r.clone()])
        };
        let outs: Vec<(usize, Out<'_>)> = slots
            .iter()
            .map(|slot| {
                let first = slot.pieces.start;
                let out = if slot.whole.is_some() {
                    // The replacement was rendered as the slot's first piece.
                    match slot.kind {
                        Kind::Debug => Out::Debug(debug(Verbatim(text_of(first)))),
                        Kind::Error => Out::Error(Box::new(ScrubbedError {
                            message: text_of(first).to_owned(),
                            source: None,
                        })),
                        _ => Out::Str(text_of(first)),
                    }
                } else {
                    match slot.kind {
                        Kind::Str => Out::Str(text_of(first)),
                        Kind::Debug => Out::Debug(debug(Verbatim(text_of(first)))),
                        Kind::Bytes => Out::Bytes(bytes_of(first)),
                        Kind::Error => {
                            let mut chain = None;
                            for piece in slot.pieces.clone().rev() {
                                chain = Some(Box::new(ScrubbedError {
                                    message: text_of(piece).to_owned(),
                                    source: chain,
                                }));
                            }
                            match chain {
                                Some(error) => Out::Error(error),
                                None => Out::Str(UNFORMATTABLE_MARKER),
                            }
                        }
                        Kind::Number(n) => {
                            if self
                                .findings
                                .iter()
                                .any(|(p, _, _)| slot.pieces.contains(p))
                            {
                                Out::Str(text_of(first))
                            } else {
                                match n {
                                    Number::I64(v) => Out::I64(v),
                                    Number::U64(v) => Out::U64(v),
                                    Number::I128(v) => Out::I128(v),
                                    Number::U128(v) => Out::U128(v),
                                    Number::F64(v) => Out::F64(v),
                                }
                            }
                        }
                        Kind::Bool(v) => Out::Bool(v),
                    }
                };
                (slot.field, out)
            })
            .collect();
        let mut values: Vec<Option<&dyn Value>> = vec![None; fields.len()];
        for (field, out) in &outs {
            if let Some(value) = values.get_mut(*field) {
                *value = Some(out.as_value());
            }
        }
        f(&fields.value_set_all(&values))
    }

    /// Renders every piece with its findings replaced into `rendered`; a slot replaced whole
    /// gets its replacement as its first piece.
    fn render(&mut self, redactor: &Redactor) {
        let Capture {
            text,
            pieces,
            slots,
            findings,
            rendered,
            rendered_pieces,
            settled,
            ..
        } = self;
        rendered.clear();
        rendered_pieces.clear();
        rendered_pieces.resize(pieces.len(), 0..0);
        let mut next_finding = 0;
        for slot in slots.iter() {
            if let Some(whole) = slot.whole {
                let start = rendered.len();
                match whole {
                    Whole::Rule(rule) => {
                        let original = slot
                            .pieces
                            .clone()
                            .next()
                            .map_or(&[][..], |p| &text[pieces[p].clone()]);
                        redactor.write_replacement(rule, original, rendered);
                    }
                    Whole::Unformattable => {
                        rendered.extend_from_slice(UNFORMATTABLE_MARKER.as_bytes())
                    }
                }
                if let Some(first) = slot.pieces.clone().next() {
                    rendered_pieces[first] = start..rendered.len();
                }
                continue;
            }
            for p in slot.pieces.clone() {
                let start = rendered.len();
                let piece = pieces[p].clone();
                let mut at = piece.start;
                while next_finding < findings.len() && findings[next_finding].0 < p {
                    next_finding += 1;
                }
                let mut replaced = false;
                while let Some((fp, rule, range)) = findings.get(next_finding) {
                    if *fp != p {
                        break;
                    }
                    let range = range.start.max(at)..range.end.max(at);
                    rendered.extend_from_slice(&text[at..range.start]);
                    redactor.write_replacement(*rule, &text[range.clone()], rendered);
                    at = range.end;
                    next_finding += 1;
                    replaced = true;
                }
                rendered.extend_from_slice(&text[at..piece.end]);
                if replaced {
                    settle(redactor, rendered, start, slot.name, slot.exempt, settled);
                }
                rendered_pieces[p] = start..rendered.len();
            }
        }
    }
}

/// Makes the piece rendered at `rendered[start..]` a fixed point, as [`Redactor::redact`]
/// makes its output: a replacement changes what surrounds its neighbours, and a number, URL
/// or e-mail hidden by a neighbour can show once that neighbour is a marker. Only pieces
/// that had a replacement pay for the extra scan.
///
/// The slots of what the rescan finds go to `counted` (what later passes find, which the
/// fuzzers have never produced, is redacted but not counted).
///
/// In an exempt field only known secret values are ever replaced, so only they are looked
/// for again: a full rescan would redact, next to a known value, what the exemption keeps
/// everywhere else (a card number in an exempt `request_id`).
fn settle(
    redactor: &Redactor,
    rendered: &mut Vec<u8>,
    start: usize,
    name: &'static str,
    exempt: bool,
    counted: &mut Vec<(usize, &'static str)>,
) {
    if exempt {
        settle_known_values(redactor, rendered, start, name, counted);
        return;
    }
    let piece = &rendered[start..];
    let found = redactor.scan(piece, |raw| {
        counted.extend(
            raw.iter()
                .map(|(rule, _)| (redactor.counter_slot(*rule), name)),
        );
        !raw.is_empty()
    });
    if !found {
        return;
    }
    let settled = match std::str::from_utf8(piece) {
        Ok(text) => redactor.redact(text).into_owned().into_bytes(),
        Err(_) => redactor.redact_bytes(piece).into_owned(),
    };
    rendered.truncate(start);
    rendered.extend_from_slice(&settled);
}

/// [`settle`] for an exempt field: known secret values only, to a fixed point as `redact`
/// reaches one (the render's replacements are its first pass).
fn settle_known_values(
    redactor: &Redactor,
    rendered: &mut Vec<u8>,
    start: usize,
    name: &'static str,
    counted: &mut Vec<(usize, &'static str)>,
) {
    let mut first_rescan = true;
    let settled = to_fixed_point(rendered[start..].to_vec(), |piece: &Vec<u8>| {
        redactor.scan(piece, |raw| {
            let known: Vec<_> = raw
                .iter()
                .filter(|(rule, _)| redactor.is_secret_value_rule(*rule))
                .cloned()
                .collect();
            if std::mem::take(&mut first_rescan) {
                counted.extend(
                    known
                        .iter()
                        .map(|(rule, _)| (redactor.counter_slot(*rule), name)),
                );
            }
            (!known.is_empty()).then(|| redactor.render(piece, &known, |r| r))
        })
    });
    rendered.truncate(start);
    rendered.extend_from_slice(&settled);
}

/// Widens `range` outward to UTF-8 character boundaries, staying inside `bounds`.
pub(super) fn widen_in(text: &[u8], mut range: Range<usize>, bounds: Range<usize>) -> Range<usize> {
    let is_continuation = |i: usize| text.get(i).is_some_and(|b| b & 0xC0 == 0x80);
    while range.start > bounds.start && is_continuation(range.start) {
        range.start -= 1;
    }
    while range.end < bounds.end && is_continuation(range.end) {
        range.end += 1;
    }
    range
}
