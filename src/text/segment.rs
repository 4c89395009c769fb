//! Sentence segmentation.
//!
//! Stance is scored per sentence: a threat in one sentence must not be
//! diluted by, or borrow the hedging of, its neighbour, and an explanation
//! has to point at the sentence that carried the weight. Good boundaries
//! matter more here than in most pipelines, and the text is diplomatic
//! prose, dense with `U.S.`, `Amb.`, `No. 10`, `Art. 5`, `Jan. 5` and
//! quoted speech, where splitting at every full stop would cut most
//! statements in two. The rules are therefore tuned to that register rather
//! than to general English, and every rule is a local look at a few bytes
//! around a candidate, so no model or dictionary has to be loaded.
//!
//! The segmenter runs on every document, so it yields byte spans into the
//! caller's `&str` instead of strings (no allocation), scans forward once
//! (linear time: all look-behinds and look-aheads are bounded, except skips
//! over whitespace, which are each repeated at most a constant number of
//! times), and treats arbitrary input (control characters, NUL, emoji,
//! right-to-left scripts) as ordinary content instead of failing on it.
//!
//! Heuristics worth knowing, because each trades one error for a rarer one:
//!
//! * After a single full stop, a lower-case next word means "no boundary":
//!   this catches abbreviations no list can anticipate (`Pres. obama` is
//!   rare, `approx. five`, `Dept. of State` are not), at the cost of
//!   sentences that begin in lower case (`iPhone`).
//! * Abbreviations that can also end a sentence (`U.S.`, `U.N.`, `etc.`,
//!   `Inc.`, `Jr.`, `a.m.`, initials) end one only when the next word is a
//!   common sentence opener (`The`, `It`, `But`, `In`, `A`, ...). News
//!   writes "sanctions on the U.S. The ministry said" but also
//!   "the U.S. Treasury"; a capitalised noun after such an abbreviation is
//!   far more often a name than a new sentence. Titles (`Mr.`, `Gen.`,
//!   `Amb.`, `e.g.`, `vs.`) never end a sentence; `No.`, `Art.` and the
//!   months do not when a number (or roman numeral) follows.
//! * A single newline is usually hard wrapping. It ends a sentence only
//!   before a bullet or numbered item, or after a heading-like line: the
//!   line holds the whole sentence so far, has at most 12 words, has no
//!   terminal punctuation, does not end in a comma, colon or function word
//!   (`of`, `the`, `and`, ...), and the next line starts with a capital.
//!   A blank line always ends a sentence.
//! * A sentence is capped at 4096 bytes, so a 50 MB line without
//!   punctuation (a table dump, a broken scrape) cannot hand the feature
//!   extractor one giant sentence. An over-long run is cut after the last
//!   whitespace before the cap (or, with no whitespace, at the last
//!   character boundary before it) and the rest continues as the next
//!   sentence.

use std::iter::FusedIterator;
use std::ops::Range;

/// Longest span, in bytes, that the iterator yields.
const MAX_SENTENCE: usize = 4096;
/// Longest line, in words, that can stand alone as a heading.
const HEADING_MAX_WORDS: u32 = 12;
/// How far back to look for the word before a full stop; no abbreviation
/// is longer, and the bound keeps runs like `a.a.a.a…` linear.
const TOKEN_LOOKBACK: usize = 32;
/// How far ahead to read the word after a boundary candidate.
const WORD_LOOKAHEAD: usize = 16;

/// Iterator over the byte spans of the sentences of a text.
///
/// Each span is trimmed of surrounding whitespace and of a leading list
/// bullet, is never empty, lies on `char` boundaries, and follows the
/// previous one without overlap.
#[derive(Debug, Clone)]
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
        let (start, first_line) = self.sentence_start()?;
        let span = Scanner::new(self.text, start, first_line).run();
        self.pos = span.end;
        Some(span)
    }
}

impl FusedIterator for Sentences<'_> {}

