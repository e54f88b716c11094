//! Real boto3/botocore DEBUG logs, recorded against a local AWS emulator: no secret may
//! survive, and clean records must come through unchanged.
//!
//! The corpora in `tests/fixtures/botocore/` were written by `scripts/botocore/record.py`
//! (boto3 with `set_stream_logger` at DEBUG against moto's server on 127.0.0.1), with their
//! ground truth: every secret the session chose or the emulator issued, every SigV4 signature
//! botocore computed, each with the encoded forms Python's own encoders give it (JSON, bytes
//! repr, percent-encoding, XML, nested up to three deep). Nothing here was written by hand,
//! and nothing in the ground truth was found by parsing the log.
//!
//! Every record goes through `Redactor::default()` and through `RedactLayer` over fmt text and
//! JSON. The suite asserts:
//! - the corpus is not vacuous: every secret the SDK logs is in the raw log, in full;
//! - no window of [`LEAK_WINDOW`] bytes of any form of any secret survives;
//! - at most 0.5% of the records holding no secret are altered at all;
//! - operation names, the region, request ids, bucket, secret and parameter names survive in
//!   every record, as many times as the raw record has them.
//!
//! `scripts/botocore.sh` records fresh corpora (new seeds, a live emulator) and runs this suite
//! on them through `TRACING_REDACT_BOTOCORE_CORPORA` (a directory); `.ci/run` does so.

use aho_corasick::AhoCorasick;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tracing_redact::testing::{Captured, LEAK_WINDOW};
use tracing_redact::Redactor;
use tracing_subscriber::prelude::*;

/// The clean records a redactor may alter, at most: one in two hundred.
const MAX_CLEAN_ALTERED: f64 = 0.005;

struct Secret {
    kind: String,
    logged: bool,
    forms: Vec<String>,
    /// The leak window for this secret: [`LEAK_WINDOW`] unless the corpus says otherwise (key
    /// ids, whose account-id part other, public ids share).
    window: usize,
}

struct Corpus {
    name: String,
    records: Vec<String>,
    secrets: Vec<Secret>,
    keep: Vec<String>,
}

impl Corpus {
    fn load(path: &Path) -> Corpus {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let json: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap_or_else(|| panic!("{}: expected an array", path.display()))
                .iter()
                .map(|s| s.as_str().expect("a string").to_owned())
                .collect()
        };
        let secrets = json["secrets"]
            .as_array()
            .expect("secrets")
            .iter()
            .map(|s| Secret {
                kind: s["kind"].as_str().expect("kind").to_owned(),
                logged: s["logged"].as_bool().expect("logged"),
                forms: strings(&s["forms"]),
                window: s["window"].as_u64().map_or(LEAK_WINDOW, |w| {
                    usize::try_from(w).expect("a window length")
                }),
            })
            .collect();
        Corpus {
            name: path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into()),
            records: strings(&json["records"]),
            secrets,
            keep: strings(&json["keep"]),
        }
    }
}

