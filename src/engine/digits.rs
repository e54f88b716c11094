//! The digit scanner: cards, US SSNs, phone numbers, IBANs and IPv4 addresses from one walk
//! over the runs of number bytes (`util::classify`'s number mask), for the rules of
//! `rules/pii.rs` and `rules/network.rs`.
//!
//! A run of at least 7 (9 without IPv4) number bytes is parsed into a cluster of digit
//! groups with their separators; each window of groups is then tested against the layouts
//! (card, SSN, phone, IBAN, dotted quad) and their checks (Luhn and issuer ranges, SSN area
//! and group, NANP, mod 97), which run only on candidates. The precision choices are the
//! rules' (see `rules/pii.rs`).

use crate::rules::shape::start_after_escape;
use crate::util::checksum::{iban_length, iban_mod97, luhn};
use crate::util::classify::{portable::is_number as is_number_byte, Classified};
use crate::util::runs::for_each_long_run_masked;
use crate::util::text::is_alnum;
use std::ops::Range;

/// A hit of the digit scanner, before the engine maps it to an enabled rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DigitHit {
    Card,
    Ssn,
    Phone,
    Iban,
    Ipv4,
}

const MAX_GROUPS: usize = 24;

/// A run of digit groups joined by single separators, e.g. `4111 1111 1111 1111`.
struct Cluster {
    groups: [Range<usize>; MAX_GROUPS],
    seps: [u8; MAX_GROUPS],
    count: usize,
    plus: bool,
    paren_first: bool,
    /// The group written in parentheses (`(415)`), the first or the one after `+1`.
    paren_group: Option<usize>,
    start: usize,
    end: usize,
}

impl Cluster {
    fn empty() -> Cluster {
        Cluster {
            groups: Default::default(),
            seps: [0; MAX_GROUPS],
            count: 0,
            plus: false,
            paren_first: false,
            paren_group: None,
            start: 0,
            end: 0,
        }
    }

    fn digits(&self, hay: &[u8], from: usize, to: usize, buf: &mut [u8; 24]) -> Option<usize> {
        let mut n = 0;
        for g in &self.groups[from..to] {
            for &b in &hay[g.clone()] {
                *buf.get_mut(n)? = b;
                n += 1;
            }
        }
        Some(n)
    }

    fn uniform_sep(&self, from: usize, to: usize) -> Option<u8> {
        let seps = &self.seps[from + 1..to];
        match seps.first() {
            None => Some(0),
            Some(&s) => seps.iter().all(|&x| x == s).then_some(s),
        }
    }

    /// The groups `from..to` as a cluster of their own, without copying them.
    fn window(&self, from: usize, to: usize) -> Window<'_> {
        Window {
            cluster: self,
            from,
            count: to - from,
            plus: self.plus && from == 0,
            // `+222… (855) 705-5555`: a window starting at the parenthesised group is a
            // national number with its area code in parentheses.
            paren_first: (self.paren_first && from == 0)
                || (from > 0 && self.paren_group == Some(from)),
            start: if from == 0 {
                self.start
            } else if self.paren_group == Some(from) {
                self.groups[from].start - 1
            } else {
                self.groups[from].start
            },
            end: if to == self.count {
                self.end
            } else {
                self.groups[to - 1].end
            },
        }
    }

    fn lens(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        self.groups[from..to].iter().map(|g| g.len())
    }
}

/// Groups `from..from + count` of a cluster, seen as a cluster of their own: separators
/// inside it, and `+` or parentheses only where they belong to its first group.
struct Window<'c> {
    cluster: &'c Cluster,
    from: usize,
    count: usize,
    plus: bool,
    paren_first: bool,
    start: usize,
    end: usize,
}

impl Window<'_> {
    fn group(&self, k: usize) -> Range<usize> {
        self.cluster.groups[self.from + k].clone()
    }

    fn lens(&self) -> impl Iterator<Item = usize> + '_ {
        self.cluster.lens(self.from, self.from + self.count)
    }

    fn uniform_sep(&self) -> Option<u8> {
        self.cluster.uniform_sep(self.from, self.from + self.count)
    }

    fn digits(&self, hay: &[u8], buf: &mut [u8; 24]) -> Option<usize> {
        self.cluster
            .digits(hay, self.from, self.from + self.count, buf)
    }
}

/// Parses the cluster starting at `at` into `c`, whose earlier contents are overwritten (a
/// cluster is 500 bytes, so one is reused rather than built and moved for every digit run).
fn parse_cluster<'c>(hay: &[u8], at: usize, c: &'c mut Cluster) -> Option<&'c Cluster> {
    c.count = 0;
    c.plus = false;
    c.paren_first = false;
    c.paren_group = None;
    c.start = at;
    c.end = at;
    let mut i = at;
    if hay.get(i) == Some(&b'+') {
        c.plus = true;
        i += 1;
    }
    loop {
        let paren = hay.get(i) == Some(&b'(') && c.count == 0
            || (c.plus && hay.get(i) == Some(&b'(') && c.count == 1);
        if paren {
            i += 1;
        }
        let g_start = i;
        while i < hay.len() && hay[i].is_ascii_digit() && i - g_start < 20 {
            i += 1;
        }
        if i == g_start || c.count == MAX_GROUPS {
            return None;
        }
        if i < hay.len() && hay[i].is_ascii_digit() {
            return None; // a digit run longer than any identifier we handle
        }
        if paren {
            if hay.get(i) != Some(&b')') {
                return None;
            }
            if c.count == 0 {
                c.paren_first = true;
            }
            c.paren_group = Some(c.count);
        }
        c.groups[c.count] = g_start..i;
        c.count += 1;
        c.end = i;
        if paren {
            i += 1;
            c.end = i;
        }
        let sep = match hay.get(i) {
            Some(&s @ (b' ' | b'-' | b'.')) => s,
            _ if paren && hay.get(i).is_some_and(u8::is_ascii_digit) => b')',
            _ => break,
        };
        let next = if sep == b')' { i } else { i + 1 };
        let continues = hay.get(next).is_some_and(u8::is_ascii_digit)
            || (hay.get(next) == Some(&b'(') && c.count == 1 && c.plus);
        // A digit run too long to be part of a number ends the cluster before it, so a card
        // beside a long id (`0000…0 4111… 0000…0`) is still seen.
        let next_is_too_long = hay.get(next..).is_some_and(|rest| {
            rest.iter()
                .take(21)
                .take_while(|b| b.is_ascii_digit())
                .count()
                > 20
        });
        if continues && !next_is_too_long && c.count == MAX_GROUPS {
            // Too many groups: the tail may be cut mid-number. Keep the groups before the last
            // space-separated segment; the caller parses that segment again on its own.
            let last_segment = (1..c.count).rev().find(|&k| c.seps[k] == b' ')?;
            c.count = last_segment;
            c.end = c.groups[last_segment - 1].end;
            break;
        }
        if !continues || next_is_too_long {
            break;
        }
        if c.count < MAX_GROUPS {
            c.seps[c.count] = sep;
        }
        i = next;
    }
    Some(c)
}

