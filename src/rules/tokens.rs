//! Vendor tokens with a recognisable shape, private keys and credentials in URLs.
//!
//! Each rule's keywords are the literal prefix every token carries, so the engine runs a rule's
//! regex only on text that contains that prefix.

use super::{Detector, Family, HandMatcher, RuleInfo, SecretForm};
use crate::util::checksum::github_checksum_ok;
use crate::util::text::{contains_marker, count_while, ends_token, starts_token, ByteSet, ALNUM};
use std::ops::Range;

fn bounded(hay: &[u8], m: Range<usize>) -> bool {
    starts_token(hay, m.start) && ends_token(hay, m.end)
}

/// A GitHub token glued to other text still counts when its CRC32 checksum is right.
fn github_token(hay: &[u8], m: Range<usize>) -> bool {
    bounded(hay, m.clone()) || github_checksum_ok(&hay[m])
}

/// `[A-Za-z0-9]`: classic GitHub token bodies and Slack app-token segments.
static ALPHANUMERIC: ByteSet = ByteSet::new(ALNUM, b"");

/// The JWT regex anchored at `at`. Every step after `eyJ` either matches or leaves the
/// rest free to match the empty string, so the regex's preferred match is the one that takes
/// each greedy step as far as it goes: no backtracking is needed.
fn jwt_at(hay: &[u8], at: usize) -> Option<usize> {
    /// `[A-Za-z0-9_-]`: a base64url segment.
    static SEGMENT: ByteSet = ByteSet::new(ALNUM, b"_-");
    /// `[A-Za-z0-9+/_-]`, both base64 alphabets: the last segment (some encoders mix in
    /// standard base64), and a JWT base64-encoded once more.
    static EITHER_BASE64: ByteSet = ByteSet::new(ALNUM, b"+/_-");
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if at > 0 && is_word(hay[at - 1]) {
        return None; // `\b`
    }
    let rest = hay.get(at..)?;
    let run = |set: &ByteSet, i: usize| set.leading(&hay[i..], usize::MAX);
    let padding = |i: usize| count_while(&hay[i..], 2, |b| b == b'=');
    if rest.starts_with(b"ZXlK") {
        let body = run(&EITHER_BASE64, at + 4);
        let end = at + 4 + body;
        return (body >= 40).then(|| end + padding(end));
    }
    if !rest.starts_with(b"eyJ") {
        return None;
    }
    // `[A-Za-z0-9_-]{8,}={0,2}\.`: a whole run of at least 8, at most two `=`, then a dot.
    let dotted = |i: usize| -> Option<usize> {
        let segment = run(&SEGMENT, i);
        if segment < 8 {
            return None;
        }
        let pad = count_while(&hay[i + segment..], 3, |b| b == b'=');
        let dot = i + segment + pad;
        (pad <= 2 && hay.get(dot) == Some(&b'.')).then_some(dot + 1)
    };
    let mut i = dotted(at + 3)?;
    for _ in 0..3 {
        match dotted(i) {
            Some(next) => i = next,
            None => break,
        }
    }
    // `(?:[A-Za-z0-9_-]{8,}={0,2}|\.)?`
    let segment = run(&SEGMENT, i);
    if segment >= 8 {
        i += segment;
        i += padding(i);
    } else if hay.get(i) == Some(&b'.') {
        i += 1;
    }
    // `[A-Za-z0-9_/+-]*={0,2}`
    i += run(&EITHER_BASE64, i);
    Some(i + padding(i))
}

