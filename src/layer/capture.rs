//! Reading the fields of an event or span, scrubbing them, and rebuilding a value set.
//!
//! # How one event is handled
//!
//! 1. **Capture.** A visitor copies every field's text into one per-thread buffer, separated
//!    by newlines: strings as they are, `Debug`/`Display` values formatted once, integers in
//!    decimal, each error of a `source()` chain on its own, bytes raw. Booleans and floats
//!    carry no text. A field whose *name* is sensitive (`password`, `authorization`, …) is
//!    marked for whole replacement unless its value is a stand-in (`""`, `***`, `${VAR}`).
//! 2. **Scan.** The engine runs once over the joined buffer, so an access key id in one field
//!    and its secret key in another are seen together. Findings are clipped to the field they
//!    fall in (and widened to `char` boundaries), so no replacement ever spans two fields.
//! 3. **Rebuild, only if something was found.** A clean event is forwarded as it came: the
//!    buffer is reused, nothing is allocated. Otherwise the scrubbed text is rendered into a
//!    second buffer and each field is re-emitted as the same kind of value it was, so the
//!    inner formatter takes the same path as for the original: strings as `&str`, `Debug`
//!    text verbatim through `record_debug`, errors as an error whose `source()` chain is
//!    rebuilt from the scrubbed messages, bytes as bytes, numbers that held nothing as
//!    numbers. A value that had a replacement is scanned again until nothing more is found,
//!    as [`Redactor::redact`] does, because a marker can expose a neighbour it used to hide.
//!
//! Anything that cannot be inspected is replaced whole: a value over the size limit by
//! `[REDACTED:oversized]`, a `Debug` implementation that returns an error by
//! `[REDACTED:unformattable]`.
//!
//! Steps 1 and 2 live here, the name policies of step 1 in `names`, step 3 in `rebuild`.

use super::names::{name_rules, NameCache, NamePolicy};
use super::rebuild::widen_in;
use crate::util::decimal::Decimal;
use crate::Redactor;
use std::cell::RefCell;
use std::error::Error as StdError;
use std::fmt::{self, Write as _};
use std::ops::Range;
use tracing_core::callsite::Identifier;
use tracing_core::field::{Field, Visit};
use tracing_core::Metadata;

/// The rule index the engine uses for values over the size limit.
const OVERSIZED: u16 = u16::MAX;

/// At most this many errors of a `source()` chain are read; the rest is cut (a marker says
/// so). Real chains are a handful deep.
const MAX_ERROR_CHAIN: usize = 64;

/// Why a whole value is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Whole {
    /// By an engine rule (a sensitive field name) or [`OVERSIZED`].
    Rule(u16),
    /// The value's `Debug` or `Display` implementation returned an error.
    Unformattable,
}

pub(crate) const UNFORMATTABLE_MARKER: &str = "[REDACTED:unformattable]";

#[derive(Clone, Copy, Debug)]
pub(super) enum Number {
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Str,
    Debug,
    Bytes,
    Error,
    Number(Number),
    Bool(bool),
}

#[derive(Clone, Debug)]
pub(super) struct Slot {
    /// The field's index in its `FieldSet`.
    pub(super) field: usize,
    pub(super) kind: Kind,
    /// Indices into `Capture::pieces`.
    pub(super) pieces: Range<usize>,
    pub(super) whole: Option<Whole>,
    /// The field's name is exempt: findings in its pieces are dropped.
    pub(super) exempt: bool,
    /// The field's name, for the audit hook.
    pub(super) name: &'static str,
}

