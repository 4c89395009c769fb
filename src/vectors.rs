//! Word vectors as a training resource: a table of words and dense vectors
//! (`models/word-vectors.bin`, derived from all-MiniLM-L6-v2 by
//! `scripts/derive_word_vectors.py`), turned into one vector per hashed
//! feature bucket.
//!
//! The vectors never reach inference as vectors. Training gives every row
//! extra dense columns, `value * scale * sum of V[b]` over the row's fired
//! buckets `b`, where `V[b]` sums the vectors of the stems whose unigram
//! feature (plain or negated) hashes to `b`; the fitted weights `W` of those
//! columns then fold into the table as `table[b] += scale * W . V[b]`. A
//! sentence's logits from the folded table equal the trained model's exactly,
//! hash collisions included, so inference costs nothing more, while a word
//! never seen in training still gets the weight its vector earns from similar
//! words that were.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::features::Featurizer;

const MAGIC: &[u8; 8] = b"STANCEWV";
const VERSION: u32 = 1;
const MAX_DIMS: u32 = 1024;
const MAX_WORDS: u32 = 1 << 22;

/// The shipped table, read at training time only.
static EMBEDDED: &[u8] = include_bytes!("../models/word-vectors.bin");

/// A table of words and their vectors.
#[derive(Clone, Debug)]
pub struct WordVectors {
    dims: usize,
    words: Vec<String>,
    /// `words.len() x dims`, row-major.
    values: Vec<f32>,
    sha256: String,
}

impl WordVectors {
    /// The table shipped in `models/word-vectors.bin`.
    pub fn embedded() -> Result<Self> {
        Self::from_bytes(EMBEDDED, "embedded")
    }

