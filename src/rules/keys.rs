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

use super::{Detector, Family, RuleInfo, SecretForm, Slot};

pub(crate) static RULES: &[RuleInfo] = &[RuleInfo {
    id: "sensitive-key",
    family: Family::Keys,
    description: "any value after a sensitive key (`password`, `passwd`, `pwd`, `secret`, `token`, `api_key`, `client_secret`, `private_key`, `credentials`, `auth`, `session`, `ssn`, `signature`, KMS `Plaintext`, `SecretString`/`SecretBinary`, S3 SSE-C keys, …) in `k=v`, `k: v`, `\"k\":\"v\"`, `k=\"v\"`, XML, Debug and next-line forms, to the end of the value's syntax (quotes at their escape depth, header lines to their end, logfmt to the next pair)",
    validation: "whole key parts (snake/kebab/camel), last part decides; cursor and idempotency tokens (`NextToken`, `ClientRequestToken`) and operation events (`before-call.iam.CreateAccessKey`) are not keys; placeholders (`$VAR`, `${…}`, `****`) kept",
    default_enabled: true,
    form: SecretForm::Opaque,
    detector: Detector::KeyValue(Slot::SensitiveKey),
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
    "Signature",
    "SIGNATURE",
    "jwt",
    "Jwt",
    "JWT",
    "Ssn",
    // KMS `Plaintext`: what a decryption returns.
    "plaintext",
    "Plaintext",
    "PLAINTEXT",
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
    // A personal access token under its short name (`AZURE_DEVOPS_EXT_PAT`, `gitlab-pat`);
    // `pat` alone is in `path` and `pattern`.
    "_PAT",
    "_pat",
    "-pat",
    "-PAT",
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

/// The longest key name [`classify`] looks at.
const MAX_KEY: usize = 120;

/// A key split into parts, lowercased once into a buffer of its own, without allocating.
struct Parts {
    lower: [u8; MAX_KEY],
    ranges: [(u8, u8); MAX_PARTS],
    len: usize,
}

impl Parts {
    /// Splits `key` at separators (`_`, `-`, `.`, `:` and the space) and camel-case breaks
    /// (`apiKey`, `APIKey`, `key2Name`), lowercasing it. `None` for a key that is empty,
    /// longer than `MAX_KEY`, made of separators only, or of more than `MAX_PARTS` parts.
    ///
    /// It runs for every key a stem is found in, so it is one pass with the previous byte
    /// carried along, and the lowercasing is a separate loop the compiler vectorizes.
    fn split(key: &[u8]) -> Option<Self> {
        if key.is_empty() || key.len() > MAX_KEY {
            return None;
        }
        let mut parts = Parts {
            lower: [0; MAX_KEY],
            ranges: [(0, 0); MAX_PARTS],
            len: 0,
        };
        let lower = &mut parts.lower[..key.len()];
        lower.copy_from_slice(key);
        lower.make_ascii_lowercase();
        let mut start = None::<usize>;
        // No byte before the first: 0 is neither a letter nor a digit.
        let mut previous = 0u8;
        for (i, &b) in key.iter().enumerate() {
            if matches!(b, b'_' | b'-' | b'.' | b' ' | b':') {
                if let Some(s) = start.take() {
                    parts.push(s, i)?;
                }
            } else {
                let camel_break = b.is_ascii_uppercase()
                    && (previous.is_ascii_lowercase()
                        || previous.is_ascii_digit()
                        || (previous.is_ascii_uppercase()
                            && key.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
                match start {
                    Some(s) if camel_break => {
                        parts.push(s, i)?;
                        start = Some(i);
                    }
                    Some(_) => {}
                    None => start = Some(i),
                }
            }
            previous = b;
        }
        if let Some(s) = start {
            parts.push(s, key.len())?;
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

    /// Part `i`, lowercase.
    fn get(&self, i: usize) -> &[u8] {
        let (s, e) = self.ranges[i];
        &self.lower[usize::from(s)..usize::from(e)]
    }

    fn is(&self, i: usize, word: &str) -> bool {
        self.get(i) == word.as_bytes()
    }

    fn ends_with(&self, i: usize, word: &str) -> bool {
        self.get(i).ends_with(word.as_bytes())
    }

    /// Parts `from..to` concatenated equal `word` (which is lowercase, no separators).
    fn joined_is(&self, from: usize, to: usize, word: &[u8]) -> bool {
        let mut rest = word;
        for i in from..to {
            let Some(after) = rest.strip_prefix(self.get(i)) else {
                return false;
            };
            rest = after;
        }
        rest.is_empty()
    }
}

// The word lists below are `matches!` patterns rather than slices to loop over: the compiler
// turns them into a dispatch on length and a few comparisons, and `classify` runs for every
// key stem found in a text.

/// Suffixes that wrap a value without changing what it is (`password_value`, `token_str`).
fn is_wrapper_suffix(part: &[u8]) -> bool {
    matches!(
        part,
        b"value"
            | b"val"
            | b"str"
            | b"string"
            | b"raw"
            | b"b64"
            | b"base64"
            | b"hex"
            | b"bytes"
            | b"data"
            | b"plain"
            | b"plaintext"
            | b"header"
            | b"hdr"
            | b"hash"
            | b"text"
            | b"binary"
    )
}

/// Parts that, before `key`, make it a credential (`api_key`, `signing_key`, …).
fn is_key_qualifier(part: &[u8]) -> bool {
    matches!(
        part,
        b"api"
            | b"secret"
            | b"private"
            | b"access"
            | b"encryption"
            | b"signing"
            | b"master"
            | b"client"
            | b"app"
            | b"auth"
            | b"account"
            | b"license"
            | b"subscription"
            | b"shared"
            | b"hmac"
            | b"ssh"
            | b"session"
            | b"consumer"
            | b"service"
            | b"admin"
            | b"root"
            | b"storage"
            | b"webhook"
            | b"crypto"
            | b"decryption"
            | b"application"
            | b"fastly"
    )
}

/// Whole last parts that make a key strongly sensitive.
fn is_strong_whole(part: &[u8]) -> bool {
    matches!(
        part,
        b"pass"
            | b"pwd"
            | b"secrets"
            | b"credential"
            | b"credentials"
            | b"creds"
            | b"ssn"
            | b"passcode"
            | b"pin"
            | b"plaintext"
            | b"pat"
    )
}

/// Endings of a last part that make a key strongly sensitive (`dbpassword`, `apikey`).
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

/// Whole last parts that make a key weakly sensitive: a value only in clear key-value syntax.
fn is_weak_whole(part: &[u8]) -> bool {
    matches!(
        part,
        b"auth" | b"session" | b"signature" | b"jwt" | b"bearer" | b"sid"
    )
}

/// Tokens that are cursors or idempotency keys, not credentials: `NextToken`,
/// `ContinuationToken`, `PaginationToken`, `page_token`, `IdempotencyToken`, and AWS's
/// `ClientRequestToken` (a UUID that makes a retried call safe).
fn is_cursor_qualifier(parts: &Parts, token_at: usize) -> bool {
    let prev = parts.get(token_at - 1);
    matches!(
        prev,
        b"next" | b"continuation" | b"pagination" | b"page" | b"idempotency"
    ) || (prev == b"request" && token_at >= 2 && parts.is(token_at - 2, "client"))
}

/// Whether a key is an event or operation name rather than a field: a kebab-case event, a
/// service and an AWS-style operation (`before-call.secrets-manager.GetSecretValue`,
/// `needs-retry.iam.CreateAccessKey`), the last a verb and a noun in Pascal case. botocore
/// prints one per hook (`Event …GetSecretValue: calling handler …`).
fn is_operation_event(key: &[u8]) -> bool {
    // An event name: a kebab-case event, a service, then the operation (two dots at least),
    // so that `cloudflare.GlobalApiKey` or `stripe.TestSecretKey` stay keys.
    let Some(dot) = key.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let first = key.iter().position(|&b| b == b'.').unwrap_or(dot);
    if first == dot || !key[..first].contains(&b'-') {
        return false;
    }
    let op = &key[dot + 1..];
    const VERBS: &[&[u8]] = &[
        b"Get",
        b"Put",
        b"Create",
        b"Delete",
        b"List",
        b"Update",
        b"Describe",
        b"Generate",
        b"Rotate",
        b"Assume",
        b"Decrypt",
        b"Encrypt",
        b"ReEncrypt",
        b"Import",
        b"Export",
        b"Restore",
        b"Reset",
        b"Enable",
        b"Disable",
        b"Associate",
        b"Disassociate",
        b"Attach",
        b"Detach",
        b"Batch",
        b"Start",
        b"Stop",
        b"Tag",
        b"Untag",
        b"Modify",
        b"Change",
        b"Upload",
        b"Initiate",
        b"Admin",
        b"Respond",
        b"Sign",
        b"Verify",
        b"Validate",
        b"Revoke",
        b"Register",
        b"Deregister",
        b"Remove",
        b"Add",
        b"Set",
        b"Send",
        b"Invoke",
        b"Copy",
        b"Head",
        b"Search",
        b"Query",
        b"Scan",
        b"Confirm",
        b"Forgot",
        b"Cancel",
        b"Complete",
        b"Abort",
        b"Publish",
        b"Test",
        b"Decode",
        b"Request",
        b"Issue",
        b"Renew",
        b"Accept",
        b"Reject",
        b"Authorize",
        b"Global",
        b"Replicate",
        b"Retrieve",
        b"Rebuild",
    ];
    op.first().is_some_and(u8::is_ascii_uppercase)
        && op.iter().all(u8::is_ascii_alphanumeric)
        && VERBS.iter().any(|verb| {
            op.len() > verb.len() && op.starts_with(verb) && op[verb.len()].is_ascii_uppercase()
        })
}

/// Key names a user listed (`RedactorBuilder::sensitive_key`, `exempt_field`): whole names
/// and globs.
///
/// * A **name** matches a key whose last parts spell it, whatever the case and separators:
///   `employee_number` matches `employeeNumber`, `EMPLOYEE-NUMBER` and `hr.employee_number`.
/// * A **glob** (a name with `*`) matches the whole key, or the part after its last `.`, with
///   `*` standing for any bytes, letters compared regardless of case, and the separators
///   `-`, `_` and `.` standing for one another: `x-*-token` matches `X-Goog-Token` and
///   `x_api_token`.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyNames {
    /// Lowercase, without separators ([`normalize_key_name`]).
    names: Vec<Vec<u8>>,
    /// The names lowercase as written, for [`KeyNames::overlaps`].
    written: Vec<Vec<u8>>,
    /// Lowercase, as written.
    globs: Vec<Vec<u8>>,
}

/// The shortest literal a glob must hold: what the keyword pass looks for in text, and what
/// keeps `*` or `*_*` from matching every key.
pub(crate) const GLOB_MIN_LITERAL: usize = 2;

impl KeyNames {
    /// Adds a name or glob; the reason it is refused otherwise.
    pub(crate) fn add(&mut self, spec: &str) -> Result<(), String> {
        if spec.contains('*') {
            let glob = spec.to_ascii_lowercase().into_bytes();
            if !glob
                .iter()
                .all(|&b| b == b'*' || b.is_ascii_alphanumeric() || is_glob_separator(b))
            {
                return Err("a key glob holds letters, digits, `-`, `_`, `.` and `*`".into());
            }
            if longest_literal(&glob).len() < GLOB_MIN_LITERAL {
                return Err(format!(
                    "a key glob needs {GLOB_MIN_LITERAL} letters or digits in a row, \
                     or it matches keys at random"
                ));
            }
            self.globs.push(glob);
        } else {
            let name = normalize_key_name(spec);
            if name.is_empty() {
                return Err("a key name needs at least one letter or digit".into());
            }
            self.names.push(name);
            self.written.push(spec.to_ascii_lowercase().into_bytes());
        }
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty() && self.globs.is_empty()
    }

    /// Whether `key` (as written in a field name or text) is one of these names.
    pub(crate) fn matches(&self, key: &[u8]) -> bool {
        if !self.globs.is_empty() {
            let tail = key.rsplit(|&b| b == b'.').next().unwrap_or(key);
            if self
                .globs
                .iter()
                .any(|glob| glob_matches(glob, key) || glob_matches(glob, tail))
            {
                return true;
            }
        }
        if self.names.is_empty() {
            return false;
        }
        Parts::split(key).is_some_and(|parts| self.matches_parts(&parts))
    }

    fn matches_parts(&self, parts: &Parts) -> bool {
        let n = parts.len;
        self.names
            .iter()
            .any(|word| (0..n).any(|from| parts.joined_is(from, n, word)))
    }

    /// The literals the keyword pass looks for so that these keys are found in text: the
    /// first four letters of each name, and of each glob's longest literal, in the three
    /// cases keys are written in (`empl`, `Empl`, `EMPL`).
    pub(crate) fn stems(&self) -> Vec<String> {
        let heads = self
            .names
            .iter()
            .map(|n| &n[..n.len().min(4)])
            .chain(self.globs.iter().map(|g| {
                let literal = longest_literal(g);
                &literal[..literal.len().min(4)]
            }));
        let mut stems = Vec::new();
        for head in heads {
            let lower = String::from_utf8_lossy(head).into_owned();
            let mut title = lower.clone();
            title[..1].make_ascii_uppercase();
            for stem in [lower.to_ascii_uppercase(), title, lower] {
                if !stems.contains(&stem) {
                    stems.push(stem);
                }
            }
        }
        stems
    }

    /// A name or glob of `other` that these cover too: the same name (in any spelling), a
    /// name that a glob of the other list matches as written, or the same glob. How the
    /// builder finds a key listed both as exempt and as sensitive.
    pub(crate) fn overlaps(&self, other: &KeyNames) -> Option<String> {
        let shown = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        // `matches` tries each name and glob on the name as written.
        for written in &other.written {
            if self.matches(written) {
                return Some(shown(written));
            }
        }
        for written in &self.written {
            if other.matches(written) {
                return Some(shown(written));
            }
        }
        other
            .globs
            .iter()
            .find(|glob| self.globs.contains(glob))
            .map(|glob| shown(glob))
    }
}

/// Names an exempt name or glob may not cover: the message, and the names that say "secret"
/// in the spellings logs use. Exempting one would let through what the name promises to hide.
const NEVER_EXEMPT: &[&str] = &[
    "message",
    "password",
    "passwd",
    "passphrase",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "x-api-key",
    "access_key",
    "secret_key",
    "private_key",
    "access_token",
    "refresh_token",
    "id_token",
    "auth_token",
    "bearer_token",
    "session_token",
    "aws_secret_access_key",
    "aws_session_token",
    "x-amz-security-token",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "credentials",
    "signature",
];

impl KeyNames {
    /// A name these must not cover, if they do: the message, a name in [`NEVER_EXEMPT`], or
    /// a listed name the built-in classifier calls secret (weak names such as `session_id`
    /// or `token` may be exempted; they mark ids as often as secrets).
    pub(crate) fn covers_a_secret_name(&self) -> Option<String> {
        if let Some(name) = NEVER_EXEMPT.iter().find(|n| self.matches(n.as_bytes())) {
            return Some((*name).to_string());
        }
        self.written
            .iter()
            .find(|written| {
                !matches!(
                    classify(written, &KeyNames::default()),
                    None | Some(KeyClass::Sensitive { strong: false })
                )
            })
            .map(|written| String::from_utf8_lossy(written).into_owned())
    }
}

fn is_glob_separator(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.')
}

/// The longest run of letters and digits in a glob.
fn longest_literal(glob: &[u8]) -> &[u8] {
    glob.split(|&b| !b.is_ascii_alphanumeric())
        .max_by_key(|s| s.len())
        .unwrap_or_default()
}

/// Whether `glob` (lowercase) matches all of `key`: `*` any bytes, separators one another,
/// letters regardless of case. Greedy with backtracking to the last `*`: linear in practice,
/// `O(glob × key)` at worst, on key names of at most a few hundred bytes.
fn glob_matches(glob: &[u8], key: &[u8]) -> bool {
    let same = |g: u8, k: u8| {
        g == k.to_ascii_lowercase() || (is_glob_separator(g) && is_glob_separator(k))
    };
    let (mut g, mut k) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while k < key.len() {
        if g < glob.len() && glob[g] == b'*' {
            star = Some((g, k));
            g += 1;
        } else if g < glob.len() && same(glob[g], key[k]) {
            g += 1;
            k += 1;
        } else if let Some((star_g, star_k)) = star {
            g = star_g + 1;
            k = star_k + 1;
            star = Some((star_g, star_k + 1));
        } else {
            return false;
        }
    }
    glob[g..].iter().all(|&b| b == b'*')
}

/// Classifies a key name. `extra` are the user's sensitive key names.
pub(crate) fn classify(key: &[u8], extra: &KeyNames) -> Option<KeyClass> {
    if is_operation_event(key) {
        return None;
    }
    if !extra.globs.is_empty() && extra.matches(key) {
        return Some(KeyClass::Sensitive { strong: true });
    }
    let parts = Parts::split(key)?;
    let mut n = parts.len;
    if extra.matches_parts(&parts) {
        return Some(KeyClass::Sensitive { strong: true });
    }
    while n > 1 && is_wrapper_suffix(parts.get(n - 1)) {
        n -= 1;
    }
    let last = n - 1;
    let last_part = parts.get(last);
    if last_part == b"credential" && (0..last).any(|i| parts.is(i, "amz")) {
        // `X-Amz-Credential=AKID/scope`: the presigned-URL rule redacts the key id and keeps
        // the scope readable.
        return None;
    }
    let prev_is = |word: &str| last >= 1 && parts.is(last - 1, word);

    if last_part == b"authorization" {
        return Some(KeyClass::Authorization);
    }
    if last_part.ends_with(b"cookie") {
        return Some(KeyClass::Cookie);
    }
    let aws_secret = last_part.ends_with(b"secretaccesskey")
        || (last_part == b"key"
            && ((prev_is("access") && last >= 2 && parts.is(last - 2, "secret"))
                || (prev_is("secret") && (0..last).any(|i| parts.is(i, "aws")))));
    if aws_secret {
        return Some(KeyClass::AwsSecretAccessKey);
    }
    let session_token = last_part.ends_with(b"sessiontoken")
        || last_part.ends_with(b"securitytoken")
        || (last_part == b"token" && (prev_is("session") || prev_is("security")));
    if session_token {
        return Some(KeyClass::AwsSessionToken);
    }
    // `x-amz-server-side-encryption-customer-key`, `SSECustomerKey`: an S3 SSE-C key, sent
    // with every request that reads or writes the object.
    let encryption_key = last_part == b"key"
        && prev_is("customer")
        && (0..last).any(|i| parts.is(i, "encryption") || parts.is(i, "sse"));
    // A service account's `private_key_id`, which GCP's key files carry next to the key.
    let private_key_id =
        last_part == b"id" && prev_is("key") && last >= 2 && parts.is(last - 2, "private");
    let strong = encryption_key
        || private_key_id
        || is_strong_whole(last_part)
        || STRONG_SUFFIX.iter().any(|w| parts.ends_with(last, w))
        || (last_part == b"key" && last >= 1 && is_key_qualifier(parts.get(last - 1)));
    if strong {
        return Some(KeyClass::Sensitive { strong: true });
    }
    if last_part == b"token" && last >= 1 && is_cursor_qualifier(&parts, last) {
        return None;
    }
    let weak = last_part.ends_with(b"token")
        || is_weak_whole(last_part)
        || (last_part == b"id" && prev_is("session"))
        || last_part == b"sessionid";
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

    /// The parts of `key` as the first implementation of `Parts::split` found them, one
    /// index at a time with the end as a separator: the reference.
    fn parts_by_hand(key: &[u8]) -> Option<Vec<(u8, u8)>> {
        if key.is_empty() || key.len() > MAX_KEY {
            return None;
        }
        let mut ranges = Vec::new();
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
                    if ranges.len() == MAX_PARTS {
                        return None;
                    }
                    ranges.push((s as u8, i as u8));
                    start = None;
                }
            }
            if start.is_none() && !is_sep {
                start = Some(i);
            }
        }
        (!ranges.is_empty()).then_some(ranges)
    }

    #[test]
    fn keys_split_as_the_reference_splits_them() {
        let mut rng = crate::test_rng::XorShift(0x7A3D_19C2_5E80_B461);
        let alphabet = b"aAbZz09_-.: xKEY";
        let (mut split, mut too_long, mut too_many_parts) = (0, 0, 0);
        for round in 0..30_000 {
            let len = if round % 10 == 0 {
                (rng.next() % 130) as usize
            } else {
                (rng.next() % 24) as usize
            };
            let key: Vec<u8> = (0..len)
                .map(|_| alphabet[(rng.next() >> 8) as usize % alphabet.len()])
                .collect();
            let got = Parts::split(&key).map(|p| p.ranges[..p.len].to_vec());
            assert_eq!(
                got,
                parts_by_hand(&key),
                "{:?}",
                String::from_utf8_lossy(&key)
            );
            if let Some(p) = Parts::split(&key) {
                let lowered = key.to_ascii_lowercase();
                for i in 0..p.len {
                    let (s, e) = p.ranges[i];
                    assert_eq!(p.get(i), &lowered[usize::from(s)..usize::from(e)]);
                }
                split += 1;
            } else if key.len() > MAX_KEY {
                too_long += 1;
            } else if key.iter().filter(|b| b.is_ascii_alphanumeric()).count() > MAX_PARTS {
                too_many_parts += 1;
            } else {
                // The only other refusal: nothing but separators (or nothing at all).
                assert!(
                    key.iter().all(|b| b"_-.: ".contains(b)),
                    "{:?}",
                    String::from_utf8_lossy(&key)
                );
            }
        }
        // Each outcome occurs, or the comparison proves less than it seems.
        assert!(
            split > 1_000 && too_long > 100 && too_many_parts > 100,
            "{split} {too_long} {too_many_parts}"
        );
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
        "binary",
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
        "application",
        "fastly",
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
        "plaintext",
        "pat",
    ];
    const WEAK_WHOLE: &[&str] = &["auth", "session", "signature", "jwt", "bearer", "sid"];

    /// The classifier as first written, walking word lists (over the same split into parts):
    /// what [`classify`] is compared with.
    fn classify_reference(key: &[u8], extra: &[Vec<u8>]) -> Option<KeyClass> {
        if is_operation_event(key) {
            return None;
        }
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
        let encryption_key = parts.is(last, "key")
            && prev_is("customer")
            && (0..last).any(|i| parts.is(i, "encryption") || parts.is(i, "sse"));
        let private_key_id =
            parts.is(last, "id") && prev_is("key") && last >= 2 && parts.is(last - 2, "private");
        let strong = encryption_key
            || private_key_id
            || STRONG_WHOLE.iter().any(|w| parts.is(last, w))
            || STRONG_SUFFIX.iter().any(|w| parts.ends_with(last, w))
            || (parts.is(last, "key") && KEY_QUALIFIERS.iter().any(|q| prev_is(q)));
        if strong {
            return Some(KeyClass::Sensitive { strong: true });
        }
        let cursor = ["next", "continuation", "pagination", "page", "idempotency"]
            .iter()
            .any(|w| prev_is(w))
            || (prev_is("request") && last >= 2 && parts.is(last - 2, "client"));
        if parts.is(last, "token") && cursor {
            return None;
        }
        let weak = parts.ends_with(last, "token")
            || WEAK_WHOLE.iter().any(|w| parts.is(last, w))
            || (parts.is(last, "id") && prev_is("session"))
            || parts.is(last, "sessionid");
        weak.then_some(KeyClass::Sensitive { strong: false })
    }

    fn class(key: &str) -> Option<KeyClass> {
        classify(key.as_bytes(), &KeyNames::default())
    }

    fn names(specs: &[&str]) -> KeyNames {
        let mut names = KeyNames::default();
        for spec in specs {
            names.add(spec).expect("a valid name or glob");
        }
        names
    }

    /// `classify` lowercases once and matches word sets; it must answer exactly as the
    /// first, list-walking classifier does, on keys built from every word either knows.
    #[test]
    fn classify_agrees_with_the_reference() {
        let mut words: Vec<&str> = Vec::new();
        words.extend(WRAPPER_SUFFIXES);
        words.extend(KEY_QUALIFIERS);
        words.extend(STRONG_WHOLE);
        words.extend(STRONG_SUFFIX);
        words.extend(WEAK_WHOLE);
        words.extend([
            "key",
            "token",
            "id",
            "aws",
            "amz",
            "x",
            "db",
            "my",
            "author",
            "tokens",
            "count",
            "credential",
            "authorization",
            "cookie",
            "security",
            "secretaccesskey",
            "sessionid",
            "proxy",
            "set",
            "employee",
            "number",
            "42",
            "k3y",
            "customer",
            "encryption",
            "sse",
            "next",
            "page",
            "client",
            "request",
            "GetSecretValue",
            "",
        ]);
        let extra = vec![normalize_key_name("employee_number")];
        let user_keys = names(&["employee_number"]);
        let none = KeyNames::default();
        let mut rng = crate::test_rng::XorShift(0x853C_49E6_748F_EA9B);
        let mut next = move || rng.next();
        let mut sensitive = 0;
        for round in 0..50_000 {
            let mut key = String::new();
            for i in 0..(next() % 4 + 1) {
                let word = words[(next() % words.len() as u64) as usize];
                if i > 0 {
                    key.push_str(["_", "-", ".", " ", ":", "", ""][(next() % 7) as usize]);
                }
                let styled = match next() % 4 {
                    0 => word.to_string(),
                    1 => word.to_ascii_uppercase(),
                    2 => {
                        let mut t = word.to_string();
                        if let Some(first) = t.get_mut(..1) {
                            first.make_ascii_uppercase();
                        }
                        t
                    }
                    _ => word
                        .chars()
                        .enumerate()
                        .map(|(k, c)| {
                            if k % 3 == 1 {
                                c.to_ascii_uppercase()
                            } else {
                                c
                            }
                        })
                        .collect(),
                };
                key.push_str(&styled);
            }
            let (extra, user_keys): (&[Vec<u8>], _) = if round % 2 == 0 {
                (&extra, &user_keys)
            } else {
                (&[], &none)
            };
            let want = classify_reference(key.as_bytes(), extra);
            assert_eq!(classify(key.as_bytes(), user_keys), want, "{key:?}");
            sensitive += usize::from(want.is_some());
        }
        assert!(
            sensitive > 10_000,
            "only {sensitive} sensitive keys generated"
        );
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
    fn aws_shapes_under_their_own_names() {
        for key in [
            "x-amz-server-side-encryption-customer-key",
            "x-amz-copy-source-server-side-encryption-customer-key",
            "SSECustomerKey",
            "SecretBinary",
            "Plaintext",
            "SecretString",
            "MasterUserPassword",
            "ServicePassword",
            "authorizationToken",
            "IdToken",
            "RefreshToken",
        ] {
            assert!(class(key).is_some(), "{key} should be sensitive");
        }
        for key in [
            "x-amz-server-side-encryption-customer-key-MD5",
            "x-amz-server-side-encryption-customer-algorithm",
            "NextToken",
            "ContinuationToken",
            "next_page_token",
            "ClientRequestToken",
            "IdempotencyToken",
            "PaginationToken",
            "customer_key",
            "before-call.secrets-manager.GetSecretValue",
            "needs-retry.iam.CreateAccessKey",
            "before-parameter-build.sts.GetSessionToken",
            "after-call.cognito-identity-provider.AdminSetUserPassword",
        ] {
            assert_eq!(class(key), None, "{key} should not be sensitive");
        }
        // A dotted key whose last part is a field, not an operation, still counts; so do
        // keys whose last part merely starts with a verb.
        assert!(class("spring.datasource.password").is_some());
        assert!(class("cloudflare.GlobalApiKey").is_some());
        assert!(class("stripe.TestSecretKey").is_some());
        assert!(class("algolia.SearchApiKey").is_some());
        assert!(class("app.config.GetPassword").is_some());
        assert!(class("app.Password").is_some());
        assert!(class("client.ApiKey").is_some());
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
        let extra = names(&["employee_number"]);
        assert!(classify(b"employeeNumber", &extra).is_some());
        assert!(classify(b"hr.employee-number", &extra).is_some());
        assert!(classify(b"employee_numbers", &extra).is_none());
    }

    #[test]
    fn user_globs_match_whole_keys_and_dotted_tails() {
        let extra = names(&["*_secret", "x-*-token", "db*pass*"]);
        for key in [
            "client_secret",
            "CLIENT_SECRET",
            "app.client-secret",
            "X-Goog-Token",
            "x_api_token",
            "headers.x-amz-token",
            "dbPassword",
            "DB_PASS",
        ] {
            assert!(extra.matches(key.as_bytes()), "{key}");
            assert!(
                matches!(
                    classify(key.as_bytes(), &extra),
                    Some(KeyClass::Sensitive { strong: true })
                ),
                "{key}"
            );
        }
        for key in [
            "secret_santa",
            "clientsecret",
            "x-token",
            "my-x-api-token",
            "x-api-tokens",
            "database",
        ] {
            assert!(!extra.matches(key.as_bytes()), "{key}");
        }
    }

    #[test]
    fn globs_are_checked_when_added() {
        let mut names = KeyNames::default();
        for bad in [
            "*",
            "*_*",
            "a*b",
            "x-*-i",
            "*sec ret*",
            "*\u{e9}t\u{e9}*",
            "",
        ] {
            assert!(names.add(bad).is_err(), "{bad:?}");
        }
        for good in ["*_secret", "x-*-token", "pin*", "*api*key*"] {
            assert!(names.add(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn overlapping_lists_are_named() {
        let exempt = names(&["request_id", "*_id"]);
        assert_eq!(
            exempt.overlaps(&names(&["RequestId"])).as_deref(),
            Some("requestid")
        );
        assert_eq!(
            exempt.overlaps(&names(&["session_id"])).as_deref(),
            Some("session_id")
        );
        assert_eq!(
            names(&["*_id"]).overlaps(&names(&["*_id"])).as_deref(),
            Some("*_id")
        );
        assert_eq!(
            names(&["trace_id"]).overlaps(&names(&["*_id"])).as_deref(),
            Some("trace_id")
        );
        assert_eq!(exempt.overlaps(&names(&["password", "*_token"])), None);
    }

    #[test]
    fn secret_names_cannot_be_exempted() {
        for covering in [
            "*_key", "*pass*", "*ss*", "password", "API_KEY", "x-*-key", "*token", "token",
        ] {
            assert!(
                names(&[covering]).covers_a_secret_name().is_some(),
                "{covering}"
            );
        }
        for fine in [
            "request_id",
            "*_id",
            "trace_id",
            "session_id",
            "*_sha",
            "etag",
            "note",
        ] {
            assert_eq!(names(&[fine]).covers_a_secret_name(), None, "{fine}");
        }
    }

    #[test]
    fn stems_cover_every_spelling_of_a_key() {
        let stems = names(&["employee_number", "x-*-token"]).stems();
        for stem in ["EMPL", "Empl", "empl", "TOKE", "Toke", "toke"] {
            assert!(stems.contains(&stem.to_string()), "{stems:?}");
        }
    }
}