fn card_issuer_ok(d: &[u8]) -> bool {
    let n = d.len();
    let prefix = |k: usize| -> u32 {
        d[..k.min(n)]
            .iter()
            .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
    };
    // The prefixes are read only for the issuer the first digit names: most 13-digit runs
    // are epoch milliseconds, turned down by their first digit and length alone.
    let (p2, p3, p4) = (|| prefix(2), || prefix(3), || prefix(4));
    match d.first() {
        Some(b'4') => matches!(n, 13 | 16 | 19),
        Some(b'5') => n == 16 && ((51..=55).contains(&p2()) || p4() == 5019),
        Some(b'2') => n == 16 && (2221..=2720).contains(&p4()),
        Some(b'3') => {
            ((p2() == 34 || p2() == 37) && n == 15)
                || ((3528..=3589).contains(&p4()) && (16..=19).contains(&n))
                || (((300..=305).contains(&p3()) || matches!(p2(), 36 | 38 | 39))
                    && (14..=19).contains(&n))
        }
        Some(b'6') => {
            // 62 takes in UnionPay's co-branded Discover range (622126 to 622925).
            (16..=19).contains(&n)
                && (p4() == 6011 || matches!(p2(), 62 | 65) || (644..=649).contains(&p3()))
        }
        // UATP: 15 digits. 13-digit epoch milliseconds also start with 1 and stay out.
        Some(b'1') => n == 15,
        _ => false,
    }
}

fn ssn_ok(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    area != b"000" && area != b"666" && area[0] != b'9' && group != b"00" && serial != b"0000"
}

/// Classifies a cluster; returns the hit kind and the sub-range of the cluster's groups.
///
/// `end_ok` says whether the cluster's last group ends the number (`1234 5678A` does not):
/// when it does not, only windows set off by a space before the last group are considered.
fn classify(
    hay: &[u8],
    c: &Cluster,
    end_ok: bool,
    with_ipv4: bool,
    out: &mut dyn FnMut(DigitHit, Range<usize>),
) {
    let last = if end_ok {
        c.count
    } else {
        c.count.saturating_sub(1)
    };
    let total_digits: usize = c.lens(0, c.count).sum();
    // The fewest digits any layout has: a phone after `+` 8, SSNs and phones 9 and more,
    // cards 13, IPv4 4. Timestamps, durations and status codes stop here.
    let fewest = if with_ipv4 {
        4
    } else if c.plus {
        8
    } else {
        9
    };
    if total_digits < fewest {
        return;
    }
    // One group without `+` or `(` can only be a card: phones, SSNs and addresses have
    // separators. Epoch milliseconds and account ids end here.
    if c.count == 1 && !c.plus && !c.paren_first {
        let digits = &hay[c.groups[0].clone()];
        if end_ok && (13..=19).contains(&digits.len()) && card_issuer_ok(digits) && luhn(digits) {
            out(DigitHit::Card, c.groups[0].clone());
        }
        return;
    }
    let mut buf = [0u8; 24];
    // Cards: any window of groups with one separator kind and a card layout.
    let mut in_card = [false; MAX_GROUPS];
    let mut from = 0;
    'windows: while from < last {
        for to in (from + 1..=last).rev() {
            // A card inside a cluster is set off by spaces: `1-4111…` is something else.
            if (to < c.count && c.seps[to] != b' ') || (from > 0 && c.seps[from] != b' ') {
                continue;
            }
            let Some(sep) = c.uniform_sep(from, to) else {
                continue;
            };
            if sep != 0 && sep != b' ' && sep != b'-' {
                continue;
            }
            // After a `+`, later groups belong to the phone number, unless the cluster is
            // too long to be one (E.164 has at most 15 digits): `+1555… 4111 1111 1111 1111`.
            if (from > 0 && c.plus && total_digits <= 15) || (from == 0 && c.paren_first) {
                continue;
            }
            let last_len = c.groups[to - 1].len();
            let layout_ok = to - from == 1
                || (c.lens(from, to - 1).all(|l| l == 4) && (1..=4).contains(&last_len))
                || (to - from == 3
                    && c.groups[from].len() == 4
                    && c.groups[from + 1].len() == 6
                    && (last_len == 5 || last_len == 4));
            if !layout_ok {
                continue;
            }
            let Some(n) = c.digits(hay, from, to, &mut buf) else {
                continue;
            };
            if (13..=19).contains(&n) && card_issuer_ok(&buf[..n]) && luhn(&buf[..n]) {
                out(DigitHit::Card, c.groups[from].start..c.groups[to - 1].end);
                in_card[from..to].iter_mut().for_each(|g| *g = true);
                from = to;
                continue 'windows;
            }
        }
        from += 1;
    }

    // SSNs, IPv4s and phones: the whole cluster, or a part of it set off by spaces from its
    // neighbours ("078-05-1120 7" holds an SSN; "078-05-1120-7" does not).
    let mut from = 0;
    while from < last {
        let mut advanced = false;
        for to in (from + 1..=last).rev() {
            let spaced_left = from == 0 || c.seps[from] == b' ';
            let spaced_right = to == c.count || c.seps[to] == b' ';
            // Part of a longer space-separated run ("DK50 0040 0440 1162 44") is only a
            // number when it has its own separators: spaces alone say nothing. A leading `+`
            // says enough: `+1 200 555 0134 0a` holds a phone number.
            let partial = from > 0 || to < c.count;
            let plus_number = from == 0 && c.plus && c.paren_group.map_or(true, |g| g >= to);
            let spaces_only = c.uniform_sep(from, to) == Some(b' ') && !plus_number;
            if !(spaced_left && spaced_right) || (partial && spaces_only) {
                continue;
            }
            // Groups already taken by a card are not reused.
            if in_card[from..to].iter().any(|&taken| taken) {
                continue;
            }
            let sub = c.window(from, to);
            if let Some(kind) = classify_whole(hay, &sub) {
                out(kind, sub.start..sub.end);
                from = to;
                advanced = true;
                break;
            }
        }
        if !advanced {
            from += 1;
        }
    }
}