impl Sentences<'_> {
    /// Skips whitespace and list bullets up to the next sentence; also
    /// reports whether that sentence begins a line.
    fn sentence_start(&mut self) -> Option<(usize, bool)> {
        let text = self.text;
        let mut i = self.pos;
        let mut line_start = i == 0;
        let mut first_line = line_start;
        loop {
            while i < text.len() {
                if let Some((n, _)) = line_break_at(text.as_bytes(), i) {
                    line_start = true;
                    first_line = true;
                    i += n;
                } else {
                    match char_at(text, i) {
                        Some(c) if is_space(c) => i += c.len_utf8(),
                        _ => break,
                    }
                }
            }
            if i >= text.len() {
                self.pos = text.len();
                return None;
            }
            match bullet_end(text, i) {
                Some(after) if line_start => {
                    i = after;
                    line_start = false;
                }
                _ => return Some((i, first_line)),
            }
        }
    }
}

/// State of the scan for the end of one sentence.
struct Scanner<'a> {
    text: &'a str,
    start: usize,
    /// Next byte to look at.
    i: usize,
    /// End of the last non-whitespace character.
    content_end: usize,
    /// `content_end` as it was at the last whitespace: where to cut if the
    /// sentence outgrows the cap.
    cut_at: usize,
    /// Words seen on the current line.
    line_words: u32,
    in_word: bool,
    /// The sentence started at the start of the current line.
    first_line: bool,
    /// The current line's last content was terminal punctuation.
    line_ends_terminal: bool,
}

/// What one character means to the scanner, with its length in bytes.
enum Class {
    Break(usize),
    Space(usize),
    Terminal,
    Content(usize),
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, start: usize, first_line: bool) -> Self {
        Scanner {
            text,
            start,
            i: start,
            content_end: start,
            cut_at: start,
            line_words: 0,
            in_word: false,
            first_line,
            line_ends_terminal: false,
        }
    }

    fn run(mut self) -> Range<usize> {
        while self.i < self.text.len() {
            let found = match self.class_at(self.i) {
                Class::Break(n) => self.on_break(n),
                Class::Space(n) => {
                    self.on_space();
                    self.i += n;
                    None
                }
                Class::Terminal => self.on_terminal(),
                Class::Content(n) => self.on_content(n),
            };
            if let Some(span) = found {
                return span;
            }
        }
        self.start..self.content_end
    }

    fn class_at(&self, i: usize) -> Class {
        let bytes = self.text.as_bytes();
        if let Some(&b) = bytes.get(i)
            && b.is_ascii()
        {
            return match b {
                b'\n' | b'\r' | 0x0c => Class::Break(line_break_at(bytes, i).map_or(1, |(n, _)| n)),
                b' ' | b'\t' | 0x0b => Class::Space(1),
                b'.' | b'!' | b'?' => Class::Terminal,
                _ => Class::Content(1),
            };
        }
        if let Some((n, _)) = line_break_at(bytes, i) {
            return Class::Break(n);
        }
        match char_at(self.text, i) {
            Some(c) if is_space(c) => Class::Space(c.len_utf8()),
            Some(c) if terminal_kind(c).is_some() => Class::Terminal,
            c => Class::Content(c.map_or(1, char::len_utf8)),
        }
    }

    /// Moves the content end to `end`, counting a new word if one starts.
    fn extend_content(&mut self, end: usize) {
        if !self.in_word {
            self.line_words = self.line_words.saturating_add(1);
            self.in_word = true;
        }
        self.content_end = end;
    }

    fn fits(&self, end: usize) -> bool {
        end - self.start <= MAX_SENTENCE
    }

    fn on_content(&mut self, n: usize) -> Option<Range<usize>> {
        if !self.fits(self.i + n) {
            return Some(self.cut());
        }
        self.i += n;
        self.extend_content(self.i);
        self.line_ends_terminal = false;
        None
    }

    fn on_space(&mut self) {
        self.in_word = false;
        self.cut_at = self.content_end;
    }

    fn on_break(&mut self, n: usize) -> Option<Range<usize>> {
        self.on_space();
        let ends = match gap(self.text, self.i) {
            Gap::End | Gap::Paragraph => true,
            Gap::Next { at, .. } => bullet_end(self.text, at).is_some() || self.heading_ends(at),
        };
        if ends {
            return Some(self.start..self.content_end);
        }
        self.first_line = false;
        self.line_words = 0;
        self.line_ends_terminal = false;
        self.i += n;
        None
    }

    /// Whether the line just ended is a heading-like line standing alone.
    fn heading_ends(&self, next_line: usize) -> bool {
        self.first_line
            && !self.line_ends_terminal
            && self.line_words <= HEADING_MAX_WORDS
            && next_word(self.text, next_line).starts_upper()
            && !line_continues(self.text, self.content_end)
    }

    fn on_terminal(&mut self) -> Option<Range<usize>> {
        let cluster = Cluster::scan(self.text, self.i, self.start + MAX_SENTENCE);
        if cluster.end == self.i {
            // Not even one terminal fits under the cap.
            return Some(self.cut());
        }
        self.i = cluster.end;
        self.extend_content(cluster.end);
        self.line_ends_terminal = true;
        let after = match char_at(self.text, cluster.end) {
            None => return Some(self.start..cluster.end),
            Some(c) => c,
        };
        if !is_space(after) {
            // Glued to what follows: `U.S`, `3.5`, `state.gov`, `?q=`.
            return None;
        }
        let ends = match gap(self.text, cluster.end) {
            Gap::End | Gap::Paragraph => true,
            Gap::Next { at, new_line } => {
                (new_line && bullet_end(self.text, at).is_some())
                    || cluster.ends_sentence(self.text, &next_word(self.text, at))
            }
        };
        ends.then_some(self.start..cluster.end)
    }

    /// Ends an over-long sentence after its last whitespace, or, if it has
    /// none, after its last whole character under the cap.
    fn cut(&self) -> Range<usize> {
        let end = if self.cut_at > self.start {
            self.cut_at
        } else {
            self.content_end
        };
        self.start..end
    }
}

