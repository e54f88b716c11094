//! What a field's *name* calls for, decided once per callsite and redactor: a cache keyed
//! by (redactor, callsite), since field names are static and the key-name classifier need
//! not run on every event.

use crate::Redactor;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use tracing_core::callsite::Identifier;
use tracing_core::Metadata;

/// What a field's *name* calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NamePolicy {
    /// Nothing: the value is scanned.
    Scan,
    /// The value is replaced whole by this rule (`password`, a sensitive key), unless it is a
    /// stand-in.
    Whole(u16),
    /// The value is never redacted (`RedactorBuilder::exempt_field`).
    Exempt,
}

impl NamePolicy {
    pub(super) fn of(redactor: &Redactor, name: &str) -> NamePolicy {
        if redactor.is_exempt_name(name) {
            return NamePolicy::Exempt;
        }
        redactor
            .rule_for_key_name(name)
            .map_or(NamePolicy::Scan, NamePolicy::Whole)
    }
}

/// For each (redactor, callsite): what each field's *name* calls for. Field names are
/// static, so classifying them once per callsite instead of once per event takes the
/// key-name classifier off the hot path.
pub(super) type NameCache =
    HashMap<(u64, Identifier), Rc<[NamePolicy]>, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (FxHash): a few cycles for the two words of a key,
/// where the default SipHash costs tens of nanoseconds. Keys are not attacker-chosen.
#[derive(Default)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Looks up (or computes and remembers) the name rules of `fields` under `redactor`.
pub(super) fn name_rules(
    cache: &mut NameCache,
    redactor: &Redactor,
    metadata: &Metadata<'_>,
) -> Rc<[NamePolicy]> {
    let key = (redactor.serial(), metadata.callsite());
    if let Some(rules) = cache.get(&key) {
        return Rc::clone(rules);
    }
    let rules: Rc<[NamePolicy]> = metadata
        .fields()
        .iter()
        .map(|field| NamePolicy::of(redactor, field.name()))
        .collect();
    cache.insert(key, Rc::clone(&rules));
    rules
}
