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
        let (c, len) = if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                let end = word_end(text, i);
                let kind = if b.is_ascii_digit() {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                };
                out.push(Token { kind, span: i..end });
                i = end;
                continue;
            }
            if b == b' ' {
                i += 1;
                continue;
            }
            (b as char, 1)
        } else {
            char_at(text, i)
        };
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

/// ASCII letters and digits, by byte: one load per byte in the word loop
/// instead of two range tests.
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
fn word_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    loop {
        while i < bytes.len() {
            let b = bytes[i];
            if ASCII_ALNUM[b as usize] {
                i += 1;
            } else if b < 0x80 {
                break;
            } else {
                let (c, len) = char_at(text, i);
                if !is_word_char(c) {
                    break;
                }
                i += len;
            }
        }
        if i >= bytes.len() {
            return i;
        }
        let (joiner, jlen) = char_at(text, i);
        let joins = matches!(joiner, '\'' | '\u{2019}' | '.' | ',');
        if !joins || i + jlen >= bytes.len() {
            return i;
        }
        let (next, _) = char_at(text, i + jlen);
        let ok = match joiner {
            ',' => bytes[i - 1].is_ascii_digit() && next.is_ascii_digit(),
            _ => is_word_char(next),
        };
        if !ok {
            return i;
        }
        i += jlen;
    }
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
