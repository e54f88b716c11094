//! A real `aws-sdk-sts` client, logged at `TRACE`, through `tracing-redact`.
//!
//! ```text
//! cargo run --example aws_sts_debug                  # the SDK's full trace, secrets redacted
//! cargo run --example aws_sts_debug -- --no-redact   # the same run, unprotected
//! ```
//!
//! An in-process fake STS endpoint listens on `127.0.0.1` (a port from the OS) and speaks
//! what STS speaks (awsQuery: `POST /` with a form body naming the `Action`, XML back). The
//! client calls `GetCallerIdentity`, `AssumeRole`, and `GetCallerIdentity` again with the
//! credentials `AssumeRole` returned, with every preset of `tracing_redact::aws` at `TRACE`
//! and `LOG_SENSITIVE_BODIES=true`, so the SDK prints what it prints when you debug it:
//! access key ids, account ids, the canonical request, and the `AssumeRole` response with its
//! `SecretAccessKey` and `SessionToken`. The last line counts what was redacted, per rule.
//!
//! The client signs with `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
//! when they are set (nothing leaves the machine: the endpoint is the fake one), and with
//! built-in fake keys otherwise. No TLS, no proxy, no retries, a 5-second operation timeout.
//!
//! `tests/aws_sdk.rs` runs this same client and these same calls.

use aws_sdk_sts::config::retry::RetryConfig;
use aws_sdk_sts::config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sts::error::DisplayErrorContext;
use aws_sdk_sts::operation::RequestId;
use aws_sdk_sts::primitives::{DateTime, DateTimeFormat};
use std::io::{self, IsTerminal};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tracing::Level;
use tracing_redact::aws::{self, AwsLog};
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

/// Built-in fake long-term credentials (random, shaped like real ones; no account has them).
pub const ACCESS_KEY_ID: &str = "AKIAXGJUL6TRRWZGQ2GC";
/// The secret key that goes with [`ACCESS_KEY_ID`].
pub const SECRET_ACCESS_KEY: &str = "TLVTNupdjztfln/jab/zzSR8UPvhIA8Aq8SnKDD+";

/// What the fake `AssumeRole` returns: a temporary key id, its secret key and session token.
pub const ASSUMED_ACCESS_KEY_ID: &str = "ASIANBJNMZZHSWBZKQCG";
/// The secret key of [`ASSUMED_ACCESS_KEY_ID`].
pub const ASSUMED_SECRET_ACCESS_KEY: &str = "lpsf5c50Jd1mlnGx7qmdMGjHIBWprmGLgmiEyG5j";
/// The session token of [`ASSUMED_ACCESS_KEY_ID`].
pub const ASSUMED_SESSION_TOKEN: &str = concat!(
    "IQoJb3JpZ2luX2VjqNyzsAbkef0tKCvHzJmdTLFUveWLQ47CEocmY8k9BD9cC/JOu0QCcRTeY8LuSvKULlO0MDcfn4",
    "JwwodF5MBpqP+64z3Xzl+L+dIwfTV4qS70fIC/aSY3TyBHuylCLqv319oXxh1ODU+mjOAwK/V4BZhByndMd47DFD+",
    "GOUoS6dTQUkZ5sow5+qwvDtNOzBJWfDyx45U2d+XWS4hDkO5WUlYNW9YEHwzTLc/7P56HuWUCE99Ad3eS09la1mTEh",
    "nOsSKx+ajaxAUxrY4YJK30lebMDdDQOcDjSa7YrtJ5g1UXqjdI2sIH0P4czywQqyUHzPOcR/xRTsRThpFB2CZJEypq",
    "/toGHm5EiDey8ufSyHFR3Tfz92H6PXe9eXT/IkevAa3V+FN4W0Nj5b2PIMqg2GStJp+0hQC4lYOi4HE+d73LjX67I",
    "FrkZgP//S0SYeGyqckPterXh7DUzjWWxozd0HUsQay9d6Q3uKF5vzNECvR6J+dvwLM1LpcQ+p1rICU140U6e9ye9HN",
    "4FWtaFvldiN1FhBJeiuRSw1SFfnSJmcuCwIoN3",
);

/// The account of the fake endpoint.
pub const ACCOUNT: &str = "418295730641";
/// The region the client is configured for.
pub const REGION: &str = "eu-central-1";
/// The role `AssumeRole` assumes.
pub const ROLE_ARN: &str = "arn:aws:iam::418295730641:role/deploy-debug";
/// The session name passed to `AssumeRole`.
pub const SESSION_NAME: &str = "debug-session";
/// The user the long-term credentials belong to.
pub const USER_ARN: &str = "arn:aws:iam::418295730641:user/ci-deployer";
/// Who the assumed-role credentials are.
pub const ASSUMED_ROLE_ARN: &str =
    "arn:aws:sts::418295730641:assumed-role/deploy-debug/debug-session";