/// Per-thread buffers for one event or span. Reused across calls, so a clean event allocates
/// nothing once the buffers have grown to fit.
#[derive(Default)]
pub(crate) struct Capture {
    pub(super) text: Vec<u8>,
    pub(super) pieces: Vec<Range<usize>>,
    pub(super) slots: Vec<Slot>,
    /// Findings clipped to pieces: (piece index, rule index, range in `text`), in text order.
    pub(super) findings: Vec<(usize, u16, Range<usize>)>,
    pub(super) rendered: Vec<u8>,
    pub(super) rendered_pieces: Vec<Range<usize>>,
    pub(super) names: NameCache,
    /// Rebuild even without findings (an error chain was cut).
    pub(super) forced: bool,
    /// Statistics slots of what a rescan found while rendering (see `rebuild::settle`), for the
    /// caller to count: they were not known when the scan counted.
    pub(super) settled: Vec<(usize, &'static str)>,
}

thread_local! {
    static CAPTURE: RefCell<Capture> = RefCell::new(Capture::default());
}

/// Runs `f` with this thread's capture buffers. The buffers are moved out for the call, so an
/// event emitted from inside a `Debug` implementation or an inner layer finds none and uses
/// fresh ones instead of failing.
pub(crate) fn with_capture<R>(f: impl FnOnce(&mut Capture) -> R) -> R {
    let mut capture = CAPTURE
        .try_with(|cell| cell.try_borrow_mut().map(|mut c| std::mem::take(&mut *c)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let result = f(&mut capture);
    let _ = CAPTURE.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = capture;
        }
    });
    result
}

impl Capture {
    fn clear(&mut self) {
        self.forced = false;
        self.text.clear();
        self.pieces.clear();
        self.slots.clear();
        self.findings.clear();
        self.rendered.clear();
        self.rendered_pieces.clear();
        self.settled.clear();
    }

    /// The statistics slots of redactions made while rebuilding, beyond those `scan` counted.
    pub(crate) fn settled_slots(&self) -> &[(usize, &'static str)] {
        &self.settled
    }

    /// Reads the fields `record` visits and scans them. `count` is called once per redaction
    /// with the statistics slot of the rule (see [`Redactor::counter_slot`]; `None` for an
    /// unformattable value) and the field's name.
    pub(crate) fn scan(
        &mut self,
        redactor: &Redactor,
        metadata: &Metadata<'_>,
        record: impl FnOnce(&mut dyn Visit),
        mut count: impl FnMut(Option<usize>, &'static str),
    ) -> bool {
        self.clear();
        let max = redactor.max_value_len();
        let name_rules = name_rules(&mut self.names, redactor, metadata);
        record(&mut Collector {
            capture: self,
            redactor,
            name_rules: &name_rules,
            callsite: metadata.callsite(),
            max,
        });
        if self.slots.is_empty() {
            return false;
        }
        let mut dirty = self.forced;
        for slot in &self.slots {
            match slot.whole {
                Some(Whole::Rule(rule)) => {
                    dirty = true;
                    count(Some(redactor.counter_slot(rule)), slot.name);
                }
                Some(Whole::Unformattable) => {
                    dirty = true;
                    count(None, slot.name);
                }
                None => {}
            }
        }
        let Capture {
            text,
            pieces,
            slots,
            findings,
            ..
        } = self;
        // The slot a piece belongs to (each piece belongs to one).
        let owner = |piece: usize| slots.iter().find(|s| s.pieces.contains(&piece));
        let mut clip = |raw: &[(u16, Range<usize>)], offset: usize, first_piece: usize| {
            let mut p = first_piece;
            for (rule, range) in raw {
                let range = range.start + offset..range.end + offset;
                while p < pieces.len() && pieces[p].end <= range.start {
                    p += 1;
                }
                let mut q = p;
                let mut counted = false;
                while q < pieces.len() && pieces[q].start < range.end {
                    let piece = &pieces[q];
                    let start = range.start.max(piece.start);
                    let end = range.end.min(piece.end);
                    let slot = owner(q);
                    // Pieces replaced whole, or exempt: findings inside them are neither kept
                    // nor counted, except known secret values in an exempt field (never an id).
                    let settled = slot.is_some_and(|s| {
                        s.whole.is_some() || s.exempt && !redactor.is_secret_value_rule(*rule)
                    });
                    if start < end && !settled {
                        let clipped = widen_in(text, start..end, piece.clone());
                        findings.push((q, *rule, clipped));
                        if !counted {
                            count(
                                Some(redactor.counter_slot(*rule)),
                                slot.map_or("", |s| s.name),
                            );
                            counted = true;
                        }
                    }
                    q += 1;
                }
            }
        };
        if text.len() <= max {
            redactor.scan(text, |raw| clip(raw, 0, 0));
        } else {
            // Joined, the fields exceed the limit although each is within it (over-limit
            // values were marked while capturing): scan them one by one.
            for (i, piece) in pieces.iter().enumerate() {
                redactor.scan(&text[piece.clone()], |raw| clip(raw, piece.start, i));
            }
        }
        dirty || !findings.is_empty()
    }
}

/// A `fmt::Write` into the capture buffer that refuses to grow past a limit, so a huge
/// `Debug` output is cut off (and the value marked oversized) instead of buffered whole.
struct Bounded<'a> {
    buf: &'a mut Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl Bounded<'_> {
    /// Appends `bytes`, or marks the overflow and fails when they would pass the limit.
    fn write_bytes(&mut self, bytes: &[u8]) -> fmt::Result {
        if self.buf.len() + bytes.len() > self.limit {
            self.overflowed = true;
            return Err(fmt::Error);
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }
}

impl fmt::Write for Bounded<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes())
    }
}

