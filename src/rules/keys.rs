//! Values of sensitive key names, whatever the value looks like.
//!
//! A low-entropy password such as `hunter2` has no shape any pattern could find; its key name is
//! the only clue. The key classifier splits a key into its snake, kebab, dot and camel-case
//! parts and looks at the **last** meaningful part, because that is what the value *is*:
//!
//! | key | parts | verdict |
//! |---|---|---|
//! | `db_password` | db, password | secret |
//! | `client_secret` | client, secret | secret |
//! | `x-api-key` | x, api, key | secret (`key` qualified by `api`) |
//! | `sessionToken` | session, token | AWS session token |
//! | `password_hash_value` | password, hash, value | secret (`value` is a wrapper suffix, `hash` of a password is still sensitive) |
//! | `secret_name` | secret, name | not secret: it names a secret |
//! | `tokenizer_path` | tokenizer, path | not secret |
//! | `max_tokens` | max, tokens | not secret: a count |
//! | `author` | author | not secret: whole parts only, never substrings |

use super::{Detector, Family, RuleInfo};

pub(crate) static RULES: &[RuleInfo] = &[RuleInfo {
    id: "sensitive-key",
    family: Family::Keys,
    description: "any value after a sensitive key (`password`, `passwd`, `pwd`, `secret`, `token`, `api_key`, `client_secret`, `private_key`, `credentials`, `auth`, `session`, `ssn`, …) in `k=v`, `k: v`, `\"k\":\"v\"`, `k=\"v\"`, XML and Debug forms",
    validation: "whole key parts (snake/kebab/camel), last part decides; placeholders (`$VAR`, `${…}`, `****`) kept",
    default_enabled: true,
    detector: Detector::KeyValue,
}];

/// Literal stems that every classifiable key contains, in the three cases keys are written in.
/// The engine's keyword pass looks for these; the classifier then decides.
pub(crate) const KEY_STEMS: &[&str] = &[
    "pass",
    "Pass",
    "PASS",
    "pwd",
    "Pwd",
    "PWD",
    "secret",
    "Secret",
    "SECRET",
    "token",
    "Token",
    "TOKEN",
    "auth",
    "Auth",
    "AUTH",
    "cookie",
    "Cookie",
    "COOKIE",
    "session",
    "Session",
    "SESSION",
    "cred",
    "Cred",
    "CRED",
    "ssn",
    "SSN",
    "signature",
    "jwt",
    "JWT",
    // `key` alone is everywhere (`"key":`, `monkey`) and never sensitive by itself; every
    // credential key spells it `_key`, `-key`, `Key` or `apikey`.
    "_key",
    "-key",
    "Key",
    "_KEY",
    "-KEY",
    "apikey",
    "APIKEY",
    "Apikey",
    // `pin` is inside `mapping` and `shipping`; as a key it is followed by its separator.
    "pin\"",
    "pin=",
    "pin:",
    "PIN\"",
    "PIN=",
    "PIN:",
    "Pin\"",
    "Pin=",
    "Pin:",
];

/// What a key name says its value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyClass {
    AwsSecretAccessKey,
    AwsSessionToken,
    Authorization,
    Cookie,
    /// A generic sensitive key. `strong` keys are redacted even in prose (`password: x`);
    /// weak ones (`token`, `auth`, `session`) only in clear key-value syntax, because error
    /// messages such as `invalid token: expired` are prose, not data.
    Sensitive {
        strong: bool,
    },
}

const MAX_PARTS: usize = 12;

/// A key split into lowercase-comparable parts, without allocating.
struct Parts<'a> {
    key: &'a [u8],
    ranges: [(u8, u8); MAX_PARTS],
    len: usize,
}

