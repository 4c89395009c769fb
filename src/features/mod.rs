//! Featurisation: a sentence becomes a list of hashed feature buckets.
//!
//! Per word: the stem (marked when inside a negation scope), the bigram and
//! trigram of stems, and the cue classes of the stem (also negation-marked).
//! Per sentence: a question mark, scare quotes (a short quoted span) and
//! quoted speech (a longer one). Every feature has the
//! value `1/sqrt(n)` for `n` features in the sentence, so long and short
//! sentences give logits on one scale.

pub mod cues;
pub mod hash;
mod stem_cache;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::error::{Error, Result};
use crate::text::normalize::{
    is_clause_word, is_function_word, is_negator, normalize_word_into, split_negated_contraction,
};
use crate::text::{EnglishStemmer, Token, TokenKind, tokenize_into};
use cues::Cue;
use hash::{bucket, bucket_of_spread, combine, hash_bytes, spread};
use stem_cache::{StemCache, StemEntry, WordKey};

/// Words beyond this many in one sentence are ignored (bounded work per sentence).
pub const MAX_WORDS: usize = 256;

/// Stem cache entries kept per scratch; beyond this, new words are stemmed uncached.
const STEM_CACHE_LIMIT: usize = 1 << 20;

// Seeds that keep feature families apart in the hash space.
const UNIGRAM: u64 = 0x01;
const BIGRAM: u64 = 0x02;
const TRIGRAM: u64 = 0x03;
const CUE: u64 = 0x04;
const SENTENCE: u64 = 0x05;
const NEGATED: u64 = 0x100;
const NUMBER_SHAPE: &[u8] = b"<num>";

/// Featurisation settings, stored in the model file so loading restores
/// exactly the pipeline that was trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureConfig {
    /// The weight table has `2^bits` rows (10..=24).
    pub bits: u8,
    /// Longest word n-gram: 1, 2 or 3. The default is 2: trigrams raised
    /// no score on held-out data and lowered it on real statements (they
    /// learn our writers' phrasing; see datasets/README.md).
    pub max_ngram: u8,
    /// Fire cue-class features.
    pub cues: bool,
    /// Mark words inside a negation scope.
    pub negation: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            bits: 18,
            max_ngram: 2,
            cues: true,
            negation: true,
        }
    }
}

impl FeatureConfig {
    /// Checks the ranges; the only way to get a [`Featurizer`].
    pub fn validate(self) -> Result<Self> {
        if !(10..=24).contains(&self.bits) {
            return Err(Error::Setting {
                name: "bits",
                value: self.bits.to_string(),
                expected: "10 to 24",
            });
        }
        if !(1..=3).contains(&self.max_ngram) {
            return Err(Error::Setting {
                name: "max_ngram",
                value: self.max_ngram.to_string(),
                expected: "1 to 3",
            });
        }
        Ok(self)
    }

    /// Number of rows in the weight table.
    pub fn buckets(&self) -> usize {
        1 << self.bits
    }
}

/// What a feature is, for explanations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureKind {
    Word {
        negated: bool,
    },
    Bigram,
    Trigram,
    Cue {
        cue: Cue,
        negated: bool,
    },
    Question,
    /// A quoted span of at most [`SCARE_QUOTE_WORDS`] words: scare quotes, a label held at arm's length.
    ScareQuote,
    /// A longer quoted span: reported speech.
    QuotedSpeech,
}

/// Quoted spans up to this many words count as scare quotes.
pub const SCARE_QUOTE_WORDS: usize = 3;

/// One fired feature: its bucket, its kind and the byte span of the words it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureOrigin {
    pub bucket: u32,
    pub kind: FeatureKind,
    pub span: Range<usize>,
}

/// Turns sentences into feature buckets. Immutable and shareable across threads;
/// all per-call state lives in a [`Scratch`].
pub struct Featurizer {
    config: FeatureConfig,
    stemmer: EnglishStemmer,
    /// Stem hash -> cue mask.
    cue_masks: HashMap<u64, u16, BuildIdentity>,
    /// What every number stands for: one shape.
    number: StemEntry,
}

/// Caller-owned buffers for featurisation; reuse one per thread.
///
/// Aligned to 128 bytes so that scratches of different threads, kept side by
/// side in a `Vec`, never share a cache line (the buffers' lengths are written
/// on every token and feature).
#[repr(align(128))]
pub struct Scratch {
    tokens: Vec<Token>,
    word: String,
    stems: StemCache,
    /// Bucket of each fired feature, in firing order.
    pub buckets: Vec<u32>,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            tokens: Vec::new(),
            word: String::new(),
            stems: StemCache::new(STEM_CACHE_LIMIT),
            buckets: Vec::new(),
        }
    }
}

