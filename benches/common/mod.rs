//! Corpus generation and baselines shared by the benchmarks.
//!
//! Lines are realistic and distinct: app logs, AWS SDK debug lines with header maps, JSON,
//! access logs, UUIDs, hashes, epoch-millisecond timestamps, URLs. Secret-bearing lines carry
//! one credential or piece of personal data each.

#![allow(dead_code)] // each bench uses a different subset

use regex::Regex;

/// xorshift64: deterministic, dependency-free.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    pub fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[(self.next() % 16) as usize]))
            .collect()
    }
    pub fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| char::from(A[(self.next() % 62) as usize]))
            .collect()
    }
    pub fn upper(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        (0..n)
            .map(|_| char::from(A[(self.next() % 32) as usize]))
            .collect()
    }
    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }
}

/// A line with nothing to redact.
pub fn clean_line(r: &mut Rng, i: usize) -> String {
    let ts = 1_732_443_000_000u64 + i as u64 * 17;
    match r.next() % 8 {
        0 => format!(
            "2026-11-24T10:{:02}:{:02}.{:03}Z  INFO handler{{request_id={}}}: served {} in {}ms user_id={}",
            i % 60, (i / 60) % 60, i % 1000, r.uuid(), r.pick(&["/api/v1/items", "/health", "/orders/42"]), r.next() % 900, r.next() % 100000
        ),
        1 => format!(
            "DEBUG aws_smithy_runtime::client::orchestrator: headers={{\"content-type\": \"application/x-amz-json-1.1\", \"x-amz-date\": \"20261124T10{:04}Z\", \"x-amz-content-sha256\": \"{}\", \"amz-sdk-invocation-id\": \"{}\"}}",
            i % 10000, r.hex(64), r.uuid()
        ),
        2 => format!(
            "{{\"ts\":{ts},\"level\":\"info\",\"msg\":\"cache {}\",\"key\":\"{}\",\"region\":\"{}\",\"bytes\":{}}}",
            r.pick(&["hit", "miss", "evict"]), r.hex(16), r.pick(&["us-east-1", "eu-west-1", "ap-south-1"]), r.next() % 1_000_000
        ),
        3 => format!(
            "10.{}.{}.{} - - [24/Nov/2026:10:28:05 +0000] \"GET /assets/{}.js HTTP/1.1\" 200 {} \"-\" \"Mozilla/5.0\"",
            r.next() % 256, r.next() % 256, r.next() % 256, r.hex(8), r.next() % 50000
        ),
        4 => format!("commit {} merged into main by builder; image sha256:{}", r.hex(40), r.hex(64)),
        5 => format!(
            "TRACE hyper_util::client::legacy::connect: connecting to https://sts.{}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15 ({} ms)",
            r.pick(&["us-east-1", "eu-central-1"]), ts % 1000
        ),
        6 => format!(
            "WARN retrying operation=AssumeRole attempt={} arn:aws:iam::{:012}:role/deploy-{} after {}ms",
            r.next() % 4, r.next() % 1_000_000_000_000, r.alnum(6), r.next() % 3000
        ),
        _ => format!("processed batch {} of {} items, checksum={} epoch_ms={ts}", i, r.next() % 1000, r.hex(32)),
    }
}

/// A line with one secret.
pub fn secret_line(r: &mut Rng) -> String {
    match r.next() % 8 {
        0 => format!("DEBUG credentials access_key_id=AKIA{} secret_access_key={}", r.upper(16), r.alnum(40)),
        1 => format!(
            "TRACE headers={{\"authorization\": \"AWS4-HMAC-SHA256 Credential=AKIA{}/20261124/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature={}\", \"x-amz-security-token\": \"IQoJb3JpZ2luX2Vj{}\"}}",
            r.upper(16), r.hex(64), r.alnum(200)
        ),
        2 => format!("{{\"level\":\"debug\",\"msg\":\"login\",\"password\":\"{}\",\"email\":\"{}@example.com\"}}", r.alnum(12), r.alnum(8).to_lowercase()),
        3 => format!("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJ{}.{}", r.alnum(60), r.alnum(43)),
        4 => format!("payment card 4111 1111 1111 1111 for order {}", r.next() % 100000),
        5 => format!("pushing with ghp_{} to origin", r.alnum(36)),
        6 => format!("db url postgres://app:{}@db.internal:5432/app", r.alnum(16)),
        _ => format!("slack xoxb-{}-{}-{}", 1_000_000_000 + r.next() % 1_000_000_000, 1_000_000_000 + r.next() % 1_000_000_000, r.alnum(24)),
    }
}

