//! Tokenisation on arbitrary text.
//!
//! Asserts: every token span is non-empty, inside the text, on `char`
//! boundaries, after the previous token (no overlap); a `Number` starts with
//! an ASCII digit, a `Word` with an alphanumeric character, a `Question` is
//! `?`; a `ClauseBreak` and a `Quote` are single characters; and the output
//! buffer is replaced, not appended to (tokenising twice into one warm
//! buffer gives the same tokens).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stance::text::{Token, TokenKind, tokenize_into};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let mut tokens: Vec<Token> = Vec::new();
    tokenize_into(text, &mut tokens);
    let mut prev_end = 0usize;
    for t in &tokens {
        let span = t.span.clone();
        assert!(span.start < span.end, "empty token {t:?}");
        assert!(span.end <= text.len(), "token {t:?} past end {}", text.len());
        assert!(span.start >= prev_end, "token {t:?} overlaps previous end {prev_end}");
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "token {t:?} not on char boundaries"
        );
        let s = &text[span.clone()];
        let first = s.chars().next().unwrap();
        match t.kind {
            TokenKind::Number => assert!(first.is_ascii_digit(), "number {s:?}"),
            TokenKind::Word => assert!(first.is_alphanumeric(), "word {s:?}"),
            TokenKind::Question => assert_eq!(s, "?"),
            TokenKind::ClauseBreak | TokenKind::Quote => {
                assert_eq!(s.chars().count(), 1, "{:?} token {s:?}", t.kind)
            }
        }
        prev_end = span.end;
    }
    let mut again = tokens.clone();
    tokenize_into(text, &mut again);
    assert_eq!(again, tokens, "tokenize_into is not deterministic or appends");
});