/// SSN, IPv4 or phone layouts that must cover the whole (sub-)cluster.
fn classify_whole(hay: &[u8], w: &Window<'_>) -> Option<DigitHit> {
    let mut buf = [0u8; 24];
    let lens: [usize; 4] = {
        let mut a = [0; 4];
        for (slot, l) in a.iter_mut().zip(w.lens()) {
            *slot = l;
        }
        a
    };
    // SSN: exactly ddd-dd-dddd, ddd dd dddd or ddd.dd.dddd.
    if !w.plus && !w.paren_first && w.count == 3 && lens[..3] == [3, 2, 4] {
        // Not spaces: "100 10 1000" in a table of numbers is not an SSN.
        if let Some(b'-' | b'.') = w.uniform_sep() {
            if ssn_ok(&hay[w.group(0)], &hay[w.group(1)], &hay[w.group(2)]) {
                return Some(DigitHit::Ssn);
            }
        }
    }
    let total = w.digits(hay, &mut buf)?;
    if !w.plus && w.count == 4 && w.uniform_sep() == Some(b'.') {
        let octets_ok = (0..4).map(|k| w.group(k)).all(|g| {
            g.len() <= 3
                && (g.len() == 1 || hay[g.start] != b'0')
                && hay[g.clone()]
                    .iter()
                    .fold(0u32, |a, &b| a * 10 + u32::from(b - b'0'))
                    <= 255
        });
        if octets_ok {
            return Some(DigitHit::Ipv4);
        }
        // Not an address: `1.555.234.5678` is still a phone number.
    }
    let first_digit = hay[w.group(0).start];
    let phone = if w.plus {
        (8..=15).contains(&total) && first_digit != b'0'
    } else if w.paren_first {
        (9..=12).contains(&total) && w.count >= 2
    } else {
        let sep = w.uniform_sep();
        let nanp = sep.is_some_and(|s| s != 0)
            && ((w.count == 3 && lens[..3] == [3, 3, 4] && nanp_ok(hay, w, 0))
                || (w.count == 4
                    && lens == [1, 3, 3, 4]
                    && first_digit == b'1'
                    && nanp_ok(hay, w, 1)));
        // `00…` is the international call prefix, never a national number.
        let national = sep.is_some_and(|s| s != 0)
            && first_digit == b'0'
            && hay.get(w.group(0).start + 1) != Some(&b'0')
            && (2..=5).contains(&w.count)
            && (10..=11).contains(&total)
            && w.lens().all(|l| (2..=5).contains(&l));
        nanp || national
    };
    phone.then_some(DigitHit::Phone)
}

/// North American numbering: neither the area code nor the exchange starts with 0 or 1.
fn nanp_ok(hay: &[u8], w: &Window<'_>, area: usize) -> bool {
    hay[w.group(area).start] >= b'2' && hay[w.group(area + 1).start] >= b'2'
}

/// Tries an IBAN starting at `at` (the first country letter). Returns its end.
fn iban_at(hay: &[u8], at: usize) -> Option<usize> {
    let country = hay.get(at..at + 2)?;
    let want = iban_length(country)?;
    let mut compact = [0u8; 34];
    let mut n = 0;
    let mut i = at;
    let mut last_sep = true;
    while n < want {
        let b = *hay.get(i)?;
        if b.is_ascii_uppercase() || b.is_ascii_digit() {
            compact[n] = b;
            n += 1;
            last_sep = false;
        } else if (b == b' ' || b == b'-') && !last_sep && n % 4 == 0 {
            last_sep = true;
        } else {
            return None;
        }
        i += 1;
    }
    if i < hay.len() && is_alnum(hay[i]) {
        return None;
    }
    iban_mod97(&compact[..n]).then_some(i)
}

/// A number glued to a word, a path, a version or a time (`v1.2`, `/42`, `10:28`) is not one.
///
/// Before a `lone` number (one group of digits, no group after it) a `-` is a minus sign
/// (`balance=-4111…`, `"pan":-4111…`, a negative integer field) unless something is glued
/// to the sign too (`id-4111…`, `2026-11-24`, a word in any script). Before grouped digits
/// it stays a joiner: `-12 415 555 0134` holds a phone number after `12`.
///
/// One of our markers right before stands for what it replaced, so a second pass decides as
/// the first did.
fn number_may_start(hay: &[u8], start: usize, lone: bool) -> bool {
    let marker_before = |end: usize| crate::util::text::ends_with_marker(&hay[..end]);
    let Some(before) = start.checked_sub(1) else {
        return true;
    };
    if hay[before] == b'-' && lone {
        // A sign, unless a word, a number or a path runs into it (`"pan":-4111…` and
        // `= -4111…` are signs).
        let glued = match hay[..before].last() {
            None => false,
            Some(&b) if b.is_ascii() => glues_a_number(b) || marker_before(before),
            Some(_) => last_char(&hay[..before]).is_some_and(char::is_alphanumeric),
        };
        return !glued;
    }
    let b = hay[before];
    !(glues_a_number(b) || b == b':' || marker_before(start))
}

