//! Network addresses. Off by default: most logs need their IP addresses, and an address is
//! personal data only in some jurisdictions and contexts. Enable with
//! `.enable("network")` or per rule.

use super::{Detector, Family, RuleInfo, SecretForm, Slot};
use std::ops::Range;

pub(crate) static RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "ipv4",
        family: Family::Network,
        description: "IPv4 address",
        validation: "four dotted octets ≤ 255, no leading zeros",
        default_enabled: false,
        form: SecretForm::Opaque,
        detector: Detector::Scanner(Slot::Ipv4),
    },
    RuleInfo {
        id: "ipv6",
        family: Family::Network,
        description: "IPv6 address",
        validation: "parsed by `std::net::Ipv6Addr`",
        default_enabled: false,
        form: SecretForm::Opaque,
        detector: Detector::Scanner(Slot::Ipv6),
    },
];

/// Finds IPv6 addresses: maximal runs of hex digits, `:` and `.` holding at least two colons
/// that `std` parses as an address.
pub(crate) fn scan_ipv6(hay: &[u8], out: &mut dyn FnMut(Range<usize>)) {
    let is_v6 = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
    let mut i = 0;
    while let Some(off) = hay[i..].iter().position(|&b| b == b':') {
        let colon = i + off;
        let mut start = colon;
        while start > 0 && is_v6(hay[start - 1]) {
            start -= 1;
        }
        let mut end = colon;
        while end < hay.len() && is_v6(hay[end]) {
            end += 1;
        }
        let candidate = &hay[start..end];
        if candidate.iter().filter(|&&b| b == b':').count() >= 2
            // A marker before stands for whatever it replaced (idempotence).
            && !(start > 0
                && (hay[start - 1].is_ascii_alphanumeric()
                    || crate::util::text::ends_with_marker(&hay[..start])))
            && !(end < hay.len() && hay[end].is_ascii_alphanumeric())
        {
            if let Ok(text) = std::str::from_utf8(candidate) {
                let text = text.trim_end_matches('.');
                if text.parse::<std::net::Ipv6Addr>().is_ok() {
                    out(start..start + text.len());
                }
            }
        }
        i = end.max(colon + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ipv6_and_ignores_times() {
        let text = "peer 2001:db8::1 at 10:28:05 and fe80::1ff:fe23:4567:890a.";
        let mut out = Vec::new();
        scan_ipv6(text.as_bytes(), &mut |r| out.push(&text[r]));
        assert_eq!(out, ["2001:db8::1", "fe80::1ff:fe23:4567:890a"]);
    }
}