impl Featurizer {
    /// Builds a featurizer for validated settings.
    pub fn new(config: FeatureConfig) -> Result<Self> {
        let config = config.validate()?;
        let stemmer = EnglishStemmer::new();
        let mut cue_masks: HashMap<u64, u16, BuildIdentity> = HashMap::default();
        for cue in Cue::ALL {
            for word in cue.words() {
                let stem = hash_bytes(stemmer.stem(word).as_bytes());
                *cue_masks.entry(stem).or_default() |= 1 << cue as u16;
            }
        }
        Ok(Featurizer {
            config,
            stemmer,
            cue_masks,
            number: StemEntry {
                stem: hash_bytes(NUMBER_SHAPE),
                unigram: unigram_spreads(hash_bytes(NUMBER_SHAPE)),
                ..StemEntry::default()
            },
        })
    }

    /// The settings this featurizer was built with.
    pub fn config(&self) -> FeatureConfig {
        self.config
    }

    /// The stem hash of a word and the buckets of its unigram feature,
    /// plain and negated, as featurisation computes them; `None` for a word
    /// featurisation would not read as one word (empty, or several tokens).
    pub fn unigram_buckets(&self, word: &str) -> Option<(u64, [u32; 2])> {
        let mut tokens = Vec::new();
        tokenize_into(word, &mut tokens);
        match tokens.as_slice() {
            [token] if token.kind == TokenKind::Word && token.span == (0..word.len()) => {}
            _ => return None,
        }
        let mut normalised = String::new();
        let mut cache = StemCache::new(0);
        let entry = self.stem_and_cache(word, None, &mut normalised, &mut cache);
        let bits = self.config.bits;
        Some((entry.stem, entry.unigram.map(|s| bucket_of_spread(s, bits))))
    }

    /// Fills `scratch.buckets` with the features of `sentence`; returns the
    /// value every feature carries (`1/sqrt(n)`, or 0 for no features).
    pub fn features_into(&self, sentence: &str, scratch: &mut Scratch) -> f32 {
        self.collect(sentence, scratch, |_, _| {})
    }

    /// Calls `on_bucket` with the bucket of each feature of `sentence`, in
    /// firing order, and returns the value every feature carries: what
    /// [`Featurizer::features_into`] computes, without storing the buckets.
    #[inline]
    pub fn for_each_bucket(
        &self,
        sentence: &str,
        scratch: &mut Scratch,
        mut on_bucket: impl FnMut(u32),
    ) -> f32 {
        let Scratch {
            tokens,
            word,
            stems,
            ..
        } = scratch;
        let n = self.walk(sentence, tokens, word, stems, |bucket, _| on_bucket(bucket));
        feature_value(n)
    }

    /// Like [`Featurizer::features_into`], and also reports where each feature came from.
    pub fn features_with_origins(
        &self,
        sentence: &str,
        scratch: &mut Scratch,
        origins: &mut Vec<FeatureOrigin>,
    ) -> f32 {
        origins.clear();
        self.collect(sentence, scratch, |bucket, (kind, span)| {
            origins.push(FeatureOrigin { bucket, kind, span })
        })
    }

    /// Fills `scratch.buckets` and passes each feature on to `also`.
    fn collect(
        &self,
        sentence: &str,
        scratch: &mut Scratch,
        mut also: impl FnMut(u32, (FeatureKind, Range<usize>)),
    ) -> f32 {
        let Scratch {
            tokens,
            word,
            stems,
            buckets,
        } = scratch;
        buckets.clear();
        let n = self.walk(sentence, tokens, word, stems, |bucket, origin| {
            buckets.push(bucket);
            also(bucket, origin)
        });
        feature_value(n)
    }

