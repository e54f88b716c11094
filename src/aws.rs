//! Safe debug logging for the AWS SDK for Rust: the counterpart of `boto3.set_stream_logger`.
//!
//! Python users switch on SDK logging with `boto3.set_stream_logger(name, level)` on top of
//! `logging.basicConfig(level=...)`, whose default is `WARNING`. This module gives the same
//! three switches for `aws-sdk-*` crates, with the output going through [`RedactLayer`], so
//! the access key ids, secret keys, session tokens and signatures that the SDK prints at
//! `DEBUG` and `TRACE` never reach the log:
//!
//! ```
//! use tracing::Level;
//! use tracing_redact::aws::{self, AwsLog};
//!
//! // boto3.set_stream_logger('botocore.client.STS', logging.DEBUG)
//! let stats = aws::set_stream_logger(AwsLog::Service("STS"), Level::DEBUG)?;
//! // ... build the client and call it ...
//! eprintln!("redacted: {stats}");
//! # Ok::<(), tracing::subscriber::SetGlobalDefaultError>(())
//! ```
//!
//! # From boto3 to Rust
//!
//! | boto3 | logs | Rust | `EnvFilter` directives |
//! |---|---|---|---|
//! | `set_stream_logger('boto3', logging.DEBUG)` | all SDK activity | `set_stream_logger(AwsLog::All, Level::DEBUG)` | `warn,aws=debug,hyper_util::client::legacy::connect=debug` |
//! | `set_stream_logger('botocore.client.S3', logging.DEBUG)` | one service's operations | `set_stream_logger(AwsLog::Service("S3"), Level::DEBUG)` | `warn,[{rpc.service=^S3}]=debug` |
//! | `set_stream_logger('botocore', logging.DEBUG)` | request/response wire trace | `set_stream_logger(AwsLog::Wire, Level::TRACE)` | `warn,aws_smithy_runtime::client::orchestrator=trace,aws_sigv4::http_request=trace,aws_smithy_http_client=debug,hyper_util::client::legacy::connect=debug` |
//! | `logging.basicConfig()` (level `WARNING`) | the rest of the application | included in every preset | `warn` |
//!
//! botocore logs response bodies at `DEBUG`; the Rust SDK replaces the bodies of operations
//! with sensitive output (such as `AssumeRole`'s credentials) with `** REDACTED **` unless the
//! environment variable `LOG_SENSITIVE_BODIES=true` is set, which it reads at log time.
//!
//! What the directives mean, as the SDK's `tracing` output actually is:
//!
//! * **All SDK activity** ([`AwsLog::All`]): every target starting with `aws` (`aws_config`,
//!   `aws_sdk_*`, `aws_smithy_*`, `aws_sigv4`, `aws_runtime`, `aws_types`, ...), plus
//!   `hyper_util`'s connection events. Targets match as string prefixes, so `aws` also
//!   covers any other crate whose name starts with `aws`.
//! * **One service** ([`AwsLog::Service`]): the SDK opens one span per operation, named
//!   `<Service>.<Operation>` (such as `STS.AssumeRole`) with the field `rpc.service`, and
//!   everything the operation does (serialisation, endpoint resolution, identity, signing,
//!   the HTTP exchange, deserialisation) happens inside it, in many crates. The directive
//!   `[{rpc.service=^STS}]=debug` enables everything inside spans of that service, whatever
//!   the crate. A target directive such as `aws_sdk_sts=debug` yields almost nothing (the
//!   work happens in `aws_smithy_runtime`), and would also match `aws_sdk_stsfoo`: target
//!   prefixes match as strings (`aws_sdk_s3` matches `aws_sdk_s3control` too). The field
//!   value is a regular expression that must match the end of the value; the `^` this module
//!   adds makes it the whole value, and ASCII punctuation in the name is escaped (`\x2E`).
//!   One operation alone is `[STS.AssumeRole]=debug`.
//! * **Wire** ([`AwsLog::Wire`]): the orchestrator (`transmitting request`, `received
//!   response from service`, `read HTTP response body`), the SigV4 signer (`signing
//!   request` with the signing parameters, and the canonical request), the HTTP client and
//!   `hyper_util`'s connector. The HTTP client and the connector are capped at `DEBUG`
//!   (their `TRACE` output is connection-pool noise).
//!
//! The Rust SDK logs the wire trace (requests, responses, bodies, the canonical request) at
//! `TRACE`, where botocore uses `DEBUG`: pass [`Level::TRACE`] to see it, whatever the mode.
//!
//! What the SDK prints there: access key ids (`AKIA…`, and the `ASIA…` ids `AssumeRole`
//! returns) in resolved identities, signing parameters, the config bag and a dump of the
//! runtime components (and endpoint parameters, for services with account-based endpoints);
//! account ids and ARNs; whole response bodies, including, with
//! `LOG_SENSITIVE_BODIES=true`, the `SecretAccessKey` and `SessionToken` of credential
//! responses; the canonical request; older runtime crates also print the `Authorization`
//! header with its signature and `x-amz-security-token`. The redaction layer removes the
//! secrets and keeps the rest (operations, status codes, request ids, regions, ARNs).
//!
//! # Your own stack
//!
//! [`env_filter`] (or the [`directives`] string, to combine with your own) and
//! [`fmt::layer`](crate::fmt::layer) are the pieces [`set_stream_logger`] assembles:
//!
//! ```
//! use tracing::Level;
//! use tracing_redact::aws::{self, AwsLog};
//! use tracing_redact::testing::Captured;
//! use tracing_subscriber::prelude::*;
//!
//! let out = Captured::default();
//! let layer = tracing_redact::fmt::layer()
//!     .map_inner(|fmt| fmt.with_ansi(false).without_time().with_writer(out.clone()));
//! let stats = layer.stats();
//! let subscriber = tracing_subscriber::registry()
//!     .with(aws::env_filter(&AwsLog::Service("STS"), Level::TRACE))
//!     .with(layer);
//!
//! tracing::subscriber::with_default(subscriber, || {
//!     // The span the SDK opens around every STS operation.
//!     let op = tracing::debug_span!(
//!         "STS.AssumeRole",
//!         "rpc.service" = "STS",
//!         "rpc.method" = "AssumeRole"
//!     );
//!     op.in_scope(|| {
//!         tracing::trace!(
//!             target: "aws_smithy_runtime::client::orchestrator::http",
//!             response = "<AccessKeyId>ASIAQ3EGR7XK5N2HW4TZ</AccessKeyId>\
//!                         <SecretAccessKey>u8Zk3Qp0Vn7Lr2Xw9Ty4Bd6Hf1Jm5Sc0Ea8Gi3No</SecretAccessKey>",
//!             "read HTTP response body"
//!         );
//!     });
//!     // Outside an STS operation: below WARN, so filtered out, like Python's default.
//!     tracing::info!("application chatter");
//!     tracing::warn!("application warning");
//! });
//!
//! let text = out.text();
//! assert!(text.contains("STS.AssumeRole"));
//! assert!(text.contains("read HTTP response body"));
//! assert!(!text.contains("ASIAQ3EGR7XK5N2HW4TZ"));
//! assert!(!text.contains("u8Zk3Qp0Vn7Lr2Xw9Ty4Bd6Hf1Jm5Sc0Ea8Gi3No"));
//! assert!(!text.contains("application chatter"));
//! assert!(text.contains("application warning"));
//! assert_eq!(stats.count("aws-access-key-id"), 1);
//! ```
//!
//! The library does not depend on the AWS SDK: the presets are filter directives over the
//! SDK's target names and span fields.