struct Collector<'a> {
    capture: &'a mut Capture,
    redactor: &'a Redactor,
    /// Indexed by field index; a field of another field set (not expected) is classified
    /// on the spot.
    name_rules: &'a [NamePolicy],
    callsite: Identifier,
    max: usize,
}

impl Collector<'_> {
    /// Starts a new piece of text; returns its start.
    fn begin_piece(&mut self) -> usize {
        if !self.capture.text.is_empty() {
            self.capture.text.push(b'\n');
        }
        self.capture.text.len()
    }

    fn end_piece(&mut self, start: usize) -> usize {
        self.capture.pieces.push(start..self.capture.text.len());
        self.capture.pieces.len() - 1
    }

    /// Appends a piece from already-available bytes, or an empty piece marked oversized.
    fn piece_from(&mut self, bytes: &[u8]) -> (usize, Option<Whole>) {
        let start = self.begin_piece();
        if bytes.len() > self.max {
            let piece = self.end_piece(start);
            return (piece, Some(Whole::Rule(OVERSIZED)));
        }
        self.capture.text.extend_from_slice(bytes);
        (self.end_piece(start), None)
    }

    /// Appends a piece formatted by `write`; a formatting error or the size limit marks it.
    fn piece_formatted(
        &mut self,
        write: impl FnOnce(&mut Bounded<'_>) -> fmt::Result,
    ) -> (usize, Option<Whole>) {
        let start = self.begin_piece();
        let limit = start + self.max;
        let mut out = Bounded {
            buf: &mut self.capture.text,
            limit,
            overflowed: false,
        };
        let result = write(&mut out);
        // Overflow is checked whatever the result: an implementation that ignores the error
        // of a write would otherwise leave gaps in what was scanned.
        let whole = if out.overflowed {
            Some(Whole::Rule(OVERSIZED))
        } else if result.is_err() {
            Some(Whole::Unformattable)
        } else {
            None
        };
        if whole.is_some() {
            // Nothing of a value that could not be read whole is kept.
            self.capture.text.truncate(start);
        }
        (self.end_piece(start), whole)
    }

    /// What a field's name calls for. The cached policies are indexed by this callsite's
    /// fields; a value set recorded from another callsite is classified by name.
    fn name_policy(&self, field: &Field) -> NamePolicy {
        let cached = (field.callsite() == self.callsite)
            .then(|| self.name_rules.get(field.index()))
            .flatten();
        match cached {
            Some(policy) => *policy,
            None => NamePolicy::of(self.redactor, field.name()),
        }
    }

    /// Records a slot; a sensitive field name replaces the whole value unless it is a
    /// stand-in such as `""` or `***`.
    fn push_slot(&mut self, field: &Field, kind: Kind, pieces: Range<usize>, whole: Option<Whole>) {
        let policy = self.name_policy(field);
        let whole = whole.or_else(|| {
            let NamePolicy::Whole(rule) = policy else {
                return None;
            };
            // Every piece (each error of a chain) must be a stand-in.
            let stand_in = !matches!(kind, Kind::Number(_))
                && pieces.clone().all(|p| {
                    let text = &self.capture.text[self.capture.pieces[p].clone()];
                    self.redactor.is_placeholder(rule, text)
                });
            (!stand_in).then_some(Whole::Rule(rule))
        });
        self.capture.slots.push(Slot {
            field: field.index(),
            kind,
            pieces,
            whole,
            exempt: policy == NamePolicy::Exempt,
            name: field.name(),
        });
    }

    fn number(&mut self, field: &Field, n: Number) {
        let decimal = |d: Decimal, out: &mut Bounded<'_>| out.write_bytes(d.as_bytes());
        let (piece, whole) = self.piece_formatted(|out| match n {
            Number::I64(v) => decimal(Decimal::new(v < 0, v.unsigned_abs().into()), out),
            Number::U64(v) => decimal(Decimal::new(false, v.into()), out),
            Number::I128(v) => decimal(Decimal::new(v < 0, v.unsigned_abs()), out),
            Number::U128(v) => decimal(Decimal::new(false, v), out),
            Number::F64(v) => write!(out, "{v}"),
        });
        self.push_slot(field, Kind::Number(n), piece..piece + 1, whole);
    }
}