/// The credentials the client starts with: the standard environment variables when set,
/// the built-in fake ones otherwise.
pub fn credentials_from_env() -> Credentials {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => {
            Credentials::new(id, secret, var("AWS_SESSION_TOKEN"), None, "Environment")
        }
        _ => builtin_credentials(),
    }
}

/// The built-in fake long-term credentials.
pub fn builtin_credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "Static")
}

/// The filter of the demo: every `tracing_redact::aws` preset at `TRACE` (the rest at `WARN`),
/// and this program's own events at `INFO`.
pub fn demo_filter() -> EnvFilter {
    let mut directives: Vec<String> = [AwsLog::All, AwsLog::Service("STS"), AwsLog::Wire]
        .iter()
        .map(|mode| aws::directives(mode, Level::TRACE))
        .collect();
    directives.push(format!("{}=info", module_path!()));
    EnvFilter::new(directives.join(","))
}

/// Has the SDK print response bodies of operations with sensitive output (`AssumeRole`'s
/// credentials), as botocore does at `DEBUG`. The SDK reads the variable each time it logs a
/// body; set it before any other thread runs (the environment is process-global).
pub fn log_sensitive_bodies() {
    std::env::set_var("LOG_SENSITIVE_BODIES", "true");
}

/// An STS client for `endpoint_url`: plain HTTP, no retries, a 5-second operation timeout.
pub fn client(endpoint_url: &str, credentials: Credentials) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(credentials)
        .endpoint_url(endpoint_url)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(5))
                .build(),
        )
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// What the three calls returned.
#[derive(Debug)]
pub struct Outcome {
    /// `GetCallerIdentity` with the starting credentials.
    pub caller_arn: String,
    /// `AssumeRole`'s credentials: key id, secret key, session token.
    pub assumed_access_key_id: String,
    /// See [`Outcome::assumed_access_key_id`].
    pub assumed_secret_access_key: String,
    /// See [`Outcome::assumed_access_key_id`].
    pub assumed_session_token: String,
    /// `GetCallerIdentity` with the assumed-role credentials.
    pub assumed_caller_arn: String,
    /// The request id of each call, in order.
    pub request_ids: Vec<String>,
}

/// `GetCallerIdentity`, `AssumeRole`, and `GetCallerIdentity` again with the returned
/// credentials, against `endpoint_url`.
pub async fn run_calls(endpoint_url: &str, credentials: Credentials) -> Result<Outcome, String> {
    let sts = client(endpoint_url, credentials);
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| format!("GetCallerIdentity: {}", DisplayErrorContext(e)))?;
    tracing::info!(arn = me.arn(), account = me.account(), "caller identity");

    let role = sts
        .assume_role()
        .role_arn(ROLE_ARN)
        .role_session_name(SESSION_NAME)
        .duration_seconds(3600)
        .send()
        .await
        .map_err(|e| format!("AssumeRole: {}", DisplayErrorContext(e)))?;
    let issued = role
        .credentials()
        .ok_or("AssumeRole returned no credentials")?;
    // The SDK's `Debug` of `Credentials` hides every field; logging the key id to tell
    // sessions apart is common, and is what this line does.
    tracing::info!(
        access_key_id = issued.access_key_id(),
        expiration = %issued.expiration(),
        "assumed role"
    );

    let assumed = client(
        endpoint_url,
        Credentials::new(
            issued.access_key_id(),
            issued.secret_access_key(),
            Some(issued.session_token().to_owned()),
            None,
            "AssumeRole",
        ),
    );
    let them = assumed.get_caller_identity().send().await.map_err(|e| {
        format!(
            "GetCallerIdentity (assumed role): {}",
            DisplayErrorContext(e)
        )
    })?;
    tracing::info!(arn = them.arn(), "caller identity after AssumeRole");

    let request_ids = [me.request_id(), role.request_id(), them.request_id()]
        .iter()
        .map(|id| id.unwrap_or_default().to_owned())
        .collect();
    Ok(Outcome {
        caller_arn: me.arn().unwrap_or_default().to_owned(),
        assumed_access_key_id: issued.access_key_id().to_owned(),
        assumed_secret_access_key: issued.secret_access_key().to_owned(),
        assumed_session_token: issued.session_token().to_owned(),
        assumed_caller_arn: them.arn().unwrap_or_default().to_owned(),
        request_ids,
    })
}

