//! `RedactionConfig` (feature `serde`): the example file in `examples/redaction.toml` (which
//! the README shows verbatim) configures what it says, in TOML, YAML and JSON alike, and every
//! mistake is refused with the entry that holds it.

use tracing_redact::config::RedactionConfig;
use tracing_redact::{Error, Redactor};

const EXAMPLE: &str = include_str!("../examples/redaction.toml");

fn from_toml(text: &str) -> RedactionConfig {
    toml::from_str(text).unwrap()
}

fn from_json(text: &str) -> RedactionConfig {
    serde_json::from_str(text).unwrap()
}

/// (input, output) for the example file.
const EXAMPLE_ROWS: &[(&str, &str)] = &[
    // PII is off but e-mail, masked to its domain.
    (
        "to jane.doe@example.com card 4111 1111 1111 1111",
        "to ****@example.com card 4111 1111 1111 1111",
    ),
    // IPv4 is on; the allowlisted range is not.
    (
        "from 10.1.2.3 via 10.0.0.7",
        "from [REDACTED:ipv4] via 10.0.0.7",
    ),
    // Sensitive names and globs, with the `keys` family's replacement.
    (
        "employeeNumber=12345 X-Acme-Token: abc",
        "employeeNumber=*** X-Acme-Token: ***",
    ),
    // Exempt names keep even what a rule finds.
    (
        "request_id=AKIA2E0A8F3B244C9986 key=AKIA2E0A8F3B244C9986",
        "request_id=AKIA2E0A8F3B244C9986 key=[REDACTED:aws-access-key-id]",
    ),
    (
        "commit_sha=AKIA2E0A8F3B244C9986",
        "commit_sha=AKIA2E0A8F3B244C9986",
    ),
    // The allowlisted literal.
    (
        "doc key AKIAIOSFODNN7EXAMPLE",
        "doc key AKIAIOSFODNN7EXAMPLE",
    ),
    // The custom rule, with its proximity words.
    ("employee 1234567", "employee [REDACTED:employee-id]"),
    ("order for employee 1234567", "order for employee 1234567"),
    ("build 1234567", "build 1234567"),
    // The `keys` family's replacement; labels everywhere else.
    ("password=hunter2", "password=***"),
    (
        "Authorization: Bearer abcdef0123456789abcdef",
        "Authorization: Bearer [REDACTED:http-authorization]",
    ),
];

fn check_rows(redactor: &Redactor, format: &str) {
    for (input, expected) in EXAMPLE_ROWS {
        assert_eq!(redactor.redact(input), *expected, "{format}: {input}");
    }
}

#[test]
fn the_example_file_configures_what_it_says() {
    let redactor = from_toml(EXAMPLE).build().unwrap();
    check_rows(&redactor, "toml");
    let card = "card 4111 1111 1111 1111";
    assert_eq!(
        redactor.for_target("app::billing").redact(card),
        "card 4111 11** **** 1111"
    );
    assert_eq!(redactor.for_target("app::users").redact(card), card);
}

#[test]
fn yaml_and_json_give_the_same_redactor() {
    let yaml = r#"
disable: [pii]
enable: [email, ipv4]
sensitive_keys: [employee_number, "x-*-token"]
exempt_fields: [request_id, "*_sha"]
allow_literals: [AKIAIOSFODNN7EXAMPLE]
allow_patterns: ['10\.0\.0\.\d+']
max_value_len: 262144
replacement: label
replacements:
  email: { mask: { fixed_len: 4, keep_email_domain: true } }
  keys: { fixed: "***" }
custom_rules:
  - id: employee-id
    pattern: '\b\d{7}\b'
    near: { words: [employee, staff id], within: 20 }
    not_near: { words: [order], within: 30 }
"#;
    let config: RedactionConfig = serde_yaml::from_str(yaml).unwrap();
    check_rows(&config.build().unwrap(), "yaml");

    let json = r#"{
        "disable": ["pii"],
        "enable": ["email", "ipv4"],
        "sensitive_keys": ["employee_number", "x-*-token"],
        "exempt_fields": ["request_id", "*_sha"],
        "allow_literals": ["AKIAIOSFODNN7EXAMPLE"],
        "allow_patterns": ["10\\.0\\.0\\.\\d+"],
        "replacement": "label",
        "replacements": {
            "email": { "mask": { "fixed_len": 4, "keep_email_domain": true } },
            "keys": { "fixed": "***" }
        },
        "custom_rules": [{
            "id": "employee-id",
            "pattern": "\\b\\d{7}\\b",
            "near": { "words": ["employee", "staff id"], "within": 20 },
            "not_near": { "words": ["order"], "within": 30 }
        }]
    }"#;
    check_rows(&from_json(json).build().unwrap(), "json");
}

#[test]
fn the_readme_shows_the_example_file() {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&format!("```toml\n{EXAMPLE}```")),
        "README's configuration file differs from examples/redaction.toml"
    );
}

