//! The built-in rule catalogue.
//!
//! Rules are grouped in families, one family a file:
//!
//! | family | file | what it covers |
//! |---|---|---|
//! | `aws` | `aws.rs` | access key ids, secret keys, session tokens, SigV4/SigV2 signatures, presigned URLs |
//! | `http` | `http.rs` | `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` |
//! | `tokens` | `tokens.rs` | vendor tokens with a recognisable shape (GitHub, Slack, Stripe, JWT, PEM keys, …) |
//! | `vendor-tokens` | `vendor.rs` | more vendors' credentials, each written as a `shape::TokenShape` with its examples |
//! | `password-hashes` | `hashes.rs` | bcrypt, Argon2, crypt(3) and PBKDF2 password hashes |
//! | `keys` | `keys.rs` | any value after a sensitive key name (`password=`, `"client_secret":`, …) |
//! | `pii` | `pii.rs` | e-mail, phone, payment card, US SSN, IBAN |
//! | `network` | `network.rs` | IPv4 and IPv6 addresses (off by default) |
//!
//! A rule only describes *what* to find; the engine (`crate::engine`) decides how to find all
//! rules in one pass. Three kinds of detectors exist:
//!
//! * **pattern** rules: a regular expression with literal keywords. The engine looks for all
//!   keywords of all rules at once and runs a rule's regex only on text holding one of them,
//!   anchored at each keyword hit when every match starts with a keyword.
//! * **key-value** rules: a value that follows a sensitive key name, whatever it looks like.
//!   One shared parser understands `k=v`, `k: v`, `"k":"v"`, `k="v"`, XML and Rust Debug forms;
//!   the key's name decides which rule the value belongs to.
//! * **scanner** rules: hand-written scans for shapes that have no literal to look for, such as
//!   digit runs (cards, SSNs, phones), `@` (e-mail) and bare 40-character AWS secret keys.
//! * **shape** rules: a credential format as data (`shape::TokenShape`: prefix or context,
//!   segments of known alphabets and lengths), with the examples that prove it. The engine
//!   dispatches all of them from one scan of token runs, so adding one costs no speed.
//!
//! # Adding a vendor's token
//!
//! Add one `vendor!` entry to `vendor.rs`: id, description, validation, anchor, body
//! segments, the documentation URL, three positives (whole log lines, secret between `«` and
//! `»`) and three near misses. The tests walk the catalogue; `cargo run --example catalogue`
//! regenerates the README's table.

use std::ops::Range;

pub(crate) mod aws;
pub(crate) mod hand_check;
pub(crate) mod hashes;
pub(crate) mod http;
pub(crate) mod keys;
pub(crate) mod network;
pub(crate) mod pii;
pub(crate) mod shape;
pub(crate) mod tokens;
pub(crate) mod vendor;

/// A family of rules, which can be enabled or disabled as a whole by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Family {
    /// Amazon Web Services credentials and signatures (`aws`).
    Aws,
    /// HTTP authentication headers and cookies (`http`).
    Http,
    /// Vendor tokens and private keys (`tokens`).
    Tokens,
    /// More vendors' credentials, recognised bare by their published shape (`vendor-tokens`).
    VendorTokens,
    /// Password hashes: bcrypt, Argon2, crypt(3), PBKDF2 (`password-hashes`).
    PasswordHashes,
    /// Values of sensitive key names (`keys`).
    Keys,
    /// Personal data (`pii`).
    Pii,
    /// Network addresses (`network`), off by default.
    Network,
    /// Rules added with [`RedactorBuilder::custom_rule`](crate::RedactorBuilder::custom_rule) (`custom`).
    Custom,
}

impl Family {
    /// Every family, in catalogue order.
    pub const ALL: [Family; 9] = [
        Family::Aws,
        Family::Http,
        Family::Tokens,
        Family::VendorTokens,
        Family::PasswordHashes,
        Family::Keys,
        Family::Pii,
        Family::Network,
        Family::Custom,
    ];

