//! Token shapes: how a vendor credential looks, written as data.
//!
//! Most credentials that services issue today announce themselves: a fixed prefix
//! (`hf_`, `dckr_pat_`, `shpat_`), then a body of a known alphabet and length, sometimes
//! a separator and a second part. A [`TokenShape`] says exactly that and nothing about how to
//! search for it: the engine (`engine::shapes`) compiles every enabled shape into dispatch
//! tables and finds them all in one scan, at a cost that does not grow with the number of
//! shapes.
//!
//! # Where a token starts
//!
//! A token is found where it starts a *token run*: a maximal run of
//! `[A-Za-z0-9_.+/=-]` (`util::classify::in_token_run`). It starts either at the run's start, or right
//! after a `+`, `/` or `=` inside it (`token=hf_…`, `/models/hf_…`), or right after an
//! escape that a formatter glued to it: `\n`, `\u0022`, `%3D` (also `%253D`), or an ANSI
//! colour sequence ([`start_after_escape`]). A prefix glued to letters (`myhf_…`) is not a
//! start: the prefix is then part of a longer word.
//!
//! # How a shape matches
//!
//! From the start, the [`Anchor`] and then each [`Segment`] in turn:
//!
//! * a [`Segment::Literal`] must be there, byte for byte;
//! * a [`Segment::Run`] takes the *whole* run of its alphabet (maximal munch, never part of
//!   it) and fails when that run is shorter than `min` or longer than `max`;
//! * a [`Segment::Optional`] group is taken when all of it matches, else skipped.
//!
//! The token must then end: the next byte is not a letter or digit. A token whose random
//! part has fewer than five distinct letters and digits (`hf_xxxx…`, `dapi0000…`) is a
//! documentation placeholder and stays.
//!
//! Every shape can also be written as a regular expression ([`TokenShape::regex`]); the tests
//! compare the two on generated text, and the README's catalogue prints the regex.

#[cfg(test)]
use crate::util::classify::in_token_run;
use crate::util::text::{count_while, ends_token, looks_like_placeholder};
use std::ops::Range;

/// The bytes a [`Segment::Run`] may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Alphabet {
    /// `[0-9]`
    Digits,
    /// `[0-9a-f]`
    LowerHex,
    /// `[0-9A-Fa-f]`
    Hex,
    /// `[A-Z0-9]`
    UpperAlnum,
    /// `[a-z0-9]`
    LowerAlnum,
    /// `[A-Za-z]`
    Letters,
    /// `[A-Za-z0-9]`
    Alnum,
    /// `[A-Za-z0-9_-]`: base64url without padding.
    Base64Url,
    /// `[A-Za-z0-9_=-]`: base64url with its padding, where padding can sit inside a token.
    Base64UrlPadded,
    /// `[A-Za-z0-9+/=_-]`: either base64 alphabet with padding, for tokens that embed encoded
    /// JSON whichever way their issuer encoded it.
    AnyBase64,
    /// `[A-Za-z0-9_.-]`
    Dotted,
}

impl Alphabet {
    /// Whether `b` belongs to the alphabet.
    #[inline]
    pub(crate) fn contains(self, b: u8) -> bool {
        match self {
            Alphabet::Digits => b.is_ascii_digit(),
            Alphabet::LowerHex => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
            Alphabet::Hex => b.is_ascii_hexdigit(),
            Alphabet::UpperAlnum => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Alphabet::LowerAlnum => b.is_ascii_lowercase() || b.is_ascii_digit(),
            Alphabet::Letters => b.is_ascii_alphabetic(),
            Alphabet::Alnum => b.is_ascii_alphanumeric(),
            Alphabet::Base64Url => b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'),
            Alphabet::Base64UrlPadded => {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'=')
            }
            Alphabet::AnyBase64 => {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/' | b'=')
            }
            Alphabet::Dotted => b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'),
        }
    }

    #[cfg(any(test, feature = "proptest"))]
    /// The alphabet as a regex character class.
    pub(crate) fn class(self) -> &'static str {
        match self {
            Alphabet::Digits => "[0-9]",
            Alphabet::LowerHex => "[0-9a-f]",
            Alphabet::Hex => "[0-9A-Fa-f]",
            Alphabet::UpperAlnum => "[A-Z0-9]",
            Alphabet::LowerAlnum => "[a-z0-9]",
            Alphabet::Letters => "[A-Za-z]",
            Alphabet::Alnum => "[A-Za-z0-9]",
            Alphabet::Base64Url => "[A-Za-z0-9_-]",
            Alphabet::Base64UrlPadded => "[A-Za-z0-9_=-]",
            Alphabet::AnyBase64 => "[A-Za-z0-9+/=_-]",
            Alphabet::Dotted => "[A-Za-z0-9_.-]",
        }
    }
}

