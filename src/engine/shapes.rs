//! Token-shape dispatch: every enabled [`TokenShape`] found in one scan, whatever their number.
//!
//! # How
//!
//! 1. **Classes.** Each 64-byte block is classified into bit masks (`util::classify`):
//!    token-run bytes (`[A-Za-z0-9_.+/=-]`), and, only in blocks where a long run starts,
//!    the bytes after which a token may start inside a run (`+`, `/`, `=`).
//! 2. **Starts.** Bit arithmetic on the masks gives the positions where a token may start
//!    (`rules::shape` defines them) and is followed by at least [`SHAPE_RUN_MIN`] token-run
//!    bytes: a few shifts and ands a block, no branch a byte.
//! 3. **Dispatch.** At each start, the first byte picks the few prefixes that begin with it
//!    from a 256-entry table; only those are compared. Shapes anchored by their context
//!    ([`Anchor::After`]) are picked by the byte before the start. Nothing else is looked at,
//!    so a catalogue of 200 prefixes scans about as fast as one of 20
//!    (`benches/engine.rs`, `synthetic-prefixes`).
//! 4. **Shape.** The picked shape's body must first fit the masks: it starts with at least
//!    the token-run bytes and key bytes its leading fixed segments require (a few mask
//!    loads). Then it matches forward from the prefix, and fails at the first byte that
//!    does not fit.
//!
//! # Cost and guarantees
//!
//! Clean text costs the masks of each block plus a filter load per start in a long run. Each shape
//! match reads at most its own maximum length; a start is tried once per candidate prefix,
//! so the scan is linear in the text for a fixed catalogue. Nothing allocates unless a token
//! is found.

use crate::rules::shape::{
    char_before, start_after_escape, Alphabet, Anchor, RunEnds, Segment, TokenShape,
};
use crate::util::classify::{in_token_run, opens_token, Classified, KEY_BYTES, LONG_RUN};
use crate::util::runs::long_run_starts;
use std::ops::Range;

/// The shortest token run the scan looks at. Every built-in shape spends at least this many
/// bytes in one run from its start (`rules::vendor`'s tests check it); a custom shape could
/// not be found in a shorter run.
pub(crate) const SHAPE_RUN_MIN: usize = 24;

// Texts the classifying pass finds without a run of LONG_RUN token bytes skip the scan.
const _: () = assert!(SHAPE_RUN_MIN >= LONG_RUN);

/// One enabled shape: its rule index in the engine and its description.
#[derive(Clone, Copy)]
struct Entry {
    rule: u16,
    shape: &'static TokenShape,
    /// A byte the body must have at a fixed offset from its start (the first literal after
    /// fixed-length runs: the `-` of `PMAK-<24>-`), checked before the body is read.
    probe: Option<(usize, u8)>,
    /// For a shape anchored after a context: what must come before the context's last
    /// character, checked before the body is read (see [`ContextProbe`]).
    context_probe: Option<ContextProbe>,
    /// Lower bounds on how many bytes every body starts with that are token-run bytes, and
    /// key bytes (`[A-Za-z0-9+/]`), from its leading segments: checked on the masks before
    /// the body is read (see [`Entry::body_fits_masks`]).
    floor_run: u16,
    floor_key: u16,
}

/// What precedes the last character of an [`Anchor::After`] context: a necessary condition
/// of [`TokenShape::context_start`], one load to check. Every segment of a path starts
/// after a `/`, the last byte of most contexts, and reading a body there costs a run's
/// length; the byte before the `/` (a digit of Discord's `/webhooks/<id>/`, the `2` of
/// `webhookb2/`) turns nearly all of them down first.
#[derive(Clone, Copy)]
enum ContextProbe {
    /// This character, seen through escapes as the context's literals are matched.
    Char(u8),
    /// A byte of this alphabet, read raw as the context's runs are matched.
    Class(Alphabet),
}

impl ContextProbe {
    /// The probe of `context`, when its last two characters are fixed enough to give one.
    fn of(context: &[Segment]) -> Option<ContextProbe> {
        let (last, rest) = context.split_last()?;
        let Segment::Literal(text) = *last else {
            return None;
        };
        if let [.., second_last, _] = *text.as_bytes() {
            return Some(ContextProbe::Char(second_last));
        }
        match *rest.last()? {
            Segment::Literal(text) => text.bytes().last().map(ContextProbe::Char),
            Segment::Run(alphabet, min, _) if min >= 1 => Some(ContextProbe::Class(alphabet)),
            _ => None,
        }
    }