use crate::fmt::RedactedFields;
use crate::{RedactLayer, RedactionStats, Redactor};
use std::fmt::Write as _;
use tracing::subscriber::SetGlobalDefaultError;
use tracing::Level;
use tracing_subscriber::filter::EnvFilter;
use tracing_subscriber::fmt::format::DefaultFields;
use tracing_subscriber::layer::SubscriberExt;

/// The level of everything outside the SDK, as Python's `logging` default (`WARNING`).
pub const REST_OF_APP: Level = Level::WARN;

/// Which AWS SDK output to log: the three names boto3 users pass to `set_stream_logger`.
///
/// See the [module docs](self) for the directives each one stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AwsLog {
    /// All SDK activity, like boto3's `'boto3'` logger: every `aws*` target and
    /// `hyper_util`'s connection events.
    All,
    /// One service's operations, like `'botocore.client.S3'`: everything inside the SDK's
    /// operation spans whose `rpc.service` field is this name (the part before the dot in
    /// span names such as `STS.AssumeRole`; e.g. `"STS"`, `"S3"`, `"DynamoDB"`).
    Service(&'static str),
    /// The request/response wire trace, like `'botocore'`: the orchestrator, the SigV4 signer,
    /// the HTTP client and the connector. The Rust SDK logs it at `TRACE`.
    Wire,
}

