//! Sentence segmentation (placeholder: being written).
use std::ops::Range;

/// Iterator over the byte spans of the sentences of a text.
pub struct Sentences<'a> {
    text: &'a str,
    pos: usize,
}

/// Splits `text` into sentences, yielding each sentence's trimmed byte span.
pub fn sentences(text: &str) -> Sentences<'_> {
    Sentences { text, pos: 0 }
}

impl Iterator for Sentences<'_> {
    type Item = Range<usize>;
    fn next(&mut self) -> Option<Range<usize>> {
        let rest = &self.text[self.pos..];
        let start = self.pos + (rest.len() - rest.trim_start().len());
        if start >= self.text.len() {
            self.pos = self.text.len();
            return None;
        }
        let end = self.text[start..].find(['.', '!', '?']).map_or(self.text.len(), |i| start + i + 1);
        self.pos = end;
        Some(start..end)
    }
}
