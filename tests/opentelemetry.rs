//! Through OpenTelemetry to the wire: the SDK exports spans and logs over OTLP HTTP/protobuf to
//! a receiver on 127.0.0.1 that decodes the requests with the OpenTelemetry proto types.
//!
//! * With the plain bridges, every canary reaches the wire: the workload is a fair test.
//! * With `otel::traces` and `otel::logs`, no canary reaches span attributes, span events,
//!   exception events, statuses, log bodies or log attributes, and span names, statuses and
//!   harmless attributes arrive as they were logged.
//! * `OpenTelemetrySpanExt` writes around every layer (the documented bypass); the
//!   `RedactedSpanExt` calls do not.
//!
//! `cargo test --features opentelemetry --test opentelemetry` (`cargo test` enables the
//! feature for the crate's own tests).
#![cfg(feature = "opentelemetry")]

use opentelemetry::trace::{Status, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue as ProtoKeyValue};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::trace::v1::Span as ProtoSpan;
use prost::Message;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_redact::otel::RedactedSpanExt;
use tracing_redact::testing::find_leak;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

// Canaries in their published formats, each unique to this test.
const AWS_KEY_ID: &str = "AKIAQ3EGRBX5LT7K2MWN";
const AWS_SECRET: &str = "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";
const PASSWORD: &str = "Tr0ub4dor&3-otel-canary";
const JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGVsLWNhbmFyeSJ9.b3RlbC1jYW5hcnktc2lnbmF0dXJlLTAx";
const GITHUB: &str = "ghp_Zq7Lw2Xk9Rt4Vb8Nc3Mj6Hd1Fs5Gp0Ay2QeT";
const EMAIL: &str = "otel.canary@example.org";
const CARD: &str = "4539 5788 6743 5213";
const CARD_NUMBER: i64 = 4_539_578_867_435_213;
/// Written only through the APIs that bypass the layer.
const BYPASSED: &str = "bypass-c4n4ry-7Hq2";

const CANARIES: &[&str] = &[AWS_KEY_ID, AWS_SECRET, PASSWORD, JWT, GITHUB, EMAIL, CARD];

/// The requests a receiver got: (path, body).
type Requests = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// An OTLP/HTTP receiver: answers every POST with 200 and keeps (path, body).
struct Receiver {
    addr: SocketAddr,
    requests: Requests,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (Arc::clone(&requests), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &requests);
                    }
                }
            })
        };
        Receiver {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn endpoint(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn bodies(&self, path: &str) -> Vec<Vec<u8>> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, body)| body.clone())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one HTTP/1.1 request, records it, answers 200 and closes the connection.
fn serve(stream: TcpStream, requests: &Requests) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse::<usize>().ok();
        }
        assert!(
            !lower.starts_with("transfer-encoding:"),
            "the exporter sent a chunked body: {header}"
        );
    }
    let mut body = vec![0; length.unwrap_or(0)];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    requests.lock().unwrap().push((path, body));
    let mut stream = reader.into_inner();
    let _ = stream.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    );
}

/// The spans and log records the receiver decoded.
struct Exported {
    spans: Vec<ProtoSpan>,
    logs: Vec<LogRecord>,
    /// Every request decoded and printed: what a backend could show.
    everything: String,
}

fn decode(receiver: &Receiver) -> Exported {
    let mut spans = Vec::new();
    let mut logs = Vec::new();
    let mut everything = String::new();
    for body in receiver.bodies("/v1/traces") {
        let request = ExportTraceServiceRequest::decode(body.as_slice()).unwrap();
        everything.push_str(&format!("{request:?}\n"));
        for resource in request.resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
    }
    for body in receiver.bodies("/v1/logs") {
        let request = ExportLogsServiceRequest::decode(body.as_slice()).unwrap();
        everything.push_str(&format!("{request:?}\n"));
        for resource in request.resource_logs {
            for scope in resource.scope_logs {
                logs.extend(scope.log_records);
            }
        }
    }
    Exported {
        spans,
        logs,
        everything,
    }
}

/// An attribute's value as text (strings as they are, numbers in decimal).
fn text(value: &Option<AnyValue>) -> String {
    match value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(n)) => n.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn attribute(attributes: &[ProtoKeyValue], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| text(&kv.value))
}

#[derive(Debug)]
struct LoginError(String);

impl std::fmt::Display for LoginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoginError {}