/// The alphabets, for tables indexed by `alphabet as usize`.
const ALPHABETS: usize = Alphabet::Dotted as usize + 1;

/// The end of the last whole run of each alphabet read during one scan: starts inside a run
/// already read get its end without reading it again, which keeps a scan linear when one
/// long run holds many starts (`/ops_eyJ/ops_eyJ…`).
#[derive(Default)]
pub(crate) struct RunEnds([std::cell::Cell<(usize, usize)>; ALPHABETS]);

impl RunEnds {
    /// Where the run of `alphabet` bytes from `at` on ends.
    fn end(&self, hay: &[u8], alphabet: Alphabet, at: usize) -> usize {
        let slot = &self.0[alphabet as usize];
        let (start, end) = slot.get();
        if start <= at && at <= end && end > start {
            return end;
        }
        let end = at
            + count_while(&hay[at.min(hay.len())..], usize::MAX, |b| {
                alphabet.contains(b)
            });
        slot.set((at, end));
        end
    }
}

/// One part of a token, in text order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Segment {
    /// These bytes exactly.
    Literal(&'static str),
    /// The whole run of `alphabet` bytes here, `min..=max` long.
    Run(Alphabet, u16, u16),
    /// These segments, when all of them match; otherwise nothing.
    Optional(&'static [Segment]),
}

/// What places a token in the text, before its [`TokenShape::body`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Anchor {
    /// One of these literals at a token start; the literal is part of the secret.
    Prefix(&'static [&'static str]),
    /// Right after this context (matched backwards from the token's start, which must start
    /// a token run or follow a `/`): `…/webhooks/<id>/` before a Discord webhook's token.
    /// The context stays readable; only the body is the secret.
    After(&'static [Segment]),
}

/// A check beyond the shape, for formats that carry one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// The shape is all there is.
    None,
    /// The token's first `.`-separated segment is the base64 of a decimal number (a Discord
    /// user id): each group of four characters starts with `M`, `N` or `O` and then `D`,
    /// `T`, `j` or `z`, as base64 writes three ASCII digits.
    Base64DecimalId,
}

/// A credential format, as data: what places it, what it is made of, how it is checked, and
/// the examples that prove the rule (see the module docs for the matching rules).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenShape {
    pub anchor: Anchor,
    /// The rest of the token after the anchor.
    pub body: &'static [Segment],
    pub check: Check,
}

/// How many times `%25` (an encoded `%`) may precede an escape: `%252F` is `%2F` encoded once
/// more. Bounded, so that where a token may start depends on a bounded look-back.
const MAX_PERCENT_DEPTH: usize = 3;

/// The longest percent escape [`start_after_escape`] reads: `%`, then [`MAX_PERCENT_DEPTH`]
/// times `25`, then two hex digits (`%252525XX`).
pub(crate) const MAX_PERCENT_ESCAPE_LEN: usize = 1 + 2 * (MAX_PERCENT_DEPTH + 1);

/// A bound on how far past a run's start [`start_after_escape`] moves a token's start.
#[cfg(test)]
pub(crate) const MAX_ESCAPE_TAIL: usize = 2 * (MAX_PERCENT_DEPTH + 1) + 8;

