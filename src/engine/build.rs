//! Building an [`Engine`]: rules compiled into the keyword searchers, the scanners'
//! switches, the shape dispatch and the report slots. Runs once, in
//! [`RedactorBuilder::build`](crate::RedactorBuilder::build); every mistake is an error here,
//! never at log time.

use super::aws_context;
use super::keywords::Keywords;
use super::{
    shapes, ByteKeyword, Carried, Engine, EngineParts, Slots, Target, BYTE_ARRAY_OPEN, KEY_RUN_MIN,
    MAX_RULES,
};
use crate::rules::aws;
use crate::rules::keys::KEY_STEMS;
use crate::util::long_literals::LongLiterals;
use zeroize::Zeroizing;

impl Engine {
    pub(crate) fn new(parts: EngineParts) -> Result<Engine, crate::Error> {
        if parts.rules.len() > MAX_RULES {
            return Err(crate::Error::InvalidRule {
                rule: "custom".into(),
                reason: format!("at most {MAX_RULES} rules can be enabled at once"),
            });
        }
        let slots = Slots::of(&parts.rules);
        let kv_enabled = slots.aws_secret.is_some()
            || slots.aws_session.is_some()
            || slots.authorization.is_some()
            || slots.cookie.is_some()
            || slots.sensitive.is_some()
            || !parts.extra_keys.is_empty();

        // Zeroed when dropped: known secret values are among the literals.
        let mut literals: Zeroizing<Vec<String>> = Zeroizing::new(Vec::new());
        let mut keyword_targets: Vec<Vec<Target>> = Vec::new();
        let mut add =
            |literal: &str, target: Target| match literals.iter().position(|l| l == literal) {
                Some(i) => keyword_targets[i].push(target),
                None => {
                    literals.push(literal.to_string());
                    keyword_targets.push(vec![target]);
                }
            };
        let mut unconditional = Vec::new();
        let mut run_keywords = Vec::new();
        let mut byte_keywords: Vec<(u8, Vec<ByteKeyword>)> = Vec::new();
        for (i, (rule, words)) in parts.rules.iter().zip(&parts.keywords).enumerate() {
            if rule.regex.is_none() {
                continue;
            }
            if words.is_empty() {
                unconditional.push(i as u16);
            }
            // A match starts with one of the keywords, and its first KEY_RUN_MIN bytes are
            // key bytes: the keyword lies inside a run the key-run scan reports, at least
            // KEY_RUN_MIN bytes from its end.
            let in_key_runs =
                rule.match_start.at_keyword && rule.match_start.key_bytes >= KEY_RUN_MIN;
            for w in words {
                let bytes = w.as_bytes();
                match placement(bytes, in_key_runs, parts.simd_keywords_only) {
                    Placement::InKeyRuns => run_keywords.push((bytes.into(), i as u16)),
                    Placement::AtByte(byte) => {
                        let keyword = ByteKeyword {
                            literal: bytes.into(),
                            offset: bytes.iter().position(|&b| b == byte).unwrap_or(0),
                            rule: i as u16,
                        };
                        match byte_keywords.iter_mut().find(|(b, _)| *b == byte) {
                            Some((_, list)) => list.push(keyword),
                            None => byte_keywords.push((byte, vec![keyword])),
                        }
                    }
                    Placement::SimdPass => add(w, Target::Rule(i as u16)),
                }
            }
        }
        if kv_enabled {
            for stem in KEY_STEMS {
                add(stem, Target::KeyStem);
            }
            // The first letters of a user key appear in one of three cases in every spelling
            // of it (snake, kebab, camel, Pascal, upper); the classifier checks the whole key.
            for stem in parts.extra_keys.stems() {
                add(&stem, Target::KeyStem);
            }
        }
        if !parts.rules.is_empty() {
            add(BYTE_ARRAY_OPEN, Target::ByteArray);
        }
        // Known values' forms are long: a skipping search of their own costs less than the
        // SIMD pass they would add to (see `util::long_literals`). A form too short for it (none:
        // forms have at least 6 bytes) would go to the keyword pass.
        let secret_values = match slots.secret_value {
            Some(rule) => {
                let searcher = LongLiterals::new(parts.secret_forms.iter().map(|f| f.as_bytes()));
                if searcher.is_none() {
                    for form in &parts.secret_forms {
                        add(form, Target::SecretValue(rule));
                    }
                }
                searcher.map(|s| (s, rule))
            }
            None => None,
        };
        if slots.aws_secure_parameter.is_some() {
            add(aws_context::SECURE_STRING, Target::SecureParameter);
        }
        let carried_by = if parts.simd_keywords_only {
            vec![None; literals.len()]
        } else {
            carriers(&literals, &keyword_targets)
        };
        let mut carried: Vec<Vec<Carried>> = Vec::new();
        let keywords = if literals.is_empty() {
            None
        } else {
            // Key stems first (see `Keywords::new`), then the rule keywords the pass itself
            // looks for; carried keywords leave the pass.
            let mut order: Vec<usize> = (0..literals.len())
                .filter(|&i| carried_by[i].is_none())
                .collect();
            let is_stem = |i: &usize| {
                keyword_targets[*i]
                    .iter()
                    .any(|t| matches!(t, Target::KeyStem))
            };
            order.sort_by_key(|i| !is_stem(i));
            let stems = order.iter().filter(|i| is_stem(i)).count();
            let mut new_index = vec![usize::MAX; literals.len()];
            for (new, &old) in order.iter().enumerate() {
                new_index[old] = new;
            }
            carried.resize_with(order.len(), Vec::new);
            for (old, by) in carried_by.iter().enumerate() {
                if let Some((carrier, offset)) = *by {
                    carried[new_index[carrier]].push(Carried {
                        literal: literals[old].as_bytes().into(),
                        offset,
                        rules: keyword_targets[old]
                            .iter()
                            .filter_map(|t| match t {
                                Target::Rule(rule) => Some(*rule),
                                _ => None,
                            })
                            .collect(),
                    });
                }
            }
            literals = Zeroizing::new(
                order
                    .iter()
                    .map(|&i| std::mem::take(&mut literals[i]))
                    .collect(),
            );
            keyword_targets = order
                .iter()
                .map(|&i| std::mem::take(&mut keyword_targets[i]))
                .collect();
            Some(Keywords::new(&literals, stems)?)
        };
        let mut rare_needles = Vec::new();
        if slots.email.is_some() {
            rare_needles.push(b'@');
        }
        rare_needles.extend(byte_keywords.iter().map(|(b, _)| *b).filter(|&b| b != b'@'));
        let shape_rules: Vec<(u16, &'static crate::rules::shape::TokenShape)> = parts
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i as u16, r.shape?)))
            .collect();
        let exempt = if parts.exempt_keys.is_empty() {
            None
        } else {
            let stems = parts.exempt_keys.stems();
            let searcher = Keywords::new(&stems, stems.len())?;
            Some((parts.exempt_keys, searcher))
        };
        let shapes = shapes::ShapeDispatch::new(&shape_rules);
        // Who reads the classes: the shape dispatch, the digit scanner and the key-run scan
        // (bare secret keys, a secret key paired with its key id, keywords in key runs).
        let reads_classes = shapes.is_some()
            || slots.digit_scanner_on()
            || slots.aws_secret_bare.is_some()
            || slots.aws_secret.is_some()
            || !run_keywords.is_empty();
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Ok(Engine {
            secret_values,
            replacements_findable: parts.rules.iter().any(|r| r.replacement.may_be_found()),
            shapes,
            reads_classes,
            serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            rules: parts.rules,
            keywords,
            keyword_targets,
            carried,
            run_keywords,
            rare_needles,
            byte_keywords,
            unconditional,
            slots,
            extra_keys: parts.extra_keys,
            exempt,
            allow_literals: parts.allow_literals,
            allow_patterns: parts.allow_patterns,
            max_len: parts.max_len,
        })
    }
}