/// A run of terminal punctuation with any closing quotes or brackets mixed
/// in or after it: `.`, `?!`, `..."`, `.)`, `?’`.
struct Cluster {
    start: usize,
    end: usize,
    dots: u32,
    ellipsis: bool,
    exclaim: bool,
    closed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Terminal {
    Period,
    Ellipsis,
    Exclaim,
}

impl Cluster {
    /// Reads the cluster starting at the terminal at `from`, never past
    /// `limit`.
    fn scan(text: &str, from: usize, limit: usize) -> Cluster {
        let mut cluster = Cluster {
            start: from,
            end: from,
            dots: 0,
            ellipsis: false,
            exclaim: false,
            closed: false,
        };
        while let Some(c) = char_at(text, cluster.end) {
            if cluster.end + c.len_utf8() > limit {
                break;
            }
            match terminal_kind(c) {
                Some(Terminal::Period) => cluster.dots += 1,
                Some(Terminal::Ellipsis) => cluster.ellipsis = true,
                Some(Terminal::Exclaim) => cluster.exclaim = true,
                None if is_closer(c) && cluster.end > from => cluster.closed = true,
                None => break,
            }
            cluster.end += c.len_utf8();
        }
        cluster
    }

    /// Decides a cluster followed by whitespace and then `next`.
    fn ends_sentence(&self, text: &str, next: &NextWord) -> bool {
        if self.exclaim {
            // `'Why now?' he asked.` continues; `Why now? he asked` does not.
            !(self.closed && next.starts_lower())
        } else if self.ellipsis || self.dots > 1 {
            next.starts_upper()
        } else {
            self.period_ends(text, next)
        }
    }