/// Where a token starts inside the token run that begins at `run_start`, past an escape
/// glued to it: backslash escapes (`\n`, `\0`, `\e`, `\x1f`, `\u0022`), percent-encoding
/// (`%22`, `%2522`), or the tail of an ANSI control sequence (`\x1b[1;32m`, `\x1b[K`).
/// `None` when the run does not start with one.
pub(crate) fn start_after_escape(hay: &[u8], run_start: usize) -> Option<usize> {
    let before = *hay.get(run_start.checked_sub(1)?)?;
    let rest = hay.get(run_start..)?;
    let hex = |i: usize| rest.get(i).is_some_and(u8::is_ascii_hexdigit);
    match before {
        b'\\' => match rest.first()? {
            b'0' | b'a' | b'b' | b'e' | b'f' | b'n' | b'r' | b't' | b'v' => Some(run_start + 1),
            b'x' if hex(1) && hex(2) => Some(run_start + 3),
            b'u' if (1..5).all(hex) => Some(run_start + 5),
            _ => None,
        },
        b'%' if hex(0) && hex(1) => {
            let mut at = 2;
            for _ in 0..MAX_PERCENT_DEPTH {
                if !(rest[at - 2..at].eq_ignore_ascii_case(b"25") && hex(at) && hex(at + 1)) {
                    break;
                }
                at += 2;
            }
            Some(run_start + at)
        }
        // The parameters and final letter of a control sequence (`ESC [ 1 ; 32 m`).
        b'[' | b';' => {
            let digits = rest
                .iter()
                .take(4)
                .take_while(|b| b.is_ascii_digit())
                .count();
            rest.get(digits)
                .is_some_and(u8::is_ascii_alphabetic)
                .then_some(run_start + digits + 1)
        }
        _ => None,
    }
}

/// The character that ends at `end`, seen through the escapes a URL or a JSON string puts on
/// it (`%2F`, `%252F`, `\/`): the decoded byte and where its encoding starts.
#[inline]
pub(crate) fn char_before(hay: &[u8], end: usize) -> Option<(u8, usize)> {
    let last = *hay.get(end.checked_sub(1)?)?;
    // Only a `/` (of `\/`) or a hex digit (of `%XX`) can end an escape. A `/` is one
    // comparison, inline: it is the byte before most starts in paths, and no `%XX` ends
    // with it.
    if last == b'/' {
        let escaped = end >= 2 && hay[end - 2] == b'\\';
        return Some((b'/', end - 1 - usize::from(escaped)));
    }
    if !last.is_ascii_hexdigit() {
        return Some((last, end - 1));
    }
    escaped_char_before(hay, end, last)
}

/// [`char_before`] where the last byte is a hex digit, which may end a `%XX` escape.
#[inline(never)]
fn escaped_char_before(hay: &[u8], end: usize, last: u8) -> Option<(u8, usize)> {
    let decode = |i: usize| -> Option<u8> {
        let pair = hay.get(i..i + 2)?;
        let value = |b: u8| char::from(b).to_digit(16);
        Some((value(pair[0])? * 16 + value(pair[1])?) as u8)
    };
    if end >= 3 && hay[end - 3] == b'%' {
        if let Some(byte) = decode(end - 2) {
            let mut start = end - 3;
            // `%25` encodes the `%` of the escape: `%252F` is a `/` too.
            for _ in 0..MAX_PERCENT_DEPTH {
                if start >= 3 && hay[start - 3] == b'%' && decode(start - 2) == Some(b'%') {
                    start -= 3;
                    continue;
                }
                break;
            }
            return Some((byte, start));
        }
    }
    Some((last, end - 1))
}

impl TokenShape {
    /// The end of the token whose body starts at `at` (after the anchor), if the body
    /// matches there and the token ends with it.
    pub(crate) fn body_end(&self, hay: &[u8], at: usize, ends: &RunEnds) -> Option<usize> {
        match_forward(hay, at, self.body, ends, &|end| {
            ends_token(hay, end).then_some(end)
        })
    }

    /// A lower bound on how many bytes every body match starts with that are all in
    /// `class`: the minimum lengths of its leading runs whose alphabet is in `class`, and
    /// of its literals' bytes that are, up to the first byte or run that is not, or an
    /// optional group. 0 when nothing is certain; a bound that is too low only costs speed.
    pub(crate) fn body_leading_bytes_in(&self, class: impl Fn(u8) -> bool) -> usize {
        let mut floor = 0;
        for segment in self.body {
            match *segment {
                Segment::Literal(text) => {
                    let lead = text.bytes().take_while(|&b| class(b)).count();
                    floor += lead;
                    if lead < text.len() {
                        break;
                    }
                }
                Segment::Run(alphabet, min, _)
                    if (0..=255u8).all(|b| !alphabet.contains(b) || class(b)) =>
                {
                    floor += usize::from(min)
                }
                _ => break,
            }
        }
        floor
    }