impl Visit for Collector<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let (piece, whole) = self.piece_formatted(|out| write!(out, "{value:?}"));
        self.push_slot(field, Kind::Debug, piece..piece + 1, whole);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let (piece, whole) = self.piece_from(value.as_bytes());
        self.push_slot(field, Kind::Str, piece..piece + 1, whole);
    }

    fn record_bytes(&mut self, field: &Field, value: &[u8]) {
        let (piece, whole) = self.piece_from(value);
        self.push_slot(field, Kind::Bytes, piece..piece + 1, whole);
    }

    fn record_error(&mut self, field: &Field, value: &(dyn StdError + 'static)) {
        let first = self.capture.pieces.len();
        let mut whole = None;
        let mut next: Option<&(dyn StdError + 'static)> = Some(value);
        let mut depth = 0;
        while let Some(error) = next {
            if depth == MAX_ERROR_CHAIN {
                // The rest of the chain is never scanned, so it must not reach the formatter:
                // the event is rebuilt with the chain cut here.
                let (_, w) = self.piece_from(b"[error chain cut]");
                whole = whole.or(w);
                self.capture.forced = true;
                break;
            }
            let (_, w) = self.piece_formatted(|out| write!(out, "{error}"));
            whole = whole.or(w);
            next = error.source();
            depth += 1;
        }
        let end = self.capture.pieces.len();
        self.push_slot(field, Kind::Error, first..end, whole);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.number(field, Number::I64(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.number(field, Number::U64(value));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.number(field, Number::I128(value));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.number(field, Number::U128(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // Floats pass through unscanned (a secret is not logged as an `f64`); a sensitive
        // name still replaces them.
        if matches!(self.name_policy(field), NamePolicy::Whole(_)) {
            self.number(field, Number::F64(value));
        } else {
            let at = self.capture.pieces.len();
            self.capture.slots.push(Slot {
                field: field.index(),
                kind: Kind::Number(Number::F64(value)),
                pieces: at..at,
                whole: None,
                exempt: false,
                name: field.name(),
            });
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        // A boolean holds one bit, never a secret: `has_token = true` stays readable even
        // though `token` is a sensitive name.
        let at = self.capture.pieces.len();
        self.capture.slots.push(Slot {
            field: field.index(),
            kind: Kind::Bool(value),
            pieces: at..at,
            whole: None,
            exempt: false,
            name: field.name(),
        });
    }
}
