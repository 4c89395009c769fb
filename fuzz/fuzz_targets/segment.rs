//! Sentence segmentation on arbitrary text.
//!
//! Asserts what `stance::text::Sentences` documents: every span is inside
//! the text, on `char` boundaries, non-empty, trimmed of whitespace, at most
//! 4096 bytes, and follows the previous one without overlap; the iterator
//! ends (at most one span per byte) and stays ended (it is fused); and no
//! content is dropped between spans except whitespace and list bullets.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// `MAX_SENTENCE` in src/text/segment.rs.
const MAX_SENTENCE: usize = 4096;

fuzz_target!(|data: &[u8]| {
    // Lossy decoding keeps every input useful (invalid bytes become U+FFFD).
    let text = String::from_utf8_lossy(data);
    check(&text);
});

fn check(text: &str) {
    let mut iter = stance::text::sentences(text);
    let mut prev_end = 0usize;
    let mut count = 0usize;
    for span in iter.by_ref() {
        count += 1;
        assert!(count <= text.len(), "more spans than bytes: {count}");
        assert!(span.start < span.end, "empty span {span:?}");
        assert!(span.end <= text.len(), "span {span:?} past end {}", text.len());
        assert!(span.start >= prev_end, "span {span:?} overlaps previous end {prev_end}");
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} not on char boundaries"
        );
        assert!(span.len() <= MAX_SENTENCE, "span {span:?} longer than {MAX_SENTENCE}");
        let s = &text[span.clone()];
        assert_eq!(s.trim(), s, "span {span:?} not trimmed");
        check_gap(&text[prev_end..span.start], prev_end);
        prev_end = span.end;
    }
    check_gap(&text[prev_end..], prev_end);
    assert!(iter.next().is_none(), "iterator yielded after None");
}

/// What lies between two sentences may only be whitespace (including the
/// invisible padding the segmenter treats as space) and list bullets:
/// `-`, `*`, `+`, dashes, bullet glyphs, `12.`, `3)`, `(4)`, `a)`, `(b)`.
fn check_gap(gap: &str, at: usize) {
    for (i, c) in gap.char_indices() {
        let ok = c.is_whitespace()
            || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
            || matches!(
                c,
                '-' | '*' | '+' | '–' | '—' | '•' | '◦' | '‣' | '⁃' | '▪' | '●' | '■' | '►' | '▶'
                    | '.' | ')' | '('
            )
            || c.is_ascii_digit()
            || c.is_ascii_lowercase();
        assert!(ok, "content {c:?} at byte {} dropped between sentences", at + i);
    }
}
