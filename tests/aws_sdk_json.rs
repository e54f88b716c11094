//! The real AWS SDK for Secrets Manager and SSM at `TRACE` with `LOG_SENSITIVE_BODIES=true`,
//! against an in-process fake JSON 1.1 endpoint on 127.0.0.1, through `RedactLayer` over fmt
//! text and JSON.
//!
//! These services return secrets under generic names: a `SecretString` (itself JSON, so the
//! body the SDK prints escapes it twice over) and an SSM `Value` that is secret only because
//! its `Type` is `SecureString`. The suite checks:
//! 1. without redaction the canaries are in the output, in the forms the SDK writes them: the
//!    run is not vacuous, whatever this SDK version prints;
//! 2. with redaction no 8-byte window of any form survives, in text, JSON as written and
//!    decoded JSON strings;
//! 3. operation names, request ids, the region and a `String` parameter's value survive.

mod support;

use serde_json::{json, Value};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tracing_redact::testing::{find_leak, Captured};
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

const REGION: &str = "eu-central-1";
const ACCESS_KEY_ID: &str = "AKIAQ7VWYZ3KXN4TRH2M";
const SECRET_ACCESS_KEY: &str = "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";
/// A database password with the bytes that end values in other syntaxes.
const DB_PASSWORD: &str = r#"x7"Q{p\w0rd};(a&b=c), $@'z"#;
/// An SSM SecureString value.
const SECURE_VALUE: &str = r#"Zq9!sec ure/Value="kept\secret"#;
/// An SSM String value: not secret, must stay.
const PLAIN_VALUE: &str = "eu-central-1a";

/// The forms a value takes in the SDK's output: itself, JSON-escaped (the body), escaped
/// again (JSON inside `SecretString`), and `Debug`-escaped on top (the body printed with `?`).
fn forms(value: &str) -> Vec<String> {
    let json_body = |v: &str| {
        let quoted = serde_json::to_string(v).expect("a string");
        quoted[1..quoted.len() - 1].to_owned()
    };
    let debug_body = |v: &str| {
        let quoted = format!("{v:?}");
        quoted[1..quoted.len() - 1].to_owned()
    };
    let once = json_body(value);
    let twice = json_body(&once);
    let mut out = vec![
        value.to_owned(),
        debug_body(value),
        debug_body(&once),
        debug_body(&twice),
        once,
        twice,
    ];
    out.sort();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------------------
// The fake endpoint: Secrets Manager and SSM over the JSON 1.1 protocol
// ---------------------------------------------------------------------------------------

struct FakeJson {
    addr: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

#[derive(Default)]
struct State {
    counter: AtomicU64,
    secrets: Mutex<Vec<(String, String)>>,
    parameters: Mutex<Vec<(String, String, String)>>,
    request_ids: Mutex<Vec<String>>,
}

impl FakeJson {
    async fn start() -> io::Result<FakeJson> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::default());
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(FakeJson {
            addr,
            state,
            accept,
        })
    }

    fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn request_ids(&self) -> Vec<String> {
        self.state
            .request_ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn shutdown(self) {
        self.accept.abort();
        let _ = self.accept.await;
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        if let Ok((stream, _)) = listener.accept().await {
            connections.spawn(serve(stream, Arc::clone(&state)));
        }
        while connections.try_join_next().is_some() {}
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) -> io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let head_len = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_len]).into_owned();
        let header = |name: &str| {
            head.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_owned())
            })
        };
        let length: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < head_len + length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body: Value =
            serde_json::from_slice(&buf[head_len..head_len + length]).unwrap_or(Value::Null);
        buf.drain(..head_len + length);
        let target = header("x-amz-target").unwrap_or_default();
        let (status, answer) = state.answer(&target, &body);
        let request_id = format!(
            "4f1c2a7e-0b9d-4e3a-9c71-{:012x}",
            0x5eed_0000_0000 + state.counter.fetch_add(1, Ordering::Relaxed)
        );
        state
            .request_ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request_id.clone());
        let answer = answer.to_string();
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\n\
             x-amzn-requestid: {request_id}\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        stream.write_all(response.as_bytes()).await?;
    }
}

