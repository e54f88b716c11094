//! What the redactor does to an AWS SDK debug trace.
//!
//! ```text
//! cargo run --example demo
//! ```
//!
//! Prints each line as the SDK would log it and as it reaches your logs through
//! `tracing-redact`, then how many secrets each rule removed.

use std::collections::BTreeMap;
use tracing_redact::Redactor;

const TRACE: &[&str] = &[
    "DEBUG aws_config::profile: loaded credentials access_key_id=AKIAIOSFODNN7EXAMPLE region=us-east-1",
    "TRACE aws_sigv4::http_request: canonical_request=POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:sts.us-east-1.amazonaws.com\nx-amz-date:20261124T102805Z\n\ncontent-type;host;x-amz-date\n5f2b9e1c0a7d3e4f6b8a9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f",
    "TRACE aws_smithy_runtime::client::orchestrator: request headers={\"authorization\": \"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024\", \"x-amz-security-token\": \"IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleSessionTokenPayload0123456789abcdef\"}",
    "DEBUG aws_smithy_runtime::client::orchestrator: response body=<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAY34FZKBOKMUTVV7A</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey><SessionToken>FwoGZXIvYXdzEBYaDHexampleTokenBody</SessionToken><Expiration>2026-11-24T11:28:05Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></AssumeRoleResponse>",
    "DEBUG presigned url: https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261124T102805Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    "INFO  app: signup {\"user\":\"alice\",\"email\":\"alice@example.com\",\"password\":\"hunter2\",\"card\":\"4111 1111 1111 1111\"}",
    "WARN  app: webhook failed url=https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/abcdEFGHijklMNOPqrstUVWX status=410",
    "INFO  app: served GET /orders/42 in 12ms request_id=2f1d8e0a-6c1b-4b7e-9a55-0d3c7e6f9b21 ts=1732443000123",
];

fn main() {
    let redactor = Redactor::default();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for line in TRACE {
        for finding in redactor.find(line) {
            *counts.entry(finding.rule().to_string()).or_default() += 1;
        }
        println!("SDK   | {line}");
        println!("LOGS  | {}\n", redactor.redact(line));
    }
    let summary: Vec<String> = counts
        .iter()
        .map(|(rule, n)| format!("{rule}={n}"))
        .collect();
    println!("redacted: {}", summary.join(" "));
}
