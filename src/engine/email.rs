//! The e-mail scanner: an address around each `@` the engine's rare-byte pass finds, for
//! the `email` rule.

use std::ops::Range;

/// File extensions that look like TLDs after an `@` in asset names (`icon@2x.png`).
const NOT_TLDS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "js", "css", "ts", "rs", "py", "go", "json",
    "yaml", "yml", "toml", "lock", "txt", "log", "html", "map",
];

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'')
}

/// Every e-mail address in `hay`, in one loop over its `@`s: what the engine's byte pass
/// ([`email_at`] at each `@`) is compared with.
#[cfg(test)]
pub(crate) fn scan_emails(hay: &[u8], out: &mut dyn FnMut(Range<usize>)) {
    let mut resume = 0;
    for at in memchr::memchr_iter(b'@', hay) {
        if at >= resume {
            if let Some(found) = email_at(hay, at) {
                resume = found.end;
                out(found);
            }
        }
    }
}

/// The e-mail address around the `@` at `at`, if there is one. The engine calls this for
/// each `@` from its rare-byte pass, skipping those inside an address already found.
pub(crate) fn email_at(hay: &[u8], at: usize) -> Option<Range<usize>> {
    let mut start = at;
    while start > 0 && is_local_byte(hay[start - 1]) && at - start < 64 {
        start -= 1;
    }
    // A local part longer than 64 bytes (RFC 5321) is not one, and one glued to our marker
    // continues what the marker replaced: starting mid-token would make a second pass
    // find what the first did not.
    let glued = start > 0
        && (is_local_byte(hay[start - 1]) || crate::util::text::ends_with_marker(&hay[..start]));
    if glued {
        return None;
    }
    while start < at && matches!(hay[start], b'.' | b'\'') {
        start += 1;
    }
    // `scheme://user:pass@host`: URL userinfo, which the url-credentials rule handles.
    if start == at || (start > 0 && matches!(hay[start - 1], b':' | b'/')) {
        return None;
    }
    let mut end = at + 1;
    let mut last_dot = None;
    while end < hay.len() && end - at < 255 {
        let b = hay[end];
        if b.is_ascii_alphanumeric() || b == b'-' {
            end += 1;
        } else if b == b'.' && end > at + 1 && hay[end - 1] != b'.' {
            if !hay.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
                break;
            }
            last_dot = Some(end);
            end += 1;
        } else {
            break;
        }
    }
    let dot = last_dot?;
    let tld = &hay[dot + 1..end];
    let punycode = tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--");
    let tld_ok = (2..=24).contains(&tld.len())
        && (tld.iter().all(u8::is_ascii_alphabetic) || punycode)
        && !NOT_TLDS
            .iter()
            .any(|t| t.as_bytes().eq_ignore_ascii_case(tld));
    tld_ok.then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        let find = |t: &'static str| {
            let mut out = Vec::new();
            scan_emails(t.as_bytes(), &mut |r| out.push(&t[r]));
            out
        };
        assert_eq!(
            find("to alice.smith+tag@example.co.uk."),
            ["alice.smith+tag@example.co.uk"]
        );
        assert_eq!(find("\"bob@corp.io\""), ["bob@corp.io"]);
        assert!(find("icon@2x.png").is_empty());
        assert!(find("user@localhost").is_empty());
        assert!(find("nginx@sha256:abc").is_empty());
        assert!(find("@mention").is_empty());
    }
}