impl State {
    fn answer(&self, target: &str, body: &Value) -> (&'static str, Value) {
        let text = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
        let arn = |name: &str| {
            format!("arn:aws:secretsmanager:{REGION}:123456789012:secret:{name}-Ab12Cd")
        };
        let parameter = |(name, kind, value): &(String, String, String)| {
            json!({"Name": name, "Type": kind, "Value": value, "Version": 1,
                   "ARN": format!("arn:aws:ssm:{REGION}:123456789012:parameter{name}"),
                   "DataType": "text"})
        };
        let mut secrets = self.secrets.lock().unwrap_or_else(PoisonError::into_inner);
        let parameters = || {
            self.parameters
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        match target {
            "secretsmanager.CreateSecret" => {
                let name = text("Name");
                secrets.push((name.clone(), text("SecretString")));
                (
                    "200 OK",
                    json!({"ARN": arn(&name), "Name": name, "VersionId": "v1"}),
                )
            }
            "secretsmanager.GetSecretValue" => {
                let id = text("SecretId");
                match secrets.iter().find(|(name, _)| *name == id) {
                    Some((name, value)) => (
                        "200 OK",
                        json!({
                            "ARN": arn(name), "Name": name, "VersionId": "v1",
                            "SecretString": value, "VersionStages": ["AWSCURRENT"],
                            "CreatedDate": 1.7958e9
                        }),
                    ),
                    None => (
                        "400 Bad Request",
                        json!({
                            "__type": "ResourceNotFoundException", "message": "no such secret"
                        }),
                    ),
                }
            }
            "AmazonSSM.PutParameter" => {
                parameters().push((text("Name"), text("Type"), text("Value")));
                ("200 OK", json!({"Version": 1, "Tier": "Standard"}))
            }
            "AmazonSSM.GetParameter" => {
                let name = text("Name");
                let found = parameters().iter().find(|p| p.0 == name).map(parameter);
                ("200 OK", json!({"Parameter": found}))
            }
            "AmazonSSM.GetParametersByPath" => {
                let path = text("Path");
                let found: Vec<Value> = parameters()
                    .iter()
                    .filter(|p| p.0.starts_with(&path))
                    .map(parameter)
                    .collect();
                ("200 OK", json!({"Parameters": found}))
            }
            _ => (
                "400 Bad Request",
                json!({"__type": "UnknownOperationException"}),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The calls, and the runs with and without redaction
// ---------------------------------------------------------------------------------------

fn credentials() -> aws_sdk_secretsmanager::config::Credentials {
    aws_sdk_secretsmanager::config::Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        None,
        None,
        "test",
    )
}

async fn calls(endpoint: &str) {
    use aws_sdk_secretsmanager::config::retry::RetryConfig;
    use aws_sdk_secretsmanager::config::{BehaviorVersion, Region};
    let secrets = aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(credentials())
            .endpoint_url(endpoint)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let secret_string =
        json!({"username": "app", "password": DB_PASSWORD, "port": 5432}).to_string();
    secrets
        .create_secret()
        .name("prod/app/db")
        .secret_string(&secret_string)
        .send()
        .await
        .expect("CreateSecret");
    let got = secrets
        .get_secret_value()
        .secret_id("prod/app/db")
        .send()
        .await
        .expect("GetSecretValue");
    assert_eq!(got.secret_string(), Some(secret_string.as_str()));

    let ssm = aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::Config::builder()
            .behavior_version(aws_sdk_ssm::config::BehaviorVersion::latest())
            .region(aws_sdk_ssm::config::Region::new(REGION))
            .credentials_provider(credentials())
            .endpoint_url(endpoint)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(aws_sdk_ssm::config::retry::RetryConfig::disabled())
            .build(),
    );
    use aws_sdk_ssm::types::ParameterType;
    for (name, kind, value) in [
        (
            "/app/db/password",
            ParameterType::SecureString,
            SECURE_VALUE,
        ),
        ("/app/zone", ParameterType::String, PLAIN_VALUE),
    ] {
        ssm.put_parameter()
            .name(name)
            .r#type(kind)
            .value(value)
            .overwrite(true)
            .send()
            .await
            .expect("PutParameter");
    }
    let one = ssm
        .get_parameter()
        .name("/app/db/password")
        .with_decryption(true)
        .send()
        .await
        .expect("GetParameter");
    assert_eq!(one.parameter().and_then(|p| p.value()), Some(SECURE_VALUE));
    let all = ssm
        .get_parameters_by_path()
        .path("/app/")
        .recursive(true)
        .with_decryption(true)
        .send()
        .await
        .expect("GetParametersByPath");
    assert_eq!(all.parameters().len(), 2);
}

struct Run {
    /// Text output, JSON output as written, and every string of the JSON decoded.
    outputs: [String; 3],
    request_ids: Vec<String>,
}

fn run(redact: bool) -> Run {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| std::env::set_var("LOG_SENSITIVE_BODIES", "true"));
    let text = Captured::default();
    let json = Captured::default();
    let filter = || EnvFilter::new("trace");
    let go = || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async {
            let server = FakeJson::start().await.expect("fake endpoint");
            tokio::time::timeout(Duration::from_secs(30), calls(&server.endpoint_url()))
                .await
                .expect("the calls finish");
            let ids = server.request_ids();
            server.shutdown().await;
            ids
        })
    };
    let request_ids = if redact {
        let subscriber = tracing_subscriber::registry()
            .with(filter())
            .with(
                tracing_redact::fmt::layer()
                    .map_inner(|l| l.with_ansi(false).with_writer(text.clone())),
            )
            .with(tracing_redact::fmt::json_layer().map_inner(|l| l.with_writer(json.clone())));
        tracing::subscriber::with_default(subscriber, go)
    } else {
        let subscriber = tracing_subscriber::registry()
            .with(filter())
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(text.clone()),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_writer(json.clone()),
            );
        tracing::subscriber::with_default(subscriber, go)
    };
    let json_text = json.text();
    let mut strings = String::new();
    for line in json_text.lines() {
        let value: Value = serde_json::from_str(line).expect("one JSON object per line");
        support::collect_strings(&value, &mut strings);
    }
    Run {
        outputs: [text.text(), json_text, strings],
        request_ids,
    }
}

