//! The matching engine: finds every enabled rule's matches in one keyword pass plus a few
//! hand-written scans, then merges them.
//!
//! # How a text is searched
//!
//! 1. **Keyword pass.** Every pattern rule's literal keywords and the key-name stems are
//!    found by aho-corasick's SIMD "Teddy" searcher, case-sensitively with explicit case
//!    variants, in as few passes as fit (see `keywords`: how literals are grouped and ordered,
//!    and how occurrences inside other occurrences are still reported). A hit either marks a
//!    pattern rule as *triggered* or hands a key stem to the key-value parser. A rule may give
//!    a cheap necessary condition checked at each hit first (`://` must have an `@` within
//!    reach), because a regex search costs tens of nanoseconds even when it fails at once.
//!    Keywords are chosen to lead somewhere: each hit also costs about 100 ns in the pass
//!    itself, which is why the presigned-URL rule looks for `X-Amz-Credential`, not `X-Amz-`.
//!    Keywords that another scan finds more cheaply stay out of the SIMD pass, whose cost
//!    grows with its literals; the engine chooses, from each rule's regex and keywords
//!    (`build::placement`): Twilio's `SK` is looked for inside the long key runs of step 4
//!    (the regex's syntax tree shows every match starts with `SK` and 32 more key bytes),
//!    Azure's `Q~` at each `~` of the rare-byte pass. A keyword
//!    that holds another literal of the pass is found through it with one comparison
//!    (`X-Amz-Credential` through the key stem `Cred`; `build::carriers`), which keeps the
//!    default rules at two passes, not three.
//!    Known secret values' forms are not keywords: they are long, and a skipping search of
//!    their own (`util::long_literals`, Wu–Manber) reads one window end per about 20 bytes where
//!    they would add SIMD passes.
//! 2. **Rare bytes.** One `memchr2`/`memchr3` pass over the bytes that are rare in logs and
//!    start a check: `@` (e-mail) and the bytes of keywords searched at a byte. A pass costs
//!    a few nanoseconds a call even on short texts, so they share one.
//! 3. **Triggered regexes.** Only triggered rules run their regex. Where every match of a rule
//!    starts at one of its keywords, the regex runs anchored at each hit (up to 32 hits a text;
//!    beyond, over the whole text); otherwise over the whole text. Rules never triggered cost
//!    nothing. The rules that fire most in logs (AWS key ids, session tokens, SigV4 headers
//!    and signatures, presigned URLs, JWTs, GitHub and Slack tokens, URL passwords) carry
//!    hand-written equivalents of their anchored and capture searches
//!    (`rules::HandMatcher`), tested against the regex at every position of generated text:
//!    the regex engine costs 50–100 ns a search before it reads a byte.
//! 4. **Scanners.** Digit clusters (cards, SSNs, phones, IBANs, IPv4) and 40-character
//!    base64 runs (AWS secret keys) are found by hand-written scans that test checksums only
//!    on candidates. Both come from the 64-byte bit masks of one classifying pass
//!    (`classify::Classified`: number bytes and key bytes, computed with SIMD compares once
//!    for every scanner) and `crate::util::runs::for_each_long_run_masked` (key runs from
//!    [`KEY_RUN_MIN`] bytes on when a rule's keywords are looked for there).
//! 5. **Token shapes.** The `vendor-tokens` rules are data (`rules::shape`): `shapes` finds
//!    the starts of long token runs from the classifying pass's masks and dispatches each
//!    through prefix and context tables, so their number does not add passes.
//! 6. **Merge.** Findings are filtered by the allowlist, sorted, and overlapping ones merged.
//!
//! No step allocates unless it finds something.
//!
//! # Where each stage lives
//!
//! | stage | module |
//! |---|---|
//! | build: rules compiled into searchers, tables and slots, once | `build` |
//! | classify: byte-class masks of 64-byte blocks | `util::classify` |
//! | candidates: keyword passes (1), rare bytes (2), scanners (4) | `candidates`, `keywords`, `keyvalue`, `digits`, `email`, `aws_context`, `util::long_literals` |
//! | token shapes (5) | `shapes` |
//! | verify: triggered regexes and hand matchers, validators (3) | `verify`, `proximity`, `util::checksum`, `util::text` |
//! | merge (6) | `merge` |
//! | render: replacements written | `crate::redactor` |
//!
//! This module holds the types they share and [`Engine::find`], which runs them in order.