    /// The family's name, as accepted by `enable` and `disable`.
    pub fn name(self) -> &'static str {
        match self {
            Family::Aws => "aws",
            Family::Http => "http",
            Family::Tokens => "tokens",
            Family::VendorTokens => "vendor-tokens",
            Family::PasswordHashes => "password-hashes",
            Family::Keys => "keys",
            Family::Pii => "pii",
            Family::Network => "network",
            Family::Custom => "custom",
        }
    }
}

/// A validator gets the whole text and the candidate's range, so it can look at context.
pub(crate) type BuiltinValidator = fn(&[u8], Range<usize>) -> bool;

/// Gets the whole text and a keyword hit's range; false when no match can involve that hit.
pub(crate) type HitCheck = fn(&[u8], Range<usize>) -> bool;

/// Gets the whole text and where a keyword hit starts; returns the end of the match there.
pub(crate) type MatchAt = fn(&[u8], usize) -> Option<usize>;

/// Gets the whole text and a match; returns the secret group that took part in it.
pub(crate) type SecretIn = fn(&[u8], Range<usize>) -> Option<Range<usize>>;

/// Gets the whole text and where a keyword hit starts; returns the secret of the match
/// through that hit.
pub(crate) type SecretAt = fn(&[u8], usize) -> Option<Range<usize>>;

/// Hand-written equivalents of parts of a pattern rule's regex, for rules that occur often
/// in logs: the regex engine costs 50–100 ns a search before it reads a byte, and its one-pass
/// capture search several nanoseconds a byte. Each function must give exactly what the regex
/// gives; `tests::hand_matchers_agree_with_their_regexes` compares them on generated text.
#[derive(Clone, Copy, Default)]
pub(crate) struct HandMatcher {
    /// The end of the regex's match anchored at `at`, if there is one (the leftmost-first
    /// match, as `regex` reports it). Only for rules whose matches start at a keyword.
    pub match_at: Option<MatchAt>,
    /// The `secret…` group that took part in `m`, a match of the regex (every rule with a
    /// hand-written one has exactly one group per alternative).
    pub secret_in: Option<SecretIn>,
    /// For a rule whose matches do not start at its keyword: the secret of the match that
    /// runs through the keyword hit at `at` (the regex anchored at the earliest start from
    /// which its match runs through the hit), replacing a search of the whole text.
    pub secret_at: Option<SecretAt>,
}

impl HandMatcher {
    pub(crate) const NONE: HandMatcher = HandMatcher {
        match_at: None,
        secret_in: None,
        secret_at: None,
    };
}

/// How a built-in rule finds its matches.
#[derive(Clone, Copy)]
pub(crate) enum Detector {
    /// A regex run only where one of the keywords occurs. Capture groups named `secret…` are
    /// the parts to redact; without any, the whole match is. Where the regex shows that every
    /// match starts with one of the keywords (`util::regex_facts`), the builder runs it
    /// anchored at each keyword hit instead of over the whole text.
    Pattern {
        regex: &'static str,
        keywords: &'static [&'static str],
        validator: Option<BuiltinValidator>,
        /// A necessary condition for a match around one keyword hit, cheaper than the
        /// regex's own failure: the rule runs only for hits that pass it. Most keyword hits
        /// in logs are not secrets (`x-amz-date`, a URL without credentials), and a regex
        /// search costs tens of nanoseconds even when it fails at once.
        hit_check: Option<HitCheck>,
        /// Hand-written equivalents of the regex for the searches the engine runs most.
        hand: HandMatcher,
        /// Where other machinery reports or reads this rule's findings: the key-value
        /// parser reports session tokens and signatures stored under their AWS names, and
        /// the bare secret-key scan reads access key ids as context.
        slot: Option<Slot>,
        /// Whether a match with fewer than five distinct letters and digits
        /// (`AKIAXXXXXXXXXXXXXXXX`, `ghp_xxxx…`, a documentation placeholder) is dropped.
        /// Off where the secret follows a parameter name and may be short and plain: URL
        /// and curl passwords, key ids in presigned URLs and SigV4 headers.
        placeholder_guard: bool,
    },
    /// A credential format as data, found by the engine's shape dispatch.
    Shape(&'static ShapeRule),
    /// Values of key names the key classifier assigns to this rule's slot.
    KeyValue(Slot),
    /// Found by the hand-written scanner that reports to this slot.
    Scanner(Slot),
}

