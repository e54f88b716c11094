//! AWS credentials: access key ids, secret access keys, session tokens and request signatures.
//!
//! SigV4 `Authorization` values keep their scope readable: only the key id after
//! `Credential=` and the `Signature=` hex are redacted, so `20260101/us-east-1/sts/aws4_request`
//! and `SignedHeaders=host;x-amz-date` survive for debugging.

use super::{Detector, Family, HandMatcher, RuleInfo, SecretForm, Slot};
use crate::util::text::{count_while, ends_token, starts_token, ByteSet, ALNUM};
use std::ops::Range;

/// The 4-letter prefixes of AWS key ids that are credentials (AKIA long-term, ASIA temporary,
/// ABIA and ACCA service keys); `A3T` is an older shape.
pub(crate) const ACCESS_KEY_PREFIXES: &[&str] = &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"];

/// Base64 prefixes of STS session tokens (they begin with a fixed protobuf header).
pub(crate) const SESSION_TOKEN_PREFIXES: &[&str] = &[
    "IQoJb3JpZ2luX2Vj",
    "FwoGZXIvYXdz",
    "FQoGZXIvYXdz",
    "AQoDYXdz",
];

fn access_key_boundaries(hay: &[u8], m: Range<usize>) -> bool {
    starts_token(hay, m.start) && ends_token(hay, m.end)
}