/// The `EnvFilter` directives for `mode` at `level`, the rest of the application at
/// [`REST_OF_APP`] (`WARN`); usable as `RUST_LOG` or joined with your own directives by `,`.
///
/// ```
/// use tracing::Level;
/// use tracing_redact::aws::{directives, AwsLog};
///
/// assert_eq!(
///     directives(&AwsLog::All, Level::DEBUG),
///     "warn,aws=debug,hyper_util::client::legacy::connect=debug"
/// );
/// assert_eq!(
///     directives(&AwsLog::Service("STS"), Level::TRACE),
///     "warn,[{rpc.service=^STS}]=trace"
/// );
/// assert_eq!(
///     directives(&AwsLog::Wire, Level::TRACE),
///     "warn,aws_smithy_runtime::client::orchestrator=trace,aws_sigv4::http_request=trace,\
///      aws_smithy_http_client=debug,hyper_util::client::legacy::connect=debug"
/// );
///
/// // Several presets at once (`warn` appearing twice is harmless):
/// let both = [AwsLog::Service("STS"), AwsLog::Wire].map(|m| directives(&m, Level::TRACE));
/// let _filter = tracing_subscriber::EnvFilter::new(both.join(","));
/// ```
pub fn directives(mode: &AwsLog, level: Level) -> String {
    let base = level_name(REST_OF_APP);
    let l = level_name(level);
    // Connection and HTTP client events: their TRACE output is pool noise.
    let capped = level_name(level.min(Level::DEBUG));
    match mode {
        AwsLog::All => format!("{base},aws={l},hyper_util::client::legacy::connect={capped}"),
        AwsLog::Service(service) => {
            format!("{base},[{{rpc.service=^{}}}]={l}", escape_service(service))
        }
        AwsLog::Wire => format!(
            "{base},aws_smithy_runtime::client::orchestrator={l},aws_sigv4::http_request={l},\
             aws_smithy_http_client={capped},hyper_util::client::legacy::connect={capped}"
        ),
    }
}

/// The [`EnvFilter`] for `mode` at `level`, the rest of the application at
/// [`REST_OF_APP`] (`WARN`): the [`directives`], parsed.
///
/// ```
/// use tracing::Level;
/// use tracing_redact::aws::{env_filter, AwsLog};
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(env_filter(&AwsLog::Wire, Level::TRACE))
///     .with(tracing_redact::fmt::layer());
/// # let _ = subscriber;
/// ```
pub fn env_filter(mode: &AwsLog, level: Level) -> EnvFilter {
    // Every directive `directives` writes parses (service names are escaped), so nothing is
    // ever dropped here; `parse_lossy` only keeps this free of a panic path.
    EnvFilter::builder().parse_lossy(directives(mode, level))
}

/// Logs `mode` at `level` to stderr through the redaction layer, like
/// `boto3.set_stream_logger(name, level)`: installs a registry with [`env_filter`] and
/// [`fmt::layer`](crate::fmt::layer) (text, to stderr) as the global default subscriber.
///
/// Returns the layer's [`RedactionStats`], to report what was redacted. Returns an error,
/// and changes nothing, if a global default subscriber is already set (by an earlier call
/// or anyone else).
///
/// ```
/// use tracing::Level;
/// use tracing_redact::aws::{set_stream_logger, AwsLog};
///
/// let stats = set_stream_logger(AwsLog::All, Level::DEBUG).expect("first subscriber");
/// tracing::debug!(target: "aws_config::profile", access_key_id = "AKIAZ7ML3QH5XRN2TW4K");
/// assert_eq!(stats.count("aws-access-key-id"), 1);
///
/// // A second global subscriber is refused, not a panic.
/// assert!(set_stream_logger(AwsLog::Wire, Level::TRACE).is_err());
/// ```
pub fn set_stream_logger(
    mode: AwsLog,
    level: Level,
) -> Result<RedactionStats, SetGlobalDefaultError> {
    set_stream_logger_with(mode, level, Redactor::default())
}