/// Bytes that make a number part of something else when they come right before it, or
/// before its sign: a word, an identifier, a version or a path. (A `:` does too, except
/// before a sign: `10:28` is a time, `"pan":-4111…` a signed value.)
fn glues_a_number(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'.' | b'-' | b'/' | b'_')
}

/// The last character of `text` when it is valid UTF-8 there.
fn last_char(text: &[u8]) -> Option<char> {
    let from = (text.len().saturating_sub(4)..text.len()).find(|&i| text[i] & 0xC0 != 0x80)?;
    std::str::from_utf8(&text[from..]).ok()?.chars().next_back()
}

fn number_may_end(hay: &[u8], end: usize) -> bool {
    let Some(&next) = hay.get(end) else {
        return true;
    };
    let glued = is_alnum(next) || matches!(next, b'_' | b'/' | b':');
    let continues =
        matches!(next, b'.' | b'-') && hay.get(end + 1).is_some_and(u8::is_ascii_alphanumeric);
    !glued && !continues
}

/// Walks every digit cluster of `hay` once and reports cards, SSNs, phones, IBANs and IPv4s
/// (IPv4s only when `with_ipv4`).
///
/// Every layout we report spans at least 9 consecutive [`is_number_byte`] bytes (7 for
/// `1.1.1.1`), so `for_each_long_run_masked` finds the runs worth parsing with bit masks, without a
/// branch per byte.
pub(crate) fn scan_digits(
    text: &Classified,
    with_ipv4: bool,
    out: &mut dyn FnMut(DigitHit, Range<usize>),
) {
    // Spaces are members (`4111 1111 …`): runs may carry spaces at their ends, which
    // `scan_run` skips.
    // Without the thread's buffer (busy, or the thread is being torn down), a fresh one.
    let done = CLUSTER
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut cluster) => {
                scan_clusters::<true>(text, with_ipv4, &mut cluster, out);
                true
            }
            Err(_) => false,
        })
        .unwrap_or(false);
    if !done {
        scan_clusters::<true>(text, with_ipv4, &mut Cluster::empty(), out);
    }
}

/// `SINGLE_GROUPS`: whether a lone group of digits is decided without building its cluster
/// (see [`scan_run`]); the tests compare both ways.
fn scan_clusters<const SINGLE_GROUPS: bool>(
    text: &Classified,
    with_ipv4: bool,
    cluster: &mut Cluster,
    out: &mut dyn FnMut(DigitHit, Range<usize>),
) {
    let hay = text.hay();
    let mut each_run = |run: Range<usize>| {
        scan_run::<SINGLE_GROUPS>(hay, run.start, run.end, with_ipv4, cluster, out)
    };
    if with_ipv4 {
        for_each_long_run_masked::<7>(hay, |at| text.number(at), is_number_byte, &mut each_run);
    } else {
        for_each_long_run_masked::<9>(hay, |at| text.number(at), is_number_byte, &mut each_run);
    }
}

thread_local! {
    /// One cluster buffer per thread: it is 500 bytes, and zeroing a fresh one for every
    /// text cost about as much as parsing the text's digit runs.
    static CLUSTER: std::cell::RefCell<Cluster> = std::cell::RefCell::new(Cluster::empty());
}

/// Whether the digit group ending at `end` is followed by a separator and another digit:
/// what lets `parse_cluster` go on to a second group (after a group that has no `+` or `(`
/// before it).
fn separates_groups(hay: &[u8], end: usize) -> bool {
    matches!(hay.get(end), Some(b' ' | b'-' | b'.'))
        && hay.get(end + 1).is_some_and(u8::is_ascii_digit)
}

/// Finds the numbers in `hay[from..to]`, a maximal run of [`is_number_byte`] bytes.
///
/// An escape that a formatter wrote right before a number, or whose own hex digits run into
/// it (`card\n4111…` in a `Debug` string, `%3A4111…` and `%204111…` in a URL,
/// `\u00224111…` in JSON), is a separator in disguise: a number may start where it ends. The
/// digits as they stand are tried too, so a card right after a literal `%` is still one.
fn scan_run<const SINGLE_GROUPS: bool>(
    hay: &[u8],
    from: usize,
    to: usize,
    with_ipv4: bool,
    cluster: &mut Cluster,
    out: &mut dyn FnMut(DigitHit, Range<usize>),
) {
    let mut i = from;
    while i < to {
        let Some(off) = hay[i..to].iter().position(u8::is_ascii_digit) else {
            return;
        };
        let d = i + off;
        // IBAN: two capital letters right before the first digit.
        if d >= 2
            && hay[d - 2].is_ascii_uppercase()
            && hay[d - 1].is_ascii_uppercase()
            && (d == 2 || !is_alnum(hay[d - 3]) || escape_ends_at(hay, d - 2))
        {
            if let Some(end) = iban_at(hay, d - 2) {
                out(DigitHit::Iban, d - 2..end);
                i = end;
                continue;
            }
        }
        i = if d >= 1 && may_end_an_escape(hay[d - 1]) {
            numbers_around_escapes::<SINGLE_GROUPS>(hay, d, to, with_ipv4, cluster, out)
        } else {
            number_at::<SINGLE_GROUPS>(hay, d, false, with_ipv4, cluster, out)
        };
    }
}

