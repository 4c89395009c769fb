//! Word normalisation: case folding and apostrophe folding, so that "Won’t",
//! "WON'T" and "won't" reach the stemmer and the negation rules as one form.

/// Appends the normalised form of `word` to `out` (which is cleared first).
///
/// Lower-cases (ASCII fast path, full Unicode otherwise) and folds curly
/// apostrophes and primes to `'`.
pub fn normalize_word_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // SAFETY-free fast path: ASCII lower-casing keeps the bytes valid UTF-8.
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '`' => out.push('\''),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// A negated contraction split into its base word: "won't" -> "will",
/// "can't" / "cannot" -> "can", "isn't" -> "is". `None` if `word` (already
/// normalised) is not a negated contraction.
pub fn split_negated_contraction(word: &str) -> Option<&str> {
    match word {
        "won't" => Some("will"),
        "can't" | "cannot" => Some("can"),
        "shan't" => Some("shall"),
        "ain't" => Some("is"),
        _ => word.strip_suffix("n't").filter(|base| !base.is_empty()),
    }
}

/// True for words that open a negation scope.
pub fn is_negator(word: &str) -> bool {
    matches!(
        word,
        "not"
            | "no"
            | "never"
            | "nor"
            | "neither"
            | "without"
            | "none"
            | "nothing"
            | "nobody"
            | "nowhere"
            | "cannot"
            | "hardly"
            | "barely"
            | "refrain"
    )
}

/// True for function words: inside a negation scope they stay unmarked, so
/// that "not" does not turn every "the", "to" and "for" after it into a
/// feature of its own.
pub fn is_function_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "of"
            | "to"
            | "for"
            | "in"
            | "on"
            | "at"
            | "by"
            | "with"
            | "from"
            | "as"
            | "and"
            | "or"
            | "that"
            | "this"
            | "these"
            | "those"
            | "it"
            | "its"
            | "be"
            | "been"
            | "being"
            | "is"
            | "are"
            | "was"
            | "were"
            | "has"
            | "have"
            | "had"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "shall"
            | "should"
            | "can"
            | "could"
            | "may"
            | "might"
            | "must"
            | "any"
            | "their"
            | "our"
            | "his"
            | "her"
            | "your"
            | "my"
            | "them"
            | "they"
            | "we"
            | "he"
            | "she"
            | "i"
            | "you"
            | "us"
            | "which"
            | "who"
            | "whom"
            | "there"
            | "here"
            | "into"
            | "about"
            | "over"
            | "than"
            | "so"
            | "such"
            | "yet"
            | "even"
            | "also"
            | "just"
            | "only"
            | "very"
    )
}

/// True for words that end a negation scope because a new clause starts.
pub fn is_clause_word(word: &str) -> bool {
    matches!(
        word,
        "but" | "however" | "although" | "though" | "while" | "whereas" | "yet" | "instead"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(w: &str) -> String {
        let mut s = String::new();
        normalize_word_into(w, &mut s);
        s
    }

    #[test]
    fn folds_case_and_apostrophes() {
        assert_eq!(norm("WON\u{2019}T"), "won't");
        assert_eq!(norm("Genève"), "genève");
        assert_eq!(norm("ÉTATS"), "états");
        assert_eq!(norm("İstanbul"), "i\u{307}stanbul");
    }

    #[test]
    fn splits_negated_contractions() {
        assert_eq!(split_negated_contraction("won't"), Some("will"));
        assert_eq!(split_negated_contraction("isn't"), Some("is"));
        assert_eq!(split_negated_contraction("cannot"), Some("can"));
        assert_eq!(split_negated_contraction("n't"), None);
        assert_eq!(split_negated_contraction("talks"), None);
    }
}
