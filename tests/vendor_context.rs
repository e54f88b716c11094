//! Vendors whose secrets have no shape of their own (Datadog, Twilio auth tokens, Algolia,
//! Fastly, PagerDuty, Postmark, SparkPost, Azure connection strings, JDBC/ODBC, database
//! URLs, GCP key files): they are caught by the names and syntax they travel under, in the
//! forms their own documentation and SDKs print. Each row: the line, the secret that must go,
//! and the text that must stay. Then lines with look-alike names that must stay whole.

use tracing_redact::testing::find_leak;
use tracing_redact::Redactor;

/// (vendor, line, secret, kept)
const IN_CONTEXT: &[(&str, &str, &str, &str)] = &[
    ("datadog api key", "DD_API_KEY=5f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f", "5f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f", "DD_API_KEY="),
    ("datadog headers", r#"curl -H "DD-API-KEY: 5f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f" -H "DD-APPLICATION-KEY: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b""#, "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", "DD-APPLICATION-KEY: "),
    ("datadog app key", "dd_app_key: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", "dd_app_key: "),
    ("twilio auth token", "TWILIO_AUTH_TOKEN=0f1e2d3c4b5a69788796a5b4c3d2e1f0", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "TWILIO_AUTH_TOKEN="),
    ("algolia admin key", "X-Algolia-API-Key: 3f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c", "3f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c", "X-Algolia-API-Key: "),
    ("fastly", "Fastly-Key: Xk9vR2mQ7pL4sT8wZ1yB6nC3dF5gH0jK", "Xk9vR2mQ7pL4sT8wZ1yB6nC3dF5gH0jK", "Fastly-Key: "),
    ("cloudflare global key", "X-Auth-Key: 0123456789abcdef0123456789abcdef01234", "0123456789abcdef0123456789abcdef01234", "X-Auth-Key: "),
    ("pagerduty", "Authorization: Token token=y_NbAkKc66ryYTWUXYEu", "y_NbAkKc66ryYTWUXYEu", "Authorization: Token "),
    ("postmark", "X-Postmark-Server-Token: 1c2d3e4f-5a6b-7c8d-9e0f-1a2b3c4d5e6f", "1c2d3e4f-5a6b-7c8d-9e0f-1a2b3c4d5e6f", "X-Postmark-Server-Token: "),
    ("sparkpost", "SPARKPOST_API_KEY=0123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01234567", "SPARKPOST_API_KEY="),
    ("mailgun", "curl -s --user 'api:key-0123456789abcdef0123456789abcdef' https://api.mailgun.net/v3/x/messages", "key-0123456789abcdef0123456789abcdef", "https://api.mailgun.net/v3/x/messages"),
    ("azure storage", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYg==;EndpointSuffix=core.windows.net", "Zm9vYmFyYmF6cXV4", ";EndpointSuffix=core.windows.net"),
    ("azure service bus", "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=", "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=", "SharedAccessKeyName=RootManageSharedAccessKey;"),
    ("azure app configuration", "Endpoint=https://acme.azconfig.io;Id=AbCd-l0-s0:Xy12;Secret=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=", "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=", "Endpoint=https://acme.azconfig.io;"),
    ("azure devops pat", "AZURE_DEVOPS_EXT_PAT=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6", "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6", "AZURE_DEVOPS_EXT_PAT="),
    ("azure sas", "GET https://acme.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&sp=r&se=2026-12-31T00:00:00Z&spr=https&sig=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c%3D", "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c", "?sv=2022-11-02&ss=b&sp=r"),
    ("jdbc sql server", "jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=Q1w2e3r4t5!;encrypt=true", "Q1w2e3r4t5!", ";encrypt=true"),
    ("odbc", "Driver={ODBC Driver 18};Server=db;Database=app;Uid=sa;Pwd=Q1w2e3r4t5!;", "Q1w2e3r4t5!", "Uid=sa;Pwd="),
    ("snowflake jdbc", "jdbc:snowflake://acme.snowflakecomputing.com/?user=etl&password=Q1w2e3r4t5!&warehouse=wh", "Q1w2e3r4t5!", "&warehouse=wh"),
    ("mongodb", "mongodb+srv://app:Q1w2e3r4t5@cluster0.abcde.mongodb.net/db", "Q1w2e3r4t5", "@cluster0.abcde.mongodb.net/db"),
    ("redis", "redis://:Q1w2e3r4t5@cache:6379/0", "Q1w2e3r4t5", "@cache:6379/0"),
    ("amqp", "amqp://guest:Q1w2e3r4t5@mq:5672/", "Q1w2e3r4t5", "@mq:5672/"),
    ("gcp key file", r#"{"type": "service_account", "private_key_id": "0123456789abcdef0123456789abcdef01234567", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n", "client_email": "ci@acme.iam.gserviceaccount.com"}"#, "0123456789abcdef0123456789abcdef01234567", r#""client_email": "#),
    ("gcp key file", r#"{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"}"#, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", r#"{"private_key": ""#),
    ("google chat webhook", "POST https://chat.googleapis.com/v1/spaces/AAAAbcdEfGh/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c%3D", "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c", "/v1/spaces/AAAAbcdEfGh/messages?key="),
];

/// Look-alike names and ids that must come through byte for byte.
const KEPT: &[&str] = &[
    "Idempotency-Key: 6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "X-Cache-Key: /assets/app.css",
    "application_id=0123456789abcdef0123456789abcdef app=web",
    "GET /api/v1/files?path=/tmp/a&pattern=*.log&pat=1",
    "compat_version=2 update_path=/usr/lib",
    "private_key_path=/etc/ssl/private/server.key",
    "GET /search?q=design&signal=1",
];

#[test]
fn vendor_secrets_in_their_context_are_redacted_and_the_context_stays() {
    let redactor = Redactor::default();
    for (vendor, line, secret, kept) in IN_CONTEXT {
        assert!(
            line.contains(secret) && line.contains(kept),
            "bad row for {vendor}"
        );
        let out = redactor.redact(line);
        assert_eq!(
            find_leak(&out, &[secret]),
            None,
            "{vendor}: {line}\n -> {out}"
        );
        assert!(out.contains(kept), "{vendor}: lost {kept:?}\n -> {out}");
    }
}

#[test]
fn look_alike_names_stay() {
    let redactor = Redactor::default();
    for line in KEPT {
        assert_eq!(redactor.redact(line), *line);
    }
}