/// The Slack token regex anchored at `at`: `(?:xoxe\.)?xox[abeoprs]-[A-Za-z0-9-]{8,}`,
/// else `xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+`. Each run is followed by a byte it
/// cannot hold, so only the optional `xoxe.` needs a second try.
fn slack_token_at(hay: &[u8], at: usize) -> Option<usize> {
    static BODY: ByteSet = ByteSet::new(ALNUM, b"-");
    let run = |set: &ByteSet, i: usize| set.leading(&hay[i..], usize::MAX);
    let xox = |i: usize| -> Option<usize> {
        let head = hay.get(i..i + 5)?;
        let ok = head.starts_with(b"xox")
            && matches!(head[3], b'a' | b'b' | b'e' | b'o' | b'p' | b'r' | b's')
            && head[4] == b'-';
        let body = run(&BODY, i + 5);
        (ok && body >= 8).then_some(i + 5 + body)
    };
    let refresh = hay.get(at..at + 5).is_some_and(|h| h == b"xoxe.");
    if let Some(end) = refresh.then(|| xox(at + 5)).flatten().or_else(|| xox(at)) {
        return Some(end);
    }
    // `xapp-1-A0123-4567-abc`
    if hay.get(at..at + 4)? != b"xapp" {
        return None;
    }
    let mut i = at + 4;
    let expect = |i: &mut usize, byte_ok: &dyn Fn(u8) -> bool| -> Option<()> {
        byte_ok(*hay.get(*i)?).then(|| *i += 1)
    };
    expect(&mut i, &|b| b == b'-')?;
    expect(&mut i, &|b| b.is_ascii_digit())?;
    expect(&mut i, &|b| b == b'-')?;
    let app = run(&ALPHANUMERIC, i);
    i += app;
    expect(&mut i, &|b| b == b'-')?;
    let digits = count_while(&hay[i..], usize::MAX, |b| b.is_ascii_digit());
    i += digits;
    expect(&mut i, &|b| b == b'-')?;
    let secret = run(&ALPHANUMERIC, i);
    (app > 0 && digits > 0 && secret > 0).then_some(i + secret)
}

/// `gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255}` anchored at `at`.
fn github_token_at(hay: &[u8], at: usize) -> Option<usize> {
    let rest = hay.get(at..)?;
    static FINE_GRAINED: ByteSet = ByteSet::new(ALNUM, b"_");
    let (prefix, min, max, body) = match rest {
        [b'g', b'h', b'p' | b'o' | b'u' | b's' | b'r', b'_', ..] => (4, 36, 251, &ALPHANUMERIC),
        _ if rest.starts_with(b"github_pat_") => (11, 22, 255, &FINE_GRAINED),
        _ => return None,
    };
    let len = body.leading(&rest[prefix..], max);
    (len >= min).then_some(at + prefix + len)
}

/// Placeholders are not passwords: `$PASSWORD`, `${DB_PASS}`, `%s`, `****`, `<password>`,
/// `[PASSWORD]` (see [`is_url_placeholder`]).
fn url_password_is_real(hay: &[u8], m: Range<usize>) -> bool {
    // The host after `@` must not hold one of our markers (a second pass would read
    // `user:pass@[REDACTED:ipv6]` or `…@[[REDACTED:email]` as a new URL).
    let host = &hay[m.end.min(hay.len())..(m.end + 16).min(hay.len())];
    if host.starts_with(b"@") && contains_marker(host) {
        return false;
    }
    !is_url_placeholder(&hay[m])
}

/// A stand-in for a URL password, whole: `$VAR`, `${…}`, `<…>`, `{{…}}`, `[…]` (a marker),
/// `%s`, `%(name)s`, `****`, `xxx`. A dictionary word (`password`, `secret`) is a password:
/// people use them, and the `sensitive-key` rule treats them the same way.
fn is_url_placeholder(value: &[u8]) -> bool {
    let name = |b: &[u8]| {
        !b.is_empty()
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b' '))
    };
    match value {
        [b'$', b'{', inner @ .., b'}'] | [b'{', b'{', inner @ .., b'}', b'}'] => name(inner),
        [b'$', inner @ ..] => name(inner) && !inner.contains(&b' '),
        [b'<', inner @ .., b'>'] => name(inner),
        [b'[', .., b']'] => true,
        [b'%', b's'] => true,
        [b'%', b'(', inner @ .., b')', b's'] => name(inner),
        _ => value.iter().all(|&b| b == b'*') || value.iter().all(|&b| b == b'x' || b == b'X'),
    }
}

