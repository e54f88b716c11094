//! Building blocks that know no rule and no `tracing`: byte-class masks and the runs they
//! hold, token boundaries, checksums, integers in decimal, a skipping search for long
//! literals, and facts about all the matches of a regular expression. The rules
//! (`crate::rules`) and the engine (`crate::engine`) both build on them; nothing here
//! imports either.
//!
//! Each is checked against a naive reference in its own tests: the SIMD classes against
//! byte-by-byte predicates, the run finders against a scan byte by byte, the literal search
//! against trying every literal at every position.

pub(crate) mod checksum;
pub(crate) mod classify;
pub(crate) mod decimal;
pub(crate) mod long_literals;
pub(crate) mod regex_facts;
pub(crate) mod runs;
pub(crate) mod text;