// ---------------------------------------------------------------------------------------
// The fake STS endpoint
// ---------------------------------------------------------------------------------------

/// One request as the fake endpoint received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Request line and headers, as sent.
    pub head: String,
    /// The form body.
    pub body: String,
}

/// An STS endpoint on `127.0.0.1` (port from the OS) answering `GetCallerIdentity` and
/// `AssumeRole` over HTTP/1.1, until [`FakeSts::shutdown`].
pub struct FakeSts {
    addr: SocketAddr,
    state: Arc<ServerState>,
    accept: JoinHandle<()>,
}

#[derive(Default)]
struct ServerState {
    requests: Mutex<Vec<RecordedRequest>>,
    counter: AtomicU64,
}

impl FakeSts {
    /// Binds `127.0.0.1:0` and serves on the current tokio runtime.
    pub async fn start() -> io::Result<FakeSts> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ServerState::default());
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(FakeSts {
            addr,
            state,
            accept,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stops accepting, closes every connection and releases the port.
    pub async fn shutdown(self) {
        self.accept.abort();
        // Dropping the accept loop drops its listener and its `JoinSet`, which aborts the
        // connection tasks. The result is the cancellation.
        let _ = self.accept.await;
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<ServerState>) {
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                connections.spawn(serve_connection(stream, Arc::clone(&state)));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        while connections.try_join_next().is_some() {}
    }
}

/// Serves HTTP/1.1 requests on one connection (keep-alive) until the client closes it.
async fn serve_connection(mut stream: TcpStream, state: Arc<ServerState>) -> io::Result<()> {
    const MAX_REQUEST: usize = 1 << 20;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let head_len = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > MAX_REQUEST {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "head too long"));
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_len]).into_owned();
        let content_length = header(&head, "content-length")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
            .min(MAX_REQUEST);
        while buf.len() < head_len + content_length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = String::from_utf8_lossy(&buf[head_len..head_len + content_length]).into_owned();
        buf.drain(..head_len + content_length);

        let response = state.respond(&head, &body);
        state
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(RecordedRequest { head, body });
        stream.write_all(&response).await?;
        stream.flush().await?;
    }
}

impl ServerState {
    fn respond(&self, head: &str, body: &str) -> Vec<u8> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let request_id = request_id(n);
        let form = parse_form(body);
        let param = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        // Who is calling: the key id in the SigV4 credential scope.
        let caller = header(head, "authorization")
            .and_then(|auth| auth.split("Credential=").nth(1))
            .and_then(|scope| scope.split('/').next())
            .unwrap_or_default();
        let first_line = head.lines().next().unwrap_or_default();