mod aws_context;
mod build;
mod candidates;
mod digits;
mod email;
pub(crate) mod keyvalue;
mod keywords;
mod merge;
pub(crate) mod proximity;
pub(crate) mod shapes;
mod verify;

use crate::replacement::Replacement;
use crate::rules::keys::{classify, KeyClass, KeyNames};
use crate::rules::Slot;
use crate::util::classify::{self, Classified};
use crate::util::long_literals::LongLiterals;
use candidates::Triggers;
use keywords::Keywords;
use regex::bytes::{Regex, RegexSet};
use std::ops::Range;
use std::sync::Arc;
use zeroize::Zeroizing;

/// A user validator: gets the candidate secret, returns whether it is one.
pub(crate) type CustomValidator = Arc<dyn Fn(&str) -> bool + Send + Sync>;

pub(crate) enum Validator {
    None,
    Builtin(crate::rules::BuiltinValidator),
    Custom(CustomValidator),
}

pub(crate) struct CompiledRule {
    pub id: Box<str>,
    /// The token shape of a shape rule, found by the shape dispatch ([`shapes`]).
    pub shape: Option<&'static crate::rules::shape::TokenShape>,
    pub regex: Option<Regex>,
    /// The same pattern for anchored searches at keyword hits, when every match starts at a
    /// keyword and no hand matcher (`hand.match_at`) answers that search.
    pub anchored: Option<regex_automata::meta::Regex>,
    /// The same pattern again, for reading the `secret…` groups of a match already found: an
    /// anchored search over the match's span only (present when the rule has such groups).
    pub captures: Option<regex_automata::meta::Regex>,
    pub secret_groups: Vec<usize>,
    pub validator: Validator,
    pub replacement: Replacement,
    /// A necessary condition at each keyword hit, checked before the regex runs.
    pub hit_check: Option<crate::rules::HitCheck>,
    /// Where the regex's matches start, read from it once: the engine chooses where the
    /// rule's keywords are searched from it.
    pub match_start: MatchStart,
    /// Hand-written equivalents of the anchored search and of the capture search.
    pub hand: crate::rules::HandMatcher,
    /// Reject matches with fewer than five distinct letters and digits: `AKIAXXXXXXXXXXXXXXXX`
    /// and `ghp_xxxx…` are documentation placeholders, not credentials.
    pub placeholder_guard: bool,
    /// Where the engine's own machinery reports this rule's findings ([`Slots`]).
    pub slot: Option<Slot>,
    /// What the rule's secrets look like, for masks that keep parts of them.
    pub form: crate::rules::SecretForm,
    /// Words that must, or must not, occur shortly before a match (custom rules).
    pub proximity: Option<proximity::Proximity>,
}

impl CompiledRule {
    /// A rule with only an id and a replacement: no pattern, checks or hand matchers. What a
    /// rule found by literals alone is (known secret values); custom rules add their regex.
    pub(crate) fn plain(id: &str, replacement: Replacement) -> CompiledRule {
        CompiledRule {
            id: id.into(),
            shape: None,
            regex: None,
            anchored: None,
            captures: None,
            secret_groups: Vec::new(),
            validator: Validator::None,
            replacement,
            hit_check: None,
            match_start: MatchStart::default(),
            hand: crate::rules::HandMatcher::NONE,
            placeholder_guard: false,
            slot: None,
            form: crate::rules::SecretForm::Opaque,
            proximity: None,
        }
    }

    /// Whether a keyword hit at `hit` passes the rule's necessary condition, if it has one.
    fn accepts_hit(&self, hay: &[u8], hit: Range<usize>) -> bool {
        self.hit_check.map_or(true, |check| check(hay, hit))
    }

    /// Whether the rule is searched at each keyword hit rather than over the whole text.
    fn searched_at_hits(&self) -> bool {
        self.anchored.is_some() || self.hand.match_at.is_some() || self.hand.secret_at.is_some()
    }
}