    /// Whether the context's last character, whose encoding starts at `last_start`, may
    /// follow what is before it.
    #[inline(always)]
    fn allows(self, hay: &[u8], last_start: usize) -> bool {
        match self {
            ContextProbe::Char(want) => {
                char_before(hay, last_start).is_some_and(|(b, _)| b == want)
            }
            ContextProbe::Class(alphabet) => last_start
                .checked_sub(1)
                .is_some_and(|i| alphabet.contains(hay[i])),
        }
    }
}

impl Entry {
    fn new(rule: u16, shape: &'static TokenShape) -> Entry {
        let mut offset = 0;
        let mut probe = None;
        for segment in shape.body {
            match *segment {
                Segment::Literal(text) => {
                    probe = text.bytes().next().map(|b| (offset, b));
                    break;
                }
                Segment::Run(_, min, max) if min == max => offset += usize::from(min),
                _ => break,
            }
        }
        let context_probe = match shape.anchor {
            Anchor::After(context) => ContextProbe::of(context),
            Anchor::Prefix(_) => None,
        };
        let floor = |class: fn(u8) -> bool| {
            u16::try_from(shape.body_leading_bytes_in(class)).unwrap_or(u16::MAX)
        };
        Entry {
            rule,
            shape,
            probe,
            context_probe,
            floor_run: floor(in_token_run),
            floor_key: floor(|b| KEY_BYTES.contains(b)),
        }
    }

    /// Whether the body at `body` can fit, by the class masks: it must start with at least
    /// `floor_run` token-run bytes and `floor_key` key bytes. A few mask loads where reading
    /// the body costs a loop over it: in a path (`/data/1732443000008/3675a3a2-fc1e-…`),
    /// a hex digit followed by `-` 32 bytes on passes Mailchimp's probe, and a digit before
    /// a `/` passes Discord's, and the masks turn both down.
    ///
    /// Not inlined: it runs only where a probe passed, and inlined it would crowd the
    /// dispatch loop that runs at every start.
    #[inline(never)]
    fn body_fits_masks(&self, text: &Classified, window: RunWindow, body: usize) -> bool {
        // Key bytes first: the more selective floor where there is one (a hex run cut by
        // `/` or `-`), and a floor of 0 reads no mask.
        leads_with(body, usize::from(self.floor_key), |from| text.key(from))
            && leads_with(body, usize::from(self.floor_run), |from| {
                window.run(text, from)
            })
    }

    /// The token whose body starts at `body`, if its shape matches and it is not a
    /// placeholder.
    #[inline]
    fn token_end(&self, hay: &[u8], body: usize, ends: &RunEnds) -> Option<usize> {
        if !self.probe_allows(hay, body) {
            return None;
        }
        self.body_token_end(hay, body, ends)
    }

    /// Whether the byte [`probe`](Entry::probe) names is there, for a body at `body`.
    #[inline(always)]
    fn probe_allows(&self, hay: &[u8], body: usize) -> bool {
        match self.probe {
            Some((offset, byte)) => hay.get(body + offset) == Some(&byte),
            None => true,
        }
    }

    /// [`token_end`](Entry::token_end) past the probe: the body read forward.
    #[inline(never)]
    fn body_token_end(&self, hay: &[u8], body: usize, ends: &RunEnds) -> Option<usize> {
        let end = self.shape.body_end(hay, body, ends)?;
        self.shape.accepts(hay, body..end).then_some(end)
    }
}

/// A prefix literal, with its first eight bytes as a word, so that most candidates are
/// turned down by one load and compare.
struct Prefix {
    word: u64,
    mask: u64,
    literal: &'static [u8],
    entry: Entry,
}

impl Prefix {
    fn new(literal: &'static [u8], entry: Entry) -> Prefix {
        let n = literal.len().min(8);
        let mut bytes = [0u8; 8];
        bytes[..n].copy_from_slice(&literal[..n]);
        let mask = if n == 8 { !0 } else { (1u64 << (8 * n)) - 1 };
        Prefix {
            word: u64::from_le_bytes(bytes),
            mask,
            literal,
            entry,
        }
    }

    #[inline]
    fn is_at(&self, hay: &[u8], at: usize) -> bool {
        match hay.get(at..at + 8) {
            Some(eight) => {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(eight);
                u64::from_le_bytes(bytes) & self.mask == self.word
                    && (self.literal.len() <= 8 || hay[at..].starts_with(self.literal))
            }
            None => hay[at..].starts_with(self.literal),
        }
    }
}