fn corpus_paths() -> Vec<PathBuf> {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/botocore")];
    if let Some(extra) = std::env::var_os("TRACING_REDACT_BOTOCORE_CORPORA") {
        dirs.push(PathBuf::from(extra));
    }
    let mut paths = Vec::new();
    for dir in dirs {
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    assert!(!paths.is_empty(), "no corpus found");
    paths
}

/// Every window (of [`LEAK_WINDOW`] bytes, or the secret's own) of every form of every
/// secret, with the secret it belongs to; forms shorter than the window are taken whole.
///
/// A window that the raw log holds in a record where the secret is not (in any of its full
/// forms) is not distinctive: eight bytes of a doubly percent-encoded password can be all
/// escape syntax (`%22%3A%2`), which any encoded JSON holds. Such windows are left out, so
/// that the check fails on leaks, not on encoding noise.
struct Windows {
    searcher: AhoCorasick,
    owner: Vec<usize>,
}

impl Windows {
    fn new(secrets: &[Secret], records: &[String]) -> Windows {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut owner = Vec::new();
        for (index, secret) in secrets.iter().enumerate() {
            for form in &secret.forms {
                let bytes = form.as_bytes();
                if bytes.len() <= secret.window {
                    patterns.push(bytes.to_vec());
                    owner.push(index);
                    continue;
                }
                for window in bytes.windows(secret.window) {
                    patterns.push(window.to_vec());
                    owner.push(index);
                }
            }
        }
        let all = AhoCorasick::new(&patterns).expect("the windows build a searcher");
        let mut background = vec![false; patterns.len()];
        for record in records {
            for m in all.find_overlapping_iter(record.as_str()) {
                let pattern = m.pattern().as_usize();
                let secret = &secrets[owner[pattern]];
                if !secret.forms.iter().any(|f| record.contains(f.as_str())) {
                    background[pattern] = true;
                }
            }
        }
        let kept: Vec<usize> = (0..patterns.len()).filter(|&p| !background[p]).collect();
        Windows {
            searcher: AhoCorasick::new(kept.iter().map(|&p| &patterns[p]))
                .expect("the windows build a searcher"),
            owner: kept.iter().map(|&p| owner[p]).collect(),
        }
    }

    /// The first secret with a window in `text`, and where.
    fn first(&self, text: &str) -> Option<(usize, usize)> {
        self.searcher
            .find_overlapping_iter(text)
            .next()
            .map(|m| (self.owner[m.pattern().as_usize()], m.start()))
    }
}

fn snippet(text: &str, at: usize) -> String {
    let mut from = at.saturating_sub(160);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (at + 160).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    format!("…{}…", &text[from..to])
}

/// What one redaction path did to one corpus.
#[derive(Default)]
struct Report {
    secret_records: usize,
    clean_records: usize,
    leaks: Vec<String>,
    leaks_by_kind: BTreeMap<String, usize>,
    clean_altered: Vec<String>,
    lost_keep: Vec<String>,
}

impl Report {
    fn check(&mut self, corpus: &Corpus, windows: &Windows, index: usize, redacted: &str) {
        let raw = &corpus.records[index];
        if windows.first(raw).is_some() {
            self.secret_records += 1;
            if let Some((secret, at)) = windows.first(redacted) {
                let kind = &corpus.secrets[secret].kind;
                *self.leaks_by_kind.entry(kind.clone()).or_default() += 1;
                self.leaks.push(format!(
                    "record {index}: {kind} leaked: {}",
                    snippet(redacted, at)
                ));
            }
        } else {
            self.clean_records += 1;
            if redacted != raw {
                let at = raw
                    .bytes()
                    .zip(redacted.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(raw.len().min(redacted.len()));
                self.clean_altered
                    .push(format!("record {index}: {}", snippet(redacted, at)));
            }
        }
        for word in &corpus.keep {
            let (before, after) = (raw.matches(word).count(), redacted.matches(word).count());
            if after < before {
                self.lost_keep.push(format!(
                    "record {index}: {word:?} {before}x in the raw record, {after}x redacted: {}",
                    snippet(redacted, redacted.find(word).unwrap_or(0))
                ));
            }
        }
    }

    fn verdict(&self, corpus: &Corpus, path: &str) -> Option<String> {
        let altered = self.clean_altered.len() as f64 / self.clean_records.max(1) as f64;
        let ok = self.leaks.is_empty() && altered <= MAX_CLEAN_ALTERED && self.lost_keep.is_empty();
        eprintln!(
            "{} via {path}: {} records with a secret, {} leaked {:?}; {} clean, {} altered ({:.2}%); {} kept words lost",
            corpus.name,
            self.secret_records,
            self.leaks.len(),
            self.leaks_by_kind,
            self.clean_records,
            self.clean_altered.len(),
            altered * 100.0,
            self.lost_keep.len(),
        );
        if ok {
            return None;
        }
        // `TRACING_REDACT_REPORT_ALL=1` lists every failure, not the first few of each kind.
        let limit = if std::env::var_os("TRACING_REDACT_REPORT_ALL").is_some() {
            usize::MAX
        } else {
            10
        };
        let mut message = format!("{} via {path}:\n", corpus.name);
        for line in self
            .leaks
            .iter()
            .take(limit)
            .chain(self.clean_altered.iter().take(limit))
            .chain(self.lost_keep.iter().take(limit))
        {
            message.push_str(line);
            message.push('\n');
        }
        Some(message)
    }
}

/// The corpus is what it claims to be: every secret the SDK logs is in the raw log in full,
/// the client's secret key (which botocore never logs) is not, and there are secrets of every
/// service the session called.
fn assert_not_vacuous(corpus: &Corpus) {
    let all = corpus.records.join("\n");
    for secret in &corpus.secrets {
        let present = secret.forms.iter().any(|form| all.contains(form.as_str()));
        assert_eq!(
            present,
            secret.logged,
            "{}: {} should {}be in the raw log",
            corpus.name,
            secret.kind,
            if secret.logged { "" } else { "not " }
        );
    }
    for kind in [
        "sigv4-signature",
        "sts-session-token",
        "iam-secret-access-key",
        "secretsmanager-password",
        "ssm-securestring",
        "kms-plaintext",
        "cognito-RefreshToken",
        "rds-master-password",
    ] {
        assert!(
            corpus.secrets.iter().any(|s| s.kind.starts_with(kind)),
            "{}: no {kind} in the corpus",
            corpus.name
        );
    }
    assert!(
        corpus.records.len() > 500,
        "{}: too few records",
        corpus.name
    );
}

/// Runs every corpus through `redact` and fails with the first leaks, alterations and lost
/// words of each.
fn run(path: &str, redact: impl Fn(&[String]) -> Vec<String>) {
    let mut failures = Vec::new();
    for file in corpus_paths() {
        let corpus = Corpus::load(&file);
        assert_not_vacuous(&corpus);
        let windows = Windows::new(&corpus.secrets, &corpus.records);
        let redacted = redact(&corpus.records);
        assert_eq!(
            redacted.len(),
            corpus.records.len(),
            "one output per record"
        );
        let mut report = Report::default();
        for (index, out) in redacted.iter().enumerate() {
            report.check(&corpus, &windows, index, out);
        }
        assert!(
            report.secret_records >= 60,
            "{}: only {} records hold a secret",
            corpus.name,
            report.secret_records
        );
        failures.extend(report.verdict(&corpus, path));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn redactor_default() {
    let redactor = Redactor::default();
    run("Redactor::default()", |records| {
        records
            .iter()
            .map(|r| redactor.redact(r).into_owned())
            .collect()
    });
}

/// Each record as the message of an event, through `RedactLayer` over fmt text. A record
/// ends up one event's output, with the fmt prefix cut off at the logger name we put there.
#[test]
fn layer_fmt_text() {
    run("RedactLayer(fmt text)", |records| {
        let out = Captured::default();
        let layer = tracing_redact::fmt::layer().map_inner(|fmt| {
            fmt.without_time()
                .with_ansi(false)
                .with_target(false)
                .with_level(false)
                .with_writer(out.clone())
        });
        let mut redacted = Vec::with_capacity(records.len());
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            for record in records {
                out.clear();
                tracing::debug!("{record}");
                let text = out.text();
                redacted.push(text.strip_suffix('\n').unwrap_or(&text).to_owned());
            }
        });
        redacted
    });
}

/// Each record as the message of an event, through `RedactLayer` over fmt JSON; the message
/// is read back out of the JSON object.
#[test]
fn layer_fmt_json() {
    run("RedactLayer(fmt JSON)", |records| {
        let out = Captured::default();
        let layer = tracing_redact::fmt::json_layer().map_inner(|fmt| fmt.with_writer(out.clone()));
        let mut redacted = Vec::with_capacity(records.len());
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            for record in records {
                out.clear();
                tracing::debug!(logger = "botocore", "{record}");
                let line: Value = serde_json::from_str(out.text().trim_end())
                    .expect("fmt JSON writes one object per event");
                redacted.push(
                    line["fields"]["message"]
                        .as_str()
                        .expect("the message field")
                        .to_owned(),
                );
            }
        });
        redacted
    });
}