/// [`number_at`] `d`, where an escape may end at or past `d`: right at `d` (nothing is
/// glued to the number there), or further on inside the run (`..to`), on a digit (the
/// escape's own hex digits ran into the number), where a number is tried too. Returns
/// where the scan goes on.
#[inline(never)]
fn numbers_around_escapes<const SINGLE_GROUPS: bool>(
    hay: &[u8],
    d: usize,
    to: usize,
    with_ipv4: bool,
    cluster: &mut Cluster,
    out: &mut dyn FnMut(DigitHit, Range<usize>),
) -> usize {
    let mut escaped = false;
    let mut retries = [0usize; MAX_ESCAPE_ENDS];
    let mut count = 0;
    escape_ends(hay, d, |end| {
        if end == d {
            escaped = true;
        } else if end < to
            && hay[end].is_ascii_digit()
            && !retries[..count].contains(&end)
            && count < MAX_ESCAPE_ENDS
        {
            retries[count] = end;
            count += 1;
        }
    });
    let mut next = number_at::<SINGLE_GROUPS>(hay, d, escaped, with_ipv4, cluster, out);
    for &at in &retries[..count] {
        next = next.max(number_at::<SINGLE_GROUPS>(
            hay, at, true, with_ipv4, cluster, out,
        ));
    }
    next
}

/// Whether `before`, the byte before a digit, may be the last byte before it of an escape
/// that ends at or past the digit (see [`escape_ends`]): most digits of a log line follow
/// something else (` `, `=`, `-`, the `T` of a timestamp) and are settled by this. The byte
/// before the first digit of a group is never a digit, so it is the escape's `\` or `%`, the
/// letter of `\n`, `\t` and the like, the `x` or `u` its hex digits follow, or one of those
/// hex digits that is a letter.
#[inline(always)]
fn may_end_an_escape(before: u8) -> bool {
    matches!(
        before,
        b'%' | b'\\' | b'n' | b'r' | b't' | b'v' | b'x' | b'u' | b'a'..=b'f' | b'A'..=b'F'
    )
}

/// How far before the digit it ends at or past an escape may start: the longest escape
/// (`%252525XX`, three levels of percent-encoding) is nine bytes, `\uXXXX` six.
const ESCAPE_REACH: usize = crate::rules::shape::MAX_PERCENT_ESCAPE_LEN;
const _: () = assert!(ESCAPE_REACH >= 6, "`\\uXXXX` is six bytes");

/// How many places past a digit escapes can end: one for each start within
/// [`ESCAPE_REACH`], and each level of a `%25` chain.
const MAX_ESCAPE_ENDS: usize = 4 * ESCAPE_REACH;

/// Calls `each` with every place an escape that starts before `d` ends at or past it
/// (`\n`, `\t`, `\0`, `\x14`, `\u0022`, `%3A`, `%2520`). Every level of a `%25` chain counts:
/// `%254111…` is a `%` and a number, or `%2541` (an encoded `A`) and digits.
#[inline(never)]
fn escape_ends(hay: &[u8], d: usize, mut each: impl FnMut(usize)) {
    for s in d.saturating_sub(ESCAPE_REACH)..d {
        match hay[s] {
            b'\\' => {
                if let Some(end) = start_after_escape(hay, s + 1).filter(|&end| end >= d) {
                    each(end);
                }
            }
            b'%' => {
                let Some(longest) = start_after_escape(hay, s + 1) else {
                    continue;
                };
                for end in (s + 3..=longest).step_by(2).filter(|&end| end >= d) {
                    each(end);
                }
            }
            _ => {}
        }
    }
}

/// Whether an escape ends right at `at`, the `+` or `(` that starts a number or the first
/// letter of an IBAN: nothing is glued to it. (Before those, unlike before a digit group,
/// the escape's last byte may be a digit: `%20+1…`.)
fn escape_ends_at(hay: &[u8], at: usize) -> bool {
    let mut found = false;
    if at >= 1 && (may_end_an_escape(hay[at - 1]) || hay[at - 1].is_ascii_digit()) {
        escape_ends(hay, at, |end| found |= end == at);
    }
    found
}

