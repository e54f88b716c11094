//! The real AWS SDK (`aws-sdk-sts`) against an in-process fake STS endpoint, logged at `TRACE`
//! with every `tracing_redact::aws` preset and `LOG_SENSITIVE_BODIES=true`, as text and JSON.
//!
//! The SDK tests run the client and calls of `examples/aws_sts_debug.rs` (the same code,
//! included below) under a subscriber of their own, on a current-thread tokio runtime so that
//! every SDK event happens on the test's thread:
//!
//! 1. without redaction, the canaries (key ids, the returned secret key and session token) do
//!    appear: the test is not vacuous, whatever this SDK version prints;
//! 2. with redaction, no secret and no SigV4 signature appears, in text or JSON, and the
//!    output still shows operations, status codes, request ids and the region.
//!
//! Then the shapes older SDK versions print (recorded, not produced by the SDK in use), through
//! `Redactor::default()`.

#[path = "../examples/aws_sts_debug.rs"]
#[allow(dead_code)] // `main` and helpers only the demo uses
mod demo;

mod support;

use regex::Regex;
use serde_json::Value;
use std::sync::Once;
use tracing_redact::testing::{find_leak, Captured};
use tracing_redact::{RedactionStats, Redactor};
use tracing_subscriber::fmt::{
    self,
    format::{Format, Json, JsonFields},
};
use tracing_subscriber::prelude::*;

/// `LOG_SENSITIVE_BODIES` is process-global and tests run on parallel threads: set it once,
/// before any client exists.
fn log_sensitive_bodies() {
    static ONCE: Once = Once::new();
    ONCE.call_once(demo::log_sensitive_bodies);
}

/// One run of the demo's calls, and what it logged.
struct Run {
    text: String,
    /// The JSON output as written (one object per line).
    json: String,
    /// Every string in the JSON output, decoded (JSON escaping undone).
    json_strings: String,
    outcome: demo::Outcome,
    requests: Vec<demo::RecordedRequest>,
    stats: Option<RedactionStats>,
}

impl Run {
    /// Text, JSON as written, and decoded JSON strings: everything a reader could see.
    fn all(&self) -> String {
        format!("{}\n{}\n{}", self.text, self.json, self.json_strings)
    }

    /// The SigV4 signatures the endpoint received.
    fn sent_signatures(&self) -> Vec<String> {
        let heads: Vec<&str> = self.requests.iter().map(|r| r.head.as_str()).collect();
        signatures(&heads.join("\n"))
    }
}

/// Runs the demo's calls with a fresh endpoint, logging through `redact`ed or raw text and
/// JSON `fmt` layers.
fn run(redact: bool) -> Run {
    log_sensitive_bodies();
    let text = Captured::default();
    let json = Captured::default();
    let calls = || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async {
            let server = demo::FakeSts::start().await.expect("fake STS endpoint");
            let outcome = demo::run_calls(&server.endpoint_url(), demo::builtin_credentials())
                .await
                .unwrap_or_else(|e| panic!("calls failed: {e}"));
            let requests = server.requests();
            server.shutdown().await;
            (outcome, requests)
        })
    };
    let ((outcome, requests), stats) = if redact {
        let text_layer = tracing_redact::fmt::layer()
            .map_inner(|l| l.with_ansi(false).with_writer(text.clone()));
        let stats = text_layer.stats();
        let subscriber = tracing_subscriber::registry()
            .with(demo::demo_filter())
            .with(text_layer)
            .with(tracing_redact::fmt::redact(json_fmt(json.clone())));
        (
            tracing::subscriber::with_default(subscriber, calls),
            Some(stats),
        )
    } else {
        let subscriber = tracing_subscriber::registry()
            .with(demo::demo_filter())
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(text.clone()),
            )
            .with(json_fmt(json.clone()));
        (tracing::subscriber::with_default(subscriber, calls), None)
    };

    let json = json.text();
    let mut json_strings = String::new();
    for line in json.lines() {
        let value: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("bad JSON line {line:?}: {e}"));
        support::collect_strings(&value, &mut json_strings);
    }
    let run = Run {
        text: text.text(),
        json,
        json_strings,
        outcome,
        requests,
        stats,
    };
    // The subscriber saw the SDK: not a vacuous run.
    assert!(
        run.text.lines().count() > 100,
        "too few lines captured:\n{}",
        run.text
    );
    assert!(run.json.lines().count() > 100, "too few JSON lines");
    assert_eq!(run.requests.len(), 3, "three calls reach the endpoint");
    run
}