    fn period_ends(&self, text: &str, next: &NextWord) -> bool {
        if next.starts_lower() || matches!(next.first, Some('.' | '…')) {
            // A lower-case continuation, or a spaced ellipsis `. . .`.
            return false;
        }
        if self.closed {
            // `."` or `.)`: the quote or bracket closed on a full stop.
            return true;
        }
        match token_before(text, self.start).and_then(abbreviation) {
            Some(Abbrev::Title) => false,
            Some(Abbrev::BeforeNumber) => !next.starts_number(),
            Some(Abbrev::Ambiguous) => next.is_sentence_opener(),
            None => true,
        }
    }
}

/// How an abbreviation before a full stop behaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Abbrev {
    /// Precedes a name or phrase, practically never ends a sentence.
    Title,
    /// Precedes a number (`No. 10`, `Art. 5`, `Jan. 5`).
    BeforeNumber,
    /// May end a sentence: only before a common sentence opener.
    Ambiguous,
}

/// Classifies the letters-and-dots token before a full stop (without that
/// full stop). Case matters: `No.` is a number sign, `no.` a word.
fn abbreviation(token: &str) -> Option<Abbrev> {
    let class = match token {
        "Mr" | "Mrs" | "Ms" | "Messrs" | "Mmes" | "Mme" | "Dr" | "Drs" | "Prof" | "Profs"
        | "Gen" | "Gens" | "Lt" | "Col" | "Maj" | "Capt" | "Cmdr" | "Cdr" | "Adm" | "Sgt"
        | "Cpl" | "Pvt" | "Brig" | "Gov" | "Govs" | "Sen" | "Sens" | "Rep" | "Reps" | "Amb"
        | "Ambs" | "Pres" | "Sec" | "Hon" | "Rev" | "Fr" | "Msgr" | "Supt" | "Insp" | "St"
        | "Ste" | "Mt" | "Ft" | "MR" | "MRS" | "MS" | "DR" | "PROF" | "GEN" | "AMB" | "SEN"
        | "REP" | "GOV" | "e.g" | "i.e" | "vs" | "Vs" | "v" | "cf" | "viz" | "approx"
        | "Approx" | "ca" => Abbrev::Title,
        "No" | "Nos" | "Art" | "Arts" | "Para" | "Paras" | "para" | "paras" | "Ch" | "Chap"
        | "Vol" | "Vols" | "Fig" | "Figs" | "Res" | "Doc" | "Ref" | "Op" | "p" | "pp" | "Jan"
        | "Feb" | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov"
        | "Dec" => Abbrev::BeforeNumber,
        "etc" | "Inc" | "Ltd" | "Co" | "Cos" | "Corp" | "Jr" | "Sr" | "Bros" | "Dept" | "Govt"
        | "Assn" | "Intl" | "Univ" | "Ala" | "Ariz" | "Ark" | "Calif" | "Colo" | "Conn" | "Del"
        | "Fla" | "Ga" | "Ill" | "Ind" | "Kan" | "Ky" | "La" | "Md" | "Mich" | "Minn" | "Miss"
        | "Mo" | "Mont" | "Neb" | "Nev" | "Okla" | "Ore" | "Pa" | "Tenn" | "Vt" | "Va" | "Wash"
        | "Wis" | "Wyo" => Abbrev::Ambiguous,
        _ if is_initial(token) || is_dotted(token) => Abbrev::Ambiguous,
        _ => return None,
    };
    Some(class)
}

/// `J` in `J. R. Smith`.
fn is_initial(token: &str) -> bool {
    matches!(token.as_bytes(), [b] if b.is_ascii_uppercase())
}

/// Dotted acronyms and their kin: `U.S`, `U.N`, `E.U`, `a.m`, `Ph.D`.
fn is_dotted(token: &str) -> bool {
    token.contains('.')
        && token.split('.').all(|part| {
            (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphabetic())
        })
}