/// Reports the number whose first digit is at `d`, if any; returns where the scan goes on.
/// `escaped`: an escape ends right before `d`, so nothing is glued to the number there.
///
/// With `SINGLE_GROUPS`, a group of digits with no `+` or `(` before it and no separator
/// and digit after it is decided on the spot: for such a cluster of one group,
/// `parse_cluster` and `classify` read nothing but its length, issuer and checksum (a card)
/// and whether it may start and end there. Most runs in logs are such numbers (epoch
/// milliseconds, counters, ids), and building their cluster cost more than the rest of
/// the scan.
fn number_at<const SINGLE_GROUPS: bool>(
    hay: &[u8],
    d: usize,
    escaped: bool,
    with_ipv4: bool,
    cluster: &mut Cluster,
    out: &mut dyn FnMut(DigitHit, Range<usize>),
) -> usize {
    let start = if !escaped && d >= 1 && matches!(hay[d - 1], b'+' | b'(') {
        d - 1
    } else {
        d
    };
    // `\n+1 415…`, `%3A(415) …`: the sign or parenthesis follows an escape.
    let escaped = escaped || (start + 1 == d && escape_ends_at(hay, start));
    let mut next = d + hay[d..].iter().take_while(|b| b.is_ascii_digit()).count();
    let lone = !separates_groups(hay, next);
    let may_start = |start: usize| escaped || number_may_start(hay, start, lone);
    if SINGLE_GROUPS && start == d && lone {
        let group = &hay[d..next];
        if (13..=19).contains(&group.len())
            && may_start(d)
            && number_may_end(hay, next)
            && card_issuer_ok(group)
            && luhn(group)
        {
            out(DigitHit::Card, d..next);
        }
        return next;
    }
    if may_start(start) {
        if let Some(c) = parse_cluster(hay, start, cluster) {
            classify(hay, c, number_may_end(hay, c.end), with_ipv4, out);
            next = next.max(c.end);
        }
    }
    // Skip the rest of this alphanumeric token so "abc123" inner digits are not re-tried.
    while next < hay.len() && (hay[next].is_ascii_digit()) {
        next += 1;
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issuer table read eagerly, every prefix up front: the reference the lazy reading
    /// must agree with.
    fn card_issuer_by_hand(d: &[u8]) -> bool {
        let n = d.len();
        let prefix = |k: usize| -> u32 {
            d[..k.min(n)]
                .iter()
                .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
        };
        let (p2, p3, p4, p6) = (prefix(2), prefix(3), prefix(4), prefix(6));
        let cards = 16..=19;
        match d[0] {
            b'4' => matches!(n, 13 | 16 | 19),
            b'5' => ((51..=55).contains(&p2) || p4 == 5019) && n == 16,
            b'2' => (2221..=2720).contains(&p4) && n == 16,
            b'3' => {
                ((p2 == 34 || p2 == 37) && n == 15)
                    || ((3528..=3589).contains(&p4) && cards.contains(&n))
                    || (((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39)
                        && (14..=19).contains(&n))
            }
            b'6' => {
                // The UnionPay clause is the former code's, kept as it was written though
                // `p2 == 62` below covers it.
                (p4 == 6011
                    || p2 == 65
                    || (644..=649).contains(&p3)
                    || (622126..=622925).contains(&p6))
                    && cards.contains(&n)
                    || (p2 == 62 && cards.contains(&n))
            }
            b'1' => n == 15,
            _ => false,
        }
    }

    #[test]
    fn card_issuers_agree_with_an_eager_reading() {
        // Every six-digit head (each issuer range edge included) at every length around
        // the card lengths, the rest of the digits 7s, in a buffer on the stack.
        let mut accepted = 0;
        let mut buf = [b'7'; 20];
        for head in 0..1_000_000u32 {
            let mut rest = head;
            for slot in buf[..6].iter_mut().rev() {
                *slot = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            for n in 12..=20 {
                let digits = &buf[..n];
                let want = card_issuer_by_hand(digits);
                assert_eq!(
                    card_issuer_ok(digits),
                    want,
                    "{}",
                    String::from_utf8_lossy(digits)
                );
                accepted += usize::from(want);
            }
        }
        assert!(accepted > 100_000, "{accepted}");
    }

    fn digits(text: &str) -> Vec<(DigitHit, &str)> {
        let mut out = Vec::new();
        scan_digits(&Classified::new(text.as_bytes()), true, &mut |k, r| {
            out.push((k, &text[r]))
        });
        out
    }

    #[test]
    fn cards_with_layouts() {
        for card in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "5555555555554444",
            "2223003122003222",
            "378282246310005",
            "3782 822463 10005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
            "6200000000000005",
            "122000000000003",
            "5019717010103742",
        ] {
            assert_eq!(
                digits(&format!("card {card} ok")),
                [(DigitHit::Card, card)],
                "{card}"
            );
        }
    }

    #[test]
    fn non_cards() {
        for text in [
            "ts=1732443000123",
            "4111111111111112",
            "order 1234567890123456",
            "id 9999999999999995",
            "2026-11-24T10:28:05.123Z",
            "v1.2.3",
            "0.0.0.0:8080",
            "4111 1111-1111 1111",
        ] {
            let hits: Vec<_> = digits(text)
                .into_iter()
                .filter(|h| h.0 != DigitHit::Ipv4)
                .collect();
            assert!(hits.is_empty(), "{text}: {hits:?}");
        }
    }

    /// After a minus sign a lone number starts (a negative integer field, `balance=-…`);
    /// after a `-` that joins it to something else, or before grouped digits, it does not.
    #[test]
    fn a_minus_sign_before_a_lone_number() {
        for (text, card) in [
            ("-4111111111111111", true),
            ("balance=-4111111111111111", true),
            ("(-5555555555554444)", true),
            ("delta: -4111111111111111 ok", true),
            ("id-4111111111111111", false),
            ("10-4111111111111111", false),
            ("v1.-4111111111111111", false),
            ("--4111111111111111", false),
            ("x_-4111111111111111", false),
            ("\"pan\":-4111111111111111", true),
            ("«-4111111111111111", true),
            ("\u{a0}-4111111111111111", true),
            ("é-4111111111111111", false),
            ("p/-4111111111111111", false),
            ("订单-4012888888881881", false),
            ("[REDACTED:payment-card]-4111111111111111", false),
            // Grouped digits after a `-`: joined, as before.
            ("delta: -4111 1111 1111 1111 ok", false),
        ] {
            let cards: Vec<_> = digits(text)
                .into_iter()
                .filter(|h| h.0 == DigitHit::Card)
                .collect();
            assert_eq!(!cards.is_empty(), card, "{text}: {cards:?}");
            if card {
                assert!(!cards[0].1.starts_with('-'), "{text}: {cards:?}");
            }
        }
        // `-12` does not swallow the phone number after it; a date's parts stay joined.
        assert_eq!(
            digits("x=-12 415 555 0134"),
            [(DigitHit::Phone, "415 555 0134")]
        );
        assert!(digits("2026-11-24 4111-11").is_empty());
    }

    /// A number right after an escape a formatter wrote, or whose hex digits run into it,
    /// is found: the escape is a separator in disguise. A card right after a literal `%` is
    /// still one.
    #[test]
    fn numbers_after_escapes() {
        let card = (DigitHit::Card, "4111111111111111");
        for (text, want) in [
            ("card\\n4111111111111111", card),
            ("a\\t4111111111111111,12/29", card),
            ("\\r\\n4111111111111111", card),
            ("card%3A4111111111111111", card),
            ("card%3a4111111111111111", card),
            ("card%204111111111111111", card),
            ("card%25204111111111111111", card),
            ("\\u00224111111111111111\\u0022", card),
            ("\\x144111111111111111", card),
            ("\\04111111111111111", card),
            ("50%4111111111111111", card),
            ("ssn\\n078-05-1120", (DigitHit::Ssn, "078-05-1120")),
            ("tel%3A415-555-0134", (DigitHit::Phone, "415-555-0134")),
            ("\\n+1 415 555 0134", (DigitHit::Phone, "+1 415 555 0134")),
            ("\\n(415) 555-0134", (DigitHit::Phone, "(415) 555-0134")),
            ("tel%3A+14155550134", (DigitHit::Phone, "+14155550134")),
            ("phone=%20+14155550134", (DigitHit::Phone, "+14155550134")),
            ("\\u0020(415) 555-0134", (DigitHit::Phone, "(415) 555-0134")),
            (
                "%20DE89370400440532013000",
                (DigitHit::Iban, "DE89370400440532013000"),
            ),
            (
                "\\nDE89370400440532013000",
                (DigitHit::Iban, "DE89370400440532013000"),
            ),
            // A literal `%` encoded once more, then a card.
            ("x%254111111111111111", card),
            // The deepest percent escape read, and a hex digit that is a letter before the card.
            ("card%2525253a4111111111111111", card),
            ("caf%C3%A94111111111111111", card),
        ] {
            let hits: Vec<_> = digits(text)
                .into_iter()
                .filter(|h| h.0 != DigitHit::Ipv4)
                .collect();
            assert_eq!(hits, [want], "{text}");
        }
        for text in [
            "abc4111111111111111",
            "%ZZ4111111111111111",
            "\\q4111111111111111",
            "card\\n41111111111111112",
        ] {
            assert!(digits(text).is_empty(), "{text}: {:?}", digits(text));
        }
    }

    #[test]
    fn several_cards_in_one_cluster() {
        let text = "4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881";
        let hits = digits(text);
        assert_eq!(
            hits,
            [
                (DigitHit::Card, "4012888888881881"),
                (DigitHit::Card, "4012-8888-8888-1881"),
                (DigitHit::Card, "4012 8888 8888 1881")
            ]
        );
    }

    #[test]
    fn ssns() {
        assert_eq!(digits("ssn 078-05-1120."), [(DigitHit::Ssn, "078-05-1120")]);
        assert!(
            digits("ssn 219 09 9999").is_empty(),
            "space-separated triples are too common"
        );
        assert_eq!(digits("ssn 078.05.1123"), [(DigitHit::Ssn, "078.05.1123")]);
        assert_eq!(digits("x 001-01-0001 0"), [(DigitHit::Ssn, "001-01-0001")]);
        assert_eq!(
            digits("7 415-555-2671 8"),
            [(DigitHit::Phone, "415-555-2671")]
        );
        assert!(digits("078-05-1120-7").is_empty());
        assert!(
            digits("200 100 1000").is_empty(),
            "exchange 100 is not NANP"
        );
        assert!(
            digits("DK50 0040 0440 1162 44").is_empty(),
            "no phone inside a bad IBAN"
        );
        assert_eq!(
            digits("4000000000000002 0A"),
            [(DigitHit::Card, "4000000000000002")]
        );
        assert!(digits("4000000000000002A").is_empty());
        assert!(
            digits("078051121").is_empty(),
            "bare nine digits are too ambiguous"
        );
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "123-00-4567",
            "123-45-0000",
        ] {
            assert!(digits(bad).is_empty(), "{bad}");
        }
    }

    /// Without IPv4 the scanner skips clusters with too few digits for any other layout; it
    /// must find exactly what the full scan finds, addresses aside.
    #[test]
    fn skipping_short_clusters_loses_nothing() {
        let mut rng = crate::test_rng::XorShift(0x9E37_79B9_7F4A_7C15);
        let mut next = move || rng.next();
        let (mut found, mut clusters) = (0, 0);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(next() % 4 + 1) {
                let lead = ["", "+", "(", "+1 (", "DE", " "][(next() % 6) as usize];
                text.push_str(lead);
                let groups = next() % 5 + 1;
                for g in 0..groups {
                    let len = [1, 2, 3, 3, 4, 4, 4, 6, 9, 13, 16][(next() % 11) as usize];
                    for _ in 0..len {
                        text.push(char::from(b'0' + (next() % 10) as u8));
                    }
                    if lead.ends_with('(') && g == 0 {
                        text.push(')');
                    }
                    if g + 1 < groups {
                        text.push([' ', '-', '.'][(next() % 3) as usize]);
                    }
                }
                text.push_str([" ", "x", ", ", "T", ""][(next() % 5) as usize]);
                clusters += 1;
            }
            let full: Vec<_> = digits(&text)
                .into_iter()
                .filter(|h| h.0 != DigitHit::Ipv4)
                .collect();
            let mut fast = Vec::new();
            scan_digits(&Classified::new(text.as_bytes()), false, &mut |k, r| {
                fast.push((k, &text[r]))
            });
            assert_eq!(fast, full, "{text:?}");
            found += full.len();
        }
        // Enough numbers among the noise that a lost one would show.
        assert!(found > 2_000, "{found} numbers in {clusters} clusters");
    }

    /// Deciding a lone digit group on the spot finds exactly what building its cluster
    /// finds: texts of digit groups with every lead and trailer the cluster parser reads
    /// (`+`, `(`, capitals, markers, separators followed by digits or not), many of them
    /// cards with a valid issuer and checksum, with and without IPv4.
    #[test]
    fn single_groups_decided_on_the_spot_as_by_their_cluster() {
        let mut rng = crate::test_rng::XorShift(0x51A6_1E64_0C0D_E5ED);
        let mut next = move || rng.next();
        let card = |next: &mut dyn FnMut() -> u64| {
            let issuer = [
                "4", "51", "2221", "34", "37", "6011", "62", "3528", "36", "1", "9",
            ][(next() % 11) as usize];
            let len = 13 + (next() % 7) as usize;
            let mut digits: Vec<u8> = issuer.bytes().collect();
            while digits.len() < len - 1 {
                digits.push(b'0' + (next() % 10) as u8);
            }
            // The Luhn check digit: the payload doubled from its last digit on.
            let sum: u32 = digits
                .iter()
                .rev()
                .enumerate()
                .map(|(k, &b)| {
                    let v = u32::from(b - b'0');
                    if k % 2 == 0 {
                        (v * 2) / 10 + (v * 2) % 10
                    } else {
                        v
                    }
                })
                .sum();
            digits.push(b'0' + ((10 - sum % 10) % 10) as u8);
            String::from_utf8(digits).unwrap_or_default()
        };
        let (mut lone_cards, mut hits) = (0, 0);
        for round in 0..30_000 {
            let mut text = String::new();
            for _ in 0..(next() % 4 + 1) {
                text.push_str(
                    [
                        "",
                        "",
                        "+",
                        "(",
                        "+1 (",
                        "GB",
                        "DE",
                        " ",
                        "x",
                        "/",
                        ":",
                        "v",
                        ".",
                        "-",
                        "_",
                        "=",
                        "[REDACTED:payment-card] ",
                        "id ",
                        "\\n",
                        "%3A",
                        "%20",
                        "%2520",
                        "\\u0022",
                        "%",
                        " -",
                        "=-",
                        "a\\t",
                    ][(next() % 27) as usize],
                );
                if next() % 4 == 0 {
                    // A number of another layout, its digits drawn at random.
                    let template = [
                        "399-59-9999",
                        "499-399-9999",
                        "19.199.9.99",
                        "+49 99 9999 9999",
                        "(499) 399-9999",
                        "1 599 399 9999",
                        "4999 9999 9999 9999",
                    ][(next() % 7) as usize];
                    for c in template.chars() {
                        match c.to_digit(10) {
                            Some(top) => {
                                text.push(char::from(b'0' + (next() % (u64::from(top) + 1)) as u8))
                            }
                            None => text.push(c),
                        }
                    }
                    text.push_str([" ", ", ", " x "][(next() % 3) as usize]);
                }
                let groups = [1, 1, 1, 2, 3, 4][(next() % 6) as usize];
                for g in 0..groups {
                    if next() % 3 == 0 {
                        text.push_str(&card(&mut next));
                    } else {
                        let len =
                            [1, 2, 3, 4, 4, 6, 9, 12, 13, 16, 19, 20, 21][(next() % 13) as usize];
                        for _ in 0..len {
                            text.push(char::from(b'0' + (next() % 10) as u8));
                        }
                    }
                    if text.ends_with(|c: char| c.is_ascii_digit()) && next() % 5 == 0 {
                        text.push(')');
                    }
                    if g + 1 < groups {
                        text.push([' ', '-', '.', ' '][(next() % 4) as usize]);
                    }
                }
                text.push_str(
                    [
                        " ", "x", ", ", "T", "", "/", ":", "-a", ".5", " 7", "-", ". ",
                    ][(next() % 12) as usize],
                );
            }
            let with_ipv4 = round % 2 == 0;
            let classified = Classified::new(text.as_bytes());
            let scan = |single_groups: bool| {
                let mut found = Vec::new();
                let mut out = |k, r: Range<usize>| found.push((k, r));
                if single_groups {
                    scan_clusters::<true>(&classified, with_ipv4, &mut Cluster::empty(), &mut out);
                } else {
                    scan_clusters::<false>(&classified, with_ipv4, &mut Cluster::empty(), &mut out);
                }
                found
            };
            let (fast, full) = (scan(true), scan(false));
            assert_eq!(fast, full, "{text:?}");
            hits += full.len();
            lone_cards += full
                .iter()
                .filter(|(k, r)| {
                    // A card the shortcut decides: one group, nothing before it that the
                    // cluster parser reads, no second group after it.
                    let hay = text.as_bytes();
                    *k == DigitHit::Card
                        && hay[r.clone()].iter().all(u8::is_ascii_digit)
                        && (r.start == 0 || !matches!(hay[r.start - 1], b'+' | b'('))
                        && !separates_groups(hay, r.end)
                })
                .count();
        }
        // Enough cards decided on the spot, and enough else, that a lost one would show.
        assert!(
            lone_cards > 2_000 && hits > lone_cards + 5_000,
            "{lone_cards} of {hits}"
        );
    }

    #[test]
    fn phones() {
        for phone in [
            "+1 415 555 2671",
            "+14155552671",
            "(415) 555-2671",
            "415-555-2671",
            "415.555.2671",
            "+44 20 7946 0958",
            "020 7946 0958",
            "+49 30 1234567",
            "1-800-555-0199",
            // Four dotted groups that are not an address.
            "1.800.555.0199",
            "06 12 34 56 78",
        ] {
            assert_eq!(
                digits(&format!("call {phone} now")),
                [(DigitHit::Phone, phone)],
                "{phone}"
            );
        }
        for not_phone in [
            "1732443000",
            "2026-11-24",
            "10.0.0.1",
            "build 1234-5678",
            "pid 4155552671",
        ] {
            let hits: Vec<_> = digits(not_phone)
                .into_iter()
                .filter(|h| h.0 != DigitHit::Ipv4)
                .collect();
            assert!(hits.is_empty(), "{not_phone}: {hits:?}");
        }
    }

    #[test]
    fn ibans() {
        assert_eq!(
            digits("GB82WEST12345698765432"),
            [(DigitHit::Iban, "GB82WEST12345698765432")]
        );
        assert_eq!(
            digits("to GB82 WEST 1234 5698 7654 32."),
            [(DigitHit::Iban, "GB82 WEST 1234 5698 7654 32")]
        );
        assert!(digits("GB82WEST12345698765433").is_empty());
        assert_eq!(
            digits("AL47-2121-1009-0000-0002-3569-8741"),
            [(DigitHit::Iban, "AL47-2121-1009-0000-0002-3569-8741")]
        );
        // An IBAN with a bad checksum is not a phone number either.
        assert!(digits("FO62 A460 0001 6316 34").is_empty());
    }
}
