//! The error type returned when a [`RedactorBuilder`](crate::RedactorBuilder) is given a bad
//! configuration.

use std::fmt;

/// What went wrong while building a [`Redactor`](crate::Redactor).
///
/// Every configuration problem is reported here, at build time, so that a redactor that
/// was built successfully can never fail at log time.
///
/// ```
/// use tracing_redact::{CustomRule, Error, Redactor};
///
/// let err = Redactor::builder()
///     .custom_rule(CustomRule::new("acme-token", r"acme_[a-z"))
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, Error::InvalidPattern { ref rule, .. } if rule == "acme-token"));
/// assert!(err.to_string().contains("acme-token"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A custom rule's or allowlist's regular expression does not compile.
    InvalidPattern {
        /// The rule id, or `allowlist` for an allowlist pattern.
        rule: String,
        /// The regex parser's explanation, including the position of the problem.
        message: String,
    },
    /// `enable`, `disable` or `replacement_for` named neither a rule nor a family.
    UnknownRule(String),
    /// Two rules share one id.
    DuplicateRule(String),
    /// A custom rule, key name or keyword is unusable (for example empty).
    InvalidRule {
        /// The rule id or key name concerned.
        rule: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A part of the configuration is at fault: an entry of a configuration file
    /// (`config::RedactionConfig`, feature `serde`) or a scope
    /// ([`RedactorBuilder::scope`](crate::RedactorBuilder::scope)).
    Config {
        /// Where: `custom_rules[1]`, `replacements.email`, `enable[0]`, `scope(app::users)`.
        entry: String,
        /// What is wrong with it.
        error: Box<Error>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPattern { rule, message } => {
                write!(f, "rule `{rule}`: invalid pattern: {message}")
            }
            Error::UnknownRule(id) => write!(f, "no rule or family is called `{id}`"),
            Error::DuplicateRule(id) => write!(f, "rule id `{id}` is used twice"),
            Error::InvalidRule { rule, reason } => write!(f, "rule `{rule}`: {reason}"),
            Error::Config { entry, error } => {
                write!(f, "configuration entry `{entry}`: {error}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config { error, .. } => Some(error),
            _ => None,
        }
    }
}