/// Logs the canaries everywhere the bridges carry fields to, plus the bypass calls.
fn workload() {
    let checkout = tracing::info_span!(
        target: "app",
        "checkout",
        request_id = "req-7f3a9c",
        user.email = EMAIL,
        card = CARD,
        card_number = CARD_NUMBER,
        password = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        otel.status_description = tracing::field::Empty,
    );
    {
        let _entered = checkout.enter();
        checkout.record("password", PASSWORD);
        tracing::info!(
            target: "app",
            aws_secret_access_key = AWS_SECRET,
            retries = 2,
            "assumed role with {AWS_KEY_ID}"
        );
        tracing::info!(target: "app", authorization = %format!("Bearer {JWT}"), "order placed");
        tracing::warn!(target: "app", "token {GITHUB} is about to expire");
        // An `error` field and no message: an `exception` event and the span's status.
        tracing::error!(target: "app", error = %format!("login failed for password={PASSWORD}"));
        // An error value: `exception.message` on the event and on the span.
        let err = LoginError(format!(
            "rejected key {AWS_KEY_ID} with secret {AWS_SECRET}"
        ));
        tracing::error!(target: "app", error = &err as &(dyn std::error::Error + 'static), "login");
        checkout.record("otel.status_code", "error");
        checkout.record(
            "otel.status_description",
            format!("token {GITHUB} revoked").as_str(),
        );
    }
    drop(checkout);

    // The bypass, and its redacted counterpart.
    let bypass = tracing::info_span!(target: "app", "bypass");
    bypass.set_attribute("raw.note", format!("secret {BYPASSED}"));
    bypass.add_event(format!("raw event {BYPASSED}"), vec![]);
    bypass.set_attribute_redacted("api_key", PASSWORD);
    bypass.set_attribute_redacted("note", format!("key {AWS_KEY_ID}"));
    bypass.set_attribute_redacted("card", CARD_NUMBER);
    bypass.set_attribute_redacted(
        "emails",
        opentelemetry::Value::Array(vec![opentelemetry::StringValue::from(EMAIL)].into()),
    );
    bypass.add_event_redacted(
        format!("retry with {JWT}"),
        vec![
            KeyValue::new("password", PASSWORD),
            KeyValue::new("attempt", 3),
        ],
    );
    bypass.set_status_redacted(Status::error(format!("token {GITHUB} rejected")));
    drop(bypass);
}

/// Runs the workload with the given trace and log layers and returns what was exported.
fn export(redacted: bool) -> Exported {
    let receiver = Receiver::start();
    let span_exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(receiver.endpoint("/v1/traces"))
        .build()
        .unwrap();
    let log_exporter = opentelemetry_otlp::LogExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(receiver.endpoint("/v1/logs"))
        .build()
        .unwrap();
    let resource = opentelemetry_sdk::Resource::builder_empty()
        .with_service_name("tracing-redact-test")
        .build();
    let tracer_provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_simple_exporter(span_exporter)
        .with_resource(resource.clone())
        .build();
    let logger_provider = opentelemetry_sdk::logs::SdkLoggerProvider::builder()
        .with_simple_exporter(log_exporter)
        .with_resource(resource)
        .build();
    let tracer = tracer_provider.tracer("tracing-redact-test");
    // Only the workload's events: the SDK's and the HTTP client's own stay out.
    let only_app = Targets::new().with_target("app", tracing::Level::TRACE);
    if redacted {
        let subscriber = tracing_subscriber::registry()
            .with(tracing_redact::otel::traces(tracer).with_filter(only_app.clone()))
            .with(tracing_redact::otel::logs(&logger_provider).with_filter(only_app));
        tracing::subscriber::with_default(subscriber, workload);
    } else {
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_opentelemetry::layer()
                    .with_tracer(tracer)
                    .with_filter(only_app.clone()),
            )
            .with(
                opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge::new(
                    &logger_provider,
                )
                .with_filter(only_app),
            );
        tracing::subscriber::with_default(subscriber, workload);
    }
    tracer_provider.force_flush().unwrap();
    logger_provider.force_flush().unwrap();
    tracer_provider.shutdown().unwrap();
    logger_provider.shutdown().unwrap();
    decode(&receiver)
}

#[test]
fn without_redaction_every_canary_reaches_the_wire() {
    let exported = export(false);
    assert_eq!(exported.spans.len(), 2, "{}", exported.everything);
    assert_eq!(exported.logs.len(), 5, "{}", exported.everything);
    for canary in CANARIES.iter().chain([&BYPASSED]) {
        assert!(
            exported.everything.contains(canary),
            "{canary} never reached the wire: the workload does not test it"
        );
    }
}

#[test]
fn no_canary_reaches_spans_events_exceptions_or_logs() {
    let exported = export(true);
    assert_eq!(exported.spans.len(), 2, "{}", exported.everything);
    assert_eq!(exported.logs.len(), 5, "{}", exported.everything);
    if let Some((canary, window)) = find_leak(&exported.everything, CANARIES) {
        panic!("{canary} leaked as {window:?}:\n{}", exported.everything);
    }
    assert!(!exported.everything.contains(&CARD_NUMBER.to_string()));

    let checkout = exported
        .spans
        .iter()
        .find(|s| s.name == "checkout")
        .unwrap();
    let attrs = &checkout.attributes;
    // What is not secret arrives as it was logged.
    assert_eq!(
        attribute(attrs, "request_id").as_deref(),
        Some("req-7f3a9c")
    );
    assert_eq!(
        attribute(attrs, "user.email").as_deref(),
        Some("[REDACTED:email]")
    );
    assert_eq!(
        attribute(attrs, "card").as_deref(),
        Some("[REDACTED:payment-card]")
    );
    assert_eq!(
        attribute(attrs, "card_number").as_deref(),
        Some("[REDACTED:payment-card]")
    );
    assert_eq!(
        attribute(attrs, "password").as_deref(),
        Some("[REDACTED:sensitive-key]")
    );
    // The status: an error, its description scrubbed.
    let status = checkout.status.as_ref().unwrap();
    assert_eq!(status.code, 2, "{status:?}"); // STATUS_CODE_ERROR
    assert_eq!(status.message, "token [REDACTED:github-token] revoked");

    // Span events: names from the scrubbed message, attributes scrubbed, the rest intact.
    let names: Vec<&str> = checkout.events.iter().map(|e| e.name.as_str()).collect();
    assert!(
        names.contains(&"assumed role with [REDACTED:aws-access-key-id]"),
        "{names:?}"
    );
    assert!(names.contains(&"order placed"), "{names:?}");
    assert!(names.contains(&"exception"), "{names:?}");
    let assumed = checkout
        .events
        .iter()
        .find(|e| e.name.starts_with("assumed role"))
        .unwrap();
    assert_eq!(
        attribute(&assumed.attributes, "retries").as_deref(),
        Some("2")
    );
    assert_eq!(
        attribute(&assumed.attributes, "aws_secret_access_key").as_deref(),
        Some("[REDACTED:aws-secret-access-key]")
    );
    let exception = checkout
        .events
        .iter()
        .find(|e| e.name == "exception")
        .unwrap();
    assert_eq!(
        attribute(&exception.attributes, "exception.message").as_deref(),
        Some("login failed for password=[REDACTED:sensitive-key]")
    );
    let login = checkout.events.iter().find(|e| e.name == "login").unwrap();
    let message = attribute(&login.attributes, "exception.message").unwrap();
    assert!(
        message.contains("[REDACTED:aws-access-key-id]"),
        "{message}"
    );

    // Logs: bodies and attributes scrubbed, severities and harmless bodies intact.
    let bodies: Vec<String> = exported.logs.iter().map(|l| text(&l.body)).collect();
    assert!(bodies.contains(&"order placed".to_owned()), "{bodies:?}");
    assert!(
        bodies.contains(&"token [REDACTED:github-token] is about to expire".to_owned()),
        "{bodies:?}"
    );
    let order = exported
        .logs
        .iter()
        .find(|l| text(&l.body) == "order placed")
        .unwrap();
    assert_eq!(
        attribute(&order.attributes, "authorization").as_deref(),
        Some("[REDACTED:http-authorization]")
    );
    assert_eq!(order.severity_text, "INFO");
}

#[test]
fn set_attribute_bypasses_every_layer_and_the_redacted_calls_do_not() {
    let exported = export(true);
    let bypass = exported.spans.iter().find(|s| s.name == "bypass").unwrap();
    // The documented bypass: written straight into the OpenTelemetry span.
    assert_eq!(
        attribute(&bypass.attributes, "raw.note").as_deref(),
        Some(format!("secret {BYPASSED}").as_str())
    );
    assert!(bypass.events.iter().any(|e| e.name.contains(BYPASSED)));
    // The redacted calls: by name, by content, integers and arrays, events and status.
    let attrs = &bypass.attributes;
    assert_eq!(
        attribute(attrs, "api_key").as_deref(),
        Some("[REDACTED:sensitive-key]")
    );
    assert_eq!(
        attribute(attrs, "note").as_deref(),
        Some("key [REDACTED:aws-access-key-id]")
    );
    assert_eq!(
        attribute(attrs, "card").as_deref(),
        Some("[REDACTED:payment-card]")
    );
    assert!(
        attribute(attrs, "emails")
            .unwrap()
            .contains("[REDACTED:email]"),
        "{attrs:?}"
    );
    let retry = bypass
        .events
        .iter()
        .find(|e| e.name.starts_with("retry with"))
        .unwrap();
    assert_eq!(retry.name, "retry with [REDACTED:jwt]");
    assert_eq!(
        attribute(&retry.attributes, "password").as_deref(),
        Some("[REDACTED:sensitive-key]")
    );
    assert_eq!(
        attribute(&retry.attributes, "attempt").as_deref(),
        Some("3")
    );
    assert_eq!(
        bypass.status.as_ref().unwrap().message,
        "token [REDACTED:github-token] rejected"
    );
}

#[test]
fn redacted_calls_use_the_traces_layers_redactor_and_field_semantics() {
    use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let redactor = tracing_redact::Redactor::builder()
        .sensitive_key("employee_number")
        .exempt_field("request_id")
        .build()
        .unwrap();
    // Another `RedactLayer`, with the default redactor, sits outside: it is asked first.
    let subscriber = tracing_subscriber::registry()
        .with(tracing_redact::otel::traces(provider.tracer("t")).redacting_with(redactor))
        .with(tracing_redact::fmt::layer().map_inner(|l| l.with_writer(std::io::sink)));
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("s");
        span.set_attribute_redacted("employee_number", "E-42");
        span.set_attribute_redacted("password", 1234.5);
        span.set_attribute_redacted("ratio", 0.25);
        span.set_attribute_redacted("has_token", true);
        span.set_attribute_redacted("request_id", "4111111111111111");
        span.set_attribute_redacted("note", "4111111111111111");
        span.add_event_with_timestamp_redacted(
            format!("issued {AWS_KEY_ID}"),
            std::time::SystemTime::now(),
            vec![KeyValue::new("aws_secret_access_key", AWS_SECRET)],
        );
        // Arrays: only the items that hold a secret change; integers become strings then.
        span.set_attribute_redacted(
            "emails",
            opentelemetry::Value::Array(
                vec![
                    opentelemetry::StringValue::from("first"),
                    opentelemetry::StringValue::from(EMAIL),
                    opentelemetry::StringValue::from("last"),
                ]
                .into(),
            ),
        );
        span.set_attribute_redacted(
            "numbers",
            opentelemetry::Value::Array(vec![7i64, CARD_NUMBER].into()),
        );
        span.set_attribute_redacted("counts", opentelemetry::Value::Array(vec![7i64, 8].into()));
        let other = tracing::info_span!("other");
        let link = {
            use opentelemetry::trace::TraceContextExt;
            other.context().span().span_context().clone()
        };
        span.add_link_with_attributes_redacted(
            link,
            vec![KeyValue::new("note", format!("key {AWS_KEY_ID}"))],
        );
    });
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let span = spans.iter().find(|s| s.name == "s").unwrap();
    let attr = |key: &str| {
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.to_string())
    };
    assert_eq!(
        attr("employee_number").as_deref(),
        Some("[REDACTED:sensitive-key]")
    );
    assert_eq!(
        attr("password").as_deref(),
        Some("[REDACTED:sensitive-key]")
    );
    assert_eq!(attr("ratio").as_deref(), Some("0.25"));
    assert_eq!(attr("has_token").as_deref(), Some("true"));
    assert_eq!(attr("request_id").as_deref(), Some("4111111111111111"));
    assert_eq!(attr("note").as_deref(), Some("[REDACTED:payment-card]"));
    assert_eq!(
        attr("emails").as_deref(),
        Some("[\"first\",\"[REDACTED:email]\",\"last\"]")
    );
    assert_eq!(
        attr("numbers").as_deref(),
        Some("[\"7\",\"[REDACTED:payment-card]\"]")
    );
    assert!(matches!(
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == "counts")
            .map(|kv| &kv.value),
        Some(opentelemetry::Value::Array(opentelemetry::Array::I64(_)))
    ));
    let link = span.links.iter().next().expect("the link");
    assert_eq!(
        link.attributes[0].value.to_string(),
        "key [REDACTED:aws-access-key-id]"
    );
    let event = span.events.iter().next().unwrap();
    assert_eq!(event.name, "issued [REDACTED:aws-access-key-id]");
    assert_eq!(
        event.attributes[0].value.to_string(),
        "[REDACTED:aws-secret-access-key]"
    );
}