/// What a pattern rule's regex shows about where its matches start (`util::regex_facts`),
/// read once when the rule is compiled. Both are guarantees over every match; where the
/// regex's syntax tree cannot show one, it is `false` or 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct MatchStart {
    /// Every match starts with one of the rule's keywords: the regex can run anchored at
    /// each keyword hit.
    pub at_keyword: bool,
    /// Every match's first this many bytes are key bytes (`[A-Za-z0-9+/]`).
    pub key_bytes: usize,
}

impl MatchStart {
    /// Reads `pattern`, parsed as `regex::bytes` does with `unicode` on or off.
    pub(crate) fn of<K: AsRef<[u8]>>(pattern: &str, unicode: bool, keywords: &[K]) -> MatchStart {
        crate::util::regex_facts::RegexFacts::parse(pattern, unicode).map_or(
            MatchStart::default(),
            |facts| MatchStart {
                at_keyword: facts.always_starts_with_one_of(keywords),
                key_bytes: facts.leading_bytes_in(&crate::util::classify::KEY_BYTES),
            },
        )
    }
}

#[derive(Clone, Copy, Debug)]
enum Target {
    Rule(u16),
    KeyStem,
    /// `Bytes([65, 99, …])`: a byte buffer's `Debug`, decoded and scanned.
    ByteArray,
    /// `SecureString`: the SSM parameter values around it ([`aws_context`]).
    SecureParameter,
    /// A form of a known secret value (`crate::secret_values`), redacted by this rule.
    SecretValue(u16),
}

/// The `Debug` of `bytes::Bytes`-like buffers that print decimal bytes (aws-sigv4's
/// `SignableBody::Bytes`).
const BYTE_ARRAY_OPEN: &str = "Bytes([";

/// Indices of the enabled rules that scanners and the key-value parser report to.
#[derive(Default)]
pub(crate) struct Slots {
    pub aws_secret: Option<u16>,
    pub aws_secret_bare: Option<u16>,
    pub aws_session: Option<u16>,
    pub aws_access_key: Option<u16>,
    pub authorization: Option<u16>,
    pub cookie: Option<u16>,
    pub sensitive: Option<u16>,
    pub email: Option<u16>,
    pub card: Option<u16>,
    pub ssn: Option<u16>,
    pub phone: Option<u16>,
    pub iban: Option<u16>,
    pub ipv4: Option<u16>,
    pub ipv6: Option<u16>,
    pub secret_value: Option<u16>,
    pub aws_secure_parameter: Option<u16>,
    pub aws_signature: Option<u16>,
}

impl Slots {
    /// Whether the digit scanner runs: one of the rules it reports to is enabled.
    fn digit_scanner_on(&self) -> bool {
        [self.card, self.ssn, self.phone, self.iban, self.ipv4]
            .iter()
            .any(Option::is_some)
    }

    /// Each enabled rule's index in the slot it declares ([`Slot`]).
    fn of(rules: &[CompiledRule]) -> Slots {
        let mut slots = Slots::default();
        for (index, rule) in rules.iter().enumerate() {
            let Some(slot) = rule.slot else {
                continue;
            };
            let field = match slot {
                Slot::AwsSecretAccessKey => &mut slots.aws_secret,
                Slot::AwsSecretAccessKeyBare => &mut slots.aws_secret_bare,
                Slot::AwsSsmSecureString => &mut slots.aws_secure_parameter,
                Slot::AwsAccessKeyId => &mut slots.aws_access_key,
                Slot::AwsSignature => &mut slots.aws_signature,
                Slot::AwsSessionToken => &mut slots.aws_session,
                Slot::HttpAuthorization => &mut slots.authorization,
                Slot::HttpCookie => &mut slots.cookie,
                Slot::SensitiveKey => &mut slots.sensitive,
                Slot::Email => &mut slots.email,
                Slot::PaymentCard => &mut slots.card,
                Slot::UsSsn => &mut slots.ssn,
                Slot::PhoneNumber => &mut slots.phone,
                Slot::Iban => &mut slots.iban,
                Slot::Ipv4 => &mut slots.ipv4,
                Slot::Ipv6 => &mut slots.ipv6,
                Slot::SecretValue => &mut slots.secret_value,
            };
            *field = Some(index as u16);
        }
        slots
    }
}