    /// Whether the body can start with `b` (a superset: every byte an optional group or
    /// a possibly empty run could let through counts).
    pub(crate) fn body_may_start_with(&self, b: u8) -> bool {
        fn may_start(segments: &[Segment], b: u8) -> bool {
            for segment in segments {
                match *segment {
                    Segment::Literal(text) => return text.as_bytes().first() == Some(&b),
                    Segment::Run(alphabet, min, _) => {
                        if alphabet.contains(b) {
                            return true;
                        }
                        if min > 0 {
                            return false;
                        }
                    }
                    Segment::Optional(inner) => {
                        if may_start(inner, b) {
                            return true;
                        }
                    }
                }
            }
            true
        }
        may_start(self.body, b)
    }

    /// The start of the [`Anchor::After`] context that ends at `at`, if it is there.
    pub(crate) fn context_start(&self, hay: &[u8], at: usize) -> Option<usize> {
        match self.anchor {
            Anchor::After(context) => match_backward(hay, at, context),
            Anchor::Prefix(_) => None,
        }
    }

    /// Whether a token whose random part (everything after its prefix) is `random` is a
    /// credential: not a placeholder, and its check passes.
    pub(crate) fn accepts(&self, hay: &[u8], random: Range<usize>) -> bool {
        !looks_like_placeholder(&hay[random.clone()])
            && match self.check {
                Check::None => true,
                Check::Base64DecimalId => {
                    // The token starts one byte before its random part (a one-byte prefix).
                    let token = &hay[random.start.saturating_sub(1)..random.end];
                    let first = token.split(|&b| b == b'.').next().unwrap_or_default();
                    first.chunks_exact(4).all(|quad| {
                        matches!(quad[0], b'M' | b'N' | b'O')
                            && matches!(quad[1], b'D' | b'T' | b'j' | b'z')
                    })
                }
            }
    }

    #[cfg(any(test, feature = "proptest"))]
    /// The shape as a regular expression (with a capture group for each run), for tooling and
    /// the tests' reference matcher. A match of it is a token only where the module docs'
    /// extra conditions hold: maximal runs, and the token ends.
    pub(crate) fn regex(&self) -> String {
        let mut out = String::new();
        match self.anchor {
            Anchor::Prefix(prefixes) => {
                out.push_str("(?:");
                for (i, p) in prefixes.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    out.push_str(&regex::escape(p));
                }
                out.push(')');
            }
            Anchor::After(context) => {
                // A look-behind the regex crate lacks: the context is written as a
                // non-capturing prefix of the match.
                out.push_str("(?:");
                write_regex(context, &mut out, false);
                out.push(')');
            }
        }
        write_regex(self.body, &mut out, true);
        out
    }

    #[cfg(test)]
    /// The fewest bytes a token of this shape spends in one token run from its start:
    /// the engine looks only at runs this long.
    pub(crate) fn min_run(&self) -> usize {
        let anchor = match self.anchor {
            Anchor::Prefix(prefixes) => prefixes.iter().map(|p| leading_run(p)).min().unwrap_or(0),
            Anchor::After(_) => 0,
        };
        let prefix_whole = match self.anchor {
            Anchor::Prefix(prefixes) => prefixes.iter().all(|p| p.bytes().all(in_token_run)),
            Anchor::After(_) => true,
        };
        if !prefix_whole {
            return anchor;
        }
        anchor + self.body_leading_bytes_in(in_token_run)
    }
}

#[cfg(test)]
fn leading_run(text: &str) -> usize {
    text.bytes().take_while(|&b| in_token_run(b)).count()
}

#[cfg(any(test, feature = "proptest"))]
fn write_regex(segments: &[Segment], out: &mut String, capture: bool) {
    for segment in segments {
        match *segment {
            Segment::Literal(text) => out.push_str(&regex::escape(text)),
            Segment::Run(alphabet, min, max) => {
                let (open, close) = if capture { ("(", ")") } else { ("(?:", ")") };
                out.push_str(open);
                out.push_str(alphabet.class());
                out.push_str(&format!("{{{min},{max}}}"));
                out.push_str(close);
            }
            Segment::Optional(inner) => {
                out.push_str("(?:");
                write_regex(inner, out, capture);
                out.push_str(")?");
            }
        }
    }
}

