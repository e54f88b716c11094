//! Prints the built-in rule catalogue as the Markdown table the README embeds.
//!
//! ```text
//! cargo run --example catalogue
//! ```

fn main() {
    print!("{}", tracing_redact::catalogue_markdown());
}