    /// Reads a table file.
    pub fn load(path: &std::path::Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes, &path.display().to_string())
    }

    /// Parses a table, checking every size against the header; `origin`
    /// names the source in errors.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Self> {
        let bad = |message: String| Error::WordVectors {
            origin: origin.to_string(),
            message,
        };
        let mut at = 0usize;
        let mut take = |n: usize, what: &str| -> Result<&[u8]> {
            let end = at.checked_add(n).filter(|&end| end <= bytes.len());
            match end {
                Some(end) => {
                    let slice = &bytes[at..end];
                    at = end;
                    Ok(slice)
                }
                None => Err(bad(format!(
                    "truncated at byte {at}: {what} needs {n} more bytes, the file has {}",
                    bytes.len() - at.min(bytes.len())
                ))),
            }
        };
        if take(8, "the magic bytes")? != MAGIC {
            return Err(bad("not a word-vector table (wrong magic bytes)".into()));
        }
        let mut u32_field = |what: &str| -> Result<u32> {
            Ok(u32::from_le_bytes(
                take(4, what)?.try_into().expect("4 bytes"),
            ))
        };
        let version = u32_field("the version")?;
        if version != VERSION {
            return Err(bad(format!(
                "format version {version}; this build reads {VERSION}"
            )));
        }
        let dims = u32_field("the dimension count")?;
        let count = u32_field("the word count")?;
        if !(1..=MAX_DIMS).contains(&dims) {
            return Err(bad(format!("dims = {dims}, expected 1 to {MAX_DIMS}")));
        }
        if !(1..=MAX_WORDS).contains(&count) {
            return Err(bad(format!("words = {count}, expected 1 to {MAX_WORDS}")));
        }
        let dims = dims as usize;
        // Every word takes at least a length byte and its vector: a header
        // promising more than the file holds is refused before anything
        // that size is allocated.
        let least = 20 + 4 * dims + count as usize * (1 + dims);
        if bytes.len() < least {
            return Err(bad(format!(
                "truncated: {count} words of {dims} dims need at least {least} bytes, the file has {}",
                bytes.len()
            )));
        }
        let scales: Vec<f32> = take(4 * dims, "the scales")?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect();
        if let Some(d) = scales.iter().position(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(bad(format!(
                "scale of dimension {d} is not a positive number"
            )));
        }
        let mut words = Vec::with_capacity(count as usize);
        let mut values = Vec::with_capacity(count as usize * dims);
        for n in 0..count as usize {
            let len = take(1, "a word's length")?[0] as usize;
            let word = std::str::from_utf8(take(len, "a word")?)
                .ok()
                .filter(|w| !w.is_empty())
                .ok_or_else(|| bad(format!("word {n} is empty or not UTF-8")))?
                .to_string();
            let vector = take(dims, "a vector")?;
            let start = values.len();
            values.extend(
                vector
                    .iter()
                    .zip(&scales)
                    .map(|(&q, s)| f32::from(q as i8) * s),
            );
            if values[start..].iter().any(|v| !v.is_finite()) {
                return Err(bad(format!(
                    "the vector of word {n} ({word}) overflows: a scale is too large"
                )));
            }
            words.push(word);
        }
        if at != bytes.len() {
            return Err(bad(format!(
                "{} bytes after the last word",
                bytes.len() - at
            )));
        }
        Ok(WordVectors {
            dims,
            words,
            values,
            sha256: crate::dataset::hex(&Sha256::digest(bytes)),
        })
    }

    /// Dimensions per vector.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True for a table without words (never, once parsed).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// SHA-256 of the table file, recorded in a model trained with it.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The vector of `word` as stored, if the table has it (a scan over the
    /// words: for inspecting a table, not for per-token use).
    pub fn get(&self, word: &str) -> Option<&[f32]> {
        let i = self.words.iter().position(|w| w == word)?;
        Some(&self.values[i * self.dims..][..self.dims])
    }

    /// One vector per hashed bucket for `featurizer`'s features: each word
    /// is stemmed as featurisation stems it, words sharing a stem share the
    /// mean of their vectors, and each stem's vector is added to the buckets
    /// of its plain and its negated unigram feature.
    pub fn by_bucket(&self, featurizer: &Featurizer) -> BucketVectors {
        let dims = self.dims;
        // Stem hash -> its slot; per slot, the stem's unigram buckets, how
        // many words share it, and (in `sums`) the sum of their vectors.
        let mut slot_of: HashMap<u64, usize> = HashMap::new();
        let mut stems: Vec<([u32; 2], u32)> = Vec::new();
        let mut sums: Vec<f64> = Vec::new();
        for (word, vector) in self.words.iter().zip(self.values.chunks_exact(dims)) {
            let Some((stem, buckets)) = featurizer.unigram_buckets(word) else {
                continue;
            };
            let slot = *slot_of.entry(stem).or_insert_with(|| {
                stems.push((buckets, 0));
                sums.resize(sums.len() + dims, 0.0);
                stems.len() - 1
            });
            stems[slot].1 += 1;
            for (s, &v) in sums[slot * dims..][..dims].iter_mut().zip(vector) {
                *s += f64::from(v);
            }
        }
        let mut row_of: HashMap<u32, usize> = HashMap::new();
        let mut values: Vec<f64> = Vec::new();
        for (slot, (buckets, words)) in stems.iter().enumerate() {
            let sum = &sums[slot * dims..][..dims];
            let n = f64::from(*words);
            let distinct: &[u32] = if buckets[0] == buckets[1] {
                &buckets[..1]
            } else {
                &buckets[..]
            };
            for &b in distinct {
                let next = row_of.len();
                let row = *row_of.entry(b).or_insert(next);
                if row == next {
                    values.resize(values.len() + dims, 0.0);
                }
                for (v, s) in values[row * dims..][..dims].iter_mut().zip(sum) {
                    *v += s / n;
                }
            }
        }
        let mut buckets: Vec<(u32, usize)> = row_of.into_iter().collect();
        buckets.sort_unstable();
        BucketVectors {
            dims,
            buckets,
            values,
        }
    }
}

/// The vector of every bucket that has one (see the module comment).
#[derive(Clone, Debug)]
pub struct BucketVectors {
    dims: usize,
    /// (bucket, row in `values`), sorted by bucket.
    buckets: Vec<(u32, usize)>,
    values: Vec<f64>,
}

