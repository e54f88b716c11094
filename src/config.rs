//! Configuration from a file: [`RedactionConfig`] (feature `serde`).
//!
//! Everything [`RedactorBuilder`] takes, as data that `serde` reads from TOML, YAML, JSON or
//! any other self-describing format it has a crate for: rules and families on or off, rules of your own with
//! their proximity words, sensitive and exempt names, the allowlist, known secret values
//! named by environment variable, and replacements. A file never holds a secret: known values
//! and keyed-hash keys are read from the environment when the redactor is built.
//!
//! ```
//! use tracing_redact::config::RedactionConfig;
//!
//! let config: RedactionConfig = serde_json::from_str(r#"{
//!     "disable": ["pii"],
//!     "enable": ["email"],
//!     "sensitive_keys": ["employee_number"],
//!     "replacements": { "email": { "mask": { "fixed_len": 4, "keep_email_domain": true } } }
//! }"#).unwrap();
//! let redactor = config.build()?;
//! assert_eq!(
//!     redactor.redact("to jane@example.com, card 4111 1111 1111 1111, employeeNumber=42"),
//!     "to ****@example.com, card 4111 1111 1111 1111, employeeNumber=[REDACTED:sensitive-key]"
//! );
//! # Ok::<(), tracing_redact::Error>(())
//! ```
//!
//! # Entries
//!
//! | entry | builder call | notes |
//! |---|---|---|
//! | `enable`, `disable` | [`enable`](RedactorBuilder::enable), [`disable`](RedactorBuilder::disable) | families first, then rules, so `disable = ["pii"]` with `enable = ["email"]` keeps e-mail; a name in both lists is an error |
//! | `custom_rules` | [`custom_rule`](RedactorBuilder::custom_rule) | `id`, `pattern`, `keywords`, `description`, `near` and `not_near` (`{ words, within }`); validators need code |
//! | `sensitive_keys`, `exempt_fields` | [`sensitive_key`](RedactorBuilder::sensitive_key), [`exempt_field`](RedactorBuilder::exempt_field) | names or globs |
//! | `allow_literals`, `allow_patterns` | [`allow_literal`](RedactorBuilder::allow_literal), [`allow_pattern`](RedactorBuilder::allow_pattern) | |
//! | `secret_values_from_env` | [`secret_values_from_env`](RedactorBuilder::secret_values_from_env) | variable names, read at build |
//! | `replacement` | [`replacement`](RedactorBuilder::replacement) | see below |
//! | `replacements` | [`replacement_for`](RedactorBuilder::replacement_for) | a table from rule or family to replacement; a rule's entry beats its family's |
//! | `max_value_len` | [`max_value_len`](RedactorBuilder::max_value_len) | bytes |
//! | `scopes` | [`scope`](RedactorBuilder::scope) | a table from target prefix to a configuration of these same entries (but `scopes`), added to the one outside and to those of the scopes around it |
//!
//! A replacement is `"label"`, `{ fixed = "***" }`, `{ mask = { … } }` with the fields
//! `keep_leading`, `keep_trailing`, `fill`, `fixed_len`, `keep_card_bin` and
//! `keep_email_domain` (see [`Mask`]), `{ keyed_hash = { key_env = "VAR" } }` with the
//! 32-byte key as 64 hex digits in variable `VAR`, or `"keyed_hash_random"`.
//!
//! Unknown entries are refused by the format's parser, which names them. Every other problem
//! is an [`Error::Config`] from [`RedactionConfig::build`] naming the entry
//! (`custom_rules[1]`, `replacements.email`, `sensitive_keys[0]`) around the error the
//! builder gave.

use crate::replacement::{Mask, Replacement};
use crate::rules::Family;
use crate::secret_values::SECRET_VALUE_RULE;
use crate::{CustomRule, Error, Redactor, RedactorBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A whole redactor configuration, read with `serde`. See the [module docs](self) for the
/// entries and an example.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionConfig {
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    custom_rules: Vec<CustomRuleConfig>,
    #[serde(default)]
    sensitive_keys: Vec<String>,
    #[serde(default)]
    exempt_fields: Vec<String>,
    #[serde(default)]
    allow_literals: Vec<String>,
    #[serde(default)]
    allow_patterns: Vec<String>,
    #[serde(default)]
    secret_values_from_env: Vec<String>,
    #[serde(default)]
    replacement: Option<ReplacementConfig>,
    #[serde(default)]
    replacements: BTreeMap<String, ReplacementConfig>,
    #[serde(default)]
    max_value_len: Option<usize>,
    #[serde(default)]
    scopes: BTreeMap<String, RedactionConfig>,
}

