//! Password hashes (family `password-hashes`): bcrypt, Argon2, crypt(3) and PBKDF2.
//!
//! A hash in a log is offline brute-force material: a user table dumped by an ORM's debug
//! output, a `Debug` of a user struct. These formats all start with `$` (PBKDF2 as Django
//! writes it has `$` after its algorithm name), which is rare in logs, so their keywords
//! are found at each `$` by the engine's rare-byte pass, not by the SIMD keyword pass. The
//! family is on by default; switch it off with `disable("password-hashes")` where hashes
//! are what the logs are about.

use super::{Detector, Family, HandMatcher, RuleInfo, SecretForm};

/// A pattern rule anchored at its `$` keywords.
macro_rules! hash_rule {
    ($id:literal, $description:literal, $validation:literal, $regex:literal, [$($k:literal),+ $(,)?]) => {
        RuleInfo {
            id: $id,
            family: Family::PasswordHashes,
            description: $description,
            validation: $validation,
            default_enabled: true,
            form: SecretForm::Opaque,
            detector: Detector::Pattern {
                regex: $regex,
                keywords: &[$($k),+],
                validator: None,
                hit_check: None,
                slot: None,
                placeholder_guard: true,
                hand: HandMatcher::NONE,
            },
        }
    };
}

pub(crate) static RULES: &[RuleInfo] = &[
    hash_rule!(
        "bcrypt-hash",
        "bcrypt hash `$2b$<cost>$<salt+hash>` (also `$2a$`, `$2y$`, `$2x$`, `$2$`)",
        "cost of two digits and exactly 53 bcrypt-base64 characters",
        r"\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}",
        ["$2a$", "$2b$", "$2y$", "$2x$", "$2$"]
    ),
    hash_rule!(
        "argon2-hash",
        "Argon2 hash in PHC string format `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`",
        "PHC fields, salt and hash in base64",
        r"\$argon2(?:id|i|d)\$(?:v=[0-9]{1,3}\$)?m=[0-9]{1,10},t=[0-9]{1,10},p=[0-9]{1,3}(?:,[a-z]+=[A-Za-z0-9+/]*)*\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}",
        ["$argon2"]
    ),
    hash_rule!(
        "crypt-hash",
        "crypt(3) hashes: SHA-512 `$6$`, SHA-256 `$5$`, MD5 `$1$` and `$apr1$`, yescrypt `$y$`",
        "salt and hash lengths of each scheme",
        r"\$[56]\$(?:rounds=[0-9]{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}|\$(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}|\$y\$[./A-Za-z0-9]{1,32}\$[./A-Za-z0-9]{1,86}\$[./A-Za-z0-9]{43}",
        ["$5$", "$6$", "$1$", "$apr1$", "$y$"]
    ),
    hash_rule!(
        "pbkdf2-hash",
        "PBKDF2 hashes as Django (`pbkdf2_sha256$<iterations>$<salt>$<hash>`) and passlib (`$pbkdf2-sha256$…`) write them",
        "iterations, salt and a hash of 20 or more base64 characters",
        r"\$?pbkdf2[_-]sha(?:1|256|512)\$[0-9]{1,8}\$[A-Za-z0-9./+]{1,128}\$[A-Za-z0-9./+=]{20,}",
        [
            "pbkdf2_sha1$",
            "pbkdf2_sha256$",
            "pbkdf2_sha512$",
            "pbkdf2-sha1$",
            "pbkdf2-sha256$",
            "pbkdf2-sha512$",
            "$pbkdf2-sha",
            "$pbkdf2_sha"
        ]
    ),
];
