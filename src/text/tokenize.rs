//! Tokenisation into byte spans: words, numbers, and the punctuation that
//! matters to features (clause breaks end a negation scope; quotes mark
//! reported speech; a question mark marks a question).

use std::ops::Range;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (any script), possibly with inner apostrophes or dots ("don't", "U.S").
    Word,
    /// Starts with a digit ("2026", "3.5", "1,200").
    Number,
    /// `, ; : ( ) [ ]`, dashes, and sentence-final `.` and `!`.
    ClauseBreak,
    /// `?`
    Question,
    /// A straight or typographic quotation mark standing on its own.
    Quote,
}

/// One token: its kind and byte span in the tokenised text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

/// Tokenises `text`, replacing the contents of `out`.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if ASCII_ALNUM[b as usize] {
            let end = word_end(text, i);
            let kind = if b.is_ascii_digit() {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            out.push(Token { kind, span: i..end });
            // Step over the space that usually follows, without a trip
            // around the loop.
            i = end + usize::from(bytes.get(end) == Some(&b' '));
            continue;
        }
        if b == b' ' {
            i += 1;
            continue;
        }
        let (c, len) = char_at(text, i);
        if is_word_char(c) {
            let end = word_end(text, i);
            out.push(Token {
                kind: TokenKind::Word,
                span: i..end,
            });
            i = end;
            continue;
        }
        let kind = match c {
            ',' | ';' | ':' | '(' | ')' | '[' | ']' | '.' | '!' | '\u{2014}' | '\u{2013}' => {
                Some(TokenKind::ClauseBreak)
            }
            '-' if i + 1 < bytes.len() && bytes[i + 1] == b' ' => Some(TokenKind::ClauseBreak),
            '?' => Some(TokenKind::Question),
            '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' | '\u{2018}' | '\u{2019}'
            | '\'' => Some(TokenKind::Quote),
            _ => None,
        };
        if let Some(kind) = kind {
            out.push(Token {
                kind,
                span: i..i + len,
            });
        }
        i += len;
    }
}

/// ASCII letters and digits, by byte: one load instead of two range tests.
static ASCII_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// The end of the word starting at `start`: word characters, joined by an
/// apostrophe, a dot or (between digits) a comma when a word character follows.
#[inline(always)]
fn word_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    loop {
        i = ascii_alnum_run_end(bytes, i);
        if i >= bytes.len() {
            return i;
        }
        let (c, len) = char_at(text, i);
        if !c.is_ascii() && is_word_char(c) {
            i += len;
            continue;
        }
        let joins = matches!(c, '\'' | '\u{2019}' | '.' | ',');
        if !joins || i + len >= bytes.len() {
            return i;
        }
        let (next, _) = char_at(text, i + len);
        let ok = match c {
            ',' => bytes[i - 1].is_ascii_digit() && next.is_ascii_digit(),
            _ => is_word_char(next),
        };
        if !ok {
            return i;
        }
        i += len;
    }
}

/// The end of the run of ASCII letters and digits starting at `i`, tested
/// sixteen bytes at a time. Most words end inside their first sixteen bytes,
/// so the loop's exit is predictable where a byte-by-byte scan mispredicts
/// once per word.
#[inline]
fn ascii_alnum_run_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 16) {
        let (low, high) = chunk.split_at(8);
        let word = |half: &[u8]| u64::from_le_bytes(half.try_into().expect("eight bytes"));
        let stops =
            u128::from(non_alnum_bytes(word(low))) | u128::from(non_alnum_bytes(word(high))) << 64;
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    while i < bytes.len() && ASCII_ALNUM[bytes[i] as usize] {
        i += 1;
    }
    i
}

/// The high bit of each byte of `v` set where that byte is not an ASCII
/// letter or digit. Each range test adds a constant to the byte's low seven
/// bits, which never carries into the next byte.
#[inline]
fn non_alnum_bytes(v: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let low = v & !HIGH;
    let in_range = |x: u64, lo: u64, hi: u64| (x + ONES * (0x80 - lo)) & !(x + ONES * (0x7f - hi));
    let digit = in_range(low, b'0' as u64, b'9' as u64);
    let letter = in_range(low | (ONES * 0x20), b'a' as u64, b'z' as u64);
    !((digit | letter) & !v) & HIGH
}

