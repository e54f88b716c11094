//! Where tokens start and end, byte sets, and our own markers: the boundary tests every
//! matcher shares.
//!
//! Every function here works on bytes and never panics, whatever the input.

/// True for bytes that continue an identifier-like token.
#[inline]
pub(crate) fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// True when a token may start at `at`: the text starts there, or the byte before is not
/// alphanumeric, or it ends an escape that a formatter put there (`\n` in Debug output,
/// `%2F` in a URL), which are separators in disguise.
pub(crate) fn starts_token(hay: &[u8], at: usize) -> bool {
    if at == 0 || at > hay.len() {
        return true;
    }
    if !is_alnum(hay[at - 1]) {
        return true;
    }
    let escaped = at >= 2 && hay[at - 2] == b'\\' && matches!(hay[at - 1], b'n' | b'r' | b't');
    let percent = at >= 3
        && hay[at - 3] == b'%'
        && hay[at - 2].is_ascii_hexdigit()
        && hay[at - 1].is_ascii_hexdigit();
    escaped || percent
}

/// True when a token may end at `at` (exclusive).
///
/// One of our markers right after counts as a continuation: it replaced a secret that was glued
/// to this one, and a second pass must decide as the first did.
pub(crate) fn ends_token(hay: &[u8], at: usize) -> bool {
    at >= hay.len() || !(is_alnum(hay[at]) || hay[at..].starts_with(b"[REDACTED"))
}

/// A set of bytes as a lookup table: one load a byte, where a chain of range tests is several
/// compares and branches.
pub(crate) struct ByteSet([bool; 256]);

impl ByteSet {
    /// The bytes of the inclusive `ranges` and the `singles`.
    pub(crate) const fn new(ranges: &[(u8, u8)], singles: &[u8]) -> ByteSet {
        let mut table = [false; 256];
        let mut r = 0;
        while r < ranges.len() {
            let mut b = ranges[r].0 as usize;
            while b <= ranges[r].1 as usize {
                table[b] = true;
                b += 1;
            }
            r += 1;
        }
        let mut s = 0;
        while s < singles.len() {
            table[singles[s] as usize] = true;
            s += 1;
        }
        ByteSet(table)
    }

    /// Every byte but the `excluded`.
    pub(crate) const fn all_but(excluded: &[u8]) -> ByteSet {
        let mut table = [true; 256];
        let mut s = 0;
        while s < excluded.len() {
            table[excluded[s] as usize] = false;
            s += 1;
        }
        ByteSet(table)
    }

    #[inline]
    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }

    /// How many bytes at the start of `bytes`, at most `max`, are in the set.
    #[inline]
    pub(crate) fn leading(&self, bytes: &[u8], max: usize) -> usize {
        count_while(bytes, max, |b| self.contains(b))
    }
}

/// Fewer than five distinct letters and digits: `AKIAXXXXXXXXXXXXXXXX`, `hf_aaaa…` and
/// `ghp_xxxx…` are documentation placeholders, not credentials.
pub(crate) fn looks_like_placeholder(secret: &[u8]) -> bool {
    let mut seen = [false; 128];
    let mut distinct = 0;
    for &b in secret {
        if b.is_ascii_alphanumeric() && !seen[usize::from(b)] {
            seen[usize::from(b)] = true;
            distinct += 1;
            if distinct >= 5 {
                return false;
            }
        }
    }
    true
}

/// `[A-Za-z0-9]`, the alphanumerics most token bodies are made of.
pub(crate) const ALNUM: &[(u8, u8)] = &[(b'A', b'Z'), (b'a', b'z'), (b'0', b'9')];

/// How many bytes from the start of `bytes`, at most `max`, satisfy `class`.
///
/// A plain indexed loop: `iter().take().take_while().count()` kept two counters a byte and
/// ran at half the speed.
#[inline]
pub(crate) fn count_while(bytes: &[u8], max: usize, class: impl Fn(u8) -> bool) -> usize {
    let limit = bytes.len().min(max);
    let mut i = 0;
    while i < limit && class(bytes[i]) {
        i += 1;
    }
    i
}

/// Whether `text` holds the start of one of our redaction markers (`[REDACTED`).
///
/// `memchr` for `[` and a comparison at each: `memmem::find` would build a searcher on every
/// call, which cost more than the search on the short spans checked here.
pub(crate) fn contains_marker(text: &[u8]) -> bool {
    memchr::memchr_iter(b'[', text).any(|at| text[at..].starts_with(b"[REDACTED"))
}

/// Whether `text` ends with one of our redaction markers (`[REDACTED:us-ssn]`), which stands
/// for a word: the prose test must see the same thing before and after redaction.
pub(crate) fn ends_with_marker(text: &[u8]) -> bool {
    let tail = &text[text.len().saturating_sub(80)..];
    tail.ends_with(b"]")
        && tail
            .iter()
            .rposition(|&b| b == b'[')
            .is_some_and(|open| tail[open..].starts_with(b"[REDACTED"))
}

/// Whether `at` lies inside the rule id of one of our markers (`[REDACTED:aws-session-token]`):
/// the key stems there (`session`, `token`) name a rule, not a key. The whole marker must be
/// there, closing `]` included: `[REDACTED:x-password=hunter2` is a key and its value.
pub(crate) fn inside_marker(hay: &[u8], at: usize) -> bool {
    const OPEN: &[u8] = b"[REDACTED:";
    const LONGEST_ID: usize = 64;
    let is_id_byte = |b: u8| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-');
    if at > hay.len() {
        return false;
    }
    let mut start = at;
    let floor = at.saturating_sub(LONGEST_ID);
    while start > floor && is_id_byte(hay[start - 1]) {
        start -= 1;
    }
    if start < OPEN.len() || &hay[start - OPEN.len()..start] != OPEN {
        return false;
    }
    let ceiling = (start + LONGEST_ID).min(hay.len());
    let end = (at..ceiling).find(|&i| !is_id_byte(hay[i]));
    end.is_some_and(|end| hay[end] == b']')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_boundaries_see_through_escapes() {
        assert!(starts_token(b"x=AKIA", 2));
        assert!(!starts_token(b"xAKIA", 1));
        assert!(starts_token(b"a\\nAKIA", 3));
        assert!(starts_token(b"a%2FAKIA", 4));
        assert!(ends_token(b"AKIA", 4));
        assert!(!ends_token(b"AKIAx", 4));
    }

    #[test]
    fn stems_inside_marker_ids_are_recognised() {
        let text = b"token=[REDACTED:aws-session-token] session=x";
        let at = |needle: &[u8], from: usize| {
            from + text[from..]
                .windows(needle.len())
                .position(|w| w == needle)
                .expect("present")
        };
        assert!(inside_marker(text, at(b"session", 0)), "in the marker");
        assert!(inside_marker(text, at(b"token", 10)), "in the marker");
        assert!(!inside_marker(text, at(b"token", 0)), "the key before it");
        assert!(!inside_marker(text, at(b"session", 30)), "the key after it");
        assert!(!inside_marker(b"[REDACTED]token", 10), "not a rule marker");
        assert!(
            !inside_marker(b"[REDACTED:x-password=hunter2", 12),
            "no closing bracket: a key"
        );
        assert!(!inside_marker(b"[REDACTED:token", 10), "cut off: a key");
        assert!(!inside_marker(b"[REDACTED:token]", 17), "past the end");
    }
}
