//! Is a sentence English? The model was trained on English only, so text
//! in another language gets no score rather than a confident wrong one.
//!
//! Two cheap tests, with no allocation: the script of the letters (most
//! letters outside the Latin script), and for Latin-script text the
//! function words (the short, frequent words that give a language away).
//! English text quoting a foreign phrase or name stays English: a verdict
//! needs the foreign evidence to outweigh the English clearly.

use std::fmt;

/// Why a text is taken for not English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotEnglish {
    /// Most letters are in another script.
    Script(&'static str),
    /// Latin script, but the function words are another language's.
    Words(&'static str),
}

impl fmt::Display for NotEnglish {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            NotEnglish::Script(script) => write!(f, "not English: mostly {script} script"),
            NotEnglish::Words(language) => {
                write!(f, "not English: the function words are {language}")
            }
        }
    }
}

/// Fewer letters than this are too little evidence for a script verdict.
const MIN_LETTERS: usize = 4;
/// Fewer words than this are too little evidence for a word verdict.
const MIN_WORDS: usize = 4;

/// `Some(reason)` when `text` is most likely not English; `None` when it
/// is English or too short to tell.
pub fn detect(text: &str) -> Option<NotEnglish> {
    if text.is_ascii() {
        return detect_by_words(text);
    }
    let mut latin = 0usize;
    let mut other = [0usize; SCRIPTS.len()];
    for c in text.chars() {
        if !c.is_alphabetic() {
            continue;
        }
        match script_of(c) {
            None => latin += 1,
            Some(i) => other[i] += 1,
        }
    }
    let foreign: usize = other.iter().sum();
    if latin + foreign >= MIN_LETTERS && foreign > latin {
        let (i, _) = other.iter().enumerate().max_by_key(|&(_, n)| n)?;
        return Some(NotEnglish::Script(SCRIPTS[i].2));
    }
    detect_by_words(text)
}

/// Unicode ranges of scripts other than Latin, with a name for messages.
const SCRIPTS: [(u32, u32, &str); 14] = [
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x08FF, "Arabic"),
    (0x0900, 0x0DFF, "Indic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x3040, 0x30FF, "Japanese kana"),
    (0x3400, 0x9FFF, "Chinese (Han)"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0x1200, 0x139F, "Ethiopic"),
    (0xF900, 0xFAFF, "Chinese (Han)"),
];

fn script_of(c: char) -> Option<usize> {
    let c = c as u32;
    if c < 0x0370 {
        return None;
    }
    SCRIPTS
        .iter()
        .position(|&(lo, hi, _)| (lo..=hi).contains(&c))
}

/// Latin-script languages told apart by function words.
const LANGUAGES: [&str; 9] = [
    "French",
    "Spanish",
    "German",
    "Italian",
    "Portuguese",
    "Dutch",
    "Indonesian or Malay",
    "Turkish",
    "Swahili",
];

fn detect_by_words(text: &str) -> Option<NotEnglish> {
    let table = function_words();
    let mut words = 0usize;
    let mut english = 0usize;
    let mut hits = [0usize; LANGUAGES.len()];
    let mut count = |key: Option<u64>| {
        words += 1;
        let Some(key) = key else { return };
        let mask = table.mask(key);
        if mask == 0 {
            return;
        }
        english += usize::from(mask & ENGLISH != 0);
        for (language, hit) in hits.iter_mut().enumerate() {
            *hit += usize::from(mask & (1 << language) != 0);
        }
    };
    if text.is_ascii() {
        // The common case, byte by byte: a word's key is built as it is read.
        let mut key = WordKey::default();
        for &b in text.as_bytes() {
            if b.is_ascii_alphabetic() {
                key.push(b);
            } else if key.len > 0 {
                count(key.take());
            }
        }
        if key.len > 0 {
            count(key.take());
        }
    } else {
        for word in text.split(|c: char| !c.is_alphabetic()) {
            if !word.is_empty() {
                count(pack(word.as_bytes()));
            }
        }
    }
    if words < MIN_WORDS {
        return None;
    }
    let (best, &count) = hits.iter().enumerate().max_by_key(|&(_, n)| n)?;
    // Two foreign function words at least, a fifth of the words, and more
    // than twice the English ones: a quoted phrase in an English sentence
    // does not tip it.
    let foreign = count >= 2 && count * 5 >= words && count > 2 * english;
    foreign.then_some(NotEnglish::Words(LANGUAGES[best]))
}

/// The bit of English in a function word's mask; bit `i` is `LANGUAGES[i]`.
const ENGLISH: u16 = 1 << 15;
/// Function words are at most this many bytes, so one fits in a `u64` key.
const LONGEST_FUNCTION_WORD: usize = 8;

/// A word's bytes, ASCII-lowercased, packed into a `u64`; `None` for a word
/// too long to be a function word.
fn pack(word: &[u8]) -> Option<u64> {
    let mut key = WordKey::default();
    for &b in word {
        key.push(b);
    }
    key.take()
}

/// Builds a [`pack`] key one byte at a time.
#[derive(Default)]
struct WordKey {
    bits: u64,
    len: usize,
}

impl WordKey {
    fn push(&mut self, b: u8) {
        if self.len < LONGEST_FUNCTION_WORD {
            self.bits = (self.bits << 8) | u64::from(b.to_ascii_lowercase());
        }
        self.len += 1;
    }