#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        (b as char, 1)
    } else {
        let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
        (c, c.len_utf8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The tokenizer's rules applied one character at a time: the
    /// specification the eight-byte scans must match.
    fn reference(text: &str) -> Vec<Token> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
        let mut out = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            let (i, c) = chars[k];
            if is_word_char(c) {
                let mut j = k + 1;
                loop {
                    while j < chars.len() && is_word_char(chars[j].1) {
                        j += 1;
                    }
                    let joined = j + 1 < chars.len()
                        && match chars[j].1 {
                            '\'' | '\u{2019}' | '.' => is_word_char(chars[j + 1].1),
                            ',' => {
                                chars[j - 1].1.is_ascii_digit() && chars[j + 1].1.is_ascii_digit()
                            }
                            _ => false,
                        };
                    if !joined {
                        break;
                    }
                    j += 1;
                }
                let kind = if c.is_ascii_digit() {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                };
                out.push(Token {
                    kind,
                    span: i..at(j),
                });
                k = j;
                continue;
            }
            let kind = match c {
                ',' | ';' | ':' | '(' | ')' | '[' | ']' | '.' | '!' | '\u{2014}' | '\u{2013}' => {
                    Some(TokenKind::ClauseBreak)
                }
                '-' if chars.get(k + 1).is_some_and(|&(_, n)| n == ' ') => {
                    Some(TokenKind::ClauseBreak)
                }
                '?' => Some(TokenKind::Question),
                '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' | '\u{2018}'
                | '\u{2019}' | '\'' => Some(TokenKind::Quote),
                _ => None,
            };
            if let Some(kind) = kind {
                out.push(Token {
                    kind,
                    span: i..at(k + 1),
                });
            }
            k += 1;
        }
        out
    }

    fn tokenized(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        tokenize_into(text, &mut out);
        out
    }

    proptest! {
        #[test]
        fn tokens_follow_the_rules_applied_one_character_at_a_time(
            chars in prop::collection::vec(
                prop::sample::select(
                    "aaaaeeetTZ0099    ,.;:'\u{2019}\"?!-()\u{e9}\u{4e2d}\u{2014}\t\n\u{0}\u{7f}"
                        .chars()
                        .collect::<Vec<_>>(),
                ),
                0..300,
            )
        ) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(tokenized(&text), reference(&text));
        }
    }

    #[test]
    fn long_runs_end_where_they_should_at_any_offset() {
        for lead in 0..70 {
            for run in 1..140 {
                let text = format!(
                    "{}{} x, {}",
                    " ".repeat(lead),
                    "w".repeat(run),
                    "9".repeat(run)
                );
                assert_eq!(tokenized(&text), reference(&text), "lead {lead} run {run}");
            }
        }
    }

    #[test]
    fn word_bytes_are_found_eight_at_a_time_as_one_at_a_time() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut chunk = *b"aZ09azAz";
                chunk[pos] = b;
                let stops = non_alnum_bytes(u64::from_le_bytes(chunk));
                for (k, &byte) in chunk.iter().enumerate() {
                    let stop = stops >> (8 * k + 7) & 1 == 1;
                    assert_eq!(stop, !ASCII_ALNUM[byte as usize], "byte {byte:#04x} at {k}");
                }
            }
        }
    }

    #[test]
    fn runs_end_where_the_letters_end_at_any_length() {
        for n in 0..20 {
            let text = format!("{}-x", "Ab9".repeat(n));
            assert_eq!(ascii_alnum_run_end(text.as_bytes(), 0), 3 * n);
            assert_eq!(ascii_alnum_run_end(text.as_bytes(), 3 * n + 1), 3 * n + 2);
        }
    }
}
