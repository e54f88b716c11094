//! Keep secrets and personal data out of your logs.
//!
//! `tracing-redact` is a `tracing` layer that finds credentials (AWS access keys, secret keys,
//! session tokens, SigV4 signatures, `Authorization` headers, cookies, vendor tokens, private
//! keys) and personal data (e-mail, phone, payment cards, SSNs, IBANs) in the fields of events
//! and spans and replaces them before any formatter writes them, fast enough to sit on every
//! log call.
//!
//! Debug logging is switched on exactly when something is on fire, and that is when an SDK's
//! wire trace prints `Authorization: AWS4-HMAC-SHA256 Credential=AKIA…, Signature=…`,
//! `x-amz-security-token` and freshly issued secret keys. "Avoid logging sensitive
//! information" is not a control; a redactor between the events and the writer is.
//!
//! # The layer
//!
//! [`RedactLayer`] wraps the layer that writes your logs (fmt text or JSON, OpenTelemetry,
//! your own) and hands it a scrubbed copy of every event and span, keeping metadata, parents
//! and value kinds as they were. [`fmt::layer()`] is `tracing_subscriber::fmt::layer()`
//! wrapped, with a field formatter of its own (see [`fmt`] for why):
//!
//! ```
//! use tracing_subscriber::prelude::*;
//! # let out = tracing_redact::testing::Captured::default();
//!
//! let layer = tracing_redact::fmt::layer()
//!     .map_inner(|fmt| fmt.without_time().with_ansi(false).with_writer(out.clone()));
//! let stats = layer.stats();
//! tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
//!     let span = tracing::info_span!("assume_role", role = "deploy");
//!     let _entered = span.enter();
//!     tracing::debug!(
//!         secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
//!         status = 200,
//!         "credentials for AKIA2E0A8F3B244C9986 issued"
//!     );
//! });
//! assert_eq!(
//!     out.text(),
//!     "DEBUG assume_role{role=\"deploy\"}: rust_out: credentials for \
//!      [REDACTED:aws-access-key-id] issued \
//!      secret_access_key=\"[REDACTED:aws-secret-access-key]\" status=200\n"
//! );
//! assert_eq!(stats.to_string(), "aws-access-key-id=1 aws-secret-access-key=1");
//! ```
//!
//! * [`aws`]: the counterpart of `boto3.set_stream_logger` for the AWS SDK for Rust.
//! * [`RedactingMakeWriter`]: a second line of defence on the formatted bytes.
//! * [`testing`]: capture writers, the leak check and (feature `proptest`) strategies to
//!   property-test your own subscriber stack.
//! * `otel` (feature `opentelemetry`): the OpenTelemetry trace and log bridges, wrapped, and
//!   scrubbed replacements for the span calls that bypass every layer.
//! * `config` (feature `serde`): the whole configuration read from TOML, YAML or JSON.
//!
//! # The engine
//!
//! [`Redactor`] is the matching engine with the built-in [rule catalogue](rules()):
//!
//! ```
//! use tracing_redact::Redactor;
//!
//! let redactor = Redactor::default();
//! let line = concat!(
//!     "authorization: AWS4-HMAC-SHA256 ",
//!     "Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/sts/aws4_request, ",
//!     "SignedHeaders=host;x-amz-date, ",
//!     "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
//! );
//! assert_eq!(
//!     redactor.redact(line),
//!     concat!(
//!         "authorization: AWS4-HMAC-SHA256 ",
//!         "Credential=[REDACTED:aws-access-key-id]/20261124/us-east-1/sts/aws4_request, ",
//!         "SignedHeaders=host;x-amz-date, ",
//!         "Signature=[REDACTED:aws-signature]",
//!     )
//! );
//! ```
//!
//! Precision matters as much as recall: UUIDs, git SHAs, `sha256:` digests, timestamps, ARNs,
//! request ids and epoch-millisecond numbers come through untouched.
//!
//! ```
//! let r = tracing_redact::Redactor::default();
//! let clean = "req 2f1d8e0a-6c1b-4b7e-9a55-0d3c7e6f9b21 at 2026-11-24T10:28:05Z \
//!              sha 9fceb02d0ae598e95dc970b74767f19372d61af8 ts=1732443000123 \
//!              arn:aws:iam::123456789012:role/deploy region=us-east-1";
//! assert_eq!(r.redact(clean), clean);
//! ```
//!
//! # Configuration
//!
//! [`Redactor::builder`] enables and disables rules or families, adds [`CustomRule`]s and
//! sensitive key names, allowlists literals and patterns, and picks the [`Replacement`]
//! (label, fixed text, partial mask, keyed hash). Mistakes are an [`Error`] from
//! [`RedactorBuilder::build`], never a failure at log time.
//!
//! # Failing closed
//!
//! A value over the size limit is replaced whole by a marker rather than passed through
//! unscanned; invalid UTF-8 is scanned as bytes; no input makes the engine panic.
//!
//! # Design
//!
//! Four parts, each apart from the others, and imported in one direction (integration →
//! engine → rules → building blocks):
//!
//! * **Rules** (`src/rules/`, data): *what* to find, one family a file, listed by [`rules()`].
//!   A vendor credential is one entry in `rules/vendor.rs`: its prefix or the context before
//!   it, its parts (an alphabet and a length each), the issuer's page for the format, three
//!   positives and three near misses, which the tests run. Other rules are regexes with
//!   keywords (`rules/tokens.rs`, `rules/aws.rs`, `rules/hashes.rs`), key names
//!   (`rules/keys.rs`) or found by the engine's scanners (`rules/pii.rs`,
//!   `rules/network.rs`). What changes the engine's behaviour for a rule is a typed
//!   property of its entry (the slot its scanner reports to, its placeholder guard, the
//!   form a mask keeps), never a comparison of ids.
//! * **Engine** (`src/engine/`, machinery): *how* to find every enabled rule in one go, one
//!   module a stage: `build` compiles the rules into searchers and tables once, and chooses
//!   where each keyword is looked for from the rule's regex (`util::regex_facts`), not from
//!   anything the rule says about searching;
//!   `candidates` runs the keyword passes (`keywords`, SIMD Teddy), the rare-byte pass and
//!   the scanners (`digits`, `email`, `aws_context`); `shapes` dispatches token starts
//!   through prefix and context tables, at a cost that does not grow with the number of
//!   shapes; `verify` runs triggered regexes and hand matchers; `keyvalue` decides where a
//!   value after a key ends; `merge` filters and merges findings, which [`Redactor`]
//!   renders.
//! * **Building blocks** (`src/util/`): what knows no rule. `classify` computes byte-class
//!   bit masks of 64-byte blocks (SSE2 through `safe_arch`, with a portable reference the
//!   tests compare it with), `runs` finds runs in them, `text` holds token boundaries and
//!   our markers, `checksum` Luhn, mod 97, CRC-32 and entropy, `long_literals` the skipping
//!   search for known secret values, `regex_facts` what every match of a regex starts with.
//! * **Integration** (`src/layer/`, [`fmt`], [`RedactingMakeWriter`]): the `tracing` side:
//!   reading fields, rebuilding events with their metadata, counters.
//!
//! Where to add a rule: a token with a prefix or a fixed context goes to `rules/vendor.rs`
//! (one entry); a key name to [`RedactorBuilder::sensitive_key`] (or `rules/keys.rs` for
//! everyone); anything else is a [`CustomRule`].

// One `unsafe` block exists: forwarding `Layer::downcast_raw`, which tracing-subscriber
// declares `unsafe fn` (see `layer/mod.rs`). Everything else is safe code.
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod aws;
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub mod config;
mod engine;
mod error;
mod finding;
pub mod fmt;
mod layer;
#[cfg(feature = "opentelemetry")]
#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
pub mod otel;
mod redactor;
mod replacement;
pub mod rules;
pub mod secret_values;
#[cfg(test)]
mod test_rng;
pub mod testing;
mod util;
mod writer;

pub use error::Error;
pub use finding::{Finding, Findings};
pub use layer::{RedactLayer, RedactLayerExt, Redaction, RedactionStats};
pub use redactor::{CustomRule, Redactor, RedactorBuilder, DEFAULT_MAX_VALUE_LEN, MAX_PASSES};
pub use replacement::{Mask, Replacement, MASK_FILLS, MAX_MASK_LEN};
pub use rules::{catalogue_markdown, rules, Family, RuleInfo};
pub use writer::{RedactingMakeWriter, RedactingWriter};

/// The README's examples run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