/// [`set_stream_logger`] with a configured [`Redactor`] (extra rules, key names,
/// allowlists, replacements).
///
/// ```
/// use tracing::Level;
/// use tracing_redact::aws::{set_stream_logger_with, AwsLog};
/// use tracing_redact::{Redactor, Replacement};
///
/// let redactor = Redactor::builder()
///     .sensitive_key("tenant_secret")
///     .replacement(Replacement::fixed("***"))
///     .build()?;
/// let stats = set_stream_logger_with(AwsLog::All, Level::DEBUG, redactor)?;
/// tracing::debug!(target: "aws_config", tenant_secret = "blue-42", "loaded");
/// assert_eq!(stats.count("sensitive-key"), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn set_stream_logger_with(
    mode: AwsLog,
    level: Level,
    redactor: Redactor,
) -> Result<RedactionStats, SetGlobalDefaultError> {
    let fmt = tracing_subscriber::fmt::layer()
        .fmt_fields(RedactedFields::new(DefaultFields::new()))
        .with_writer(std::io::stderr);
    let layer = RedactLayer::with_redactor(fmt, redactor);
    let stats = layer.stats();
    let subscriber = tracing_subscriber::registry()
        .with(env_filter(&mode, level))
        .with(layer);
    // Not `SubscriberInitExt::try_init`: with tracing-subscriber's `tracing-log` feature
    // (enabled by anyone in the build) it also installs a `log` bridge, and can fail after
    // the subscriber is already installed.
    tracing::subscriber::set_global_default(subscriber)?;
    Ok(stats)
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        _ => "error",
    }
}

