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

use crate::Redactor;
use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::fmt::{self, Write as _};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::rc::Rc;
use tracing_core::callsite::Identifier;
use tracing_core::field::{debug, DebugValue, Field, FieldSet, Value, ValueSet, Visit};
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
enum Number {
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Str,
    Debug,
    Bytes,
    Error,
    Number(Number),
    Bool(bool),
}

#[derive(Clone, Debug)]
struct Slot {
    /// The field's index in its `FieldSet`.
    field: usize,
    kind: Kind,
    /// Indices into `Capture::pieces`.
    pieces: Range<usize>,
    whole: Option<Whole>,
    /// The field's name is exempt: findings in its pieces are dropped.
    exempt: bool,
    /// The field's name, for the audit hook.
    name: &'static str,
}

/// What a field's *name* calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NamePolicy {
    /// Nothing: the value is scanned.
    Scan,
    /// The value is replaced whole by this rule (`password`, a sensitive key), unless it is a
    /// stand-in.
    Whole(u16),
    /// The value is never redacted (`RedactorBuilder::exempt_field`).
    Exempt,
}

impl NamePolicy {
    fn of(redactor: &Redactor, name: &str) -> NamePolicy {
        if redactor.is_exempt_name(name) {
            return NamePolicy::Exempt;
        }
        redactor
            .rule_for_key_name(name)
            .map_or(NamePolicy::Scan, NamePolicy::Whole)
    }
}

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

/// Per-thread buffers for one event or span. Reused across calls, so a clean event allocates
/// nothing once the buffers have grown to fit.
#[derive(Default)]
pub(crate) struct Capture {
    text: Vec<u8>,
    pieces: Vec<Range<usize>>,
    slots: Vec<Slot>,
    /// Findings clipped to pieces: (piece index, rule index, range in `text`), in text order.
    findings: Vec<(usize, u16, Range<usize>)>,
    rendered: Vec<u8>,
    rendered_pieces: Vec<Range<usize>>,
    names: NameCache,
    /// Rebuild even without findings (an error chain was cut).
    forced: bool,
    /// Statistics slots of what a rescan found while rendering (see [`settle`]), for the
    /// caller to count: they were not known when the scan counted.
    settled: Vec<(usize, &'static str)>,
}

/// For each (redactor, callsite): what each field's *name* calls for. Field names are
/// static, so classifying them once per callsite instead of once per event takes the
/// key-name classifier off the hot path.
type NameCache = HashMap<(u64, Identifier), Rc<[NamePolicy]>, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (FxHash): a few cycles for the two words of a key,
/// where the default SipHash costs tens of nanoseconds. Keys are not attacker-chosen.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Looks up (or computes and remembers) the name rules of `fields` under `redactor`.
fn name_rules(
    cache: &mut NameCache,
    redactor: &Redactor,
    metadata: &Metadata<'_>,
) -> Rc<[NamePolicy]> {
    let key = (redactor.serial(), metadata.callsite());
    if let Some(rules) = cache.get(&key) {
        return Rc::clone(rules);
    }
    let rules: Rc<[NamePolicy]> = metadata
        .fields()
        .iter()
        .map(|field| NamePolicy::of(redactor, field.name()))
        .collect();
    cache.insert(key, Rc::clone(&rules));
    rules
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
                    settle(redactor, rendered, start, slot.name, settled);
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
fn settle(
    redactor: &Redactor,
    rendered: &mut Vec<u8>,
    start: usize,
    name: &'static str,
    counted: &mut Vec<(usize, &'static str)>,
) {
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

/// Widens `range` outward to UTF-8 character boundaries, staying inside `bounds`.
fn widen_in(text: &[u8], mut range: Range<usize>, bounds: Range<usize>) -> Range<usize> {
    let is_continuation = |i: usize| text.get(i).is_some_and(|b| b & 0xC0 == 0x80);
    while range.start > bounds.start && is_continuation(range.start) {
        range.start -= 1;
    }
    while range.end < bounds.end && is_continuation(range.end) {
        range.end += 1;
    }
    range
}

/// A `fmt::Write` into the capture buffer that refuses to grow past a limit, so a huge
/// `Debug` output is cut off (and the value marked oversized) instead of buffered whole.
struct Bounded<'a> {
    buf: &'a mut Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl fmt::Write for Bounded<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.buf.len() + s.len() > self.limit {
            self.overflowed = true;
            return Err(fmt::Error);
        }
        self.buf.extend_from_slice(s.as_bytes());
        Ok(())
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
        let (piece, whole) = self.piece_formatted(|out| match n {
            Number::I64(v) => write!(out, "{v}"),
            Number::U64(v) => write!(out, "{v}"),
            Number::I128(v) => write!(out, "{v}"),
            Number::U128(v) => write!(out, "{v}"),
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