/// A hard line: a whole formatted log line as an application logs it into one field (an ISO
/// timestamp, a level, a span with ids, then six to ten segments of UUIDs, 64-hex digests,
/// epoch milliseconds, paths, ARNs and numbers), 500 to 1,000 bytes, with `secrets` secrets
/// among the segments. What issue 15 calls the kinder corpus's blind spot: long lines full of
/// digits and hex, and events with several secrets.
pub fn hard_line(r: &mut Rng, i: usize, secrets: usize) -> String {
    let mut line = format!(
        "2026-11-24T10:{:02}:{:02}.{:06}Z DEBUG request{{id={} trace_id={} span_id={}}}: app::orders::sync:",
        i % 60,
        (i / 60) % 60,
        r.next() % 1_000_000,
        r.uuid(),
        r.hex(32),
        r.hex(16)
    );
    let segments = 6 + (r.next() % 5) as usize;
    let secret_at: Vec<usize> = (0..secrets)
        .map(|k| k * segments / secrets.max(1))
        .collect();
    for seg in 0..segments {
        line.push(' ');
        if secret_at.contains(&seg) {
            line.push_str(&secret_line(r));
            continue;
        }
        let ts = 1_732_443_000_000u64 + (i * 131 + seg) as u64;
        let piece = match r.next() % 8 {
            0 => format!("object=s3://bucket-{}/data/{}/{}.parquet etag=\"{}\"", r.alnum(6).to_lowercase(), ts, r.uuid(), r.hex(32)),
            1 => format!("sha256={} size={} mtime_ms={ts}", r.hex(64), r.next() % 100_000_000),
            2 => format!("resource=arn:aws:lambda:eu-west-1:{:012}:function:sync-{} version={} duration_ms={}.{:03}", r.next() % 1_000_000_000_000, r.alnum(8), r.next() % 90, r.next() % 10_000, r.next() % 1000),
            3 => format!("path=/var/lib/app/{}/{}/chunk-{:08}.bin offset={} len={}", r.hex(2), r.hex(2), r.next() % 100_000_000, r.next() % 1_000_000_000, r.next() % 65_536),
            4 => format!("ids=[{}, {}, {}] batch={} of {}", r.uuid(), r.uuid(), r.uuid(), i % 1000, r.next() % 1000),
            5 => format!("x-amz-request-id={} x-amz-id-2={} status=200", r.upper(16), r.alnum(76)),
            6 => format!("commit={} tree={} parent={}", r.hex(40), r.hex(40), r.hex(40)),
            _ => format!("epoch_ms={ts} seq={} checksum=0x{} ratio=0.{:06}", r.next() % 10_000_000_000, r.hex(16), r.next() % 1_000_000),
        };
        line.push_str(&piece);
    }
    line
}

/// `lines` hard lines ([`hard_line`]), each with `secrets` secrets.
pub fn hard_corpus(lines: usize, secrets: usize, seed: u64) -> Vec<String> {
    let mut r = Rng(seed);
    (0..lines).map(|i| hard_line(&mut r, i, secrets)).collect()
}

/// `lines` lines, every `secret_every`-th one with a secret.
pub fn corpus(lines: usize, secret_every: usize, seed: u64) -> Vec<String> {
    let mut r = Rng(seed);
    (0..lines)
        .map(|i| {
            if i % secret_every == secret_every - 1 {
                secret_line(&mut r)
            } else {
                clean_line(&mut r, i)
            }
        })
        .collect()
}

/// Each rule's regex in turn, plus straightforward PII regexes: what a first attempt looks like.
pub fn naive_regexes() -> Vec<Regex> {
    let mut patterns: Vec<String> = tracing_redact::rules()
        .filter_map(|r| r.pattern())
        .map(str::to_string)
        .collect();
    patterns.extend([
        r"(?i)(?:password|passwd|pwd|secret|token|api_?key|client_secret|authorization|cookie|session)\s*[:=]\s*\S+".to_string(),
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}".to_string(),
        r"\b(?:\d[ -]?){12,18}\d\b".to_string(),
        r"\b\d{3}-\d{2}-\d{4}\b".to_string(),
        r"\+?\d{1,3}[ .-]?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}".to_string(),
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b".to_string(),
        r"\b[A-Za-z0-9+/]{40}\b".to_string(),
    ]);
    patterns.iter().filter_map(|p| Regex::new(p).ok()).collect()
}

/// One alternation of all the naive patterns.
pub fn combined(naive: &[Regex]) -> Regex {
    let strip = Regex::new(r"\(\?P<secret\d*>").expect("static");
    let alternation: Vec<String> = naive
        .iter()
        .map(|r| format!("(?:{})", strip.replace_all(r.as_str(), "(?:")))
        .collect();
    Regex::new(&alternation.join("|")).expect("combined regex compiles")
}

/// An event of the layer bench's shape: a message that is a whole log line, a request id, a
/// route, a status and a latency.
pub struct Event {
    pub message: String,
    pub request_id: String,
    pub route: &'static str,
    pub status: u64,
    pub latency_ms: f64,
}

/// What an event's message holds.
#[derive(Clone, Copy, PartialEq)]
pub enum Message {
    /// A clean line (`clean_line`).
    Clean,
    /// A line with one secret (`secret_line`).
    Secret,
    /// A hard line without a secret (`hard_line`).
    HardClean,
    /// A hard line with three secrets.
    HardSecrets,
}

/// `count` events whose messages are `message` lines.
pub fn events(message: Message, count: usize, seed: u64) -> Vec<Event> {
    let mut r = Rng(seed);
    (0..count)
        .map(|i| Event {
            message: match message {
                Message::Clean => clean_line(&mut r, i),
                Message::Secret => secret_line(&mut r),
                Message::HardClean => hard_line(&mut r, i, 0),
                Message::HardSecrets => hard_line(&mut r, i, 3),
            },
            request_id: r.uuid(),
            route: r.pick(&["/api/v1/items", "/health", "/orders/{id}", "/login"]),
            status: [200, 201, 404, 500][(r.next() % 4) as usize],
            latency_ms: (r.next() % 10_000) as f64 / 10.0,
        })
        .collect()
}

/// Logs `e` at info level, its message as the event's message.
pub fn emit(e: &Event) {
    tracing::info!(
        request_id = %e.request_id,
        route = e.route,
        status = e.status,
        latency_ms = e.latency_ms,
        "{}",
        e.message
    );
}