    fn take(&mut self) -> Option<u64> {
        let key = (self.len <= LONGEST_FUNCTION_WORD).then_some(self.bits);
        *self = WordKey::default();
        key
    }
}

/// Function words by key, in an open-addressing hash table: one multiply
/// and usually one probe a word (a binary search cost four times as much).
struct FunctionWords {
    slots: Vec<(u64, u16)>,
}

/// Slots in the table: a power of two, about four per word.
const SLOTS: usize = 1 << 11;

impl FunctionWords {
    fn slot(key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize
    }

    /// The languages a word belongs to (0: not a function word).
    fn mask(&self, key: u64) -> u16 {
        let mut i = Self::slot(key);
        loop {
            let (k, mask) = self.slots[i];
            if k == key {
                return mask;
            }
            if k == 0 {
                return 0;
            }
            i = (i + 1) & (SLOTS - 1);
        }
    }

    fn insert(&mut self, key: u64, bit: u16) {
        let mut i = Self::slot(key);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == key || slot.0 == 0 {
                *slot = (key, slot.1 | bit);
                return;
            }
            i = (i + 1) & (SLOTS - 1);
        }
    }
}

fn function_words() -> &'static FunctionWords {
    static TABLE: std::sync::OnceLock<FunctionWords> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        // A word's key is never 0: words are not empty and letters are not NUL.
        let mut table = FunctionWords {
            slots: vec![(0, 0); SLOTS],
        };
        let lists = FOREIGN_WORDS
            .iter()
            .enumerate()
            .map(|(i, words)| (1u16 << i, *words))
            .chain([(ENGLISH, ENGLISH_WORDS)]);
        for (bit, words) in lists {
            for &word in words {
                let key = pack(word.as_bytes()).expect("function words fit a key");
                table.insert(key, bit);
            }
        }
        table
    })
}

const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "is", "that", "for", "on", "with", "as", "by", "at", "from",
    "it", "this", "be", "are", "was", "were", "will", "would", "has", "have", "had", "not", "we",
    "our", "they", "their", "its", "he", "she", "his", "her", "which", "who", "an", "or", "but",
    "if", "no", "any", "all", "said", "says", "more", "than", "been", "there", "about", "after",
    "before", "against", "between", "into", "over", "can", "could", "should", "must", "may",
    "these", "those", "only", "other", "what", "when", "where", "while", "a", "i", "you", "your",
    "us", "them", "do", "does", "did", "also", "because", "very",
];

/// Function words of each of `LANGUAGES`, leaving out words English text
/// carries too ("a", "in", "die", "son", "met", "no", "un" for the UN, and
/// "el" and "al" from Arabic names and El Salvador).
const FOREIGN_WORDS: [&[&str]; LANGUAGES.len()] = [
    &[
        "le", "la", "les", "des", "du", "une", "est", "et", "que", "qui", "dans", "pour", "pas",
        "sur", "avec", "nous", "vous", "sont", "cette", "ces", "aux", "au", "leur", "ont", "ne",
        "mais", "été", "être", "sera", "il", "elle", "se", "à", "de", "ce", "par",
    ],
    &[
        "los", "las", "del", "una", "que", "y", "es", "por", "para", "con", "se", "su", "sus",
        "como", "más", "pero", "ha", "han", "este", "esta", "ser", "está", "lo", "muy", "sin",
        "sobre", "también", "entre", "hasta", "desde", "de", "la",
    ],
    &[
        "der", "das", "und", "ist", "nicht", "mit", "den", "dem", "ein", "eine", "einen", "sich",
        "auf", "für", "von", "zu", "im", "wird", "werden", "sind", "auch", "nach", "bei", "aus",
        "wir", "sie", "oder", "noch", "nur", "über", "hat", "es", "des", "zur", "zum",
    ],
    &[
        "il", "lo", "gli", "della", "delle", "dei", "che", "non", "per", "una", "sono", "è", "e",
        "con", "del", "alla", "anche", "più", "ma", "come", "questo", "questa", "essere", "ha",
        "hanno", "nel", "nella", "sul", "tra", "di", "la", "le",
    ],
    &[
        "os", "do", "da", "dos", "das", "uma", "não", "que", "em", "para", "com", "por", "se",
        "mais", "foi", "são", "ao", "pelo", "pela", "está", "também", "seu", "sua", "nós", "eles",
        "de", "um", "e", "é", "na",
    ],
    &[
        "de", "het", "een", "van", "en", "niet", "zijn", "dat", "voor", "ook", "aan", "wij",
        "deze", "worden", "wordt", "naar", "bij", "maar", "heeft", "hebben", "nog", "tegen", "zal",
        "ze",
    ],
    &[
        "yang", "dan", "di", "ini", "itu", "dengan", "untuk", "tidak", "akan", "dari", "pada",
        "kami", "adalah", "dalam", "kita", "mereka", "juga", "sudah", "oleh", "ke",
    ],
    &[
        "ve", "bir", "bu", "için", "ile", "olarak", "olan", "çok", "daha", "gibi", "ama", "değil",
        "ise", "kadar", "sonra", "veya",
    ],
    &[
        "na", "ya", "wa", "kwa", "za", "katika", "ni", "hii", "kuwa", "cha", "vya", "wetu", "yetu",
        "sisi", "pia", "hiyo",
    ],
];