/// The JSON `fmt` layer of both runs (`fmt::redact` swaps its field formatter).
fn json_fmt<S>(out: Captured) -> fmt::Layer<S, JsonFields, Format<Json>, Captured> {
    fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_writer(out)
}

/// Every SigV4 signature (`Signature=<64 hex>`) in `text`.
fn signatures(text: &str) -> Vec<String> {
    let re = Regex::new(r"Signature=([0-9a-f]{64})").expect("regex");
    re.captures_iter(text).map(|c| c[1].to_owned()).collect()
}

/// The secrets of a run: the starting credentials and what `AssumeRole` returned.
fn secrets(run: &Run) -> Vec<String> {
    vec![
        demo::ACCESS_KEY_ID.to_owned(),
        demo::SECRET_ACCESS_KEY.to_owned(),
        run.outcome.assumed_access_key_id.clone(),
        run.outcome.assumed_secret_access_key.clone(),
        run.outcome.assumed_session_token.clone(),
    ]
}

#[test]
fn the_fake_endpoint_issues_the_demo_credentials() {
    let raw = run(false);
    let o = &raw.outcome;
    assert_eq!(o.caller_arn, demo::USER_ARN);
    assert_eq!(o.assumed_access_key_id, demo::ASSUMED_ACCESS_KEY_ID);
    assert_eq!(o.assumed_secret_access_key, demo::ASSUMED_SECRET_ACCESS_KEY);
    assert_eq!(o.assumed_session_token, demo::ASSUMED_SESSION_TOKEN);
    assert_eq!(o.assumed_caller_arn, demo::ASSUMED_ROLE_ARN);
    assert!(o.request_ids.iter().all(|id| id.len() == 36), "{o:?}");
    // What went over the wire: signed requests, the third with the issued session token.
    assert_eq!(raw.sent_signatures().len(), 3);
    assert!(raw.requests[1].body.contains("Action=AssumeRole"));
    let third = raw.requests[2].head.to_ascii_lowercase();
    assert!(third.contains(&format!(
        "x-amz-security-token: {}",
        demo::ASSUMED_SESSION_TOKEN.to_ascii_lowercase()
    )));
    assert!(third.contains(&format!(
        "credential={}",
        demo::ASSUMED_ACCESS_KEY_ID.to_ascii_lowercase()
    )));
}

#[test]
fn the_fake_endpoint_shuts_down() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let server = demo::FakeSts::start().await.expect("fake STS endpoint");
        let url = server.endpoint_url();
        let addr = url.trim_start_matches("http://").to_owned();
        assert!(addr.starts_with("127.0.0.1:"), "{url}");
        tokio::net::TcpStream::connect(&addr)
            .await
            .expect("the endpoint accepts connections");
        server.shutdown().await;
        assert!(
            tokio::net::TcpStream::connect(&addr).await.is_err(),
            "{addr} still accepts connections after shutdown"
        );
    });
}

#[test]
fn unredacted_sdk_output_shows_the_canaries() {
    let raw = run(false);
    let o = &raw.outcome;
    // What this SDK version prints in the clear at TRACE with LOG_SENSITIVE_BODIES=true: the
    // key ids (identity, signing parameters, runtime components) and the AssumeRole response
    // body with the issued secret key and session token. Checked in text, in JSON as
    // written, and in decoded JSON strings.
    let canaries = [
        demo::ACCESS_KEY_ID,
        &o.assumed_access_key_id,
        &o.assumed_secret_access_key,
        &o.assumed_session_token,
    ];
    for (name, output) in [
        ("text", &raw.text),
        ("JSON", &raw.json),
        ("JSON strings", &raw.json_strings),
    ] {
        for canary in canaries {
            assert!(
                output.contains(canary),
                "{canary} not in the unredacted {name} output: the test would be vacuous"
            );
        }
    }
    // The response body is where the issued secrets are.
    assert!(raw.text.contains(&format!(
        "<SecretAccessKey>{}</SecretAccessKey>",
        o.assumed_secret_access_key
    )));
    // Signatures, if this SDK version prints them (older ones did, in the Authorization
    // header), are ones the endpoint received.
    let sent: Vec<String> = raw.sent_signatures();
    for printed in signatures(&raw.all()) {
        assert!(sent.contains(&printed), "{printed} was never sent");
    }
}

