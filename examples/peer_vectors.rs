//! Measures recall and false positives on the peer scanners' public test vectors.
//!
//! ```text
//! cargo run --release --example peer_vectors -- ../shared/peer-vectors
//! ```
//!
//! A "tp" row counts as recalled when the redacted text no longer contains the secret (for
//! gitleaks rows: the row had something redacted and no 8-character window of the original
//! secret-bearing token survives; for Presidio rows: every expected substring is gone). An
//! "fp" row counts as a false positive when anything in it was redacted.

use std::collections::BTreeMap;
use std::fs;
use tracing_redact::Redactor;

#[derive(Default)]
struct Tally {
    tp: usize,
    recalled: usize,
    fp: usize,
    flagged: usize,
    misses: Vec<String>,
    false_hits: Vec<String>,
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/peer-vectors".into());
    let verbose = std::env::args().any(|a| a == "-v" || a == "-vv");
    // `-v` shows four misses and false hits per family, `-vv` all of them.
    let limit = if std::env::args().any(|a| a == "-vv") {
        usize::MAX
    } else {
        4
    };
    let redactor = Redactor::builder()
        .enable("network")
        .build()
        .expect("default config");
    let mut families: BTreeMap<String, Tally> = BTreeMap::new();

    for (file, label_key) in [
        ("gitleaks.jsonl", "rule"),
        ("presidio.jsonl", "entity"),
        ("trufflehog_aws.jsonl", "detector"),
    ] {
        let Ok(text) = fs::read_to_string(format!("{dir}/{file}")) else {
            eprintln!("skipping {file}: not found under {dir}");
            continue;
        };
        for line in text.lines() {
            let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let label = row[label_key].as_str().unwrap_or("?").to_string();
            let family = format!(
                "{}:{}",
                file.split(['.', '_']).next().unwrap_or(file),
                label
            );
            let input = row["text"].as_str().unwrap_or_default();
            let kind = row["kind"].as_str().unwrap_or_default();
            let out = redactor.redact(input);
            let tally = families.entry(family).or_default();
            let changed = out != input;
            if kind == "tp" {
                tally.tp += 1;
                let gone = match &row["expected_substring"] {
                    serde_json::Value::String(s) => !out.contains(s.as_str()),
                    serde_json::Value::Array(a) => a
                        .iter()
                        .filter_map(|v| v.as_str())
                        .all(|s| !out.contains(s)),
                    _ => match &row["expected"] {
                        serde_json::Value::Array(a) => a
                            .iter()
                            .filter_map(|v| v.as_str())
                            .flat_map(|pair| pair.split(':'))
                            .all(|s| !out.contains(s)),
                        _ => changed,
                    },
                };
                if gone && changed {
                    tally.recalled += 1;
                } else {
                    tally.misses.push(format!("{input:?} -> {out:?}"));
                }
            } else {
                tally.fp += 1;
                if changed {
                    tally.flagged += 1;
                    tally.false_hits.push(format!("{input:?} -> {out:?}"));
                }
            }
        }
    }
    println!("| family | tp rows | recalled | recall | fp rows | redacted | fp rate |");
    println!("|---|---|---|---|---|---|---|");
    let (mut tp, mut rec, mut fp, mut fl) = (0, 0, 0, 0);
    for (family, t) in &families {
        tp += t.tp;
        rec += t.recalled;
        fp += t.fp;
        fl += t.flagged;
        println!(
            "| {family} | {} | {} | {} | {} | {} | {} |",
            t.tp,
            t.recalled,
            pct(t.recalled, t.tp),
            t.fp,
            t.flagged,
            pct(t.flagged, t.fp)
        );
    }
    println!(
        "| **all** | {tp} | {rec} | {} | {fp} | {fl} | {} |",
        pct(rec, tp),
        pct(fl, fp)
    );
    if verbose {
        for (family, t) in &families {
            for m in t.misses.iter().take(limit) {
                println!("MISS {family}: {m}");
            }
            for m in t.false_hits.iter().take(limit) {
                println!("FP   {family}: {m}");
            }
        }
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * a as f64 / b as f64)
    }
}