impl Detector {
    /// The slot the engine's own machinery reports this rule's findings to, if any.
    pub(crate) fn slot(&self) -> Option<Slot> {
        match *self {
            Detector::Pattern { slot, .. } => slot,
            Detector::KeyValue(slot) | Detector::Scanner(slot) => Some(slot),
            Detector::Shape(_) => None,
        }
    }
}

/// Where the engine's own machinery (scanners, the key-value parser, the AWS context
/// checks) reports a finding for a rule: a typed property of the rule, so that no part of
/// the engine looks a rule up by its id. A slot is empty when its rule is disabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Values under AWS secret-key names.
    AwsSecretAccessKey,
    /// Bare 40-character key runs with AWS context nearby.
    AwsSecretAccessKeyBare,
    /// SSM `SecureString` parameter values.
    AwsSsmSecureString,
    /// Access key ids, which the bare secret-key scan looks for as context.
    AwsAccessKeyId,
    /// SigV4 signatures, also under their parameter names.
    AwsSignature,
    /// Session tokens, also under their AWS names.
    AwsSessionToken,
    /// `Authorization` header values.
    HttpAuthorization,
    /// `Cookie` and `Set-Cookie` values.
    HttpCookie,
    /// Values under sensitive key names (`password`, `token`, `api_key`, …).
    SensitiveKey,
    /// E-mail addresses, from the `@` of the rare-byte pass.
    Email,
    /// Digit clusters passing Luhn and an issuer's ranges.
    PaymentCard,
    /// Digit clusters shaped as US SSNs.
    UsSsn,
    /// Digit clusters shaped as phone numbers.
    PhoneNumber,
    /// IBANs passing mod 97.
    Iban,
    /// Dotted-quad addresses.
    Ipv4,
    /// IPv6 addresses.
    Ipv6,
    /// Known secret values (`RedactorBuilder::secret_value`), not a catalogue rule.
    SecretValue,
}

/// A shape rule: the shape, where its format is documented, and its examples.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShapeRule {
    pub shape: shape::TokenShape,
    pub source: &'static str,
    /// Whole log lines, the secret between `«` and `»`.
    pub positives: &'static [&'static str],
    /// Lines that must come out unchanged.
    pub near_misses: &'static [&'static str],
}

/// Description of one built-in rule, as listed by [`rules`].
#[derive(Clone, Copy)]
pub struct RuleInfo {
    pub(crate) id: &'static str,
    pub(crate) family: Family,
    pub(crate) description: &'static str,
    pub(crate) validation: &'static str,
    pub(crate) default_enabled: bool,
    /// What the rule's secrets look like, for a [`Mask`](crate::Mask) that keeps parts of them.
    pub(crate) form: SecretForm,
    pub(crate) detector: Detector,
}

/// What a rule's secrets look like, where a [`Mask`](crate::Mask) treats them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretForm {
    /// Any text: masked character by character.
    Opaque,
    /// Digits with separators: the last four (and optionally the first six) digits stay.
    PaymentCard,
    /// `local@domain`: the domain may stay.
    Email,
}