/// Words that, capitalised, start a sentence far more often than they
/// follow `U.S.` or `Inc.` inside one.
// A `match`, not `matches!`, so that rustfmt keeps the words packed.
#[allow(clippy::match_like_matches_macro)]
fn is_sentence_opener(word: &str) -> bool {
    match word {
        "The" | "This" | "That" | "These" | "Those" | "There" | "Then" | "It" | "Its" | "He"
        | "She" | "They" | "We" | "I" | "You" | "His" | "Her" | "Their" | "Our" | "My" | "But"
        | "And" | "Yet" | "So" | "Or" | "However" | "Meanwhile" | "Moreover" | "Still" | "Also"
        | "In" | "On" | "At" | "As" | "For" | "By" | "From" | "With" | "After" | "Before"
        | "During" | "Since" | "When" | "While" | "If" | "Although" | "Though" | "Because"
        | "A" | "An" | "What" | "Why" | "How" | "Who" | "Where" | "Some" | "Many" | "Most"
        | "Both" | "Each" | "According" | "Earlier" | "Later" | "Now" | "Here" | "Today"
        | "Tonight" | "Tomorrow" | "Yesterday" | "No" | "Not" | "Let" | "Please" | "Go" => true,
        _ => false,
    }
}

/// Lower-case words a heading would not end with but a wrapped line does.
// A `match`, not `matches!`, so that rustfmt keeps the words packed.
#[allow(clippy::match_like_matches_macro)]
fn is_continuation_word(word: &str) -> bool {
    match word {
        "a" | "an" | "the" | "of" | "in" | "on" | "at" | "to" | "for" | "with" | "by" | "from"
        | "and" | "or" | "but" | "nor" | "as" | "that" | "than" | "into" | "onto" | "over"
        | "under" | "between" | "about" | "against" | "among" | "amid" | "via" | "per" | "is"
        | "are" | "was" | "were" | "be" | "been" | "has" | "have" | "had" | "will" | "would"
        | "could" | "should" | "shall" | "may" | "might" | "must" | "can" | "its" | "their"
        | "his" | "her" | "our" | "your" | "my" | "this" | "these" | "those" | "said" | "says"
        | "told" | "which" | "who" | "whose" | "where" | "when" | "while" | "if" | "whether"
        | "not" | "after" | "before" | "during" | "since" | "through" | "without" | "within"
        | "including" | "such" | "both" | "either" | "neither" => true,
        _ => false,
    }
}

/// Whether the line ending at `end` visibly runs on into the next one.
fn line_continues(text: &str, end: usize) -> bool {
    match char_before(text, end) {
        Some(',' | ';' | ':' | '-' | '–' | '—' | '(' | '/' | '&' | '+') => true,
        Some(c) if c.is_ascii_lowercase() => {
            word_before(text, end).is_some_and(is_continuation_word)
        }
        _ => false,
    }
}

/// The ASCII word ending at `end`, if it is a whole word of bounded length.
fn word_before(text: &str, end: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut s = end;
    while s > 0 && end - s < WORD_LOOKAHEAD && bytes[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    if char_before(text, s).is_some_and(char::is_alphabetic) {
        return None;
    }
    text.get(s..end)
}

/// The letters-and-dots token ending at `end` (`Mr`, `U.S`, `a.m`), if it
/// is not the tail of a longer word.
fn token_before(text: &str, end: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut s = end;
    while s > 0
        && end - s < TOKEN_LOOKBACK
        && (bytes[s - 1].is_ascii_alphabetic() || bytes[s - 1] == b'.')
    {
        s -= 1;
    }
    if char_before(text, s).is_some_and(char::is_alphabetic) {
        return None;
    }
    let token = text.get(s..end)?.trim_start_matches('.');
    (!token.is_empty()).then_some(token)
}

/// The start of what follows a boundary candidate.
struct NextWord<'a> {
    /// First character after any opening quotes or brackets.
    first: Option<char>,
    /// The ASCII letters starting there (bounded).
    word: &'a str,
    /// The word is directly followed by a full stop (`A.` is an initial).
    dotted: bool,
}