/// The rule id reported for values over the size limit.
pub(crate) const OVERSIZED: &str = "oversized";

pub(crate) struct Engine {
    /// Unique per engine built in this process (never reused, unlike an address), so caches
    /// keyed by it cannot mix up two configurations.
    pub serial: u64,
    pub rules: Vec<CompiledRule>,
    keywords: Option<Keywords>,
    keyword_targets: Vec<Vec<Target>>,
    /// By literal of the keyword pass: the rule keywords found through it ([`Carried`]).
    carried: Vec<Vec<Carried>>,
    /// The forms of known secret values (`util::long_literals`), with the rule they report for.
    secret_values: Option<(LongLiterals, u16)>,
    /// Keywords looked for inside long key runs only (`build::Placement::InKeyRuns`).
    run_keywords: Vec<(Box<[u8]>, u16)>,
    /// Keywords looked for around one byte (`build::Placement::AtByte`), by byte: each with
    /// the byte's offset in it.
    byte_keywords: Vec<(u8, Vec<ByteKeyword>)>,
    /// `@` (when e-mail is on) and the bytes of `byte_keywords`, for [`Engine::rare_bytes`].
    rare_needles: Vec<u8>,
    unconditional: Vec<u16>,
    /// The shape rules' dispatch tables, when any is enabled.
    shapes: Option<shapes::ShapeDispatch>,
    slots: Slots,
    extra_keys: KeyNames,
    /// Keys whose values are never redacted, and the searcher of their stems, when any.
    exempt: Option<(KeyNames, Keywords)>,
    allow_literals: Vec<Vec<u8>>,
    allow_patterns: Option<RegexSet>,
    /// Whether some rule's replacement writes text a rule may find again (a mask, a fixed
    /// text), which `finish` then drops.
    pub replacements_findable: bool,
    /// Whether a scanner that reads the classifying pass's masks is enabled (shapes, digits,
    /// key runs); without one, `find` computes no class up front.
    reads_classes: bool,
    pub max_len: usize,
}

/// A rule keyword found through a shorter literal of the keyword pass that it holds:
/// at each occurrence of that literal, `literal` is compared `offset` bytes before it
/// (`build::carriers` says which).
struct Carried {
    literal: Box<[u8]>,
    offset: usize,
    rules: Vec<u16>,
}

/// A keyword found around a byte: `literal[offset]` is the byte.
struct ByteKeyword {
    literal: Box<[u8]>,
    offset: usize,
    rule: u16,
}

/// The shortest run of `[A-Za-z0-9+/]` the key-run scan reports when a rule looks for its
/// keywords there (`build::Placement::InKeyRuns`); without such a rule, 40 (bare secret keys).
pub(crate) const KEY_RUN_MIN: usize = 34;

// The key-run scan is skipped in texts without a long token run (`run_scanners`).
const _: () = assert!(KEY_RUN_MIN >= classify::LONG_RUN);

/// One raw finding: rule index and byte range.
pub(crate) type Raw = (u16, Range<usize>);

const MAX_RULES: usize = 512;

/// Marks, while a text is searched, a finding the allowlist does not apply to: a value found
/// because of the key name it is stored under, or a known secret value (see the precedence
/// table in `RedactorBuilder`'s docs). Cleared before findings leave the engine.
const OVERRIDES_ALLOWLIST: u16 = 0x8000;
const _: () = assert!(MAX_RULES < OVERRIDES_ALLOWLIST as usize);

pub(crate) struct EngineParts {
    pub rules: Vec<CompiledRule>,
    pub keywords: Vec<Vec<String>>,
    /// The user's sensitive key names and globs.
    pub extra_keys: KeyNames,
    /// Keys whose values are never redacted.
    pub exempt_keys: KeyNames,
    /// The forms of the known secret values (`crate::secret_values`).
    pub secret_forms: Vec<Zeroizing<String>>,
    pub allow_literals: Vec<Vec<u8>>,
    pub allow_patterns: Option<RegexSet>,
    pub max_len: usize,
    /// Every rule keyword a literal of the SIMD pass, wherever the engine would look for it
    /// otherwise: the build the other placements are compared with in tests.
    pub simd_keywords_only: bool,
}