impl RuleInfo {
    /// The rule's id, e.g. `aws-access-key-id`.
    pub fn id(&self) -> &'static str {
        self.id
    }
    /// The family the rule belongs to.
    pub fn family(&self) -> Family {
        self.family
    }
    /// What the rule matches, in one line.
    pub fn description(&self) -> &'static str {
        self.description
    }
    /// How a candidate is confirmed beyond its shape (checksum, entropy, context, …).
    pub fn validation(&self) -> &'static str {
        self.validation
    }
    /// The regular expression of a pattern rule (`None` for key-value and scanner rules).
    /// Tooling and benchmarks use it; the engine runs it only where a keyword occurs.
    pub fn pattern(&self) -> Option<&'static str> {
        match self.detector {
            Detector::Pattern { regex, .. } => Some(regex),
            _ => None,
        }
    }

    /// Whether [`Redactor::default`](crate::Redactor::default) has this rule on.
    pub fn default_enabled(&self) -> bool {
        self.default_enabled
    }

    /// Where the credential format is documented by its issuer, for rules that carry it.
    ///
    /// ```
    /// let hf = tracing_redact::rules().find(|r| r.id() == "huggingface-token").unwrap();
    /// assert!(hf.source().unwrap().starts_with("https://huggingface.co/"));
    /// ```
    pub fn source(&self) -> Option<&'static str> {
        match self.detector {
            Detector::Shape(rule) => Some(rule.source),
            _ => None,
        }
    }

    /// Log lines the rule must redact, each with its secret between `«` and `»`: built from
    /// the published format (random, never real credentials). Run them against your own
    /// configuration to see what it keeps.
    ///
    /// ```
    /// use tracing_redact::Redactor;
    /// let redactor = Redactor::default();
    /// for rule in tracing_redact::rules() {
    ///     for line in rule.positives() {
    ///         let secret = line.split('«').nth(1).unwrap().split('»').next().unwrap();
    ///         let text = line.replace(['«', '»'], "");
    ///         assert!(!redactor.redact(&text).contains(secret), "{}: {line}", rule.id());
    ///     }
    /// }
    /// ```
    pub fn positives(&self) -> &'static [&'static str] {
        match self.detector {
            Detector::Shape(rule) => rule.positives,
            _ => &[],
        }
    }

    /// Lines close to the rule's format that it must leave alone (one byte short, glued to
    /// a word, a placeholder, …).
    pub fn near_misses(&self) -> &'static [&'static str] {
        match self.detector {
            Detector::Shape(rule) => rule.near_misses,
            _ => &[],
        }
    }
}

impl std::fmt::Debug for RuleInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleInfo")
            .field("id", &self.id)
            .field("family", &self.family)
            .field("default_enabled", &self.default_enabled)
            .finish()
    }
}

/// The built-in rule catalogue, in the order the README lists it.
///
/// ```
/// let ids: Vec<_> = tracing_redact::rules().map(|r| r.id()).collect();
/// assert!(ids.contains(&"aws-access-key-id"));
/// assert!(tracing_redact::rules().all(|r| !r.description().is_empty()));
/// ```
pub fn rules() -> impl Iterator<Item = &'static RuleInfo> {
    aws::RULES
        .iter()
        .chain(http::RULES)
        .chain(tokens::RULES)
        .chain(vendor::RULES)
        .chain(hashes::RULES)
        .chain(keys::RULES)
        .chain(pii::RULES)
        .chain(network::RULES)
}

