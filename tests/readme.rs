//! The README's rule table is generated from the catalogue; this keeps it current.

#[test]
fn readme_embeds_the_current_rule_catalogue() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md exists");
    let table = tracing_redact::catalogue_markdown();
    assert!(
        readme.contains(&table),
        "README.md's rule table is stale; replace it with the output of \
         `cargo run --example catalogue`:\n{table}"
    );
}