/// A curl command's password that only shows where one goes, as documentation writes it:
/// the bare words `password`, `passwd`, `pass`, `pwd`, `token`, `secret`, or a value opened
/// or closed by a bracket (`<user:password>`, `{token}`). Command lines in logs are mostly
/// copied from such examples; a URL's user info is not, and keeps its words.
fn is_cli_example(value: &[u8]) -> bool {
    let words: [&[u8]; 6] = [b"password", b"passwd", b"pass", b"pwd", b"token", b"secret"];
    value
        .first()
        .is_some_and(|&b| matches!(b, b'$' | b'<' | b'{' | b'['))
        || value
            .last()
            .is_some_and(|&b| matches!(b, b'>' | b']' | b'}'))
        || words.iter().any(|w| value.eq_ignore_ascii_case(w))
}

/// The `@` that ends a URL's user info lies within reach of the `://` hit: user (up to 256
/// bytes), `:`, password (up to 256).
fn at_sign_follows(hay: &[u8], hit: Range<usize>) -> bool {
    let reach = &hay[hit.end..hay.len().min(hit.end + 256 + 1 + 256 + 1)];
    memchr::memchr(b'@', reach).is_some()
}

/// The password of the URL whose `://` starts at `hit`, as the `url-credentials` regex reads
/// it. Each part after `://` is fixed by the one before (user info cannot hold `:`, the
/// password cannot hold `@`), so no backtracking is needed.
fn url_password_at(hay: &[u8], hit: usize) -> Option<Range<usize>> {
    if !hay.get(hit..)?.starts_with(b"://") {
        return None;
    }
    // `[A-Za-z][A-Za-z0-9+.-]{0,30}` right before `://`: a letter somewhere in the scheme
    // characters within 31 bytes.
    let is_scheme = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-');
    let scheme = hay[hit.saturating_sub(31)..hit]
        .iter()
        .rev()
        .take_while(|&&b| is_scheme(b));
    if !scheme.clone().any(u8::is_ascii_alphabetic) {
        return None;
    }
    let user_start = hit + 3;
    /// `[^\s:/@"'<>\[\]]` and `[^\s/@"'<>]` (`\s` without Unicode).
    static USER: ByteSet = ByteSet::all_but(b"\t\n\x0B\x0C\r :/@\"'<>[]");
    static PASSWORD: ByteSet = ByteSet::all_but(b"\t\n\x0B\x0C\r /@\"'<>");
    let user = USER.leading(&hay[user_start..], 256);
    let colon = user_start + user;
    if hay.get(colon) != Some(&b':') {
        return None;
    }
    let password = PASSWORD.leading(&hay[colon + 1..], 256);
    let at_sign = colon + 1 + password;
    let host_ok = hay.get(at_sign + 1).is_some_and(|&b| {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'[' | b']' | b'-' | b'%')
    });
    (password > 0 && hay.get(at_sign) == Some(&b'@') && host_ok).then_some(colon + 1..at_sign)
}

/// A `-u user:password` flag of a curl command line: `curl` occurs earlier on the same
/// (possibly `\`-continued) line, and the password is not a placeholder.
///
/// The look-back is bounded (4 KiB), so a line of many `-u` flags stays linear.
fn curl_password_is_real(hay: &[u8], m: Range<usize>) -> bool {
    // The user part with no password after it: a token (`sk_test_4eC39…:`) or just a name
    // (`admin:`, `username:`), which stays.
    let user_only = hay.get(m.end) == Some(&b':');
    if user_only && !(m.len() >= 8 && hay[m.clone()].iter().any(u8::is_ascii_digit)) {
        return false;
    }
    let floor = m.start.saturating_sub(4096);
    let mut start = m.start;
    while start > floor && !(hay[start - 1] == b'\n' && (start < 2 || hay[start - 2] != b'\\')) {
        start -= 1;
    }
    memchr::memmem::find(&hay[start..m.start], b"curl").is_some()
        && url_password_is_real(hay, m.clone())
        && !is_cli_example(&hay[m])
}

/// Slack tokens carry numeric workspace/user ids; `xoxo-indieweb` in a file name does not.
fn slack_token(hay: &[u8], m: Range<usize>) -> bool {
    let glued_to_word = m.start > 0 && matches!(hay[m.start - 1], b'-' | b'_');
    !glued_to_word && bounded(hay, m.clone()) && hay[m].iter().any(u8::is_ascii_digit)
}