impl BucketVectors {
    /// Dimensions per vector.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The vector of bucket `b`, if it has one.
    pub fn get(&self, b: u32) -> Option<&[f64]> {
        let i = self.buckets.binary_search_by_key(&b, |&(b, _)| b).ok()?;
        Some(&self.values[self.buckets[i].1 * self.dims..][..self.dims])
    }

    /// Every bucket with a vector, in bucket order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[f64])> + '_ {
        self.buckets
            .iter()
            .map(|&(b, row)| (b, &self.values[row * self.dims..][..self.dims]))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::features::FeatureConfig;

    /// A table file of `words` with `scales.len()` dimensions.
    pub(crate) fn table_bytes(scales: &[f32], words: &[(&str, &[i8])]) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        for n in [VERSION, scales.len() as u32, words.len() as u32] {
            bytes.extend(n.to_le_bytes());
        }
        for s in scales {
            bytes.extend(s.to_le_bytes());
        }
        for (word, vector) in words {
            bytes.push(word.len() as u8);
            bytes.extend(word.as_bytes());
            bytes.extend(vector.iter().map(|&q| q as u8));
        }
        bytes
    }

    fn featurizer() -> Featurizer {
        Featurizer::new(FeatureConfig::default()).unwrap()
    }

    #[test]
    fn reads_words_and_scaled_values() {
        let bytes = table_bytes(&[0.5, 2.0], &[("talks", &[2, -1]), ("threat", &[-4, 3])]);
        let table = WordVectors::from_bytes(&bytes, "t").unwrap();
        assert_eq!((table.len(), table.dims()), (2, 2));
        assert_eq!(table.get("talks"), Some(&[1.0, -2.0][..]));
        assert_eq!(table.get("threat"), Some(&[-2.0, 6.0][..]));
        assert_eq!(table.get("peace"), None);
    }

    #[test]
    fn rejects_damaged_tables_with_the_reason() {
        let good = table_bytes(&[1.0], &[("talks", &[1])]);
        let problem = |bytes: &[u8]| {
            WordVectors::from_bytes(bytes, "t.bin")
                .unwrap_err()
                .to_string()
        };
        assert!(problem(b"NOTATABLE").contains("wrong magic"));
        assert!(problem(&good[..good.len() - 1]).contains("truncated"));
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(problem(&trailing).contains("1 bytes after the last word"));
        let zero_scale = table_bytes(&[0.0], &[("talks", &[1])]);
        assert!(problem(&zero_scale).contains("scale of dimension 0"));
        let no_words = table_bytes(&[1.0], &[]);
        assert!(problem(&no_words).contains("words = 0"));
        let overflow = table_bytes(&[f32::MAX], &[("talks", &[2])]);
        assert!(problem(&overflow).contains("word 0 (talks) overflows"));
        // A header promising four million words of 1,024 dims in a few bytes.
        let mut huge = table_bytes(&[1.0], &[("talks", &[1])]);
        huge[12..16].copy_from_slice(&1024u32.to_le_bytes());
        huge[16..20].copy_from_slice(&(1u32 << 22).to_le_bytes());
        assert!(
            problem(&huge).contains("need at least"),
            "{}",
            problem(&huge)
        );
        assert!(problem(&good[..3]).starts_with("word vectors t.bin: "));
    }

    #[test]
    fn words_sharing_a_stem_share_the_mean_of_their_vectors() {
        let f = featurizer();
        let bytes = table_bytes(
            &[1.0, 1.0],
            &[
                ("negotiate", &[2, 0]),
                ("negotiated", &[4, 2]),
                ("war", &[0, 8]),
            ],
        );
        let buckets = WordVectors::from_bytes(&bytes, "t").unwrap().by_bucket(&f);
        let (_, [plain, negated]) = f.unigram_buckets("negotiating").unwrap();
        assert_eq!(buckets.get(plain), Some(&[3.0, 1.0][..]));
        assert_eq!(buckets.get(negated), Some(&[3.0, 1.0][..]));
        let (_, [war, _]) = f.unigram_buckets("war").unwrap();
        assert_eq!(buckets.get(war), Some(&[0.0, 8.0][..]));
        assert_eq!(buckets.iter().count(), 4);
    }
}