    /// Fires every feature of `sentence` through `on_feature`; returns how many fired.
    #[inline(always)]
    fn walk(
        &self,
        sentence: &str,
        tokens: &mut Vec<Token>,
        word: &mut String,
        stems: &mut StemCache,
        mut on_feature: impl FnMut(u32, (FeatureKind, Range<usize>)),
    ) -> usize {
        tokenize_into(sentence, tokens);
        let FeatureConfig {
            bits,
            max_ngram,
            cues,
            negation,
        } = self.config;
        let mut fired = 0;
        let mut emit = |bucket: u32, kind: FeatureKind, span: Range<usize>| {
            fired += 1;
            on_feature(bucket, (kind, span));
        };

        // Previous two stems and where they started, for n-grams.
        let mut prev: [(u64, usize); 2] = [(0, 0); 2];
        let mut history = 0usize;
        let mut negated = false;
        let mut question = None;
        // The open quotation: its start and the word count when it opened.
        let mut open_quote: Option<(usize, usize)> = None;
        let mut scare_quote = None;
        let mut quoted_speech = None;
        let mut words = 0usize;

        for token in tokens.iter() {
            match token.kind {
                TokenKind::Word | TokenKind::Number => {}
                TokenKind::ClauseBreak => {
                    negated = false;
                    history = 0;
                    continue;
                }
                TokenKind::Question => {
                    negated = false;
                    history = 0;
                    question = Some(token.span.clone());
                    continue;
                }
                TokenKind::Quote => {
                    match open_quote.take() {
                        None => open_quote = Some((token.span.start, words)),
                        Some((start, at)) => {
                            let span = Some(start..token.span.end);
                            if words - at <= SCARE_QUOTE_WORDS {
                                scare_quote = scare_quote.or(span);
                            } else {
                                quoted_speech = quoted_speech.or(span);
                            }
                        }
                    }
                    continue;
                }
            }
            words += 1;
            if words > MAX_WORDS {
                break;
            }
            let entry = if token.kind == TokenKind::Number {
                self.number
            } else {
                self.stem_entry(sentence, token.span.clone(), word, stems)
            };
            if entry.clause {
                negated = false;
            }
            let span = token.span.clone();
            let neg = negated && negation && !entry.function;
            emit(
                bucket_of_spread(entry.unigram[usize::from(neg)], bits),
                FeatureKind::Word { negated: neg },
                span.clone(),
            );
            if max_ngram >= 2 && history >= 1 {
                emit(
                    bucket(combine(combine(BIGRAM, prev[1].0), entry.stem), bits),
                    FeatureKind::Bigram,
                    prev[1].1..span.end,
                );
            }
            if max_ngram >= 3 && history >= 2 {
                emit(
                    bucket(
                        combine(combine(combine(TRIGRAM, prev[0].0), prev[1].0), entry.stem),
                        bits,
                    ),
                    FeatureKind::Trigram,
                    prev[0].1..span.end,
                );
            }
            if cues {
                let mut mask = entry.cues;
                while mask != 0 {
                    let cue = Cue::ALL[mask.trailing_zeros() as usize];
                    mask &= mask - 1;
                    let seed = CUE | if neg { NEGATED } else { 0 };
                    emit(
                        bucket(combine(seed, cue as u64), bits),
                        FeatureKind::Cue { cue, negated: neg },
                        span.clone(),
                    );
                }
            }
            prev[0] = prev[1];
            prev[1] = (entry.stem, span.start);
            history += 1;
            if entry.negator || entry.contraction {
                negated = true;
            }
        }
        if let Some(span) = question {
            emit(
                bucket(combine(SENTENCE, 1), bits),
                FeatureKind::Question,
                span,
            );
        }
        // A quotation still open at the end is speech quoted across sentences.
        if let Some((start, _)) = open_quote {
            quoted_speech = quoted_speech.or(Some(start..sentence.len()));
        }
        if let Some(span) = scare_quote {
            emit(
                bucket(combine(SENTENCE, 2), bits),
                FeatureKind::ScareQuote,
                span,
            );
        }
        if let Some(span) = quoted_speech {
            emit(
                bucket(combine(SENTENCE, 3), bits),
                FeatureKind::QuotedSpeech,
                span,
            );
        }
        fired
    }

    /// The stem and word facts of `sentence[span]`, through the scratch's
    /// cache. A short ASCII word is looked up by its own case-folded bytes,
    /// so a cache hit costs no copy, no normalisation and no hashing.
    #[inline(always)]
    fn stem_entry(
        &self,
        sentence: &str,
        span: Range<usize>,
        word: &mut String,
        stems: &mut StemCache,
    ) -> StemEntry {
        let key = WordKey::short_ascii(sentence.as_bytes(), span.start, span.len()).or_else(|| {
            normalize_word_into(&sentence[span.clone()], word);
            WordKey::hashed(hash_bytes(word.as_bytes()))
        });
        match key.and_then(|key| stems.get(key)) {
            Some(entry) => *entry,
            None => self.stem_and_cache(&sentence[span], key, word, stems),
        }
    }

    /// Normalises and stems a word missing from the cache, and caches it.
    #[cold]
    #[inline(never)]
    fn stem_and_cache(
        &self,
        raw: &str,
        key: Option<WordKey>,
        word: &mut String,
        stems: &mut StemCache,
    ) -> StemEntry {
        normalize_word_into(raw, word);
        let (base, contraction) = match split_negated_contraction(word) {
            Some(base) => (base, true),
            None => (word.as_str(), false),
        };
        let stem = hash_bytes(self.stemmer.stem(base).as_bytes());
        let entry = StemEntry {
            stem,
            unigram: unigram_spreads(stem),
            cues: self.cue_masks.get(&stem).copied().unwrap_or(0),
            negator: is_negator(base),
            contraction,
            clause: is_clause_word(base),
            function: is_function_word(base),
        };
        if let Some(key) = key {
            stems.insert(key, entry);
        }
        entry
    }
}

/// The unigram feature of a stem, plain and negated, as spread hashes.
fn unigram_spreads(stem: u64) -> [u32; 2] {
    [
        spread(combine(UNIGRAM, stem)),
        spread(combine(UNIGRAM | NEGATED, stem)),
    ]
}

fn feature_value(n: usize) -> f32 {
    if n == 0 { 0.0 } else { 1.0 / (n as f32).sqrt() }
}

/// A hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type BuildIdentity = BuildHasherDefault<IdentityHasher>;