impl<'a> Parts<'a> {
    fn split(key: &'a [u8]) -> Option<Self> {
        if key.is_empty() || key.len() > 120 {
            return None;
        }
        let mut parts = Parts {
            key,
            ranges: [(0, 0); MAX_PARTS],
            len: 0,
        };
        let mut start = None::<usize>;
        for i in 0..=key.len() {
            let b = key.get(i).copied();
            let is_sep = matches!(b, None | Some(b'_' | b'-' | b'.' | b' ' | b':'));
            let camel_break = match (i.checked_sub(1).map(|p| key[p]), b) {
                (Some(prev), Some(cur)) if cur.is_ascii_uppercase() => {
                    prev.is_ascii_lowercase()
                        || prev.is_ascii_digit()
                        || (prev.is_ascii_uppercase()
                            && key.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()))
                }
                _ => false,
            };
            if let Some(s) = start {
                if is_sep || camel_break {
                    parts.push(s, i)?;
                    start = None;
                }
            }
            if start.is_none() && !is_sep {
                start = Some(i);
            }
        }
        (parts.len > 0).then_some(parts)
    }

    fn push(&mut self, start: usize, end: usize) -> Option<()> {
        if self.len == MAX_PARTS {
            return None;
        }
        self.ranges[self.len] = (start as u8, end as u8);
        self.len += 1;
        Some(())
    }

    fn get(&self, i: usize) -> &'a [u8] {
        let (s, e) = self.ranges[i];
        &self.key[usize::from(s)..usize::from(e)]
    }

    fn is(&self, i: usize, word: &str) -> bool {
        self.get(i).eq_ignore_ascii_case(word.as_bytes())
    }

    fn ends_with(&self, i: usize, word: &str) -> bool {
        let p = self.get(i);
        p.len() >= word.len() && p[p.len() - word.len()..].eq_ignore_ascii_case(word.as_bytes())
    }

    /// Parts `from..to` concatenated equal `word` (which is lowercase, no separators).
    fn joined_is(&self, from: usize, to: usize, word: &[u8]) -> bool {
        let mut rest = word;
        for i in from..to {
            let p = self.get(i);
            if rest.len() < p.len() || !rest[..p.len()].eq_ignore_ascii_case(p) {
                return false;
            }
            rest = &rest[p.len()..];
        }
        rest.is_empty()
    }
}

/// Suffixes that wrap a value without changing what it is (`password_value`, `token_str`).
const WRAPPER_SUFFIXES: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "raw",
    "b64",
    "base64",
    "hex",
    "bytes",
    "data",
    "plain",
    "plaintext",
    "header",
    "hdr",
    "hash",
    "text",
];

/// Parts that, before `key`, make it a credential (`api_key`, `signing_key`, …).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "access",
    "encryption",
    "signing",
    "master",
    "client",
    "app",
    "auth",
    "account",
    "license",
    "subscription",
    "shared",
    "hmac",
    "ssh",
    "session",
    "consumer",
    "service",
    "admin",
    "root",
    "storage",
    "webhook",
    "crypto",
    "decryption",
];

const STRONG_WHOLE: &[&str] = &[
    "pass",
    "pwd",
    "secrets",
    "credential",
    "credentials",
    "creds",
    "ssn",
    "passcode",
    "pin",
];
const STRONG_SUFFIX: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "apikey",
    "privatekey",
    "secretkey",
    "accesskey",
    "clientsecret",
];
const WEAK_WHOLE: &[&str] = &["auth", "session", "signature", "jwt", "bearer", "sid"];

/// Classifies a key name. `extra` are user-supplied key names, lowercase without separators.
pub(crate) fn classify(key: &[u8], extra: &[Vec<u8>]) -> Option<KeyClass> {
    let parts = Parts::split(key)?;
    let mut n = parts.len;
    if extra
        .iter()
        .any(|word| (0..n).any(|from| parts.joined_is(from, n, word)))
    {
        return Some(KeyClass::Sensitive { strong: true });
    }
    while n > 1 && WRAPPER_SUFFIXES.iter().any(|s| parts.is(n - 1, s)) {
        n -= 1;
    }
    let last = n - 1;
    if (0..last).any(|i| parts.is(i, "amz")) && parts.is(last, "credential") {
        // `X-Amz-Credential=AKID/scope`: the presigned-URL rule redacts the key id and keeps
        // the scope readable.
        return None;
    }
    let prev_is = |word: &str| last >= 1 && parts.is(last - 1, word);

    if parts.is(last, "authorization") {
        return Some(KeyClass::Authorization);
    }
    if parts.ends_with(last, "cookie") {
        return Some(KeyClass::Cookie);
    }
    let aws_secret = parts.ends_with(last, "secretaccesskey")
        || (parts.is(last, "key")
            && ((prev_is("access") && last >= 2 && parts.is(last - 2, "secret"))
                || (prev_is("secret") && (0..last).any(|i| parts.is(i, "aws")))));
    if aws_secret {
        return Some(KeyClass::AwsSecretAccessKey);
    }
    let session_token = parts.ends_with(last, "sessiontoken")
        || parts.ends_with(last, "securitytoken")
        || (parts.is(last, "token") && (prev_is("session") || prev_is("security")));
    if session_token {
        return Some(KeyClass::AwsSessionToken);
    }
    let strong = STRONG_WHOLE.iter().any(|w| parts.is(last, w))
        || STRONG_SUFFIX.iter().any(|w| parts.ends_with(last, w))
        || (parts.is(last, "key") && KEY_QUALIFIERS.iter().any(|q| prev_is(q)));
    if strong {
        return Some(KeyClass::Sensitive { strong: true });
    }
    let weak = parts.ends_with(last, "token")
        || WEAK_WHOLE.iter().any(|w| parts.is(last, w))
        || (parts.is(last, "id") && prev_is("session"))
        || parts.is(last, "sessionid");
    weak.then_some(KeyClass::Sensitive { strong: false })
}