#[test]
fn redacted_sdk_output_leaks_nothing() {
    let raw = run(false);
    let redacted = run(true);

    let mut all = secrets(&redacted);
    all.extend(secrets(&raw));
    // Every signature: printed in the raw run (older SDKs), and sent in either run.
    all.extend(signatures(&raw.all()));
    all.extend(raw.sent_signatures());
    let sent = redacted.sent_signatures();
    assert_eq!(sent.len(), 3, "the redacted run signed three requests");
    all.extend(sent);
    all.sort();
    all.dedup();
    let secrets: Vec<&str> = all.iter().map(String::as_str).collect();

    for (name, output) in [
        ("text", &redacted.text),
        ("JSON", &redacted.json),
        ("JSON strings", &redacted.json_strings),
    ] {
        if let Some((secret, window)) = find_leak(output, &secrets) {
            let line = output
                .lines()
                .find(|l| l.contains(window))
                .unwrap_or_default();
            panic!("{name} output leaks {window:?} of {secret:?} in:\n{line}");
        }
    }

    let stats = redacted.stats.as_ref().expect("redacted run has stats");
    for rule in [
        "aws-access-key-id",
        "aws-secret-access-key",
        "aws-session-token",
    ] {
        assert!(stats.count(rule) > 0, "{rule} never fired: {stats}");
    }
}