/// Prefixes behind a filter: a 64 Kbit bit set keyed by a start's first bytes turns down
/// most starts with one load (8 KiB), then a table by first byte lists the prefixes to
/// compare.
struct PrefixSet {
    filter: Box<[u64; 1024]>,
    by_first: [(u16, u16); 256],
    /// Sorted by first byte.
    prefixes: Vec<Prefix>,
}

impl PrefixSet {
    /// `prefixes` sorted by first byte; `keys` gives the filter keys each one can start with.
    fn new(prefixes: Vec<Prefix>, keys: impl Fn(&Prefix) -> Vec<usize>) -> PrefixSet {
        let mut filter = Box::new([0u64; 1024]);
        for key in prefixes.iter().flat_map(&keys) {
            filter[key / 64] |= 1 << (key % 64);
        }
        PrefixSet {
            filter,
            by_first: ranges(prefixes.iter().map(|p| p.literal[0])),
            prefixes,
        }
    }

    /// The prefixes to compare at a start whose first byte is `first` and whose filter key
    /// is `key` (none when the filter turns it down).
    #[inline(always)]
    fn candidates(&self, key: usize, first: u8) -> &[Prefix] {
        if self.filter[key / 64] & (1 << (key % 64)) == 0 {
            return &[];
        }
        let (lo, hi) = self.by_first[usize::from(first)];
        &self.prefixes[usize::from(lo)..usize::from(hi)]
    }
}

/// The dispatch tables of the enabled shapes.
pub(crate) struct ShapeDispatch {
    /// Prefixes of one or two bytes, keyed by a start's first two bytes (a one-byte prefix
    /// with any byte its body can start with).
    short: PrefixSet,
    /// Longer prefixes, keyed by [`triple_bit`] of a start's first three bytes, so that a
    /// catalogue of hundreds of prefixes still lets few starts through, and the short ones'
    /// starts (any hex digit, for Mailchimp) do not walk them.
    long: PrefixSet,
    /// By the byte before a start: the range of `contexts` whose context ends with it.
    by_before: [(u16, u16); 256],
    contexts: Vec<(u8, Entry)>,
}