/// A service name as an `EnvFilter` field-value regex that matches it literally and survives
/// the directive syntax (`,`, `]`, `}` and `=` end or split a directive).
fn escape_service(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() && !matches!(c, '_' | '-' | ' ') {
            // `\xHH`, not `\x{HH}`: a `}` would end the field in the directive. Writing to a
            // `String` cannot fail.
            let _ = write!(out, "\\x{:02X}", u32::from(c));
        } else {
            // Letters, digits, `_`, `-`, spaces, and non-ASCII characters (no regex or
            // directive syntax is outside ASCII).
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Captured;

    #[test]
    fn directive_strings() {
        assert_eq!(
            directives(&AwsLog::All, Level::TRACE),
            "warn,aws=trace,hyper_util::client::legacy::connect=debug"
        );
        assert_eq!(
            directives(&AwsLog::All, Level::INFO),
            "warn,aws=info,hyper_util::client::legacy::connect=info"
        );
        assert_eq!(
            directives(&AwsLog::Service("S3"), Level::DEBUG),
            "warn,[{rpc.service=^S3}]=debug"
        );
        assert_eq!(
            directives(&AwsLog::Wire, Level::DEBUG),
            "warn,aws_smithy_runtime::client::orchestrator=debug,aws_sigv4::http_request=debug,\
             aws_smithy_http_client=debug,hyper_util::client::legacy::connect=debug"
        );
        assert_eq!(
            directives(&AwsLog::Wire, Level::ERROR),
            "warn,aws_smithy_runtime::client::orchestrator=error,aws_sigv4::http_request=error,\
             aws_smithy_http_client=error,hyper_util::client::legacy::connect=error"
        );
    }

    #[test]
    fn service_names_are_escaped() {
        assert_eq!(escape_service("CloudWatch Logs"), "CloudWatch Logs");
        assert_eq!(escape_service("a.b"), "a\\x2Eb");
        assert_eq!(escape_service("x}],=y\\"), "x\\x7D\\x5D\\x2C\\x3Dy\\x5C");
        assert_eq!(escape_service("é"), "é");
    }

    #[test]
    fn every_directive_parses() {
        let modes = [
            AwsLog::All,
            AwsLog::Wire,
            AwsLog::Service("STS"),
            AwsLog::Service("CloudWatch Logs"),
            AwsLog::Service("we}ird],na=me.*"),
            AwsLog::Service("(é\\"),
            AwsLog::Service(""),
        ];
        let levels = [
            Level::TRACE,
            Level::DEBUG,
            Level::INFO,
            Level::WARN,
            Level::ERROR,
        ];
        for mode in &modes {
            for level in levels {
                let dirs = directives(mode, level);
                if let Err(e) = EnvFilter::builder().parse(&dirs) {
                    panic!("{dirs:?} does not parse: {e}");
                }
            }
        }
    }

    /// Which of the events emitted by `f` pass `filter`.
    fn passing(filter: EnvFilter, f: impl FnOnce()) -> String {
        use tracing_subscriber::prelude::*;
        let out = Captured::default();
        let subscriber = tracing_subscriber::registry().with(filter).with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .without_time()
                .with_writer(out.clone()),
        );
        tracing::subscriber::with_default(subscriber, f);
        out.text()
    }

    fn in_service(service: &'static str, message: &str) {
        let span = tracing::debug_span!(
            "op",
            "rpc.service" = service,
            "rpc.method" = "Call",
            "rpc.system" = "aws-api"
        );
        span.in_scope(|| {
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator", "{message}");
        });
    }

    #[test]
    fn service_filter_matches_the_whole_name() {
        let f = |service: &'static str| {
            passing(env_filter(&AwsLog::Service(service), Level::TRACE), || {
                in_service("S3", "s3 event");
                in_service("S3Control", "s3control event");
                in_service("AmazonS3", "amazons3 event");
                in_service("CloudWatch Logs", "logs event");
                in_service("a.b", "dotted event");
                in_service("axb", "axb event");
                tracing::debug!(target: "aws_sdk_s3", "outside any span");
                tracing::warn!(target: "app", "app warning");
            })
        };
        let s3 = f("S3");
        assert!(s3.contains("s3 event"), "{s3}");
        assert!(!s3.contains("s3control event"), "{s3}");
        assert!(!s3.contains("amazons3 event"), "{s3}");
        assert!(!s3.contains("outside any span"), "{s3}");
        assert!(s3.contains("app warning"), "{s3}");
        // The operation span itself is enabled and printed with its fields.
        assert!(s3.contains("rpc.service=\"S3\""), "{s3}");

        let logs = f("CloudWatch Logs");
        assert!(logs.contains("logs event"), "{logs}");
        assert!(!logs.contains("s3 event"), "{logs}");

        let dotted = f("a.b");
        assert!(dotted.contains("dotted event"), "{dotted}");
        assert!(!dotted.contains("axb event"), "{dotted}");
    }

    #[test]
    fn all_and_wire_targets() {
        let emit = || {
            tracing::trace!(target: "aws_config::profile", "config trace");
            tracing::trace!(target: "aws_sdk_sts::operation", "sdk trace");
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator::http", "wire trace");
            tracing::trace!(target: "aws_sigv4::http_request::sign", "signer trace");
            tracing::trace!(target: "aws_smithy_http_client::client", "client trace");
            tracing::debug!(target: "aws_smithy_http_client::client", "client debug");
            tracing::trace!(target: "hyper_util::client::legacy::connect::http", "connect trace");
            tracing::debug!(target: "hyper_util::client::legacy::connect::http", "connect debug");
            tracing::debug!(target: "hyper_util::client::legacy::pool", "pool debug");
            tracing::info!(target: "app", "app info");
            tracing::warn!(target: "app", "app warn");
        };
        let all = passing(env_filter(&AwsLog::All, Level::TRACE), emit);
        for seen in [
            "config trace",
            "sdk trace",
            "wire trace",
            "signer trace",
            "client trace",
            "connect debug",
            "app warn",
        ] {
            assert!(all.contains(seen), "{seen} missing from\n{all}");
        }
        for unseen in ["connect trace", "pool debug", "app info"] {
            assert!(!all.contains(unseen), "{unseen} in\n{all}");
        }

        let wire = passing(env_filter(&AwsLog::Wire, Level::TRACE), emit);
        for seen in [
            "wire trace",
            "signer trace",
            "client debug",
            "connect debug",
            "app warn",
        ] {
            assert!(wire.contains(seen), "{seen} missing from\n{wire}");
        }
        for unseen in [
            "config trace",
            "sdk trace",
            "client trace",
            "connect trace",
            "pool debug",
            "app info",
        ] {
            assert!(!wire.contains(unseen), "{unseen} in\n{wire}");
        }
    }
}