#[test]
fn redacted_sdk_output_keeps_what_debugging_needs() {
    let redacted = run(true);
    let o = &redacted.outcome;
    for (name, output) in [("text", &redacted.text), ("JSON", &redacted.json)] {
        let mut wanted = vec![
            // operations, and their spans
            "GetCallerIdentity",
            "AssumeRole",
            "STS.AssumeRole",
            "rpc.service",
            // status codes
            "StatusCode(200)",
            // region
            demo::REGION,
            // identities that are not secrets
            demo::ACCOUNT,
            demo::ASSUMED_ROLE_ARN,
            demo::USER_ARN,
            // wire trace
            "transmitting request",
            "received response from service",
            "read HTTP response body",
            "<AssumeRoleResponse",
            "</SecretAccessKey>",
            "</SessionToken>",
            "<Expiration>",
            // the signer's canonical request, signed headers and payload hash included
            "canonical_request",
            "content-type;host;x-amz-date",
        ];
        wanted.extend(o.request_ids.iter().map(String::as_str));
        for w in wanted {
            assert!(
                output.contains(w),
                "{w:?} missing from the redacted {name} output"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Recorded shapes (older SDK versions, presigning, signable bodies), through the engine
// ---------------------------------------------------------------------------------------

const AKID: &str = "AKIAXGJUL6TRRWZGQ2GC";
const SIGNATURE: &str = "8c4f0e2a91d7b3f65e0a4c9d2b7f1e8a3c6d5b4a2f9e8d7c6b5a4f3e2d1c0b9a";
const TOKEN: &str = demo::ASSUMED_SESSION_TOKEN;

/// `redactor.redact(input)` must keep none of `secrets` (by the crate's leak rule) and all
/// of `kept`.
#[track_caller]
fn check(input: &str, secrets: &[&str], kept: &[&str]) {
    let out = Redactor::default().redact(input);
    if let Some((secret, window)) = find_leak(&out, secrets) {
        panic!("{window:?} of {secret:?} survives:\ninput:  {input}\noutput: {out}");
    }
    for k in kept {
        assert!(
            out.contains(k),
            "{k:?} lost:\ninput:  {input}\noutput: {out}"
        );
    }
}

/// aws-smithy-runtime-api < 1.12.3 / aws-sigv4 < 1.4.5 printed request headers whole.
#[test]
fn old_sdk_header_value_authorization() {
    let line = format!(
        "TRACE aws_smithy_runtime::client::orchestrator: transmitting request \
         request=Request {{ body: SdkBody {{ inner: Once(Some(b\"Action=GetCallerIdentity&Version=2011-06-15\")), retryable: true }}, \
         uri: Uri {{ as_string: \"https://sts.eu-central-1.amazonaws.com/\", parsed: H0(https://sts.eu-central-1.amazonaws.com/) }}, \
         method: POST, extensions: Extensions {{ extensions_02x: Extensions, extensions_1x: Extensions }}, \
         headers: Headers {{ headers: {{\"content-type\": HeaderValue {{ _private: H0(\"application/x-www-form-urlencoded\") }}, \
         \"content-length\": HeaderValue {{ _private: H0(\"43\") }}, \
         \"x-amz-date\": HeaderValue {{ _private: H0(\"20261124T102805Z\") }}, \
         \"authorization\": HeaderValue {{ _private: H0(\"AWS4-HMAC-SHA256 Credential={AKID}/20261124/eu-central-1/sts/aws4_request, \
         SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-user-agent, Signature={SIGNATURE}\") }}, \
         \"amz-sdk-request\": HeaderValue {{ _private: H0(\"attempt=1; max=1\") }}}} }} }}"
    );
    check(
        &line,
        &[AKID, SIGNATURE],
        &[
            "transmitting request",
            "\"authorization\": HeaderValue { _private: H0(\"AWS4-HMAC-SHA256 ",
            "\"x-amz-date\": HeaderValue { _private: H0(\"20261124T102805Z\") }",
            "\"amz-sdk-request\": HeaderValue { _private: H0(\"attempt=1; max=1\") }",
            "Action=GetCallerIdentity",
        ],
    );
}

#[test]
fn old_sdk_header_value_security_token() {
    let line = format!(
        "headers: {{\"x-amz-date\": HeaderValue {{ _private: H0(\"20261124T102805Z\") }}, \
         \"x-amz-security-token\": HeaderValue {{ _private: H0(\"{TOKEN}\") }}, \
         \"amz-sdk-invocation-id\": HeaderValue {{ _private: H0(\"2f1d8e0a-6c1b-4b7e-9a55-0d3c7e6f9b21\") }}}}"
    );
    check(
        &line,
        &[TOKEN],
        &[
            "\"x-amz-security-token\": HeaderValue { _private: H0(",
            "2f1d8e0a-6c1b-4b7e-9a55-0d3c7e6f9b21",
            "20261124T102805Z",
        ],
    );
}

/// A session token without a known prefix: only the header name says what it is.
#[test]
fn old_sdk_header_value_security_token_without_known_prefix() {
    let token = "AgoJb3JpZ2luX2VjEHQaDGV1LWNlbnRyYWwtMSJHMEUCIQD7vLq9kZ0u2lqGq0b4uM7Xw5sYpQ8e";
    let line = format!(
        "headers: {{\"x-amz-security-token\": HeaderValue {{ _private: H0(\"{token}\") }}, \
         \"x-amz-date\": HeaderValue {{ _private: H0(\"20261124T102805Z\") }}}}"
    );
    check(
        &line,
        &[token],
        &["x-amz-security-token", "20261124T102805Z"],
    );
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A presigned request's canonical request (aws-sigv4 TRACE), as `Display` prints it (real
/// newlines) and as `Debug` does (escaped).
#[test]
fn presigned_canonical_request() {
    let encoded_token = percent_encode(TOKEN);
    assert_ne!(encoded_token, TOKEN, "the token has characters to encode");
    let creq = format!(
        "GET\n/reports/2026-11.csv\n\
         X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AKID}%2F20261124%2Feu-central-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20261124T102805Z&X-Amz-Expires=900&X-Amz-Security-Token={encoded_token}\
         &X-Amz-SignedHeaders=host&x-id=GetObject\n\
         host:reports.s3.eu-central-1.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
    );
    let kept = [
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "%2F20261124%2Feu-central-1%2Fs3%2Faws4_request",
        "X-Amz-Date=20261124T102805Z",
        "X-Amz-SignedHeaders=host&x-id=GetObject",
        "host:reports.s3.eu-central-1.amazonaws.com",
        "UNSIGNED-PAYLOAD",
    ];
    let secrets = [AKID, TOKEN, encoded_token.as_str()];
    check(
        &format!("TRACE aws_sigv4::http_request::sign: canonical_request={creq}"),
        &secrets,
        &kept,
    );
    check(
        &format!("TRACE aws_sigv4::http_request::sign: canonical_request={creq:?}"),
        &secrets,
        &kept,
    );
}

/// The presigned URL itself, with its signature.
#[test]
fn presigned_url() {
    let encoded_token = percent_encode(TOKEN);
    let url = format!(
        "https://reports.s3.eu-central-1.amazonaws.com/reports/2026-11.csv?x-id=GetObject\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AKID}%2F20261124%2Feu-central-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20261124T102805Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token={encoded_token}&X-Amz-Signature={SIGNATURE}"
    );
    check(
        &format!("DEBUG app: presigned uri={url}"),
        &[AKID, TOKEN, &encoded_token, SIGNATURE],
        &[
            "https://reports.s3.eu-central-1.amazonaws.com/reports/2026-11.csv?x-id=GetObject",
            "X-Amz-Expires=900&X-Amz-SignedHeaders=host",
        ],
    );
}

/// With `LOG_SIGNABLE_BODY=true`, aws-sigv4 prints request bodies as `Bytes([65, 99, …])`
/// (decimal bytes); `bytes::Bytes` prints `b"…"` literals. An `AssumeRoleWithWebIdentity`
/// body carries the web identity token (a JWT).
const WEB_IDENTITY_JWT: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ.eyJpc3MiOiJodHRwczovL29pZGMuZWtzLmV1LWNlbnRyYWwtMS5hbWF6b25hd3MuY29tIiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmRlZmF1bHQ6YXBwIn0.NHVaYe26MbtOYhSKkoKYdFVomg4i8ZJd8_-RU8VNbftc4TSMb4bXP3l3YlNWACwyXPGffz5aXHc6lty1Y2t4SWRqGteragsVdZufDn5BlnJl9pdR_kdVFUsra2rWKEofkZeIC4yWytE58sMIihgoglxDanWgKE8Q";

fn web_identity_body() -> String {
    format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A418295730641%3Arole%2Fapp\
         &RoleSessionName=app&WebIdentityToken={WEB_IDENTITY_JWT}"
    )
}

#[test]
fn signable_body_as_byte_string_literal() {
    let body = web_identity_body();
    let line = format!(
        "TRACE aws_sigv4::http_request::sign: signing request request=SignableRequest {{ method: \"POST\", \
         uri: \"https://sts.eu-central-1.amazonaws.com/\", headers: [], body: {:?} }}",
        bytes_literal(body.as_bytes())
    );
    check(
        &line,
        &[WEB_IDENTITY_JWT],
        &["Action=AssumeRoleWithWebIdentity", "RoleSessionName=app"],
    );
}

#[test]
fn signable_body_as_decimal_bytes() {
    let body = web_identity_body();
    // `f.debug_tuple("Bytes").field(&&[u8])`, as aws-sigv4's `SignableBody` Debug does.
    let line = format!(
        "TRACE aws_sigv4::http_request::sign: signing request params=… body=Bytes({:?})",
        body.as_bytes()
    );
    assert!(line.contains("Bytes([65, 99, 116, 105, 111, 110, 61, "));
    let out = Redactor::default().redact(&line);
    // The token's bytes, as the decimal list they are printed as.
    let token_start = body.find(WEB_IDENTITY_JWT).expect("token in body");
    let jwt_bytes = format!("{:?}", &body.as_bytes()[token_start..token_start + 24]);
    let jwt_bytes = jwt_bytes.trim_start_matches('[').trim_end_matches(']');
    assert!(line.contains(jwt_bytes));
    assert!(
        !out.contains(jwt_bytes),
        "the JWT survives as decimal bytes:\n{out}"
    );
}

/// `bytes::Bytes`'s `Debug`: printable ASCII as is, the rest escaped, in `b"…"`.
fn bytes_literal(bytes: &[u8]) -> ByteLiteral<'_> {
    ByteLiteral(bytes)
}

struct ByteLiteral<'a>(&'a [u8]);

impl std::fmt::Debug for ByteLiteral<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("b\"")?;
        for &b in self.0 {
            match b {
                b'\n' => f.write_str("\\n")?,
                b'\r' => f.write_str("\\r")?,
                b'\t' => f.write_str("\\t")?,
                b'\\' | b'"' => write!(f, "\\{}", b as char)?,
                0x20..=0x7e => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        f.write_str("\"")
    }
}

/// The issued credentials in the response body as the JSON layer writes it: `Debug` escaping
/// (`\n`, `\"`) and JSON escaping on top (`\\n`, `\\\"`).
#[test]
fn double_escaped_response_body_in_json() {
    let xml = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>\n    <Credentials>\n      \
         <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      \
         <SessionToken>{TOKEN}</SessionToken>\n    </Credentials>\n  </AssumeRoleResult>\n</AssumeRoleResponse>\n",
        demo::ASSUMED_ACCESS_KEY_ID,
        demo::ASSUMED_SECRET_ACCESS_KEY,
    );
    let debug = format!("Response {{ body: SdkBody {{ inner: Once(Some(b{xml:?})) }} }}");
    let json_line = serde_json::json!({ "fields": { "response": debug } }).to_string();
    assert!(json_line.contains("\\\\n"), "double escaped: {json_line}");
    check(
        &json_line,
        &[
            demo::ASSUMED_ACCESS_KEY_ID,
            demo::ASSUMED_SECRET_ACCESS_KEY,
            TOKEN,
        ],
        &[
            "<AssumeRoleResponse",
            "</SecretAccessKey>",
            "</SessionToken>",
        ],
    );
}