/// Matches `segments` forward from `at`, then `then` at their end; returns what `then`
/// returns. An optional group is taken if the rest matches with it, else skipped (a
/// backtrack only at optional groups; runs never give bytes back).
fn match_forward(
    hay: &[u8],
    at: usize,
    segments: &[Segment],
    ends: &RunEnds,
    then: &dyn Fn(usize) -> Option<usize>,
) -> Option<usize> {
    let Some((first, rest)) = segments.split_first() else {
        return then(at);
    };
    match *first {
        Segment::Literal(text) => {
            if !hay.get(at..)?.starts_with(text.as_bytes()) {
                return None;
            }
            match_forward(hay, at + text.len(), rest, ends, then)
        }
        Segment::Run(alphabet, min, max) => {
            let n = ends.end(hay, alphabet, at) - at;
            if n < usize::from(min) || n > usize::from(max) {
                return None;
            }
            match_forward(hay, at + n, rest, ends, then)
        }
        Segment::Optional(inner) => match_forward(hay, at, inner, ends, &|end| {
            match_forward(hay, end, rest, ends, then)
        })
        .or_else(|| match_forward(hay, at, rest, ends, then)),
    }
}

/// Matches `segments` backward, ending at `end`; returns where they start. Literals are
/// compared through the escapes of [`char_before`] (`webhooks%2F…`, `https:\/\/…`); runs take
/// their whole run to the left, as [`match_forward`] does to the right. A context that
/// starts with a literal must start a word (`v1//…` is no `1//`).
fn match_backward(hay: &[u8], end: usize, segments: &[Segment]) -> Option<usize> {
    let mut i = end;
    for segment in segments.iter().rev() {
        match *segment {
            Segment::Literal(text) => {
                for &want in text.as_bytes().iter().rev() {
                    let (got, start) = char_before(hay, i)?;
                    if got != want {
                        return None;
                    }
                    i = start;
                }
            }
            Segment::Run(alphabet, min, max) => {
                let max = usize::from(max);
                let n = hay[..i]
                    .iter()
                    .rev()
                    .take(max + 1)
                    .take_while(|&&b| alphabet.contains(b))
                    .count();
                if n < usize::from(min) || n > max {
                    return None;
                }
                i -= n;
            }
            Segment::Optional(inner) => {
                if let Some(start) = match_backward(hay, i, inner) {
                    i = start;
                }
            }
        }
    }
    let starts_with_literal = matches!(segments.first(), Some(Segment::Literal(_)));
    let glued = i > 0 && hay[i - 1].is_ascii_alphanumeric();
    (!(starts_with_literal && glued)).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `char_before` from its definition, by the suffix the text ends with: `\/`, or `%XX`
    /// behind up to `MAX_PERCENT_DEPTH` `%25`s (each encodes the escape's `%` once more),
    /// else the byte itself. The reference.
    fn char_before_by_hand(hay: &[u8], end: usize) -> Option<(u8, usize)> {
        let text = hay.get(..end)?;
        let last = *text.last()?;
        if text.ends_with(b"\\/") {
            return Some((b'/', end - 2));
        }
        let escape = text.len().checked_sub(3).map(|at| &text[at..]);
        let Some([b'%', high, low]) = escape else {
            return Some((last, end - 1));
        };
        if !(high.is_ascii_hexdigit() && low.is_ascii_hexdigit()) {
            return Some((last, end - 1));
        }
        let pair = [*high, *low];
        let byte = std::str::from_utf8(&pair)
            .ok()
            .and_then(|pair| u8::from_str_radix(pair, 16).ok())?;
        let mut start = end - 3;
        for _ in 0..MAX_PERCENT_DEPTH {
            if !text[..start].ends_with(b"%25") {
                break;
            }
            start -= 3;
        }
        Some((byte, start))
    }

    #[test]
    fn char_before_agrees_with_trying_every_escape() {
        let mut rng = crate::test_rng::XorShift(0x3C6E_F372_FE94_F82B);
        let pieces: [&[u8]; 10] = [
            b"%", b"2", b"5", b"F", b"f", b"/", b"\\", b"a", b"%25", b"%2F",
        ];
        let mut escaped = 0;
        for _ in 0..20_000 {
            let hay: Vec<u8> = (0..1 + rng.next() % 8)
                .flat_map(|_| {
                    pieces[(rng.next() % pieces.len() as u64) as usize]
                        .iter()
                        .copied()
                })
                .collect();
            for end in 0..=hay.len() + 1 {
                let want = char_before_by_hand(&hay, end);
                assert_eq!(
                    char_before(&hay, end),
                    want,
                    "{:?} {end}",
                    String::from_utf8_lossy(&hay)
                );
                escaped += usize::from(want.is_some_and(|(_, start)| start + 1 < end));
            }
        }
        assert!(escaped > 10_000, "{escaped}");
    }
}