pub(crate) static RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "aws-access-key-id",
        family: Family::Aws,
        description: "AWS access key id (`AKIA`, `ASIA`, `ABIA`, `ACCA`, `A3T…` + 16 chars)",
        validation: "prefix, length, token boundaries (seen through `%2F` and `\\n`)",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",
            keywords: ACCESS_KEY_PREFIXES,
            validator: Some(access_key_boundaries),
            hit_check: None,
            slot: Some(Slot::AwsAccessKeyId),
            placeholder_guard: true,
            hand: HandMatcher {
                match_at: Some(access_key_at),
                secret_in: None,
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "aws-secret-access-key",
        family: Family::Aws,
        description: "AWS secret access key after `aws_secret_access_key`, `SecretAccessKey`, `secret_access_key: \"…\"` (any form), or any 40-char key-shaped token in text that holds an access key id",
        validation: "key context; or pairing with an access key id and not hex",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::KeyValue(Slot::AwsSecretAccessKey),
    },
    RuleInfo {
        id: "aws-secret-access-key-bare",
        family: Family::Aws,
        description: "bare 40-char `[A-Za-z0-9+/]` token shaped like an AWS secret key, anywhere",
        validation: "exact length, upper+lower+digit, not hex, Shannon entropy ≥ 4.2 bits",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Scanner(Slot::AwsSecretAccessKeyBare),
    },
    RuleInfo {
        id: "aws-session-token",
        family: Family::Aws,
        description: "STS session token: `x-amz-security-token`, `SessionToken`, `aws_session_token` values, or bare by its `IQoJb3JpZ2luX2Vj`/`FwoGZXIvYXdz`/`FQoGZXIvYXdz`/`AQoDYXdz` prefix",
        validation: "key context, or known prefix + ≥ 40 more base64 chars (URL-encoded too)",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|FQoGZXIvYXdz|AQoDYXdz)(?:[A-Za-z0-9+/=]|%[0-9A-Fa-f]{2}|\\/){40,}",
            keywords: SESSION_TOKEN_PREFIXES,
            validator: None,
            hit_check: None,
            slot: Some(Slot::AwsSessionToken),
            placeholder_guard: true,
            hand: HandMatcher {
                match_at: Some(session_token_at),
                secret_in: None,
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "aws-sigv4-authorization",
        family: Family::Aws,
        description: "key id in `AWS4-HMAC-SHA256`/`AWS4-ECDSA-P256-SHA256 Credential=…` (scope and SignedHeaders stay readable)",
        validation: "SigV4 algorithm name",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"AWS4-(?:HMAC-SHA256|ECDSA-P256-SHA256)[ \t]+Credential=(?P<secret>[^/\s,\x22\\]+)",
            keywords: &["AWS4-"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: false,
            hand: HandMatcher {
                match_at: Some(sigv4_at),
                secret_in: Some(sigv4_key_id),
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "aws-ssm-secure-string",
        family: Family::Aws,
        description: "the `Value` of an SSM parameter whose `Type` is `SecureString` (PutParameter, GetParameter(s), GetParametersByPath), in JSON at any escape depth and in Rust `Debug`",
        validation: "a `SecureString` in the same object, before or after the value",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Scanner(Slot::AwsSsmSecureString),
    },
    RuleInfo {
        id: "aws-signature",
        family: Family::Aws,
        description: "request signature: `Signature=` in SigV4 headers, `X-Amz-Signature` and SigV2 `Signature` query parameters (URL-encoded too)",
        validation: "hex (SigV4) or base64 (SigV2) of signature length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            // One-pass (every byte says which branch it takes), so the engine reads the secret
            // group with a one-pass DFA instead of the backtracker: 1.3 µs less on a SigV4
            // header line. SigV4's 64 hex digits are base64 characters too, and `=` padding
            // is taken wherever it stands. No end check: the greedy class never stops before
            // an alphanumeric byte, and a marker right after the value (`…1024/[REDACTED]`
            // from another tool) must not save the signature.
            regex: r"(?:Signature|signature|SIGNATURE)(?:=|%3[Dd])(?P<secret>(?:[A-Za-z0-9+/=]|%(?:2[BbFf]|3[Dd])){26,})",
            keywords: &["Signature", "signature", "SIGNATURE"],
            validator: None,
            hit_check: None,
            slot: Some(Slot::AwsSignature),
            placeholder_guard: true,
            hand: HandMatcher {
                match_at: Some(signature_at),
                secret_in: Some(signature_value),
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "aws-presigned-url",
        family: Family::Aws,
        description: "`X-Amz-Credential` key id and `X-Amz-Security-Token` in presigned URLs and canonical requests, plain or URL-encoded",
        validation: "parameter name",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"(?:X-(?:Amz|AMZ)|x-amz)-(?:(?:C(?:redential|REDENTIAL)|credential)(?:=|%3[Dd])(?P<secret>[A-Za-z0-9]+)|(?:S(?:ecurity-Token|ECURITY-TOKEN)|security-token)(?:=|%3[Dd])(?P<secret2>(?:[A-Za-z0-9+/=_.~-]|%(?:[013-9A-Fa-f][0-9A-Fa-f]|2[0-57-9A-Fa-f]))+))",
            // The whole parameter names, not `X-Amz-`: SDK debug lines hold three
            // `x-amz-date`/`x-amz-content-sha256` headers each, and every keyword hit costs
            // about 100 ns in the keyword pass even when it leads nowhere. Query strings and
            // signed-header lists write the prefix and the name each in one of three cases;
            // the keywords are every pairing, so every match starts with one (the regex is
            // written as a trie of them, which keeps it one-pass). Each holds a key stem
            // (`Cred`, `token`, …), through which the engine finds it while the key-value
            // rules are on: none then costs a literal of the SIMD pass.
            keywords: &[
                "X-Amz-Credential",
                "X-Amz-credential",
                "X-Amz-CREDENTIAL",
                "x-amz-Credential",
                "x-amz-credential",
                "x-amz-CREDENTIAL",
                "X-AMZ-Credential",
                "X-AMZ-credential",
                "X-AMZ-CREDENTIAL",
                "X-Amz-Security-Token",
                "X-Amz-security-token",
                "X-Amz-SECURITY-TOKEN",
                "x-amz-Security-Token",
                "x-amz-security-token",
                "x-amz-SECURITY-TOKEN",
                "X-AMZ-Security-Token",
                "X-AMZ-security-token",
                "X-AMZ-SECURITY-TOKEN",
            ],
            validator: None,
            hit_check: Some(parameter_value_follows),
            slot: None,
            placeholder_guard: false,
            hand: HandMatcher {
                match_at: None,
                secret_in: Some(presigned_value),
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "aws-sigv2-authorization",
        family: Family::Aws,
        description: "SigV2 header value `AWS AKID:signature` (both parts)",
        validation: "shape `AWS <id>:<base64>`",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"\bAWS (?P<secret>[A-Z0-9]{16,128}):(?P<secret2>[A-Za-z0-9+/]{20,}={0,2})",
            keywords: &["AWS "],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "aws-bedrock-api-key",
        family: Family::Aws,
        description: "Amazon Bedrock API keys, long-lived `ABSK…` and short-lived `bedrock-api-key-…`",
        validation: "prefix and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t(?:[A-Za-z0-9+/=_-]|%[0-9A-Fa-f]{2})*",
            keywords: &["ABSK", "bedrock-api-key-"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
];

pub(crate) use crate::util::classify::KEY_BYTES;

/// A 40-character token shaped like an AWS secret access key.
pub(crate) struct SecretKeyCandidate<'h> {
    pub range: Range<usize>,
    /// Good enough to redact when an access key id is in the same text.
    pub paired_ok: bool,
    run: &'h [u8],
    /// Upper case, lower case and digits, not hex, not a path.
    shaped: bool,
}

impl SecretKeyCandidate<'_> {
    /// Strong enough to redact on its own, without an access key id nearby. Measures the
    /// entropy, so it is asked only when pairing did not already decide.
    pub fn bare_ok(&self) -> bool {
        self.shaped && crate::util::checksum::shannon_entropy(self.run) >= 4.2
    }
}

/// The secret-key candidate in `run`, a maximal run of [`KEY_BYTES`] (the engine's key-run
/// scan finds them): only a run of exactly 40 bytes not followed by `=` is one.
pub(crate) fn secret_key_candidate(
    hay: &[u8],
    run: Range<usize>,
) -> Option<SecretKeyCandidate<'_>> {
    let bytes = hay.get(run.clone())?;
    let Ok(key) = <&[u8; 40]>::try_from(bytes) else {
        return None;
    };
    if hay.get(run.end) == Some(&b'=') {
        return None;
    }
    // Comparisons and ors over a fixed 40 bytes, without a per-byte table lookup: the
    // compiler turns them into SIMD compares. Every 40-byte key run of a log (commit
    // hashes, digests) comes through here.
    let (mut not_hex, mut upper, mut lower, mut digit, mut slashes) = (0u8, 0u8, 0u8, 0u8, 0u8);
    for &b in key {
        not_hex |= u8::from(!b.is_ascii_hexdigit());
        upper |= u8::from(b.is_ascii_uppercase());
        lower |= u8::from(b.is_ascii_lowercase());
        digit |= u8::from(b.is_ascii_digit());
        slashes += u8::from(b == b'/');
    }
    let hex = not_hex == 0;
    let kinds = upper + lower + digit;
    let double_slash = slashes >= 2 && key.windows(2).any(|w| w == b"//");
    let path_like = slashes > 3 || double_slash || key[0] == b'/';
    Some(SecretKeyCandidate {
        range: run,
        paired_ok: !hex && kinds >= 2,
        run: bytes,
        shaped: !hex && kinds == 3 && !path_like,
    })
}

fn is_upper_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// `(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}` anchored at `at`.
fn access_key_at(hay: &[u8], at: usize) -> Option<usize> {
    let rest = hay.get(at..)?;
    let a3t = rest.starts_with(b"A3T") && rest.get(3).copied().is_some_and(is_upper_or_digit);
    let known = [b"AKIA", b"ASIA", b"ABIA", b"ACCA"]
        .iter()
        .any(|p| rest.starts_with(*p));
    if !(a3t || known) {
        return None;
    }
    // Both heads are four bytes: `A3T` and one more, or one of the prefixes.
    let prefix = 4;
    let body = rest.get(prefix..prefix + 16)?;
    body.iter()
        .all(|&b| is_upper_or_digit(b))
        .then_some(at + prefix + 16)
}

/// `[A-Za-z0-9+/=]`: base64, the bytes of session tokens and signatures.
static BASE64: ByteSet = ByteSet::new(ALNUM, b"+/=");

/// Counts the units of `(?:[A-Za-z0-9+/=]|ESCAPE)*` from `at`, where `escape` gives the
/// length of an escape unit there (0 for none), and returns (units, end). Each unit starts
/// with a byte no other unit starts with, so the greedy count is the regex's.
fn base64_units(hay: &[u8], at: usize, escape: impl Fn(&[u8]) -> usize) -> (usize, usize) {
    let (mut units, mut end) = (0, at);
    loop {
        let run = BASE64.leading(&hay[end..], usize::MAX);
        units += run;
        end += run;
        match escape(&hay[end..]) {
            0 => return (units, end),
            len => {
                units += 1;
                end += len;
            }
        }
    }
}

/// The session token's escapes: `%` and two hex digits, or `\\/`.
fn session_token_escape(rest: &[u8]) -> usize {
    match rest {
        [b'%', h, l, ..] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => 3,
        [b'\\', b'/', ..] => 2,
        _ => 0,
    }
}

/// The session-token regex anchored at `at`: a known prefix, then at least 40 units of
/// `(?:[A-Za-z0-9+/=]|%[0-9A-Fa-f]{2}|\\/)`.
fn session_token_at(hay: &[u8], at: usize) -> Option<usize> {
    let rest = hay.get(at..)?;
    let prefix = SESSION_TOKEN_PREFIXES
        .iter()
        .find(|p| rest.starts_with(p.as_bytes()))?;
    let (units, end) = base64_units(hay, at + prefix.len(), session_token_escape);
    (units >= 40).then_some(end)
}

/// `AWS4-(?:HMAC-SHA256|ECDSA-P256-SHA256)[ \t]+Credential=` anchored at `at`: its end.
fn sigv4_credential_start(hay: &[u8], at: usize) -> Option<usize> {
    let rest = hay.get(at..)?.strip_prefix(b"AWS4-")?;
    let rest = rest
        .strip_prefix(b"HMAC-SHA256")
        .or_else(|| rest.strip_prefix(b"ECDSA-P256-SHA256"))?;
    let blanks = count_while(rest, usize::MAX, |b| b == b' ' || b == b'\t');
    let after = rest[blanks..].strip_prefix(b"Credential=")?;
    (blanks > 0).then(|| hay.len() - after.len())
}

/// `[^/\s,\x22\\]`: what a SigV4 key id may hold (`\s` without Unicode: tab, newline,
/// vertical tab, form feed, carriage return, space).
fn is_credential_byte(b: u8) -> bool {
    !matches!(
        b,
        b'/' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b',' | b'"' | b'\\'
    )
}

fn sigv4_at(hay: &[u8], at: usize) -> Option<usize> {
    let id = sigv4_credential_start(hay, at)?;
    let len = count_while(&hay[id..], usize::MAX, is_credential_byte);
    (len > 0).then_some(id + len)
}

fn sigv4_key_id(hay: &[u8], m: Range<usize>) -> Option<Range<usize>> {
    let id = sigv4_credential_start(hay, m.start)?;
    Some(id..m.end)
}

/// Where a signature's value starts: after the 9-byte name and `=` or `%3D`/`%3d`.
fn signature_value_start(hay: &[u8], at: usize) -> Option<usize> {
    let rest = hay.get(at..)?;
    let name_ok = [&b"Signature"[..], b"signature", b"SIGNATURE"]
        .iter()
        .any(|n| rest.starts_with(n));
    if !name_ok {
        return None;
    }
    match rest.get(9..) {
        Some([b'=', ..]) => Some(at + 10),
        Some([b'%', b'3', b'D' | b'd', ..]) => Some(at + 12),
        _ => None,
    }
}

/// A signature's escapes: `%2B`, `%2F`, `%3D` in either case.
fn signature_escape(rest: &[u8]) -> usize {
    match rest {
        [b'%', b'2', b'B' | b'b' | b'F' | b'f', ..] | [b'%', b'3', b'D' | b'd', ..] => 3,
        _ => 0,
    }
}

/// The signature regex anchored at `at`: the name, then at least 26 units of
/// `(?:[A-Za-z0-9+/=]|%(?:2[BbFf]|3[Dd]))`.
pub(crate) fn signature_at(hay: &[u8], at: usize) -> Option<usize> {
    let start = signature_value_start(hay, at)?;
    let (units, end) = base64_units(hay, start, signature_escape);
    (units >= 26).then_some(end)
}

fn signature_value(hay: &[u8], m: Range<usize>) -> Option<Range<usize>> {
    Some(signature_value_start(hay, m.start)?..m.end)
}

/// The presigned parameter's name (its keyword) is followed by `=` or `%3D`: SDK headers
/// such as `x-amz-security-token: …` are the session-token rule's, not this one's.
fn parameter_value_follows(hay: &[u8], hit: Range<usize>) -> bool {
    let rest = &hay[hit.end..];
    // `%3d`: .NET's `HttpUtility.UrlEncode` writes lower-case hex.
    rest.starts_with(b"=") || rest.starts_with(b"%3D") || rest.starts_with(b"%3d")
}

/// After `X-Amz-` (6 bytes), `Credential` (10) or `Security-Token` (14), then `=`, `%3D`
/// or `%3d`.
fn presigned_value(hay: &[u8], m: Range<usize>) -> Option<Range<usize>> {
    let name = match hay.get(m.start + 6)? {
        b'C' | b'c' => 10,
        b'S' | b's' => 14,
        _ => return None,
    };
    let after_name = m.start + 6 + name;
    let value = match hay.get(after_name)? {
        b'=' => after_name + 1,
        _ => after_name + 3,
    };
    Some(value..m.end)
}

/// Whether `value` is a SigV4 credential, `AKID/yyyymmdd/region/service/aws4_request`.
pub(crate) fn is_sigv4_credential(value: &[u8]) -> bool {
    // The key id's shape first: it rules out most values in a few compares.
    value.get(20) == Some(&b'/')
        && [b"AKIA", b"ASIA", b"ABIA", b"ACCA"]
            .iter()
            .any(|p| value.starts_with(*p))
        && value[..20].iter().all(|&b| is_upper_or_digit(b))
        && sigv4_credential_key_id(value).is_some()
}

/// The key id part of a SigV4 credential (`KEYID/20261124/us-east-1/sts/aws4_request`): what
/// comes before the four-segment scope, whatever it is (an id, or already a marker).
pub(crate) fn sigv4_credential_key_id(value: &[u8]) -> Option<&[u8]> {
    if !value.ends_with(b"/aws4_request") {
        return None;
    }
    let scope_at = memchr::memchr(b'/', value)?;
    let segments = memchr::memchr_iter(b'/', &value[scope_at..]).count();
    (scope_at > 0 && segments == 4).then(|| &value[..scope_at])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `secret_key_candidate`'s verdicts, byte by byte: the reference.
    fn verdicts_by_hand(key: &[u8]) -> (bool, bool) {
        let hex = key.iter().all(u8::is_ascii_hexdigit);
        let kinds = [
            key.iter().any(u8::is_ascii_uppercase),
            key.iter().any(u8::is_ascii_lowercase),
            key.iter().any(u8::is_ascii_digit),
        ]
        .iter()
        .filter(|&&k| k)
        .count();
        let slashes = key.iter().filter(|&&b| b == b'/').count();
        let double_slash = key.windows(2).any(|w| w == b"//");
        let path_like = slashes > 3 || double_slash || key[0] == b'/';
        (!hex && kinds >= 2, !hex && kinds == 3 && !path_like)
    }

    #[test]
    fn secret_key_candidates_agree_with_a_byte_by_byte_reading() {
        let mut rng = crate::test_rng::XorShift(0x51ED_2701_AB3C_9F11);
        let alphabets: [&[u8]; 6] = [
            b"0123456789abcdef",
            b"0123456789ABCDEF",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            b"abcdefghijklmnopqrstuvwxyz0123456789",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ/",
            b"aZ9//+",
        ];
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20_000 {
            let alphabet = alphabets[(rng.next() % 6) as usize];
            let key: Vec<u8> = (0..40)
                .map(|_| alphabet[(rng.next() >> 8) as usize % alphabet.len()])
                .collect();
            let text = [b"k=".as_slice(), &key, b" n"].concat();
            let c = secret_key_candidate(&text, 2..42).expect("a 40-byte run");
            let want = verdicts_by_hand(&key);
            assert_eq!(
                (c.paired_ok, c.shaped),
                want,
                "{:?}",
                String::from_utf8_lossy(&key)
            );
            seen.insert(want);
        }
        // Every verdict occurs, or the comparison proves less than it seems.
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(secret_key_candidate(b"k=ab", 2..4).is_none());
        let followed_by_padding = [b"k=".as_slice(), &[b'A'; 40], b"="].concat();
        assert!(secret_key_candidate(&followed_by_padding, 2..42).is_none());
    }
}