impl ShapeDispatch {
    /// The tables for `shapes` (rule index, shape); `None` when there is none.
    pub(crate) fn new(shapes: &[(u16, &'static TokenShape)]) -> Option<ShapeDispatch> {
        if shapes.is_empty() {
            return None;
        }
        let mut prefixes = Vec::new();
        let mut contexts = Vec::new();
        for &(rule, shape) in shapes {
            let entry = Entry::new(rule, shape);
            match shape.anchor {
                Anchor::Prefix(literals) => {
                    for literal in literals.iter().filter(|l| !l.is_empty()) {
                        prefixes.push(Prefix::new(literal.as_bytes(), entry));
                    }
                }
                Anchor::After(context) => {
                    if let Some(last) = last_context_byte(context) {
                        contexts.push((last, entry));
                    }
                }
            }
        }
        prefixes.sort_by_key(|p| p.literal[0]);
        contexts.sort_by_key(|(byte, _)| *byte);
        let (long, short): (Vec<Prefix>, Vec<Prefix>) =
            prefixes.into_iter().partition(|p| p.literal.len() >= 3);
        let long = PrefixSet::new(long, |p| match *p.literal {
            [a, b, c, ..] => vec![triple_bit(a, b, c)],
            _ => Vec::new(),
        });
        let short = PrefixSet::new(short, |p| {
            let first = usize::from(p.literal[0]) << 8;
            match p.literal.get(1) {
                Some(&second) => vec![first | usize::from(second)],
                None => (0..=255u8)
                    .filter(|&b| p.entry.shape.body_may_start_with(b))
                    .map(|b| first | usize::from(b))
                    .collect(),
            }
        });
        Some(ShapeDispatch {
            short,
            long,
            by_before: ranges(contexts.iter().map(|(byte, _)| *byte)),
            contexts,
        })
    }

    /// Calls `push` with every token in `hay`: the rule and the secret's range.
    pub(crate) fn scan(&self, text: &Classified, push: &mut impl FnMut(u16, Range<usize>)) {
        if !text.may_hold_long_token_runs() {
            return;
        }
        let hay = text.hay();
        let blocks = hay.len().div_ceil(64);
        let ends = RunEnds::default();
        let mut current = text.run(0);
        // Whether the byte before the block is a token-run byte, and an opener.
        let (mut carry_run, mut carry_opens) = (0u64, 0u64);
        for block in 0..blocks {
            let base = block * 64;
            let next = if block + 1 < blocks {
                text.run(base + 64)
            } else {
                0
            };
            // Bit p of `long`: the SHAPE_RUN_MIN bytes from p on are all token-run bytes.
            let both = u128::from(current) | (u128::from(next) << 64);
            let long = long_run_starts::<SHAPE_RUN_MIN>(both) as u64;
            if long != 0 {
                let run = current;
                let after_run = (run << 1) | carry_run;
                let after_opener = (text.opener(base) << 1) | carry_opens;
                let run_starts = run & !after_run;
                let mut starts = (run_starts | (run & after_opener)) & long;
                let window = RunWindow { base, both };
                while starts != 0 {
                    let at = base + starts.trailing_zeros() as usize;
                    self.try_start(text, window, at, &ends, push);
                    starts &= starts - 1;
                }
                // A run that starts right after an escape (`\n`, `%3D`, `\u0022`) holds
                // the token past the escape's tail; only a long run can hold a long token.
                let mut escaped = run_starts & long;
                while escaped != 0 {
                    let run_start = base + escaped.trailing_zeros() as usize;
                    if let Some(at) = start_after_escape(hay, run_start) {
                        let long_enough = hay
                            .get(at..at + SHAPE_RUN_MIN)
                            .is_some_and(|bytes| bytes.iter().all(|&b| in_token_run(b)));
                        if long_enough {
                            self.try_start(text, window, at, &ends, push);
                        }
                    }
                    escaped &= escaped - 1;
                }
            }
            carry_run = current >> 63;
            carry_opens = u64::from(hay.get(base + 63).is_some_and(|&b| opens_token(b)));
            current = next;
        }
    }

    /// Tries every shape that can start at `at`.
    #[inline(always)]
    fn try_start(
        &self,
        text: &Classified,
        window: RunWindow,
        at: usize,
        ends: &RunEnds,
        push: &mut impl FnMut(u16, Range<usize>),
    ) {
        let hay = text.hay();
        // Every start has SHAPE_RUN_MIN bytes after it.
        if let Some(&[a, b, c]) = hay
            .get(at..at + 3)
            .and_then(|h| <&[u8; 3]>::try_from(h).ok())
        {
            let pair = usize::from(a) << 8 | usize::from(b);
            for prefixes in [
                self.short.candidates(pair, a),
                self.long.candidates(triple_bit(a, b, c), a),
            ] {
                if !prefixes.is_empty() {
                    self.try_prefixes(prefixes, text, window, at, ends, push);
                }
            }
        }
        // The byte before, seen through `%2F` and `\/`: contexts are mostly URL paths.
        if let Some((before, before_start)) = char_before(hay, at) {
            let (lo, hi) = self.by_before[usize::from(before)];
            for (_, entry) in &self.contexts[usize::from(lo)..usize::from(hi)] {
                let allowed = match entry.context_probe {
                    Some(probe) => probe.allows(hay, before_start),
                    None => true,
                };
                if allowed && entry.body_fits_masks(text, window, at) {
                    Self::try_context(entry, hay, at, ends, push);
                }
            }
        }
    }

    /// Compares each candidate prefix and its probe inline: starts in hex runs pick the
    /// one-byte hex prefixes (Mailchimp, New Relic) nearly everywhere, and their probes
    /// (`-us` after 32 hex digits, `NRAL` after 36) turn them down with one load.
    #[inline(always)]
    fn try_prefixes(
        &self,
        prefixes: &[Prefix],
        text: &Classified,
        window: RunWindow,
        at: usize,
        ends: &RunEnds,
        push: &mut impl FnMut(u16, Range<usize>),
    ) {
        let hay = text.hay();
        for prefix in prefixes {
            let body = at + prefix.literal.len();
            if !prefix.is_at(hay, at)
                || !prefix.entry.probe_allows(hay, body)
                || !prefix.entry.body_fits_masks(text, window, body)
            {
                continue;
            }
            if let Some(end) = prefix.entry.body_token_end(hay, body, ends) {
                push(prefix.entry.rule, at..end);
            }
        }
    }

    /// The shape of `entry` at `at`, whose context's last character is there.
    #[inline(never)]
    fn try_context(
        entry: &Entry,
        hay: &[u8],
        at: usize,
        ends: &RunEnds,
        push: &mut impl FnMut(u16, Range<usize>),
    ) {
        // The body first: it fails at its first byte that does not fit, with the run ends
        // cached, where the context is read backwards through escapes.
        let Some(end) = entry.token_end(hay, at, ends) else {
            return;
        };
        if entry.shape.context_start(hay, at).is_some() {
            push(entry.rule, at..end);
        }
    }
}

/// The token-run masks of the two blocks the scan is at (the block from `base` in the low
/// half, the next in the high half), which it has just read: what a floor check needs when
/// it does not reach past them.
#[derive(Clone, Copy)]
struct RunWindow {
    base: usize,
    both: u128,
}

impl RunWindow {
    /// [`Classified::run`] of the block at `from`, from the two held here when it is one of
    /// them.
    #[inline(always)]
    fn run(&self, text: &Classified, from: usize) -> u64 {
        if from == self.base {
            self.both as u64
        } else if from == self.base + 64 {
            (self.both >> 64) as u64
        } else {
            text.run(from)
        }
    }
}

/// Whether the `want` bytes from `at` are all set in the class masks `mask_of` gives (the
/// mask of the 64 bytes from a multiple of 64; no bit past the text's end is set).
#[inline(always)]
fn leads_with(at: usize, want: usize, mask_of: impl Fn(usize) -> u64) -> bool {
    let (mut block, mut offset, mut have) = (at & !63, at & 63, 0);
    while have < want {
        // Trailing ones of the block's mask from `offset`: at most the 64 - offset bits
        // left in it, as the shift brings in zeros.
        let ones = (!(mask_of(block) >> offset)).trailing_zeros() as usize;
        have += ones;
        if ones < 64 - offset {
            break;
        }
        block += 64;
        offset = 0;
    }
    have >= want
}

/// The last byte of an [`Anchor::After`] context, which picks it in the dispatch.
fn last_context_byte(context: &[Segment]) -> Option<u8> {
    match context.last()? {
        Segment::Literal(text) => text.bytes().last(),
        _ => None,
    }
}

/// The filter bit of a prefix's first three bytes: a multiplicative hash to 16 bits.
#[inline]
fn triple_bit(a: u8, b: u8, c: u8) -> usize {
    let v = u32::from(a) | u32::from(b) << 8 | u32::from(c) << 16;
    (v.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

/// For keys sorted ascending: for each byte, the index range of the keys equal to it.
fn ranges(keys: impl Iterator<Item = u8>) -> [(u16, u16); 256] {
    let mut table = [(0u16, 0u16); 256];
    for (i, key) in keys.enumerate() {
        let i = i as u16;
        let slot = &mut table[usize::from(key)];
        if slot.0 == slot.1 {
            *slot = (i, i + 1);
        } else {
            slot.1 = i + 1;
        }
    }
    table
}

/// Every token in `hay` found by trying each shape at every position where a token may
/// start, the definition written the slow, obvious way: what [`ShapeDispatch::scan`] is
/// compared with.
#[cfg(test)]
pub(crate) fn scan_naively(
    hay: &[u8],
    shapes: &[(u16, &'static TokenShape)],
    push: &mut impl FnMut(u16, Range<usize>),
) {
    use crate::rules::shape::MAX_ESCAPE_TAIL;
    let may_start = |at: usize| {
        at == 0
            || !in_token_run(hay[at - 1])
            || opens_token(hay[at - 1])
            || (0..at).rev().take(MAX_ESCAPE_TAIL + 1).any(|run_start| {
                (run_start == 0 || !in_token_run(hay[run_start - 1]))
                    && hay[run_start..at].iter().all(|&b| in_token_run(b))
                    && start_after_escape(hay, run_start) == Some(at)
            })
    };
    let long_enough = |at: usize| {
        hay.get(at..at + SHAPE_RUN_MIN)
            .is_some_and(|bytes| bytes.iter().all(|&b| in_token_run(b)))
    };
    for at in 0..hay.len() {
        if !may_start(at) || !long_enough(at) {
            continue;
        }
        for &(rule, shape) in shapes {
            match shape.anchor {
                Anchor::Prefix(literals) => {
                    for literal in literals {
                        if hay[at..].starts_with(literal.as_bytes()) {
                            let body = at + literal.len();
                            if let Some(end) = shape.body_end(hay, body, &RunEnds::default()) {
                                if shape.accepts(hay, body..end) {
                                    push(rule, at..end);
                                }
                            }
                        }
                    }
                }
                Anchor::After(_) => {
                    if shape.context_start(hay, at).is_some() {
                        if let Some(end) = shape.body_end(hay, at, &RunEnds::default()) {
                            if shape.accepts(hay, at..end) {
                                push(rule, at..end);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::shape::Check;
    use crate::rules::{rules, Detector};
    use crate::test_rng::XorShift;

    fn catalogue() -> Vec<(u16, &'static TokenShape)> {
        rules()
            .filter_map(|r| match r.detector {
                Detector::Shape(rule) => Some(&rule.shape),
                _ => None,
            })
            .enumerate()
            .map(|(i, s)| (i as u16, s))
            .collect()
    }

    /// Bytes for a segment: usually fitting, sometimes one short or long, sometimes broken.
    fn write_segments(segments: &[Segment], rng: &mut XorShift, out: &mut Vec<u8>, escape: bool) {
        const ANY: &[u8] = b"abcdefABCDEF0123456789xyzXYZ_-.+/=";
        for segment in segments {
            let mut next = || rng.next();
            match *segment {
                Segment::Literal(text) => {
                    if next() % 20 != 0 {
                        // Contexts are URL paths: sometimes escaped as JSON or a URL does.
                        for &b in text.as_bytes() {
                            match (b, if escape { next() % 6 } else { 9 }) {
                                (b'/', 0) => out.extend(b"\\/"),
                                (b'/', 1) => out.extend(b"%2F"),
                                (b'/', 2) => out.extend(b"%252f"),
                                (b':', 0) => out.extend(b"%3A"),
                                _ => out.push(b),
                            }
                        }
                    }
                }
                Segment::Run(alphabet, min, max) => {
                    let (min, max) = (u64::from(min), u64::from(max).min(u64::from(min) + 40));
                    let len = match next() % 8 {
                        0 => min.saturating_sub(1),
                        1 => max + 1,
                        _ => min + next() % (max - min + 1),
                    };
                    let fitting: Vec<u8> = (0..=255u8).filter(|&b| alphabet.contains(b)).collect();
                    // One run in eight carries a byte from outside its alphabet.
                    let foreign = (next() % 8 == 0).then(|| next() % len.max(1));
                    for i in 0..len {
                        let pool = if foreign == Some(i) {
                            ANY
                        } else {
                            &fitting[..]
                        };
                        out.push(pool[(next() % pool.len() as u64) as usize]);
                    }
                }
                Segment::Optional(inner) => {
                    if next() % 2 == 0 {
                        write_segments(inner, rng, out, escape);
                    }
                }
            }
        }
    }

    /// Text around every shape of the catalogue: its anchor, body and context, glued to
    /// the separators, escapes and words that decide where tokens start and end.
    fn text(rng: &mut XorShift, shapes: &[(u16, &'static TokenShape)]) -> Vec<u8> {
        const GLUE: &[&str] = &[
            " ",
            "=",
            "/",
            "+",
            ":",
            "\"",
            "\\n",
            "\\u0022",
            "%3D",
            "%253D",
            "%25252525253D",
            "\x1b[1;32m",
            "\x1b[K",
            "\x1b[m",
            "\\0",
            "\\x00",
            "\\e",
            "\\/",
            "%2F",
            "x",
            "_",
            "-",
            ".",
            "\n",
            "token=",
            "a/b/",
            "",
            "",
        ];
        let mut out = Vec::new();
        for _ in 0..1 + rng.next() % 6 {
            out.extend(GLUE[(rng.next() % GLUE.len() as u64) as usize].as_bytes());
            let (_, shape) = shapes[(rng.next() % shapes.len() as u64) as usize];
            match shape.anchor {
                Anchor::Prefix(prefixes) => {
                    out.extend(prefixes[(rng.next() % prefixes.len() as u64) as usize].as_bytes())
                }
                Anchor::After(context) => write_segments(context, rng, &mut out, true),
            }
            if shape.check == Check::Base64DecimalId {
                // A Discord bot token: its first segment is the base64 of a decimal id.
                out.pop();
                let id: String = (0..18)
                    .map(|_| char::from(b'0' + (rng.next() % 10) as u8))
                    .collect();
                out.extend(crate::testing::base64(id.as_bytes()).as_bytes());
                write_segments(&shape.body[1..], rng, &mut out, false);
            } else {
                write_segments(shape.body, rng, &mut out, false);
            }
        }
        out
    }

    /// The mask floors of two shapes whose probes pass in paths: Mailchimp's 31 hex digits
    /// are key bytes, and with `-us` and a digit token-run bytes; Discord's base64url body
    /// (with `-` and `_`) has no key-byte floor, and a run floor of its shortest length.
    #[test]
    fn body_floors_are_read_from_the_segments() {
        let entry = |id: &str| {
            let shape = rules()
                .find(|r| r.id() == id)
                .and_then(|r| match r.detector {
                    Detector::Shape(rule) => Some(&rule.shape),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{id} is a shape"));
            let entry = Entry::new(0, shape);
            (entry.floor_run, entry.floor_key)
        };
        assert_eq!(entry("mailchimp-api-key"), (35, 31));
        assert_eq!(entry("discord-webhook-url"), (60, 0));
        let hay = b"a/1732443000008/3675a3a2-fc1e-4ef4-a638-f9ff3893aa11.parquet";
        let text = Classified::new(hay);
        // Key bytes include `/`: the key run from the epoch digits ends at the UUID's `-`.
        assert!(leads_with(2, 22, |from| text.key(from)));
        assert!(!leads_with(2, 23, |from| text.key(from)));
        assert!(leads_with(0, hay.len(), |from| text.run(from)));
        assert!(!leads_with(0, hay.len() + 1, |from| text.run(from)));
    }

    /// The dispatch finds what trying every shape at every possible start finds.
    #[test]
    fn dispatch_agrees_with_trying_everything_everywhere() {
        let shapes = catalogue();
        let dispatch = ShapeDispatch::new(&shapes).expect("shapes");
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut found = vec![0usize; shapes.len()];
        for _ in 0..20_000 {
            let mut hay = text(&mut rng, &shapes);
            // One text in four is pushed past the blocks `Classified` holds, at every
            // alignment, so the masks of later blocks (computed as they are asked for)
            // are compared too.
            if rng.next() % 4 == 0 {
                let pad = (rng.next() % 640) as usize;
                hay.splice(0..0, std::iter::repeat(b' ').take(pad));
            }
            let mut fast = Vec::new();
            dispatch.scan(&Classified::new(&hay), &mut |rule, r| fast.push((rule, r)));
            let mut slow = Vec::new();
            scan_naively(&hay, &shapes, &mut |rule, r| slow.push((rule, r)));
            for found in [&mut fast, &mut slow] {
                found.sort_by_key(|(rule, r)| (r.start, r.end, *rule));
                found.dedup();
            }
            assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(&hay));
            for (rule, _) in fast {
                found[usize::from(rule)] += 1;
            }
        }
        // Every shape, context-anchored ones included, must be reached, or the comparison
        // proves nothing about it.
        for (i, n) in found.iter().enumerate() {
            assert!(*n >= 20, "shape {i} found only {n} times: {found:?}");
        }
    }

    /// Each shape's matcher agrees with its regex (`TokenShape::regex`) plus the two
    /// conditions a regex cannot state: every run is maximal and the token ends. An optional
    /// group is taken where the token is a token with it, so the reference tries the regex
    /// of each choice of optional groups, groups present first.
    #[test]
    fn shapes_agree_with_their_regexes() {
        let shapes = catalogue();
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for &(_, shape) in &shapes {
            let Anchor::Prefix(prefixes) = shape.anchor else {
                continue;
            };
            let references: Vec<_> = choices(shape.body)
                .into_iter()
                .map(|body| {
                    let leaked: &'static [Segment] = Box::leak(body.into_boxed_slice());
                    let variant = TokenShape {
                        body: leaked,
                        ..*shape
                    };
                    let pattern = format!("^(?:{})", variant.regex());
                    let regex =
                        regex::bytes::Regex::new(&pattern).expect("a shape's regex compiles");
                    (regex, runs(leaked))
                })
                .collect();
            let mut matches = 0;
            for _ in 0..2_000 {
                let hay = text(&mut rng, &[(0, shape)]);
                for at in 0..hay.len() {
                    let mine = prefixes.iter().find_map(|p| {
                        hay[at..]
                            .starts_with(p.as_bytes())
                            .then(|| shape.body_end(&hay, at + p.len(), &RunEnds::default()))
                            .flatten()
                    });
                    let theirs = references.iter().find_map(|(regex, alphabets)| {
                        let caps = regex.captures(&hay[at..])?;
                        let end = at + caps.get(0)?.end();
                        let maximal = caps.iter().skip(1).flatten().zip(alphabets).all(
                            |(group, alphabet)| {
                                hay.get(at + group.end())
                                    .map_or(true, |&b| !alphabet.contains(b))
                            },
                        );
                        (maximal && crate::util::text::ends_token(&hay, end)).then_some(end)
                    });
                    assert_eq!(
                        mine,
                        theirs,
                        "{} at {at} of {:?}",
                        shape.regex(),
                        String::from_utf8_lossy(&hay)
                    );
                    matches += usize::from(mine.is_some());
                }
            }
            assert!(matches >= 100, "{}: only {matches} matches", shape.regex());
        }
    }

    /// Every choice of optional groups, as plain segment lists: groups present first.
    fn choices(segments: &[Segment]) -> Vec<Vec<Segment>> {
        let mut out = vec![Vec::new()];
        for s in segments {
            match *s {
                Segment::Optional(inner) => {
                    let mut next = Vec::new();
                    for prefix in &out {
                        for with in choices(inner) {
                            let mut v = prefix.clone();
                            v.extend(with);
                            next.push(v);
                        }
                    }
                    next.extend(out.iter().cloned());
                    out = next;
                }
                other => out.iter_mut().for_each(|v| v.push(other)),
            }
        }
        out
    }

    /// The alphabets of a shape's runs, in the order of the regex's capture groups.
    fn runs(segments: &[Segment]) -> Vec<crate::rules::shape::Alphabet> {
        let mut out = Vec::new();
        for s in segments {
            match *s {
                Segment::Run(alphabet, ..) => out.push(alphabet),
                Segment::Optional(inner) => out.extend(runs(inner)),
                Segment::Literal(_) => {}
            }
        }
        out
    }
    /// Log-like text: request lines, UUIDs, hex digests, paths, numbers, words.
    fn log_corpus(rng: &mut XorShift, lines: usize) -> Vec<Vec<u8>> {
        const WORDS: &[&str] = &[
            "GET",
            "POST",
            "request",
            "completed",
            "status=200",
            "latency_ms=12",
            "user_id=",
            "https://api.example.com/v1/orders/",
            "/var/lib/app/cache/",
            "region=eu-west-1",
            "retrying",
            "operation=PutObject",
            "bytes=",
            "trace_id=",
            "span",
            "INFO",
            "DEBUG",
        ];
        let hex = |rng: &mut XorShift, n: usize| -> String {
            (0..n)
                .map(|_| char::from(b"0123456789abcdef"[(rng.next() % 16) as usize]))
                .collect()
        };
        (0..lines)
            .map(|_| {
                let mut line = String::new();
                for _ in 0..12 {
                    match rng.next() % 5 {
                        0 => line.push_str(&format!(
                            "{}-{}-{}-{}-{}",
                            hex(rng, 8),
                            hex(rng, 4),
                            hex(rng, 4),
                            hex(rng, 4),
                            hex(rng, 12)
                        )),
                        1 => line.push_str(&hex(rng, 40)),
                        2 => line.push_str(&(rng.next() % 10_000_000_000_000).to_string()),
                        _ => line.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]),
                    }
                    line.push(' ');
                }
                line.into_bytes()
            })
            .collect()
    }

    /// Cost does not grow with the catalogue: 200 more prefix shapes scan log text about as
    /// fast as the built-in ones alone. Timing, so not in the default suite:
    /// `cargo test --release --lib -- --ignored synthetic_prefixes`.
    #[test]
    #[ignore]
    fn two_hundred_synthetic_prefixes_cost_about_nothing() {
        let builtin = catalogue();
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let synthetic: Vec<(u16, &'static TokenShape)> = (0..200)
            .map(|i| {
                let len = 4 + (rng.next() % 3) as usize;
                let mut prefix: String = (0..len)
                    .map(|_| char::from(ALNUM[(rng.next() % 62) as usize]))
                    .collect();
                prefix.push('_');
                let prefixes: &'static [&'static str] =
                    Box::leak(vec![&*Box::leak(prefix.into_boxed_str())].into_boxed_slice());
                let shape: &'static TokenShape = Box::leak(Box::new(TokenShape {
                    anchor: Anchor::Prefix(prefixes),
                    body: &[Segment::Run(crate::rules::shape::Alphabet::Alnum, 30, 40)],
                    check: Check::None,
                }));
                (builtin.len() as u16 + i, shape)
            })
            .collect();
        let all: Vec<_> = builtin.iter().copied().chain(synthetic).collect();
        let small = ShapeDispatch::new(&builtin).expect("shapes");
        let large = ShapeDispatch::new(&all).expect("shapes");
        let corpus = log_corpus(&mut rng, 20_000);
        let time = |dispatch: &ShapeDispatch| {
            (0..7)
                .map(|_| {
                    let started = std::time::Instant::now();
                    let mut found = 0;
                    for line in &corpus {
                        dispatch.scan(&Classified::new(line), &mut |_, _| found += 1);
                    }
                    std::hint::black_box(found);
                    started.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        // Interleaved, best of each: the machine's noise hits both alike.
        let (mut a, mut b) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..3 {
            b = b.min(time(&large));
            a = a.min(time(&small));
        }
        let ratio = b.as_secs_f64() / a.as_secs_f64();
        eprintln!(
            "{} shapes: {a:?}; {} shapes: {b:?}; ratio {ratio:.3}",
            builtin.len(),
            all.len()
        );
        assert!(ratio < 1.05, "200 more prefixes cost {ratio:.3}x");
    }
}