/// A configuration's replacements, with their keys read.
struct Resolved {
    replacement: Option<Replacement>,
    per_rule: Vec<(String, Replacement)>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomRuleConfig {
    id: String,
    pattern: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    near: Option<WordsConfig>,
    #[serde(default)]
    not_near: Option<WordsConfig>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordsConfig {
    words: Vec<String>,
    within: usize,
}

/// A replacement: `"label"`, `"keyed_hash_random"`, or a table of one entry (`fixed`, `mask`
/// or `keyed_hash`). Read by hand rather than as a serde enum, whose form differs between
/// formats (YAML wants `!mask` tags): a string or a one-entry table reads the same in all.
#[derive(Clone, Debug)]
enum ReplacementConfig {
    Label,
    Fixed(String),
    Mask(MaskConfig),
    KeyedHash(KeyedHashConfig),
    KeyedHashRandom,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyedHashConfig {
    key_env: String,
}

impl<'de> Deserialize<'de> for ReplacementConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReplacementVisitor)
    }
}

struct ReplacementVisitor;

const NAMED_REPLACEMENTS: &[&str] = &["label", "keyed_hash_random"];
const TABLE_REPLACEMENTS: &[&str] = &["fixed", "mask", "keyed_hash"];

impl<'de> serde::de::Visitor<'de> for ReplacementVisitor {
    type Value = ReplacementConfig;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "\"label\", \"keyed_hash_random\", or a table with one of `fixed`, `mask`, `keyed_hash`",
        )
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Self::Value, E> {
        match name {
            "label" => Ok(ReplacementConfig::Label),
            "keyed_hash_random" => Ok(ReplacementConfig::KeyedHashRandom),
            other => Err(E::unknown_variant(other, NAMED_REPLACEMENTS)),
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error as _;
        let Some(kind) = map.next_key::<String>()? else {
            return Err(A::Error::invalid_length(0, &self));
        };
        let replacement = match kind.as_str() {
            "fixed" => ReplacementConfig::Fixed(map.next_value()?),
            "mask" => ReplacementConfig::Mask(map.next_value()?),
            "keyed_hash" => ReplacementConfig::KeyedHash(map.next_value()?),
            other => return Err(A::Error::unknown_variant(other, TABLE_REPLACEMENTS)),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(A::Error::custom(format!(
                "a replacement has one entry, found `{kind}` and `{extra}`"
            )));
        }
        Ok(replacement)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MaskConfig {
    #[serde(default)]
    keep_leading: usize,
    #[serde(default)]
    keep_trailing: usize,
    #[serde(default = "default_fill")]
    fill: char,
    #[serde(default)]
    fixed_len: Option<usize>,
    #[serde(default)]
    keep_card_bin: bool,
    #[serde(default)]
    keep_email_domain: bool,
}

fn default_fill() -> char {
    '*'
}

impl ReplacementConfig {
    fn to_replacement(&self) -> Result<Replacement, String> {
        Ok(match self {
            ReplacementConfig::Label => Replacement::Label,
            ReplacementConfig::Fixed(text) => Replacement::fixed(text.as_str()),
            ReplacementConfig::Mask(m) => {
                let mut mask = Mask::keep(m.keep_leading, m.keep_trailing).fill(m.fill);
                if let Some(len) = m.fixed_len {
                    mask = mask.fixed_len(len);
                }
                if m.keep_card_bin {
                    mask = mask.keep_card_bin();
                }
                if m.keep_email_domain {
                    mask = mask.keep_email_domain();
                }
                Replacement::Mask(mask)
            }
            ReplacementConfig::KeyedHash(KeyedHashConfig { key_env }) => {
                Replacement::keyed_hash(key_from_env(key_env)?)
            }
            ReplacementConfig::KeyedHashRandom => {
                Replacement::keyed_hash_random().map_err(|e| e.to_string())?
            }
        })
    }
}

/// The 32-byte key in variable `name`, as 64 hex digits. Errors name the variable, never
/// its value.
fn key_from_env(name: &str) -> Result<[u8; 32], String> {
    let value = zeroize::Zeroizing::new(
        std::env::var(name).map_err(|_| format!("environment variable {name} is not set"))?,
    );
    let hex = value.trim().as_bytes();
    let mut key = [0u8; 32];
    if hex.len() != 64 {
        return Err(format!(
            "environment variable {name} must hold 64 hex digits (a 32-byte key)"
        ));
    }
    for (byte, pair) in key.iter_mut().zip(hex.chunks_exact(2)) {
        let digit = |c: u8| char::from(c).to_digit(16);
        match (digit(pair[0]), digit(pair[1])) {
            (Some(hi), Some(lo)) => *byte = (hi * 16 + lo) as u8,
            _ => {
                return Err(format!(
                    "environment variable {name} must hold 64 hex digits (a 32-byte key)"
                ))
            }
        }
    }
    Ok(key)
}

fn is_family(name: &str) -> bool {
    Family::ALL.iter().any(|f| f.name() == name)
}

fn config_error(entry: String, error: Error) -> Error {
    Error::Config {
        entry,
        error: Box::new(error),
    }
}

impl RedactionConfig {
    /// The builder this configuration describes, to which code can add what a file cannot
    /// hold (validators). Environment variables are read now.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a name is in both `enable` and `disable`, a keyed-hash key
    /// variable is unset or not 64 hex digits, or a scope holds scopes. Everything else is
    /// checked by [`RedactorBuilder::build`]; [`build`](Self::build) names the entry of such
    /// errors.
    pub fn to_builder(&self) -> Result<RedactorBuilder, Error> {
        let resolved = self.resolve("")?;
        let mut builder = self.apply(Redactor::builder(), &resolved);
        for (target, scope) in &self.scopes {
            let entry = format!("scopes.{target}.");
            if !scope.scopes.is_empty() {
                return Err(config_error(
                    format!("{entry}scopes"),
                    Error::InvalidRule {
                        rule: target.clone(),
                        reason: "a scope cannot hold scopes of its own".into(),
                    },
                ));
            }
            let resolved = scope.resolve(&entry)?;
            let scope = scope.clone();
            builder = builder.scope(target.as_str(), move |b| scope.apply(b, &resolved));
        }
        Ok(builder)
    }

    /// Checks what [`apply`](Self::apply) cannot, and reads the replacements' keys. `entry`
    /// prefixes the entries errors name (`scopes.app::users.` inside a scope).
    fn resolve(&self, entry: &str) -> Result<Resolved, Error> {
        for (i, name) in self.enable.iter().enumerate() {
            if self.disable.contains(name) {
                return Err(config_error(
                    format!("{entry}enable[{i}]"),
                    Error::InvalidRule {
                        rule: name.clone(),
                        reason: "named in both `enable` and `disable`".into(),
                    },
                ));
            }
        }
        let replacement = self
            .replacement
            .as_ref()
            .map(|r| {
                r.to_replacement().map_err(|reason| {
                    config_error(
                        format!("{entry}replacement"),
                        Error::InvalidRule {
                            rule: "replacement".into(),
                            reason,
                        },
                    )
                })
            })
            .transpose()?;
        let mut per_rule = Vec::new();
        // Families first, so a rule's own entry wins over its family's.
        for families in [true, false] {
            for (name, replacement) in &self.replacements {
                if is_family(name) != families {
                    continue;
                }
                let replacement = replacement.to_replacement().map_err(|reason| {
                    config_error(
                        format!("{entry}replacements.{name}"),
                        Error::InvalidRule {
                            rule: name.clone(),
                            reason,
                        },
                    )
                })?;
                per_rule.push((name.clone(), replacement));
            }
        }
        Ok(Resolved {
            replacement,
            per_rule,
        })
    }

    /// Adds this configuration's settings to `builder`.
    fn apply(&self, mut builder: RedactorBuilder, resolved: &Resolved) -> RedactorBuilder {
        // Families first, then rules, so a rule's own entry wins over its family's.
        for families in [true, false] {
            for name in self.disable.iter().filter(|n| is_family(n) == families) {
                builder = builder.disable(name.as_str());
            }
            for name in self.enable.iter().filter(|n| is_family(n) == families) {
                builder = builder.enable(name.as_str());
            }
        }
        for rule in &self.custom_rules {
            let mut custom = CustomRule::new(rule.id.as_str(), rule.pattern.as_str())
                .keywords(rule.keywords.iter().map(String::as_str))
                .description(rule.description.as_str());
            if let Some(near) = &rule.near {
                custom = custom.near(near.words.iter().map(String::as_str), near.within);
            }
            if let Some(not_near) = &rule.not_near {
                custom =
                    custom.not_near(not_near.words.iter().map(String::as_str), not_near.within);
            }
            builder = builder.custom_rule(custom);
        }
        for name in &self.sensitive_keys {
            builder = builder.sensitive_key(name.as_str());
        }
        for name in &self.exempt_fields {
            builder = builder.exempt_field(name.as_str());
        }
        for literal in &self.allow_literals {
            builder = builder.allow_literal(literal.as_str());
        }
        for pattern in &self.allow_patterns {
            builder = builder.allow_pattern(pattern.as_str());
        }
        builder = builder.secret_values_from_env(&self.secret_values_from_env);
        if let Some(replacement) = &resolved.replacement {
            builder = builder.replacement(replacement.clone());
        }
        for (name, replacement) in &resolved.per_rule {
            builder = builder.replacement_for(name.as_str(), replacement.clone());
        }
        if let Some(bytes) = self.max_value_len {
            builder = builder.max_value_len(bytes);
        }
        builder
    }

    /// Builds the redactor.
    ///
    /// # Errors
    ///
    /// Every error of [`to_builder`](Self::to_builder) and [`RedactorBuilder::build`], as an
    /// [`Error::Config`] that names the entry at fault when one can be told.
    ///
    /// ```
    /// use tracing_redact::{config::RedactionConfig, Error};
    ///
    /// let config: RedactionConfig = serde_json::from_str(r#"{
    ///     "custom_rules": [
    ///         { "id": "acme", "pattern": "acme_[a-z0-9]{16}" },
    ///         { "id": "broken", "pattern": "acme_[a-z" }
    ///     ]
    /// }"#).unwrap();
    /// let err = config.build().unwrap_err();
    /// assert!(matches!(&err, Error::Config { entry, .. } if entry == "custom_rules[1]"));
    /// assert!(err.to_string().starts_with("configuration entry `custom_rules[1]`: rule `broken`"));
    /// ```
    pub fn build(&self) -> Result<Redactor, Error> {
        self.to_builder()?
            .build()
            .map_err(|error| match self.locate(&error) {
                // A scope's error names the scope; the located entry says more.
                Some(entry) => match error {
                    Error::Config { error, .. } => config_error(entry, *error),
                    error => config_error(entry, error),
                },
                None => error,
            })
    }

    /// The entry a builder error comes from, found by the name the error carries.
    fn locate(&self, error: &Error) -> Option<String> {
        self.locate_with(error, 0)
    }

    /// [`locate`](Self::locate), for a configuration whose known values come after
    /// `values_before` others (a scope's, after those outside it).
    fn locate_with(&self, error: &Error, values_before: usize) -> Option<String> {
        let position = |list: &[String], name: &str| list.iter().position(|n| n == name);
        let in_list = |list: &[String], key: &str, name: &str| {
            position(list, name).map(|i| format!("{key}[{i}]"))
        };
        let custom = |id: &str| {
            // A duplicate is reported at its second use.
            self.custom_rules
                .iter()
                .rposition(|r| r.id == id)
                .map(|i| format!("custom_rules[{i}]"))
        };
        let in_replacements = |name: &str| {
            self.replacements
                .contains_key(name)
                .then(|| format!("replacements.{name}"))
        };
        match error {
            Error::InvalidPattern { rule, .. } if rule == "allowlist" => self
                .allow_patterns
                .iter()
                // The same compilation the builder refused it with.
                .position(|p| crate::redactor::compile("allowlist", p, true).is_err())
                .map(|i| format!("allow_patterns[{i}]")),
            Error::InvalidPattern { rule, .. } | Error::DuplicateRule(rule) => custom(rule),
            Error::UnknownRule(name) => in_list(&self.disable, "disable", name)
                .or_else(|| in_list(&self.enable, "enable", name))
                .or_else(|| in_replacements(name)),
            Error::InvalidRule { rule, reason } => {
                if rule == SECRET_VALUE_RULE {
                    // "known value #N is shorter…": values come from the variables, in order.
                    if let Some(n) = reason
                        .strip_prefix("known value #")
                        .and_then(|rest| rest.split(' ').next())
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        let index = n.checked_sub(1)?.checked_sub(values_before)?;
                        return (index < self.secret_values_from_env.len())
                            .then(|| format!("secret_values_from_env[{index}]"));
                    }
                    return self
                        .secret_values_from_env
                        .iter()
                        .position(|var| reason.contains(&format!("variable {var} ")))
                        .map(|i| format!("secret_values_from_env[{i}]"));
                }
                if rule == "replacement" {
                    return self.replacement.is_some().then(|| "replacement".into());
                }
                custom(rule)
                    .or_else(|| in_list(&self.exempt_fields, "exempt_fields", rule))
                    .or_else(|| in_list(&self.sensitive_keys, "sensitive_keys", rule))
                    .or_else(|| in_replacements(rule))
            }
            Error::Config { entry, error } => {
                // An error inside a scope: the scope's entry, then the entry within it.
                let target = entry.strip_prefix("scope(")?.strip_suffix(')')?;
                let scope = self.scopes.get(target)?;
                // Known values are numbered across the configuration outside, the scopes
                // around this one, then its own.
                let before = self.secret_values_from_env.len()
                    + self
                        .scopes
                        .iter()
                        .filter(|(outer, _)| {
                            *outer != target && crate::redactor::covers(outer, target)
                        })
                        .map(|(_, outer)| outer.secret_values_from_env.len())
                        .sum::<usize>();
                let inner = scope.locate_with(error, before).unwrap_or_default();
                Some(
                    format!("scopes.{target}.{inner}")
                        .trim_end_matches('.')
                        .to_owned(),
                )
            }
        }
    }
}
