//! Redacted OpenTelemetry traces and logs.
//!
//! ```text
//! cargo run --example otel
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 cargo run --example otel
//! ```
//!
//! With `OTEL_EXPORTER_OTLP_ENDPOINT` set (a collector's OTLP/HTTP port), spans and logs are
//! exported there; without, they are kept in memory and printed, so you can see what would
//! leave the process. Either way the layers are `tracing_redact::otel::traces` and `logs`:
//! what the bridges turn into span attributes, span events, exceptions, log bodies and log
//! attributes is scrubbed first.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use tracing_redact::otel::RedactedSpanExt;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let resource = Resource::builder()
        .with_service_name("otel-example")
        .build();
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT").ok();
    let spans = InMemorySpanExporter::default();
    let logs = InMemoryLogExporter::default();
    let (tracer_provider, logger_provider) = match &endpoint {
        Some(base) => (
            SdkTracerProvider::builder()
                .with_resource(resource.clone())
                .with_batch_exporter(
                    opentelemetry_otlp::SpanExporter::builder()
                        .with_http()
                        .with_protocol(Protocol::HttpBinary)
                        .with_endpoint(format!("{}/v1/traces", base.trim_end_matches('/')))
                        .build()?,
                )
                .build(),
            SdkLoggerProvider::builder()
                .with_resource(resource)
                .with_batch_exporter(
                    opentelemetry_otlp::LogExporter::builder()
                        .with_http()
                        .with_protocol(Protocol::HttpBinary)
                        .with_endpoint(format!("{}/v1/logs", base.trim_end_matches('/')))
                        .build()?,
                )
                .build(),
        ),
        None => (
            SdkTracerProvider::builder()
                .with_resource(resource.clone())
                .with_simple_exporter(spans.clone())
                .build(),
            SdkLoggerProvider::builder()
                .with_resource(resource)
                .with_simple_exporter(logs.clone())
                .build(),
        ),
    };

    // Only this program's events: the SDK's and the HTTP client's own stay out.
    let app = Targets::new().with_target("otel", tracing::Level::TRACE);
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_redact::otel::traces(tracer_provider.tracer("otel-example"))
                .with_filter(app.clone()),
        )
        .with(tracing_redact::otel::logs(&logger_provider).with_filter(app));
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("assume_role", role = "deploy", user = "jane@example.com");
        let _entered = span.enter();
        tracing::debug!(
            secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            "credentials for AKIA2E0A8F3B244C9986 issued"
        );
        tracing::info!(
            authorization = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2ln",
            "calling STS"
        );
        // Attributes written straight into the OpenTelemetry span bypass every layer;
        // the redacted calls do not.
        span.set_attribute_redacted("db.password", "hunter2-from-config");
    });
    tracer_provider.force_flush()?;
    logger_provider.force_flush()?;

    match endpoint {
        Some(base) => println!("exported to {base}"),
        None => {
            for span in spans.get_finished_spans()? {
                println!("span {:?}", span.name);
                for kv in &span.attributes {
                    println!("  attribute {} = {}", kv.key, kv.value);
                }
                for event in span.events.iter() {
                    println!("  event {:?}", event.name);
                    for kv in &event.attributes {
                        println!("    {} = {}", kv.key, kv.value);
                    }
                }
            }
            for log in logs.get_emitted_logs()? {
                println!("log {:?}", log.record.body());
                for (key, value) in log.record.attributes_iter() {
                    println!("  {key} = {value:?}");
                }
            }
        }
    }
    tracer_provider.shutdown()?;
    logger_provider.shutdown()?;
    Ok(())
}