impl NextWord<'_> {
    fn starts_lower(&self) -> bool {
        self.first.is_some_and(char::is_lowercase)
    }

    fn starts_upper(&self) -> bool {
        self.first.is_some_and(char::is_uppercase)
    }

    /// Digits or a roman numeral (`Art. IV`); a lone `I` is taken for the
    /// pronoun, as in `He said No. I will stay.`
    fn starts_number(&self) -> bool {
        let roman =
            |w: &str| !w.is_empty() && w != "I" && w.bytes().all(|b| b"IVXLCDM".contains(&b));
        self.first.is_some_and(|c| c.is_ascii_digit()) || roman(self.word)
    }

    /// A common sentence opener, or a title (`Mr.`), which cannot follow
    /// `U.S.` or `Inc.` inside a sentence either.
    fn is_sentence_opener(&self) -> bool {
        if self.dotted {
            self.starts_upper() && abbreviation(self.word) == Some(Abbrev::Title)
        } else {
            is_sentence_opener(self.word)
        }
    }
}

/// Reads the word at `at`, looking through up to three opening quotes or
/// brackets (`"We`, `(“The`).
fn next_word(text: &str, at: usize) -> NextWord<'_> {
    let mut j = at;
    for _ in 0..3 {
        match char_at(text, j) {
            Some(c) if is_opener(c) => j += c.len_utf8(),
            _ => break,
        }
    }
    let bytes = text.as_bytes();
    let mut k = j;
    while k < bytes.len() && k - j <= WORD_LOOKAHEAD && bytes[k].is_ascii_alphabetic() {
        k += 1;
    }
    NextWord {
        first: char_at(text, j),
        word: text.get(j..k).unwrap_or(""),
        dotted: bytes.get(k) == Some(&b'.'),
    }
}

/// The whitespace after a position.
#[derive(Debug, PartialEq, Eq)]
enum Gap {
    /// Only whitespace up to the end of the text.
    End,
    /// A blank line (or a paragraph or page separator).
    Paragraph,
    /// The next content starts at `at`, after at least one line break if
    /// `new_line`.
    Next { at: usize, new_line: bool },
}

fn gap(text: &str, from: usize) -> Gap {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut new_line = false;
    while i < bytes.len() {
        if let Some((n, paragraph)) = line_break_at(bytes, i) {
            if paragraph || new_line {
                return Gap::Paragraph;
            }
            new_line = true;
            i += n;
            continue;
        }
        match char_at(text, i) {
            Some(c) if is_space(c) => i += c.len_utf8(),
            _ => return Gap::Next { at: i, new_line },
        }
    }
    Gap::End
}

/// The line break at `i`, if any: its length and whether it also ends a
/// paragraph (form feed, U+2029).
fn line_break_at(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    match bytes.get(i..).unwrap_or_default() {
        [b'\n', ..] => Some((1, false)),
        [b'\r', b'\n', ..] => Some((2, false)),
        [b'\r', ..] => Some((1, false)),
        [0x0c, ..] => Some((1, true)),
        [0xc2, 0x85, ..] => Some((2, false)), // U+0085 NEXT LINE
        [0xe2, 0x80, 0xa8, ..] => Some((3, false)), // U+2028 LINE SEPARATOR
        [0xe2, 0x80, 0xa9, ..] => Some((3, true)), // U+2029 PARAGRAPH SEPARATOR
        _ => None,
    }
}

/// If a list bullet or item number starts at `i`, the position after it.
/// Only called at the start of a line.
fn bullet_end(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let spaced = |end: usize| char_at(text, end).is_none_or(is_space).then_some(end);
    let c = char_at(text, i)?;
    match c {
        '-' | '*' | '+' | '–' | '—' => spaced(i + c.len_utf8()),
        '•' | '◦' | '‣' | '⁃' | '▪' | '●' | '■' | '►' | '▶' => {
            Some(i + c.len_utf8())
        }
        '0'..='9' => {
            let digits = bytes[i..]
                .iter()
                .take(4)
                .take_while(|b| b.is_ascii_digit())
                .count();
            match bytes.get(i + digits) {
                Some(b'.' | b')') if digits <= 3 => spaced(i + digits + 1),
                _ => None,
            }
        }
        'a'..='z' if bytes.get(i + 1) == Some(&b')') => spaced(i + 2),
        '(' => {
            let inner = bytes[i + 1..]
                .iter()
                .take(4)
                .take_while(|b| b.is_ascii_digit())
                .count();
            let inner = match bytes.get(i + 1) {
                Some(b) if inner == 0 && b.is_ascii_lowercase() => 1,
                _ => inner,
            };
            match bytes.get(i + 1 + inner) {
                Some(b')') if (1..=3).contains(&inner) => spaced(i + inner + 2),
                _ => None,
            }
        }
        _ => None,
    }
}