/// For each literal of the keyword pass, the literal that carries it and where that one sits
/// in it, if any ([`Carried`]).
///
/// A literal is carried when it only triggers rules and holds another literal that stays in
/// the pass: `X-Amz-Credential` holds the key stem `Cred`, `github_pat_` holds `_pat`. Every
/// occurrence of it then holds an occurrence of the carrier at that offset, which the pass
/// reports (it reports every occurrence of every literal, see `keywords`), so one comparison
/// there finds it. The pass's cost grows with its literals, and past 64 it takes a pass more.
/// Carriers are shorter, so they are decided first, and are never carried themselves.
fn carriers(literals: &[String], targets: &[Vec<Target>]) -> Vec<Option<(usize, usize)>> {
    let mut by_length: Vec<usize> = (0..literals.len()).collect();
    by_length.sort_by_key(|&i| literals[i].len());
    let mut carried_by: Vec<Option<(usize, usize)>> = vec![None; literals.len()];
    for &literal in &by_length {
        if !targets[literal]
            .iter()
            .all(|t| matches!(t, Target::Rule(_)))
        {
            continue;
        }
        let text = literals[literal].as_bytes();
        carried_by[literal] = by_length
            .iter()
            .take_while(|&&c| literals[c].len() < text.len())
            .filter(|&&c| !literals[c].is_empty() && carried_by[c].is_none())
            .find_map(|&c| {
                memchr::memmem::find(text, literals[c].as_bytes()).map(|offset| (c, offset))
            });
    }
    carried_by
}

/// Where the engine looks for one keyword of a pattern rule. Every choice finds every
/// occurrence that can start a match; they differ in cost. The SIMD pass's cost grows with
/// its literals (and past 64 it takes a pass more), so a keyword goes there only when no
/// cheaper search is sure to find it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placement {
    /// The SIMD keyword pass over the whole text (`keywords`), or through a literal of it
    /// that the keyword holds ([`carriers`]).
    SimdPass,
    /// Inside the maximal runs of at least [`KEY_RUN_MIN`] bytes of `[A-Za-z0-9+/]` that the
    /// key-run scan finds for bare secret keys anyway (`Engine::run_keywords_in`).
    InKeyRuns,
    /// At each occurrence of this byte, in the rare-byte pass `e-mail` shares (one `memchr`
    /// for all of them).
    AtByte(u8),
}

/// Bytes rare enough in logs that finding a keyword at each of them, in the `memchr` pass
/// the `@` of e-mail addresses already takes, costs less than a literal of the SIMD pass:
/// `~` (Azure client secrets' `Q~`), `$` (crypt(3), bcrypt and Argon2 hashes).
const RARE_KEYWORD_BYTES: &[u8] = b"~$";

/// Where `keyword` is looked for. `in_key_runs`: every match of the rule starts with one of
/// its keywords followed by key bytes up to [`KEY_RUN_MIN`] in all (`MatchStart`), as
/// Twilio's `SK[0-9a-fA-F]{32}` does.
fn placement(keyword: &[u8], in_key_runs: bool, simd_only: bool) -> Placement {
    if simd_only {
        return Placement::SimdPass;
    }
    if in_key_runs
        && !keyword.is_empty()
        && keyword.len() <= KEY_RUN_MIN
        && keyword.iter().all(|&b| aws::KEY_BYTES.contains(b))
    {
        return Placement::InKeyRuns;
    }
    match keyword.iter().find(|b| RARE_KEYWORD_BYTES.contains(b)) {
        Some(&byte) => Placement::AtByte(byte),
        None => Placement::SimdPass,
    }
}
