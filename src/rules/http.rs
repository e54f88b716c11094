//! HTTP authentication headers and cookies.
//!
//! Both rules are key-value rules: the shared key-value parser finds `Authorization: …`,
//! `"authorization": "…"`, `authorization=…` and their kin, and these rules decide which part
//! of the value is secret.

use super::{Detector, Family, RuleInfo, SecretForm, Slot};
use std::ops::Range;

pub(crate) static RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "http-authorization",
        family: Family::Http,
        description: "credentials of `Authorization` / `Proxy-Authorization` (Bearer, Basic, Digest, any scheme); the scheme name stays",
        validation: "header name in header-line, Debug-map, JSON or key=value form",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::KeyValue(Slot::HttpAuthorization),
    },
    RuleInfo {
        id: "http-cookie",
        family: Family::Http,
        description: "values in `Cookie` and `Set-Cookie` (cookie names and attributes stay)",
        validation: "header name in header-line, Debug-map, JSON or key=value form",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::KeyValue(Slot::HttpCookie),
    },
];

/// The secret part of an `Authorization` value: everything after the scheme.
///
/// SigV4 values are left to the AWS rules, which keep the scope readable.
pub(crate) fn authorization_secret(value: &[u8], at: usize, out: &mut dyn FnMut(Range<usize>)) {
    if value.starts_with(b"AWS4-") {
        return;
    }
    let scheme_len = value
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .unwrap_or(value.len());
    let rest = &value[scheme_len..];
    let creds_start = if scheme_len > 0 && rest.first() == Some(&b' ') {
        scheme_len + 1 + rest[1..].iter().take_while(|&&b| b == b' ').count()
    } else {
        0
    };
    if creds_start < value.len() {
        out(at + creds_start..at + value.len());
    }
}

const COOKIE_ATTRIBUTES: &[&str] = &[
    "path",
    "domain",
    "expires",
    "max-age",
    "samesite",
    "secure",
    "httponly",
    "partitioned",
    "priority",
    "version",
    "comment",
];

/// The values of each `name=value` pair of a `Cookie` or `Set-Cookie` header.
pub(crate) fn cookie_secrets(value: &[u8], at: usize, out: &mut dyn FnMut(Range<usize>)) {
    let mut offset = 0;
    for (index, part) in value.split(|&b| b == b';').enumerate() {
        let lead = part.iter().take_while(|&&b| b == b' ').count();
        let pair = &part[lead..];
        let start = at + offset + lead;
        match pair.iter().position(|&b| b == b'=') {
            Some(eq) => {
                let name = &pair[..eq];
                let is_attribute = index > 0
                    && COOKIE_ATTRIBUTES
                        .iter()
                        .any(|a| a.as_bytes().eq_ignore_ascii_case(name));
                if !is_attribute && eq + 1 < pair.len() {
                    out(start + eq + 1..start + pair.len());
                }
            }
            None => {
                let is_attribute = COOKIE_ATTRIBUTES
                    .iter()
                    .any(|a| a.as_bytes().eq_ignore_ascii_case(pair));
                if !pair.is_empty() && !is_attribute {
                    out(start..start + pair.len());
                }
            }
        }
        offset += part.len() + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Splitter = fn(&[u8], usize, &mut dyn FnMut(Range<usize>));

    fn secrets(f: Splitter, v: &str) -> Vec<&str> {
        let mut out = Vec::new();
        f(v.as_bytes(), 0, &mut |r| out.push(&v[r]));
        out
    }

    #[test]
    fn authorization_keeps_scheme() {
        assert_eq!(secrets(authorization_secret, "Bearer abc.def"), ["abc.def"]);
        assert_eq!(
            secrets(authorization_secret, "Basic  dXNlcjpwYXNz"),
            ["dXNlcjpwYXNz"]
        );
        assert_eq!(
            secrets(authorization_secret, "opaque-token-value"),
            ["opaque-token-value"]
        );
        assert!(secrets(authorization_secret, "AWS4-HMAC-SHA256 Credential=x").is_empty());
    }

    #[test]
    fn cookies_keep_names_and_attributes() {
        assert_eq!(
            secrets(cookie_secrets, "sid=abc; theme=dark"),
            ["abc", "dark"]
        );
        assert_eq!(
            secrets(cookie_secrets, "sid=abc; Path=/; HttpOnly; Max-Age=3600"),
            ["abc"]
        );
    }
}
