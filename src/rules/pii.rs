//! Personal data: e-mail addresses, phone numbers, payment cards, US SSNs and IBANs.
//!
//! These shapes have no literal prefix, so they are found by hand-written scanners instead of
//! keyword-gated regexes: one walk over digit runs serves cards, SSNs, phones and IBANs, and a
//! `memchr` for `@` serves e-mail. Checksums and ranges run only on candidates.
//!
//! Precision choices, all tested:
//! * cards must pass Luhn **and** have a real issuer prefix and length, so a 13-digit
//!   epoch-millisecond timestamp (`1732443000123`) is not a card;
//! * bare digit runs are never phones unless written `+<country code>…`, because ids, counters
//!   and epoch seconds are bare digit runs too;
//! * SSNs need the `ddd-dd-dddd` (or spaced) layout and valid area/group/serial numbers;
//! * dates (`2026-11-24`), versions and IPv4 addresses do not have any of these layouts.
//!
//! Found by the engine's scanners: `engine/digits.rs` (digit clusters) and
//! `engine/email.rs` (around each `@`).

use super::{Detector, Family, RuleInfo, SecretForm, Slot};

pub(crate) static RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "email",
        family: Family::Pii,
        description: "e-mail address",
        validation: "local part, dotted domain, alphabetic TLD that is not a file extension",
        default_enabled: true,
        form: SecretForm::Email,
        detector: Detector::Scanner(Slot::Email),
    },
    RuleInfo {
        id: "payment-card",
        family: Family::Pii,
        description: "payment card number, 13–19 digits, plain or grouped by spaces/dashes",
        validation: "Luhn and issuer prefix/length (Visa, Mastercard incl. 2221–2720, Amex, Discover, JCB, Diners, UnionPay)",
        default_enabled: true,
        form: SecretForm::PaymentCard,
        detector: Detector::Scanner(Slot::PaymentCard),
    },
    RuleInfo {
        id: "us-ssn",
        family: Family::Pii,
        description: "US social security number `ddd-dd-dddd` or `ddd dd dddd`",
        validation: "area not 000/666/9xx, group not 00, serial not 0000",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Scanner(Slot::UsSsn),
    },
    RuleInfo {
        id: "phone-number",
        family: Family::Pii,
        description: "phone number: E.164 `+…`, NANP `(555) 123-4567` / `555-123-4567`, national `0…` formats",
        validation: "layout and digit count; bare digit runs only with `+`",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Scanner(Slot::PhoneNumber),
    },
    RuleInfo {
        id: "iban",
        family: Family::Pii,
        description: "IBAN, with or without spaces",
        validation: "country length table and ISO 13616 mod-97",
        default_enabled: true,
        form: SecretForm::Opaque,
        detector: Detector::Scanner(Slot::Iban),
    },
];