impl Engine {
    /// Finds all secrets in `hay`, merged and sorted. `out` is cleared first.
    pub(crate) fn find(&self, hay: &[u8], out: &mut Vec<Raw>) {
        out.clear();
        let mut triggers = Triggers::new();
        let mut byte_arrays = [0usize; 4];
        let mut byte_array_count = 0;
        for &i in &self.unconditional {
            triggers.whole_text(i);
        }
        if let Some((values, rule)) = &self.secret_values {
            values.for_each(hay, |_, range| {
                // Not inside one of our markers: a value that spells part of one (`REDACTED`)
                // would be replaced again on every pass.
                if !crate::util::text::inside_marker(hay, range.start) {
                    out.push((rule | OVERRIDES_ALLOWLIST, range));
                }
            });
        }
        if let Some(ac) = &self.keywords {
            let mut key_end = 0usize;
            let (mut secure_end, mut secure_resume) = (0usize, 0usize);
            ac.for_each(hay, |pattern, range| {
                for carried in &self.carried[pattern] {
                    let Some(at) = range.start.checked_sub(carried.offset) else {
                        continue;
                    };
                    if hay[at..].starts_with(&carried.literal) {
                        let found = at..at + carried.literal.len();
                        for &rule in &carried.rules {
                            triggers.hit(&self.rules, hay, rule, found.clone());
                        }
                    }
                }
                for &target in &self.keyword_targets[pattern] {
                    match target {
                        Target::Rule(i) => triggers.hit(&self.rules, hay, i, range.clone()),
                        Target::KeyStem
                            if range.start >= key_end
                                && !crate::util::text::inside_marker(hay, range.start) =>
                        {
                            key_end = self.key_value_at(hay, range.clone(), out);
                        }
                        Target::KeyStem => {}
                        Target::SecureParameter if range.start >= secure_end => {
                            if let Some(rule) = self.slots.aws_secure_parameter {
                                (secure_end, secure_resume) = aws_context::secure_parameter_values(
                                    hay,
                                    range.start,
                                    secure_resume,
                                    &mut |r| out.push((rule, r)),
                                );
                            }
                        }
                        Target::SecureParameter => {}
                        // Not inside one of our markers: a value that spells part of one
                        // (`REDACTED`) would be replaced again on every pass.
                        Target::SecretValue(rule)
                            if !crate::util::text::inside_marker(hay, range.start) =>
                        {
                            out.push((rule | OVERRIDES_ALLOWLIST, range.clone()));
                        }
                        Target::SecretValue(_) => {}
                        Target::ByteArray => {
                            if byte_array_count < byte_arrays.len() {
                                byte_arrays[byte_array_count] = range.end;
                                byte_array_count += 1;
                            }
                        }
                    }
                }
            });
        }
        self.rare_bytes(hay, &mut triggers, out);
        for &(i, at) in triggers.anchored() {
            // A rule already searched in full needs no anchored search.
            if !triggers.is_whole_text(i) {
                self.run_anchored(i, hay, at, out);
            }
        }
        for rule in triggers.whole_text_rules() {
            self.run_pattern(rule, hay, out);
        }
        // The classes of the text's blocks, computed once for the digit scanner, the key-run
        // scan and the shape dispatch.
        let classified = if self.reads_classes {
            Classified::new(hay)
        } else {
            Classified::unclassified(hay)
        };
        self.run_scanners(&classified, &mut triggers, out);
        if let Some(dispatch) = &self.shapes {
            dispatch.scan(&classified, &mut |rule, r| {
                if !crate::util::text::contains_marker(&hay[r.clone()]) {
                    out.push((rule, r));
                }
            });
        }
        for &at in &byte_arrays[..byte_array_count] {
            self.scan_byte_array(hay, at, out);
        }
        self.finish(hay, out);
    }