        let (status, xml) = if !first_line.starts_with("POST / ") {
            (
                404,
                error_xml("Sender", "NotFound", "POST / only", &request_id),
            )
        } else if caller.is_empty() {
            (
                403,
                error_xml(
                    "Sender",
                    "MissingAuthenticationToken",
                    "Request is missing Authentication Token",
                    &request_id,
                ),
            )
        } else {
            match param("Action") {
                Some("GetCallerIdentity") => {
                    let (arn, user_id) = if caller == ASSUMED_ACCESS_KEY_ID {
                        (
                            ASSUMED_ROLE_ARN,
                            format!("AROAWBQ4GZ7L2XKJ5TN3Y:{SESSION_NAME}"),
                        )
                    } else {
                        (USER_ARN, "AIDAWBQ4GZ7LQ3HMV6E2R".to_owned())
                    };
                    (200, format!(
                        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n\
                         \x20 <GetCallerIdentityResult>\n\
                         \x20   <Arn>{arn}</Arn>\n\
                         \x20   <UserId>{user_id}</UserId>\n\
                         \x20   <Account>{ACCOUNT}</Account>\n\
                         \x20 </GetCallerIdentityResult>\n\
                         \x20 <ResponseMetadata>\n\
                         \x20   <RequestId>{request_id}</RequestId>\n\
                         \x20 </ResponseMetadata>\n\
                         </GetCallerIdentityResponse>\n"
                    ))
                }
                Some("AssumeRole") => {
                    let role_arn = param("RoleArn").unwrap_or_default();
                    let session = param("RoleSessionName").unwrap_or_default();
                    let role_name = role_arn.rsplit('/').next().unwrap_or_default();
                    let expiration = DateTime::from(SystemTime::now() + Duration::from_secs(3600))
                        .fmt(DateTimeFormat::DateTime)
                        .unwrap_or_default();
                    (200, format!(
                        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n\
                         \x20 <AssumeRoleResult>\n\
                         \x20   <AssumedRoleUser>\n\
                         \x20     <AssumedRoleId>AROAWBQ4GZ7L2XKJ5TN3Y:{session}</AssumedRoleId>\n\
                         \x20     <Arn>arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/{session}</Arn>\n\
                         \x20   </AssumedRoleUser>\n\
                         \x20   <Credentials>\n\
                         \x20     <AccessKeyId>{ASSUMED_ACCESS_KEY_ID}</AccessKeyId>\n\
                         \x20     <SecretAccessKey>{ASSUMED_SECRET_ACCESS_KEY}</SecretAccessKey>\n\
                         \x20     <SessionToken>{ASSUMED_SESSION_TOKEN}</SessionToken>\n\
                         \x20     <Expiration>{expiration}</Expiration>\n\
                         \x20   </Credentials>\n\
                         \x20 </AssumeRoleResult>\n\
                         \x20 <ResponseMetadata>\n\
                         \x20   <RequestId>{request_id}</RequestId>\n\
                         \x20 </ResponseMetadata>\n\
                         </AssumeRoleResponse>\n"
                    ))
                }
                other => (
                    400,
                    error_xml(
                        "Sender",
                        "InvalidAction",
                        &format!("Could not find operation {}", other.unwrap_or("(none)")),
                        &request_id,
                    ),
                ),
            }
        };
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            _ => "Not Found",
        };
        let date = DateTime::from(SystemTime::now())
            .fmt(DateTimeFormat::HttpDate)
            .unwrap_or_default();
        let mut response = format!(
            "HTTP/1.1 {status} {reason}\r\n\
             x-amzn-RequestId: {request_id}\r\n\
             Content-Type: text/xml\r\n\
             Content-Length: {}\r\n\
             Date: {date}\r\n\
             \r\n",
            xml.len()
        )
        .into_bytes();
        response.extend_from_slice(xml.as_bytes());
        response
    }
}

fn error_xml(kind: &str, code: &str, message: &str, request_id: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n\
         \x20 <Error>\n\
         \x20   <Type>{kind}</Type>\n\
         \x20   <Code>{code}</Code>\n\
         \x20   <Message>{message}</Message>\n\
         \x20 </Error>\n\
         \x20 <RequestId>{request_id}</RequestId>\n\
         </ErrorResponse>\n"
    )
}

/// A request id in the shape STS uses (a UUID), distinct per request.
fn request_id(n: u64) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    // splitmix64: well-spread bits from the clock and the request number.
    let mut x = nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (a, b) = (next(), next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// The value of header `name` (lower case) in a request head.
fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then_some(value.trim())
    })
}

/// `application/x-www-form-urlencoded` pairs, decoded.
fn parse_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------

fn main() -> ExitCode {
    let mut redact = true;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--no-redact" => redact = false,
            "-h" | "--help" => {
                println!("usage: aws_sts_debug [--no-redact]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other:?}; usage: aws_sts_debug [--no-redact]");
                return ExitCode::FAILURE;
            }
        }
    }
    // Before any thread exists: the environment is process-global.
    log_sensitive_bodies();
    let credentials = credentials_from_env();

    let ansi = io::stdout().is_terminal();
    let stats = if redact {
        let layer = tracing_redact::fmt::layer().map_inner(|fmt| fmt.with_ansi(ansi));
        let stats = layer.stats();
        tracing_subscriber::registry()
            .with(demo_filter())
            .with(layer)
            .init();
        Some(stats)
    } else {
        tracing_subscriber::registry()
            .with(demo_filter())
            .with(tracing_subscriber::fmt::layer().with_ansi(ansi))
            .init();
        None
    };

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let server = FakeSts::start()
            .await
            .map_err(|e| format!("cannot start the fake STS endpoint: {e}"))?;
        let outcome = run_calls(&server.endpoint_url(), credentials).await;
        server.shutdown().await;
        outcome
    });

    match (&result, &stats) {
        (Err(e), _) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        (Ok(_), Some(stats)) => println!(
            "\nredacted {} values in {} events and {} spans: {stats}",
            stats.total(),
            stats.redacted_events(),
            stats.redacted_spans()
        ),
        (Ok(_), None) => println!(
            "\n--no-redact: nothing was redacted; every key, secret and token above is in the clear"
        ),
    }
    ExitCode::SUCCESS
}
