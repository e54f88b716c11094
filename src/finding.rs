//! What the engine reports for each secret it finds.

use std::ops::Range;

/// One secret found in a text: which rule found it and where.
///
/// Ranges are byte offsets into the text passed to [`Redactor::find`](crate::Redactor::find).
/// Overlapping matches of different rules are merged into one finding that carries the id of
/// the rule whose match starts first, so the ranges of one call never overlap and are sorted.
///
/// ```
/// let redactor = tracing_redact::Redactor::default();
/// let text = "key id AKIAIOSFODNN7EXAMPLE in use";
/// let finding = redactor.find(text).next().unwrap();
/// assert_eq!(finding.rule(), "aws-access-key-id");
/// assert_eq!(&text[finding.range()], "AKIAIOSFODNN7EXAMPLE");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<'r> {
    pub(crate) rule: &'r str,
    pub(crate) range: Range<usize>,
}

impl<'r> Finding<'r> {
    /// The id of the rule that matched, e.g. `aws-access-key-id`.
    pub fn rule(&self) -> &'r str {
        self.rule
    }

    /// The byte range of the secret in the searched text.
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }
}

/// The findings of one [`Redactor::find`](crate::Redactor::find) call, in text order.
#[derive(Debug)]
pub struct Findings<'r> {
    pub(crate) inner: std::vec::IntoIter<Finding<'r>>,
}

impl<'r> Iterator for Findings<'r> {
    type Item = Finding<'r>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Findings<'_> {}