    /// The rule that redacts a whole value because of the name it is stored under (a tracing
    /// field called `password`, `authorization`, `aws_secret_access_key`, …), if that rule is
    /// enabled.
    pub(crate) fn rule_for_key_name(&self, name: &[u8]) -> Option<u16> {
        match classify(name, &self.extra_keys)? {
            KeyClass::AwsSecretAccessKey => self.slots.aws_secret,
            KeyClass::AwsSessionToken => self.slots.aws_session,
            KeyClass::Authorization => self.slots.authorization,
            KeyClass::Cookie => self.slots.cookie,
            KeyClass::Sensitive { .. } => self.slots.sensitive,
        }
    }

    /// Whether values stored under `name` (a tracing field's name) are never redacted
    /// ([`crate::RedactorBuilder::exempt_field`]).
    pub(crate) fn is_exempt_name(&self, name: &[u8]) -> bool {
        self.exempt
            .as_ref()
            .is_some_and(|(names, _)| names.matches(name))
    }

    /// Whether `index` is the rule of known secret values.
    pub(crate) fn is_secret_value_rule(&self, index: u16) -> bool {
        self.slots.secret_value == Some(index)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_rng::XorShift;
    use crate::Redactor;

    /// Text around the rules whose keywords are not in the SIMD pass (Twilio keys in key runs,
    /// Azure secrets at `~`, keywords carried by a key stem they hold) and around `@`, which
    /// shares the byte pass: tokens, tokens one byte short or long, keywords cut short, and
    /// the bytes that end or continue a run next to them.
    fn text(rng: &mut XorShift) -> String {
        let mut next = || rng.next();
        const HEX: &[u8] = b"0123456789abcdefABCDEF";
        const AZURE: &[u8] = b"abcXYZ0189_~.-";
        const GLUE: &[&str] = &[
            " ",
            "/",
            "+",
            "_",
            "-",
            ".",
            "=",
            "\"",
            "~",
            "~/",
            "@",
            "a",
            "Z",
            "9",
            "SK",
            "Q~",
            "8Q~",
            "x@y.io ",
            "a@b.co@c.io",
            "@@",
            "key=",
            "\n",
            "",
            "",
            "",
        ];
        let mut out = String::new();
        for _ in 0..(next() % 6 + 1) {
            let pick = |set: &[u8], len: usize, next: &mut dyn FnMut() -> u64| {
                (0..len)
                    .map(|_| char::from(set[(next() % set.len() as u64) as usize]))
                    .collect::<String>()
            };
            match next() % 9 {
                0 | 1 => {
                    let len = [31, 32, 32, 33][(next() % 4) as usize];
                    out.push_str("SK");
                    out.push_str(&pick(HEX, len, &mut next));
                }
                2 | 3 => {
                    out.push_str(&pick(b"aZ0_.~", 3, &mut next));
                    out.push(char::from(b'0' + (next() % 10) as u8));
                    out.push_str("Q~");
                    let len = (next() % 6 + 29) as usize;
                    out.push_str(&pick(AZURE, len, &mut next));
                }
                4 => {
                    let len = (next() % 50) as usize;
                    out.push_str(&pick(b"abcXYZ0189+/", len, &mut next));
                }
                6..=8 => {
                    // Keywords that hold a key stem (`Cred`, `Token`, `session`, `-key`,
                    // `_pat`), whole or cut short, then a value of the rule's shape.
                    const CARRIED: &[(&str, &[u8], usize)] = &[
                        ("X-Amz-Credential=", b"AKIA0123456789XYZ", 20),
                        ("x-amz-credential%3D", b"ASIA0123456789XYZ", 20),
                        ("X-AMZ-CREDENTIAL=", b"ABCXYZ0123456789", 20),
                        ("x-amz-Credential=", b"ABCXYZ0123456789", 20),
                        ("X-AMZ-security-token%3D", b"abcXYZ0189+/=", 40),
                        ("X-Amz-Security-Token=", b"abcXYZ0189+/=%", 40),
                        ("x-amz-security-token=", b"abcXYZ0189+/=", 40),
                        ("X-AMZ-SECURITY-TOKEN%3D", b"abcXYZ0189", 40),
                        ("_gitlab_session=", b"0123456789abcdefxyz", 32),
                        (
                            "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t",
                            b"abcXYZ0189+/=_-",
                            30,
                        ),
                        ("github_pat_", b"abcXYZ0189_", 82),
                    ];
                    let (keyword, alphabet, len) =
                        CARRIED[(next() % CARRIED.len() as u64) as usize];
                    let cut = match next() % 5 {
                        0 => (next() % keyword.len() as u64) as usize,
                        _ => keyword.len(),
                    };
                    out.push_str(&keyword[..cut]);
                    let len = len - 1 + (next() % 3) as usize;
                    out.push_str(&pick(alphabet, len, &mut next));
                }
                _ => out.push_str("mail bob@example.com or ~/notes"),
            }
            out.push_str(GLUE[(next() % GLUE.len() as u64) as usize]);
        }
        out
    }

    /// The default rules' keywords and key stems take two SIMD passes: the keywords that
    /// hold a key stem are carried by it, and the stems' pass takes its share of the rest.
    /// A rule whose keywords add a third pass fails here, where its cost is visible.
    #[test]
    fn default_keywords_take_two_passes() {
        let carried = |r: &Redactor| r.engine().carried.iter().flatten().count();
        let passes = |r: &Redactor| r.engine().keywords.as_ref().map_or(0, |k| k.passes());
        let default = Redactor::default();
        assert_eq!(passes(&default), 2);
        let carried_literals: Vec<&[u8]> = default
            .engine()
            .carried
            .iter()
            .flatten()
            .map(|c| &*c.literal)
            .collect();
        assert!(
            carried_literals.contains(&&b"X-Amz-Credential"[..])
                && carried_literals.contains(&&b"github_pat_"[..]),
            "{carried_literals:?}"
        );
        let simd = Redactor::builder()
            .build_simd_keywords_only()
            .expect("the default rules build");
        assert_eq!(carried(&simd), 0);
        assert_eq!(passes(&simd), 3);
    }

    /// Where the engine looks for the default rules' keywords, chosen from the rules'
    /// regexes and keywords alone: Twilio's `SK` in key runs (every match is `SK` and 32
    /// hex digits), Azure's `Q~` at `~`, the password hashes at `$`, the rest in the SIMD
    /// pass, where each literal has at least three bytes (Teddy fingerprints three; a
    /// shorter one reports candidates all over ordinary text).
    #[test]
    fn default_keyword_placements() {
        let default = Redactor::default();
        let engine = default.engine();
        let id = |rule: u16| &*engine.rules[usize::from(rule)].id;
        let in_runs: Vec<(&[u8], &str)> = engine
            .run_keywords
            .iter()
            .map(|(k, rule)| (&**k, id(*rule)))
            .collect();
        assert_eq!(in_runs, [(&b"SK"[..], "twilio-api-key")]);
        for (byte, keywords) in &engine.byte_keywords {
            for k in keywords {
                assert_eq!(k.literal[k.offset], *byte);
                let rule = id(k.rule);
                match byte {
                    b'~' => assert_eq!(rule, "azure-ad-client-secret"),
                    b'$' => assert!(
                        crate::rules::rules()
                            .any(|r| r.id == rule && r.family == crate::Family::PasswordHashes),
                        "{rule}"
                    ),
                    _ => panic!("{rule}: keyword at {:?}", char::from(*byte)),
                }
            }
        }
        let bytes: Vec<u8> = engine.byte_keywords.iter().map(|(b, _)| *b).collect();
        assert_eq!(bytes, b"~$");
        let keywords = engine
            .keywords
            .as_ref()
            .expect("the default rules have keywords");
        for (i, targets) in engine.keyword_targets.iter().enumerate() {
            let literal = keywords.literal(i);
            assert!(
                literal.len() >= 3,
                "{:?} ({targets:?}) is too short for the SIMD pass",
                String::from_utf8_lossy(literal)
            );
        }
    }

    /// A custom rule shaped like Twilio's gets the same placement, read from its regex, and
    /// finds what the SIMD pass would: whole tokens, glued ones, ones cut short or too long.
    #[test]
    fn custom_rules_are_placed_from_their_regex() {
        let build = |simd: bool| {
            let b = Redactor::builder().custom_rule(
                crate::CustomRule::new("acme-key", "ACME[A-Za-z0-9]{40}").keywords(["ACME"]),
            );
            if simd {
                b.build_simd_keywords_only()
            } else {
                b.build()
            }
            .expect("the rule builds")
        };
        let (placed, simd) = (build(false), build(true));
        let custom = |r: &Redactor| r.engine().rules.iter().position(|c| &*c.id == "acme-key");
        let in_runs: Vec<(&[u8], Option<usize>)> = placed
            .engine()
            .run_keywords
            .iter()
            .map(|(k, rule)| (&**k, Some(usize::from(*rule))))
            .filter(|(k, _)| *k == b"ACME")
            .collect();
        assert_eq!(in_runs, [(&b"ACME"[..], custom(&placed))]);
        let mut rng = XorShift(0x5DEE_CE66_D1CE_4E5B);
        let mut found = 0;
        for _ in 0..5_000 {
            let mut t = String::new();
            for _ in 0..(rng.next() % 4 + 1) {
                t.push_str(
                    [
                        "", " ", "/", "=", "x", "_", "ACME", "
",
                    ][(rng.next() % 8) as usize],
                );
                t.push_str("ACME");
                for _ in 0..(38 + rng.next() % 5) {
                    t.push(char::from(b"aZ09"[(rng.next() % 4) as usize]));
                }
                if rng.next() % 3 == 0 {
                    t.push(char::from(b"+/_"[(rng.next() % 3) as usize]));
                }
            }
            let got: Vec<_> = placed.find(&t).map(|f| (f.rule(), f.range())).collect();
            let want: Vec<_> = simd.find(&t).map(|f| (f.rule(), f.range())).collect();
            assert_eq!(got, want, "{t:?}");
            found += got.iter().filter(|(rule, _)| *rule == "acme-key").count();
        }
        assert!(found >= 500, "only {found} findings");
    }

    /// Keywords found in key runs, at a byte or through a literal they hold lead to the same
    /// findings as the same keywords in the SIMD pass, over text built to sit on every edge
    /// of those searches.
    #[test]
    fn keyword_searches_find_what_the_simd_pass_finds() {
        let fast = Redactor::default();
        let simd = Redactor::builder()
            .build_simd_keywords_only()
            .expect("the default rules build");
        // E-mail alone, against the scanner's own `@` loop: the byte pass shares it.
        let mut email_only = Redactor::builder();
        for family in crate::Family::ALL {
            email_only = email_only.disable(family.name());
        }
        let email_only = email_only
            .enable("email")
            .build()
            .expect("e-mail alone builds");
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let mut seen = std::collections::HashMap::new();
        for _ in 0..20_000 {
            let t = text(&mut rng);
            let got: Vec<_> = fast.find(&t).map(|f| (f.rule(), f.range())).collect();
            let want: Vec<_> = simd.find(&t).map(|f| (f.rule(), f.range())).collect();
            assert_eq!(got, want, "{t:?}");
            let emails: Vec<_> = email_only.find(&t).map(|f| f.range()).collect();
            let mut scanned: Vec<std::ops::Range<usize>> = Vec::new();
            super::email::scan_emails(t.as_bytes(), &mut |r| match scanned.last_mut() {
                // Overlapping addresses (`a@b.co@c.io`) come out merged.
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => scanned.push(r),
            });
            assert_eq!(emails, scanned, "{t:?}");
            for (rule, _) in got {
                *seen.entry(rule).or_insert(0) += 1;
            }
        }
        // The text must reach every path compared, or the comparison proves nothing.
        // `_gitlab_session=…` is mostly the key-value rule's (`session` is a sensitive key,
        // and a value found under its key name takes precedence), so GitLab's own findings
        // are fewer.
        for (rule, least) in [
            ("twilio-api-key", 1_000),
            ("azure-ad-client-secret", 1_000),
            ("email", 1_000),
            ("aws-presigned-url", 1_000),
            ("gitlab-token", 50),
            ("aws-bedrock-api-key", 1_000),
            ("github-token", 1_000),
        ] {
            let n = seen.get(rule).copied().unwrap_or(0);
            assert!(n >= least, "only {n} findings of {rule}: {seen:?}");
        }
    }
}
