//! English stemming (Snowball, via rust-stemmers) behind a cache keyed by the
//! normalised word's hash: stemming is the slowest step of featurisation, and
//! news vocabulary repeats, so each word form is stemmed once per scratch.

use rust_stemmers::{Algorithm, Stemmer};

/// The English Snowball stemmer.
pub struct EnglishStemmer(Stemmer);

impl EnglishStemmer {
    /// Creates the stemmer.
    pub fn new() -> Self {
        EnglishStemmer(Stemmer::create(Algorithm::English))
    }

    /// Stems one normalised word.
    pub fn stem<'a>(&self, word: &'a str) -> std::borrow::Cow<'a, str> {
        self.0.stem(word)
    }
}

impl Default for EnglishStemmer {
    fn default() -> Self {
        Self::new()
    }
}