#[test]
fn an_empty_file_is_the_default_redactor() {
    let empty = from_toml("").build().unwrap();
    let default = Redactor::default();
    for line in [
        "password=hunter2 card 4111 1111 1111 1111 from 10.1.2.3",
        "AKIA2E0A8F3B244C9986 jane@example.com",
    ] {
        assert_eq!(empty.redact(line), default.redact(line));
    }
}

#[test]
fn a_rule_beats_its_family_whatever_the_order() {
    // In each file the family's entries come first in one and last in the other; a rule's
    // own entry wins either way, for toggles and for replacements.
    for text in [
        r#"disable = ["pii"]
           enable = ["payment-card"]
           [replacements]
           pii = { fixed = "<pii>" }
           payment-card = { mask = { keep_card_bin = true } }"#,
        r#"enable = ["payment-card"]
           disable = ["pii"]
           [replacements]
           payment-card = { mask = { keep_card_bin = true } }
           pii = { fixed = "<pii>" }"#,
    ] {
        let r = from_toml(text).build().unwrap();
        assert_eq!(
            r.redact("4111 1111 1111 1111"),
            "4111 11** **** 1111",
            "{text}"
        );
        assert_eq!(r.redact("a@example.com"), "a@example.com", "{text}");
        assert_eq!(r.redact("ssn 078-05-1120"), "ssn 078-05-1120", "{text}");
    }
    let r = from_toml(
        r#"[replacements]
           payment-card = { mask = { keep_card_bin = true } }
           pii = { fixed = "<pii>" }"#,
    )
    .build()
    .unwrap();
    assert_eq!(r.redact("a@example.com"), "<pii>");
    assert_eq!(r.redact("4111 1111 1111 1111"), "4111 11** **** 1111");
}

/// Builds `json` and returns the entry the error names and the error's text.
fn failing(json: &str) -> (String, String) {
    let err = from_json(json).build().unwrap_err();
    let text = err.to_string();
    match err {
        Error::Config { entry, .. } => (entry, text),
        other => panic!("{json}: not a config error: {other:?}"),
    }
}

