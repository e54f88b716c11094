//! Shared pieces of the fuzz targets: secrets of every family built from fuzzer bytes in
//! their documented shapes.

use arbitrary::Arbitrary;
use tracing_redact::testing::{is_documented_bare_secret_key, luhn_complete};

/// A secret to plant: which family, the bytes its characters are drawn from, where to put it.
#[derive(Arbitrary, Debug, Clone)]
pub struct Plant {
    pub family: u8,
    pub material: Vec<u8>,
    pub form: u8,
    pub left: String,
    pub right: String,
}

impl Plant {
    /// The secret and the text holding it, or `None` when the bytes cannot make a secret of
    /// the family's documented shape (too few, or a documented exclusion).
    pub fn build(&self) -> Option<(&'static str, String, String)> {
        let (family, secret) = secret_from(self.family, &self.material)?;
        // Noise that already holds part of the secret, as it is or as a formatter escapes it
        // (`\0` before `WEST…` makes `0WEST…`), would be reported as a leak.
        if noise_holds(&self.left, &secret) || noise_holds(&self.right, &secret) {
            return None;
        }
        let form = usize::from(self.form);
        // Noise that spells part of the secret together with the context around it
        // (`{left} {secret} {right}` with `right` = `359-805…` holds ` 359-805` of
        // `(805) 359-8055`) would be reported as a leak too: the output a perfect redactor
        // gives must pass the leak check.
        let ideal = tracing_redact::testing::context("[REDACTED]", form, &self.left, &self.right);
        if noise_holds(&ideal, &secret) {
            return None;
        }
        let text = tracing_redact::testing::context(&secret, form, &self.left, &self.right);
        Some((family, secret, text))
    }
}

/// Draws `n` characters of `alphabet` from `bytes`, or `None` if there are too few bytes.
fn draw(bytes: &[u8], alphabet: &[u8], n: usize) -> Option<String> {
    if bytes.len() < n {
        return None;
    }
    Some(
        bytes[..n]
            .iter()
            .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
            .collect(),
    )
}

/// Like [`draw`], for token bodies: the engine documents that a body with fewer than five
/// distinct letters and digits (`ghp_xxxx…`, `AKIAXXXX…`) is a placeholder, not a secret.
fn draw_token(bytes: &[u8], alphabet: &[u8], n: usize) -> Option<String> {
    let s = draw(bytes, alphabet, n)?;
    let mut distinct: Vec<u8> = s.bytes().filter(u8::is_ascii_alphanumeric).collect();
    distinct.sort_unstable();
    distinct.dedup();
    (distinct.len() >= 5).then_some(s)
}

const UPPER32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGITS: &[u8] = b"0123456789";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// A secret of family `family % 14` in its documented shape.
pub fn secret_from(family: u8, bytes: &[u8]) -> Option<(&'static str, String)> {
    let first = usize::from(*bytes.first()?);
    let pick = |options: &[&'static str]| options[first % options.len()];
    let rest = bytes.get(1..)?;
    Some(match family % 14 {
        0 => (
            "aws-access-key-id",
            format!("{}{}", pick(&["AKIA", "ASIA", "ABIA", "ACCA"]), draw_token(rest, UPPER32, 16)?),
        ),
        1 => {
            let key = draw(rest, BASE64, 40)?;
            if !is_documented_bare_secret_key(&key) {
                return None;
            }
            ("aws-secret-access-key-bare", key)
        }
        2 => (
            "aws-session-token",
            format!(
                "{}{}",
                pick(&["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdz", "FQoGZXIvYXdz"]),
                draw_token(rest, BASE64, 100 + usize::from(*rest.first()?) % 120)?
            ),
        ),
        3 => (
            "github-token",
            format!("gh{}_{}", pick(&["p", "o", "u", "s", "r"]), draw_token(rest, ALNUM, 36)?),
        ),
        4 => ("gitlab-token", format!("glpat-{}", draw_token(rest, URLSAFE, 20)?)),
        5 => (
            "slack-token",
            format!(
                "xoxb-{}-{}-{}",
                draw(rest, DIGITS, 10)?,
                draw(rest.get(10..)?, DIGITS, 12)?,
                draw_token(rest.get(22..)?, ALNUM, 24)?
            ),
        ),
        6 => (
            "stripe-key",
            format!("{}{}", pick(&["sk_live_", "rk_test_"]), draw_token(rest, ALNUM, 24)?),
        ),
        7 => ("openai-api-key", format!("sk-proj-{}", draw_token(rest, URLSAFE, 64)?)),
        8 => (
            "jwt",
            format!(
                "eyJ{}.eyJ{}.{}",
                draw_token(rest, URLSAFE, 12)?,
                draw_token(rest.get(12..)?, URLSAFE, 20)?,
                draw_token(rest.get(32..)?, URLSAFE, 32)?
            ),
        ),
        9 => (
            "email",
            format!(
                "{}.{}@{}.com",
                draw(rest, LOWER, 4)?,
                draw(rest.get(4..)?, LOWER, 5)?,
                draw(rest.get(9..)?, LOWER, 6)?
            ),
        ),
        10 => {
            let body = format!("{}{}", pick(&["4", "51", "55", "6011"]), draw(rest, DIGITS, 14)?);
            let card = luhn_complete(&body[..15])?;
            ("payment-card", card)
        }
        11 => {
            let n = draw(rest, DIGITS, 9)?;
            let (area, group, serial) = (&n[..3], &n[3..5], &n[5..]);
            if area == "000" || area == "666" || area.starts_with('9') || group == "00" || serial == "0000" {
                return None;
            }
            ("us-ssn", format!("{area}-{group}-{serial}"))
        }
        12 => {
            let n = draw(rest, DIGITS, 10)?;
            if n.as_bytes()[0] < b'2' || n.as_bytes()[3] < b'2' {
                return None;
            }
            ("phone-number", format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]))
        }
        _ => {
            let account = draw(rest, DIGITS, 14)?;
            let bban = format!("WEST{account}");
            let mut rem = 0u32;
            for c in format!("{bban}GB00").chars() {
                let v = c.to_digit(36)?;
                rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
            }
            ("iban", format!("GB{:02}{bban}", 98 - rem))
        }
    })
}

/// Whether `noise`, raw, `Debug`-escaped or JSON-escaped, holds a window of `secret` or
/// its hex.
pub fn noise_holds(noise: &str, secret: &str) -> bool {
    let json = serde_json::to_string(noise).unwrap_or_default();
    // Spelled out in hex too: the leak check looks for that form, because `fmt` prints
    // bytes fields in hex. An escape a formatter writes can complete it (`\u{4}` followed
    // by `1 4b 49 …` reads `…0041 4b 49 …` in JSON), so every rendering is checked.
    let hex = hex_of(secret);
    [noise, &format!("{noise:?}"), &json]
        .iter()
        .any(|rendered| leaked(rendered, secret) || rendered.contains(&hex))
}

/// `secret` as `fmt` prints a bytes field: lowercase hex pairs separated by spaces.
pub fn hex_of(secret: &str) -> String {
    let pairs: Vec<String> = secret.bytes().map(|b| format!("{b:02x}")).collect();
    pairs.join(" ")
}

/// Whether any 8-byte window of `secret` appears in `output`.
pub fn leaked(output: &str, secret: &str) -> bool {
    tracing_redact::testing::find_leak(output, &[secret]).is_some()
}