/// The rule catalogue as a Markdown table (the README embeds exactly this).
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "| rule id | family | matches | validated by | default |\n|---|---|---|---|---|\n",
    );
    for rule in rules() {
        let source = rule
            .source()
            .map_or_else(String::new, |url| format!(" ([format]({url}))"));
        out.push_str(&format!(
            "| `{}` | {} | {}{source} | {} | {} |\n",
            rule.id,
            rule.family.name(),
            rule.description,
            rule.validation,
            if rule.default_enabled { "on" } else { "off" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::XorShift;

    /// Each slot the engine reports to is declared by exactly one catalogue rule (known
    /// values' by the builder), so no finding can go to two rules or to none.
    #[test]
    fn each_slot_is_declared_by_exactly_one_rule() {
        let slot_of = |r: &RuleInfo| r.detector.slot();
        let all = [
            Slot::AwsSecretAccessKey,
            Slot::AwsSecretAccessKeyBare,
            Slot::AwsSsmSecureString,
            Slot::AwsAccessKeyId,
            Slot::AwsSignature,
            Slot::AwsSessionToken,
            Slot::HttpAuthorization,
            Slot::HttpCookie,
            Slot::SensitiveKey,
            Slot::Email,
            Slot::PaymentCard,
            Slot::UsSsn,
            Slot::PhoneNumber,
            Slot::Iban,
            Slot::Ipv4,
            Slot::Ipv6,
            Slot::SecretValue,
        ];
        for slot in all {
            let declaring: Vec<&str> = rules()
                .filter(|r| slot_of(r) == Some(slot))
                .map(|r| r.id())
                .collect();
            let expected = usize::from(slot != Slot::SecretValue);
            assert_eq!(declaring.len(), expected, "{slot:?}: {declaring:?}");
        }
        let rules_with_slots = rules().filter(|r| slot_of(r).is_some()).count();
        assert_eq!(rules_with_slots, all.len() - 1);
    }

    #[test]
    fn ids_are_unique_kebab_case_and_described() {
        let mut seen = std::collections::HashSet::new();
        for rule in rules() {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            assert!(rule
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            assert!(!rule.description.is_empty() && !rule.validation.is_empty());
        }
    }

    /// Text that exercises a rule's hand matchers: its keywords (some with a letter's case
    /// flipped), runs of token characters of every length around the rules' bounds, the
    /// escapes and separators the regexes treat specially, and arbitrary bytes.
    fn hand_matcher_text(rng: &mut XorShift, keywords: &[&str]) -> Vec<u8> {
        let mut next = || rng.next();
        // Upper case and digits first (access key ids), then all alphanumerics, then the rest.
        const TOKEN: &[u8] =
            b"ABCDEFGHIJKLMNOPQR0123456789abcdefghijklmnopqrstuvwxyzSTUVWXYZ+/=_-.~abcdef0123456789";
        const SPECIAL: &[&str] = &[
            "%2F",
            "%2f",
            "%3D",
            "%3d",
            "%2B",
            "%2b",
            "%4",
            "%G1",
            "%41",
            "%",
            "\\/",
            "\\",
            "=",
            "Credential=",
            " ",
            "\t",
            "\n",
            "HMAC-SHA256",
            "ECDSA-P256-SHA256",
            "X-Amz-",
            "Security-Token",
            ",",
            "\"",
            "/",
            "github_pat_",
            "AWS4-",
            // Whole heads, which random pieces would almost never assemble.
            "AWS4-HMAC-SHA256 Credential=",
            "AWS4-ECDSA-P256-SHA256 \t Credential=",
            "AWS4-HMAC-SHA256Credential=",
            "Signature=",
            "signature%3D",
            "SIGNATURE%3d",
            "X-Amz-Credential=",
            "x-amz-credential%3D",
            "X-AMZ-SECURITY-TOKEN=",
            "X-Amz-Security-Token%3D",
            "X-Amz-Security-Token%3d",
            "postgres://",
            "https://",
            "9+://",
            ":",
            "@",
            "@db",
            "@[",
            "'",
            "<",
            "[",
            "]",
            "postgres://app:",
            "https://u:p@h",
            "://:pw@host",
            "ftp://user:@host",
            "s3://a:b:c@d",
            "redis://:[x]@[::1]",
            "a://u:p@h://x:y@z",
            "git+ssh://me:tok3n@",
            // Schemes of the longest length and one more.
            "a000000000000000000000000000000://u:p@h",
            "a0000000000000000000000000000000://u:p@h",
            ".",
            "..",
            "=.",
            "==.",
            "===.",
            "eyJhbGciOiJIUzI1NiJ9.",
            "_eyJ",
            "ZXlK",
            // JWE-like: more dotted segments than the regex repeats.
            "eyJhbGciOiJSU0EtT0FFUCJ9.aaaaaaaa.bbbbbbbbb=.cccccccccc==.dddddddd.eeeeeeeeee.f",
            "xoxb-",
            "xoxe.xoxp-",
            "XOXE.xoxr-",
            "xoxe.xoxe-",
            "xapp-1-",
            "XAPP-9-A0B1-",
            "-42-",
            "xapp-1--42-abc",
            "xApp-2-A1--abc",
            "-",
            "1",
        ];
        let mut hay = Vec::new();
        for _ in 0..1 + next() % 10 {
            match next() % 8 {
                0 | 1 => {
                    let k = keywords[(next() % keywords.len() as u64) as usize].as_bytes();
                    let mut k = k.to_vec();
                    if next() % 6 == 0 {
                        let i = (next() % k.len() as u64) as usize;
                        k[i] ^= 0x20;
                    }
                    hay.extend(k);
                }
                2..=4 => {
                    let len = if next() % 2 == 0 {
                        next() % 64
                    } else {
                        200 + next() % 100
                    };
                    let alphabet = match next() % 3 {
                        0 => &TOKEN[..28],
                        1 => &TOKEN[..62],
                        _ => TOKEN,
                    };
                    hay.extend(
                        (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]),
                    );
                }
                5 | 6 => hay.extend(SPECIAL[(next() % SPECIAL.len() as u64) as usize].as_bytes()),
                _ => hay.push(next() as u8),
            }
        }
        hay
    }

    #[test]
    fn hand_matchers_agree_with_their_regexes() {
        assert!(
            hand_check::CHECKS.len() >= 8,
            "the hand matchers went missing"
        );
        for check in hand_check::CHECKS.iter() {
            let mut rng = XorShift(0x2545_F491_4F6C_DD1D ^ check.id.len() as u64);
            let mut matches = 0;
            for _ in 0..20_000 {
                let text = hand_matcher_text(&mut rng, check.keywords);
                match check.compare(&text) {
                    Ok(seen) => matches += seen,
                    Err(disagreement) => panic!("{disagreement}"),
                }
            }
            assert!(
                matches >= 300,
                "{}: only {matches} matches in the generated text",
                check.id
            );
        }
    }

    /// The builder runs a rule's regex anchored at its keyword hits where the regex shows
    /// that every match starts with a keyword. These are the rules it cannot, searched over
    /// the whole text once a keyword is seen: their keyword sits inside the match. A change
    /// here is a change of speed (or a regex that lost its prefix), so it is pinned. Hand
    /// matchers that answer the anchored search (`match_at`) are only for rules that have it.
    #[test]
    fn rules_searched_at_keyword_hits() {
        let mut whole_text = Vec::new();
        for rule in rules() {
            if let Detector::Pattern {
                regex,
                keywords,
                hand,
                ..
            } = rule.detector
            {
                let facts = crate::util::regex_facts::RegexFacts::parse(regex, false)
                    .unwrap_or_else(|| panic!("{}: the regex does not parse", rule.id));
                if !facts.always_starts_with_one_of(keywords) {
                    whole_text.push(rule.id);
                    assert!(
                        hand.match_at.is_none(),
                        "{}: match_at without a prefix",
                        rule.id
                    );
                }
            }
        }
        assert_eq!(
            whole_text,
            [
                "openai-api-key",
                "azure-ad-client-secret",
                "url-credentials",
                "terraform-cloud-token"
            ]
        );
    }

    /// Every pattern rule has keywords (where the engine looks for them is its choice, and
    /// `engine::tests::default_keyword_placements` checks it), and the key stems are long
    /// enough for the SIMD pass, which fingerprints the first three bytes of each literal:
    /// a shorter one reports candidates all over ordinary text.
    #[test]
    fn rules_have_keywords_and_stems_fit_the_simd_pass() {
        for rule in rules() {
            if let Detector::Pattern { keywords, .. } = rule.detector {
                assert!(!keywords.is_empty(), "{} has no keyword", rule.id);
            }
        }
        for stem in keys::KEY_STEMS {
            assert!(stem.len() >= 3, "key stem {stem:?} is too short");
        }
    }
}