fn secret_forms() -> Vec<String> {
    let mut all = forms(DB_PASSWORD);
    all.extend(forms(SECURE_VALUE));
    all.push(SECRET_ACCESS_KEY.to_owned());
    all.push(ACCESS_KEY_ID.to_owned());
    all
}

#[test]
fn secrets_manager_and_ssm_bodies_at_trace() {
    let raw = run(false);
    let all_raw = raw.outputs.join("\n");
    // Not vacuous: the SDK printed both bodies, and so each secret in some form.
    for secret in [DB_PASSWORD, SECURE_VALUE] {
        assert!(
            forms(secret).iter().any(|f| all_raw.contains(f.as_str())),
            "{secret:?} is not in the raw output: the SDK no longer prints bodies this way"
        );
    }
    assert!(
        all_raw.contains("SecureString"),
        "the SSM bodies were not logged"
    );

    let redacted = run(true);
    let forms = secret_forms();
    let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
    for (name, out) in ["text", "JSON", "JSON strings"]
        .iter()
        .zip(&redacted.outputs)
    {
        if let Some((secret, window)) = find_leak(out, &forms) {
            let at = out.find(window).unwrap_or(0);
            let from = (0..=at.saturating_sub(200))
                .rev()
                .find(|&i| out.is_char_boundary(i))
                .unwrap_or(0);
            let to = (at + 200..=out.len())
                .find(|&i| out.is_char_boundary(i))
                .unwrap_or(out.len());
            panic!(
                "{name}: {secret:?} leaked ({window:?}):\n{}",
                &out[from..to]
            );
        }
    }
    let [text, ..] = &redacted.outputs;
    for keep in [
        "GetSecretValue",
        "GetParametersByPath",
        "PutParameter",
        "/app/db/password",
        "prod/app/db",
        REGION,
        PLAIN_VALUE,
    ] {
        assert!(text.contains(keep), "{keep:?} was lost");
    }
    for id in &redacted.request_ids {
        assert!(text.contains(id.as_str()), "request id {id} was lost");
    }
}