fn terminal_kind(c: char) -> Option<Terminal> {
    match c {
        '.' => Some(Terminal::Period),
        '…' => Some(Terminal::Ellipsis),
        '!' | '?' | '‼' | '⁇' | '⁈' | '⁉' | '؟' => Some(Terminal::Exclaim),
        _ => None,
    }
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '”' | '’' | '»' | '›')
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '“' | '‘' | '«' | '‹' | '„' | '¿' | '¡'
    )
}

/// Whitespace, plus the invisible characters that scraped text pads with.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_before_a_full_stop() {
        let text = "the U.S. and Mr. Smith, Müller. (Gen. x a.a.a";
        let at = |s: &str| text.find(s).unwrap() + s.len();
        assert_eq!(token_before(text, at("the U.S")), Some("U.S"));
        assert_eq!(token_before(text, at("Mr")), Some("Mr"));
        assert_eq!(token_before(text, at("Müller")), None);
        assert_eq!(token_before(text, at("(Gen")), Some("Gen"));
        assert_eq!(token_before(text, 0), None);
        let long = "x".repeat(40);
        assert_eq!(token_before(&long, long.len()), None);
    }

    #[test]
    fn abbreviation_classes() {
        assert_eq!(abbreviation("Mr"), Some(Abbrev::Title));
        assert_eq!(abbreviation("e.g"), Some(Abbrev::Title));
        assert_eq!(abbreviation("No"), Some(Abbrev::BeforeNumber));
        assert_eq!(abbreviation("no"), None);
        assert_eq!(abbreviation("U.S"), Some(Abbrev::Ambiguous));
        assert_eq!(abbreviation("p.m"), Some(Abbrev::Ambiguous));
        assert_eq!(abbreviation("J"), Some(Abbrev::Ambiguous));
        assert_eq!(abbreviation("state.gov"), None);
        assert_eq!(abbreviation("talks"), None);
    }

    #[test]
    fn bullets() {
        for (line, end) in [
            ("- x", 1),
            ("* x", 1),
            ("• x", 3),
            ("•x", 3),
            ("1. x", 2),
            ("12) x", 3),
            ("(3) x", 3),
            ("a) x", 2),
            ("-", 1),
        ] {
            assert_eq!(bullet_end(line, 0), Some(end), "{line:?}");
        }
        for line in [
            "-5 percent",
            "1.5 percent",
            "2026. x",
            "*bold*",
            "J. Smith",
            "(Reuters)",
            "x",
        ] {
            assert_eq!(bullet_end(line, 0), None, "{line:?}");
        }
    }

    #[test]
    fn gaps() {
        assert_eq!(
            gap("a  b", 1),
            Gap::Next {
                at: 3,
                new_line: false
            }
        );
        assert_eq!(
            gap("a \r\n b", 1),
            Gap::Next {
                at: 5,
                new_line: true
            }
        );
        assert_eq!(gap("a\n \nb", 1), Gap::Paragraph);
        assert_eq!(gap("a\u{2029}b", 1), Gap::Paragraph);
        assert_eq!(gap("a \n ", 1), Gap::End);
    }

    #[test]
    fn continued_lines() {
        assert!(line_continues("talks with", 10));
        assert!(line_continues("the statement said:", 19));
        assert!(!line_continues("China warns U.S. over arms sales", 32));
        assert!(!line_continues("BEIJING", 7));
    }

    #[test]
    fn next_word_looks_through_quotes() {
        let w = next_word("“The talks", 0);
        assert_eq!((w.first, w.word, w.dotted), (Some('T'), "The", false));
        let w = next_word("A. Smith", 0);
        assert!(w.dotted && !w.is_sentence_opener());
        assert_eq!(next_word("", 0).first, None);
    }
}