/// Normalises a user-supplied key name for [`classify`]'s `extra` list.
pub(crate) fn normalize_key_name(name: &str) -> Vec<u8> {
    name.bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| b.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(key: &str) -> Option<KeyClass> {
        classify(key.as_bytes(), &[])
    }

    #[test]
    fn sensitive_keys() {
        for key in [
            "password",
            "db_password",
            "DB_PASSWORD",
            "dbPassword",
            "passwd",
            "pwd",
            "secret",
            "client_secret",
            "clientSecret",
            "api_key",
            "apiKey",
            "x-api-key",
            "X-API-KEY",
            "APIKey",
            "apikey",
            "private_key",
            "privateKey",
            "credentials",
            "password_value",
            "spring.datasource.password",
            "--password",
            "ssn",
            "signing_key",
            "token",
            "access_token",
            "refreshToken",
            "auth",
            "session",
            "session_id",
            "sessionid",
            "x-auth-token",
            "githubToken",
            "jwt",
        ] {
            assert!(class(key).is_some(), "{key} should be sensitive");
        }
    }

    #[test]
    fn keys_that_are_not_sensitive() {
        for key in [
            "X-Amz-Credential",
            "author",
            "authority",
            "tokenizer_path",
            "max_tokens",
            "token_count",
            "token_type",
            "secret_name",
            "secret_arn",
            "password_length",
            "session_duration",
            "key",
            "keyboard",
            "monkey",
            "api_version",
            "api",
            "passenger",
            "compass",
            "bypass",
            "auth_method",
            "cookie_name",
            "private_key_path",
            "token_url",
            "sessions",
            "primary_key",
            "key_id",
            "idempotency_key",
            "cache_key",
            "partition_key",
            "object_key",
        ] {
            assert_eq!(class(key), None, "{key} should not be sensitive");
        }
    }

    #[test]
    fn special_classes() {
        assert_eq!(class("authorization"), Some(KeyClass::Authorization));
        assert_eq!(class("Proxy-Authorization"), Some(KeyClass::Authorization));
        assert_eq!(class("Set-Cookie"), Some(KeyClass::Cookie));
        assert_eq!(
            class("aws_secret_access_key"),
            Some(KeyClass::AwsSecretAccessKey)
        );
        assert_eq!(class("SecretAccessKey"), Some(KeyClass::AwsSecretAccessKey));
        assert_eq!(class("secretAccessKey"), Some(KeyClass::AwsSecretAccessKey));
        assert_eq!(
            class("x-amz-security-token"),
            Some(KeyClass::AwsSessionToken)
        );
        assert_eq!(class("SessionToken"), Some(KeyClass::AwsSessionToken));
        assert_eq!(class("aws_session_token"), Some(KeyClass::AwsSessionToken));
    }

    #[test]
    fn weak_and_strong() {
        assert_eq!(class("token"), Some(KeyClass::Sensitive { strong: false }));
        assert_eq!(
            class("password"),
            Some(KeyClass::Sensitive { strong: true })
        );
    }

    #[test]
    fn user_keys_match_whole_parts() {
        let extra = vec![normalize_key_name("employee_number")];
        assert!(classify(b"employeeNumber", &extra).is_some());
        assert!(classify(b"hr.employee-number", &extra).is_some());
        assert!(classify(b"employee_numbers", &extra).is_none());
    }
}