#[test]
fn every_mistake_names_its_entry() {
    std::env::remove_var("TRACING_REDACT_CONFIG_TEST_UNSET");
    std::env::set_var("TRACING_REDACT_CONFIG_TEST_SHORT", "abc");
    std::env::set_var("TRACING_REDACT_CONFIG_TEST_BADKEY", "zz".repeat(32));
    // (configuration, entry, a word the message must hold)
    let rows = [
        (
            r#"{"enable": ["email", "no-such-rule"]}"#,
            "enable[1]",
            "no-such-rule",
        ),
        (r#"{"disable": ["nope"]}"#, "disable[0]", "nope"),
        (
            r#"{"enable": ["pii"], "disable": ["pii"]}"#,
            "enable[0]",
            "both",
        ),
        (
            r#"{"custom_rules": [{"id": "a", "pattern": "a+"}, {"id": "b", "pattern": "("}]}"#,
            "custom_rules[1]",
            "invalid pattern",
        ),
        (
            r#"{"custom_rules": [{"id": "a", "pattern": "a+"}, {"id": "a", "pattern": "b+"}]}"#,
            "custom_rules[1]",
            "used twice",
        ),
        (
            r#"{"custom_rules": [{"id": "email", "pattern": "x"}]}"#,
            "custom_rules[0]",
            "used twice",
        ),
        (
            r#"{"custom_rules": [{"id": "a", "pattern": "x", "near": {"words": [], "within": 9}}]}"#,
            "custom_rules[0]",
            "word",
        ),
        (
            r#"{"custom_rules": [{"id": "a b", "pattern": "x"}]}"#,
            "custom_rules[0]",
            "spaces",
        ),
        (
            r#"{"sensitive_keys": ["ok_name", "*"]}"#,
            "sensitive_keys[1]",
            "glob",
        ),
        (
            r#"{"exempt_fields": ["trace_id", "password"]}"#,
            "exempt_fields[1]",
            "secret",
        ),
        (
            r#"{"exempt_fields": ["employee_id"], "sensitive_keys": ["employee_id"]}"#,
            "exempt_fields[0]",
            "both",
        ),
        (
            r#"{"allow_patterns": ["ok", "(unclosed"]}"#,
            "allow_patterns[1]",
            "invalid pattern",
        ),
        (
            r#"{"secret_values_from_env": ["PATH", "TRACING_REDACT_CONFIG_TEST_UNSET"]}"#,
            "secret_values_from_env[1]",
            "not set",
        ),
        (
            r#"{"secret_values_from_env": ["TRACING_REDACT_CONFIG_TEST_SHORT"]}"#,
            "secret_values_from_env[0]",
            "shorter",
        ),
        (
            r#"{"replacement": {"mask": {"fill": "\n"}}}"#,
            "replacement",
            "not allowed",
        ),
        (
            r#"{"replacements": {"email": {"mask": {"fixed_len": 0}}}}"#,
            "replacements.email",
            "length",
        ),
        (
            r#"{"replacements": {"no-such-family": "label"}}"#,
            "replacements.no-such-family",
            "no-such-family",
        ),
        (
            r#"{"replacements": {"pii": {"keyed_hash": {"key_env": "TRACING_REDACT_CONFIG_TEST_UNSET"}}}}"#,
            "replacements.pii",
            "not set",
        ),
        (
            r#"{"replacements": {"pii": {"keyed_hash": {"key_env": "TRACING_REDACT_CONFIG_TEST_BADKEY"}}}}"#,
            "replacements.pii",
            "64 hex digits",
        ),
    ];
    for (json, entry, word) in rows {
        let (named, text) = failing(json);
        assert_eq!(named, entry, "{json}: {text}");
        assert!(text.contains(&format!("`{entry}`")), "{text}");
        assert!(text.contains(word), "{json}: {text}");
        // Never a value read from the environment.
        assert!(!text.contains("zzzz") && !text.contains("abc"), "{text}");
    }
}

#[test]
fn scopes_add_to_the_configuration_outside_them() {
    let config = from_toml(
        r#"disable = ["pii"]
           sensitive_keys = ["employee_number"]
           [scopes."app::users"]
           enable = ["pii"]
           [scopes."app::users".replacements]
           email = { mask = { keep_email_domain = true } }
           [scopes."noisy"]
           exempt_fields = ["trace_blob"]"#,
    );
    let r = config.build().unwrap();
    let line = "jo@example.com employee_number=7";
    assert_eq!(
        r.redact(line),
        "jo@example.com employee_number=[REDACTED:sensitive-key]"
    );
    assert_eq!(
        r.for_target("app::users::db").redact(line),
        "**@example.com employee_number=[REDACTED:sensitive-key]"
    );
    assert_eq!(
        r.for_target("noisy")
            .redact("trace_blob=AKIA2E0A8F3B244C9986"),
        "trace_blob=AKIA2E0A8F3B244C9986"
    );
    assert_eq!(
        r.redact("trace_blob=AKIA2E0A8F3B244C9986"),
        "trace_blob=[REDACTED:aws-access-key-id]"
    );

    for (text, entry) in [
        (
            "[scopes.\"app\"]\nenable = [\"nope\"]",
            "scopes.app.enable[0]",
        ),
        (
            "[scopes.\"app\"]\nenable = [\"pii\"]\ndisable = [\"pii\"]",
            "scopes.app.enable[0]",
        ),
        (
            "[scopes.\"app\".replacements]\nemail = { mask = { fill = \"\\u0007\" } }",
            "scopes.app.replacements.email",
        ),
        (
            "[scopes.\"app\".scopes.\"inner\"]\nenable = [\"pii\"]",
            "scopes.app.scopes",
        ),
        ("[scopes.\"app::\"]\nenable = [\"pii\"]", "scopes.app::"),
        // A mistake outside the scopes is named as such, scopes or not.
        (
            "enable = [\"nope\"]\n[scopes.\"app\"]\nenable = [\"pii\"]",
            "enable[0]",
        ),
        (
            "replacement = { mask = { fill = \"x\" } }\n[scopes.\"app\"]\nenable = [\"pii\"]",
            "replacement",
        ),
    ] {
        let err = from_toml(text).build().unwrap_err();
        match &err {
            Error::Config {
                entry: named,
                error,
            } => {
                assert_eq!(named, entry, "{text}: {err}");
                assert!(!matches!(**error, Error::Config { .. }), "{err:?}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn unknown_and_mistyped_entries_are_refused_by_name() {
    for (toml_text, word) in [
        (r#"sensitive_key = ["x"]"#, "sensitive_key"),
        (r#"replacement = "mask""#, "mask"),
        (
            "[replacements]\nemail = { mask = { keep_domain = true } }",
            "keep_domain",
        ),
        ("max_value_len = -1", "max_value_len"),
        (
            "[replacements]\nemail = { mask = {}, fixed = \"x\" }",
            "one entry",
        ),
        ("[replacements]\nemail = { masks = {} }", "masks"),
        ("[[custom_rules]]\nid = \"a\"", "pattern"),
    ] {
        let err = toml::from_str::<RedactionConfig>(toml_text).unwrap_err();
        assert!(err.to_string().contains(word), "{toml_text}: {err}");
    }
}

#[test]
fn keyed_hash_keys_come_from_the_environment() {
    let var = "TRACING_REDACT_CONFIG_TEST_KEY";
    std::env::set_var(var, "07".repeat(32));
    let from_file = from_toml(&format!(
        "replacement = {{ keyed_hash = {{ key_env = \"{var}\" }} }}"
    ))
    .build()
    .unwrap();
    let in_code = Redactor::builder()
        .replacement(tracing_redact::Replacement::keyed_hash([7; 32]))
        .build()
        .unwrap();
    let line = "password=hunter2";
    assert_eq!(from_file.redact(line), in_code.redact(line));
    assert!(from_toml("replacement = \"keyed_hash_random\"")
        .build()
        .is_ok());
}