pub(crate) static RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "jwt",
        family: Family::Tokens,
        description: "JSON Web Token (`eyJ…` header and payload, signature optional; JWE too), and a JWT base64-encoded once more (`ZXlK…`)",
        validation: "base64url JSON header `{\"` and segment shape",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"\beyJ[A-Za-z0-9_-]{8,}={0,2}\.(?:[A-Za-z0-9_-]{8,}={0,2}\.){0,3}(?:[A-Za-z0-9_-]{8,}={0,2}|\.)?[A-Za-z0-9_/+-]*={0,2}|\bZXlK[A-Za-z0-9+/_-]{40,}={0,2}",
            keywords: &["eyJ", "ZXlK"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher {
                match_at: Some(jwt_at),
                secret_in: None,
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "github-token",
        family: Family::Tokens,
        description: "GitHub tokens `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and fine-grained `github_pat_`",
        validation: "prefix and length at token boundaries; a valid CRC32 checksum also admits a token glued to other text",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255}",
            keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
            validator: Some(github_token),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher {
                match_at: Some(github_token_at),
                secret_in: None,
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "gitlab-token",
        family: Family::Tokens,
        description: "GitLab tokens: `glpat-`, `gldt-`, `glptt-`, `glrt-`, `glcbt-`, `glffct-`, `glft-`, `glimt-`, `glagent-`, `gloas-`, `glsoat-`, `GR1348941`, `_gitlab_session`",
        validation: "prefix and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"gl(?:pat|dt|ptt|rt|ffct|ft|imt|agent|oas|soat)-[A-Za-z0-9_.-]{20,300}|glcbt-[A-Za-z0-9]{1,5}_[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,}|_gitlab_session=(?P<secret>[0-9a-z]{32})",
            keywords: &[
                "glpat-", "gldt-", "glptt-", "glrt-", "glffct-", "glft-", "glimt-", "glagent-",
                "gloas-", "glsoat-", "glcbt-", "GR1348941", "_gitlab_session=",
            ],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "slack-token",
        family: Family::Tokens,
        description: "Slack tokens `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxo-`, `xoxe-`, `xapp-`",
        validation: "prefix and segment shape",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            // Slack writes its prefixes in lower case; the regex takes no other case, which
            // no keyword would find.
            regex: r"(?:xoxe\.)?xox[abeoprs]-[A-Za-z0-9-]{8,}|xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+",
            keywords: &["xox", "xapp"],
            validator: Some(slack_token),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher {
                match_at: Some(slack_token_at),
                secret_in: None,
                secret_at: None,
            },
        },
    },
    RuleInfo {
        id: "slack-webhook-url",
        family: Family::Tokens,
        description: "Slack incoming-webhook and workflow URLs (`hooks.slack.com/services/…`)",
        validation: "host and path shape",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9+/]{20,})",
            keywords: &["hooks.slack.com"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "stripe-key",
        family: Family::Tokens,
        description: "Stripe secret and restricted keys `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`",
        validation: "prefix and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,247}",
            keywords: &["sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"],
            validator: Some(bounded),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "google-api-key",
        family: Family::Tokens,
        description: "Google API key `AIza…` (39 chars)",
        validation: "prefix and exact length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"AIza[A-Za-z0-9_-]{35}",
            keywords: &["AIza"],
            validator: Some(bounded),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "openai-api-key",
        family: Family::Tokens,
        description: "OpenAI API keys (`sk-…T3BlbkFJ…`, `sk-proj-`, `sk-svcacct-`, `sk-admin-`)",
        validation: "embedded `T3BlbkFJ` marker, or project prefix and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}",
            keywords: &["T3BlbkFJ", "sk-proj-", "sk-svcacct-", "sk-admin-"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "anthropic-api-key",
        family: Family::Tokens,
        description: "Anthropic API and admin keys `sk-ant-api03-…`, `sk-ant-admin01-…`",
        validation: "prefix and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"sk-ant-[a-z]{2,10}[0-9]{2}-[A-Za-z0-9_-]{80,}",
            keywords: &["sk-ant-"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "npm-token",
        family: Family::Tokens,
        description: "npm access token `npm_` + 36 chars",
        validation: "prefix and exact length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"(?:npm_|NPM_)[A-Za-z0-9]{36}",
            keywords: &["npm_", "NPM_"],
            validator: Some(bounded),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "pypi-token",
        family: Family::Tokens,
        description: "PyPI upload token `pypi-AgEIcHlwaS5vcmc…`",
        validation: "macaroon prefix and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
            keywords: &["pypi-AgEIcHlwaS5vcmc"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "sendgrid-api-key",
        family: Family::Tokens,
        description: "SendGrid API key `SG.<22>.<43>`",
        validation: "prefix and segment lengths",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}",
            keywords: &["SG."],
            validator: Some(bounded),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "twilio-api-key",
        family: Family::Tokens,
        description: "Twilio API key SID `SK` + 32 hex",
        validation: "prefix, exact length, token boundaries",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"SK[0-9a-fA-F]{32}",
            // "SK" is in every "ASK" and "DISK", and three-byte variants of it took 22 slots
            // of the SIMD keyword search. Every match is 34 alphanumeric bytes, so the engine
            // looks for it inside the key-run scan's runs (it reads that from the regex).
            keywords: &["SK"],
            validator: Some(bounded),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "azure-ad-client-secret",
        family: Family::Tokens,
        description: "Azure AD (Entra) client secret `xxx8Q~…`",
        validation: "`Q~` marker at its fixed offset and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
            // `~` is rare in logs: the engine finds the keyword at each `~` of its byte pass,
            // faster than ten SIMD keyword slots would.
            keywords: &["Q~"],
            validator: Some(bounded),
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "heroku-api-key",
        family: Family::Tokens,
        description: "Heroku platform key `HRKU-AA…`",
        validation: "prefix and length",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"HRKU-AA[A-Za-z0-9_-]{58}",
            keywords: &["HRKU-AA"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "private-key",
        family: Family::Tokens,
        description: "PEM private key blocks (RSA, EC, DSA, OpenSSH, PGP, encrypted), multi-line or with `\\n` escaped",
        validation: "BEGIN marker and ≥ 32 chars of body; a missing END redacts to the end of the body",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            regex: r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.()]|\\[nrt]|-[A-Za-z0-9]){32,}(?:-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)?",
            keywords: &["-----BEGIN"],
            validator: None,
            hit_check: None,
            slot: None,
            placeholder_guard: true,
            hand: HandMatcher::NONE,
        },
    },
    RuleInfo {
        id: "url-credentials",
        family: Family::Tokens,
        description: "password in `scheme://user:password@host`, dictionary words included (placeholders such as `$VAR`, `${…}`, `<…>`, `%s`, `****`, `xxx` are left alone); the host may be a percent-encoded socket path",
        validation: "URL shape; placeholder check",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            // The host may start percent-encoded: a socket path (`@%2Ftmp%2Fmongodb.sock`).
            regex: r"[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s:/@\x22'<>\[\]]{0,256}:(?P<secret>[^\s/@\x22'<>]{1,256})@[A-Za-z0-9.\[\]%-]",
            keywords: &["://"],
            validator: Some(url_password_is_real),
            hit_check: Some(at_sign_follows),
            slot: None,
            placeholder_guard: false,
            hand: HandMatcher {
                match_at: None,
                secret_in: None,
                secret_at: Some(url_password_at),
            },
        },
    },
    RuleInfo {
        id: "curl-user",
        family: Family::Tokens,
        description: "password in `curl -u user:password` / `--user` (also `:password`, `'user':'password'`), or a token as the user with no password (`-u sk_test_…:`)",
        validation: "curl command shape; a user alone only with a digit and ≥ 8 bytes",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Pattern {
            // Each `-u` flag is matched on its own (a command may carry several); the
            // validator checks that `curl` starts the command.
            // A user with an empty password is how API tokens are passed (`-u sk_test_…:`).
            regex: r#"[ \t](?:-u|--user)(?:=|[ \t]{1,5})["']?(?:[^\s:"'\[\]]{0,128}["']?:["']?(?P<secret>[^\s"']{3,256})|(?P<secret2>[^\s:"'\[\]]{8,128}):(?:["'\s]|$))"#,
            keywords: &[" -u", "\t-u", " --user", "\t--user"],
            validator: Some(curl_password_is_real),
            hit_check: None,
            slot: None,
            placeholder_guard: false,
            hand: HandMatcher::NONE,
        },
    },
];
