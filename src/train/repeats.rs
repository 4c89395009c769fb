//! Rows whose text repeats an earlier row's (ignoring case and spacing).
//!
//! Cross-validation keeps every copy in its first copy's fold. A held-out
//! sentence whose twin sits in the training folds is scored from memory, so
//! the folds would choose the L2 strength and fit the temperature on
//! recall instead of on new text, and the shipped probabilities would come
//! out sharper than the model is. Real feeds repeat themselves (the same
//! wire sentence in many outlets), so this is the common case, not a corner.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};

use crate::dataset::Example;

/// Which rows repeat which.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repeats {
    /// For each row, the first row with the same text (the row itself when
    /// its text is new).
    pub first: Vec<usize>,
    /// How many rows repeat an earlier row's text.
    pub rows: usize,
    /// Repeating rows whose labels differ from their first copy's, as
    /// (row, first copy), in row order.
    pub conflicts: Vec<(usize, usize)>,
}

impl Repeats {
    pub fn find(examples: &[Example]) -> Repeats {
        let mut seen: HashMap<u64, usize> = HashMap::with_capacity(examples.len());
        let mut repeats = Repeats {
            first: Vec::with_capacity(examples.len()),
            ..Repeats::default()
        };
        for (i, example) in examples.iter().enumerate() {
            let first = *seen.entry(text_key(&example.text)).or_insert(i);
            if first != i {
                repeats.rows += 1;
                let original = &examples[first];
                if (original.hostility, original.diplomacy)
                    != (example.hostility, example.diplomacy)
                {
                    repeats.conflicts.push((i, first));
                }
            }
            repeats.first.push(first);
        }
        repeats
    }

    /// Moves every repeated cross-validation row into the fold of its
    /// earliest copy among them. `folds[j]` is the fold of `cv_rows[j]`.
    pub fn pin_folds(&self, cv_rows: &[usize], folds: &mut [usize]) {
        if self.rows == 0 {
            return;
        }
        let mut fold_of_first: HashMap<usize, usize> = HashMap::new();
        for (&row, fold) in cv_rows.iter().zip(folds.iter_mut()) {
            *fold = *fold_of_first.entry(self.first[row]).or_insert(*fold);
        }
    }
}

/// A 64-bit key of the text with case folded and runs of white space made
/// one. Hashing the words as they are read keeps a million-row file from
/// holding a second copy of its text; at that size the chance of two
/// different texts sharing a key is about 1 in 30 million.
fn text_key(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    for word in text.split_whitespace() {
        for c in word.chars().flat_map(char::to_lowercase) {
            hasher.write_u32(c as u32);
        }
        hasher.write_u8(b' ');
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(text: &str, hostility: usize, diplomacy: usize) -> Example {
        Example {
            text: text.into(),
            hostility,
            diplomacy,
            line: 0,
            group: None,
        }
    }

    #[test]
    fn repeats_ignore_case_and_spacing_but_not_words_or_punctuation() {
        let examples = [
            example("Talks resume on Monday.", 1, 0),
            example("  talks   RESUME on\tMonday. ", 1, 0),
            example("Talks resume on Tuesday.", 1, 0),
            example("Talks resume on Monday!", 1, 0),
            example("TALKS RESUME ON MONDAY.", 0, 2),
        ];
        let repeats = Repeats::find(&examples);
        assert_eq!(repeats.first, [0, 0, 2, 3, 0]);
        assert_eq!(repeats.rows, 2);
        assert_eq!(repeats.conflicts, [(4, 0)]);
    }

    #[test]
    fn copies_share_the_fold_of_their_earliest_copy_in_the_sample() {
        let examples: Vec<Example> = ["a b", "c d", "A  B", "e f", "c d", "a b"]
            .iter()
            .map(|t| example(t, 0, 0))
            .collect();
        let repeats = Repeats::find(&examples);
        // Row 0 is outside the sample: row 2 anchors the "a b" copies.
        let cv_rows = [1, 2, 3, 4, 5];
        let mut folds = vec![0, 1, 2, 0, 1];
        repeats.pin_folds(&cv_rows, &mut folds);
        assert_eq!(folds, [0, 1, 2, 0, 1]);
        let mut folds = vec![0, 1, 2, 2, 0];
        repeats.pin_folds(&cv_rows, &mut folds);
        assert_eq!(folds, [0, 1, 2, 0, 1]);
    }
}
