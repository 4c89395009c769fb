//! The per-scratch cache from a word to its stem and word facts.
//!
//! Open addressing with linear probing over one flat slot array: a hit is
//! usually one cache line, where a general-purpose map reads a control byte
//! group and then the slot. A short ASCII word is its own key, read straight
//! from the sentence: no hashing of its bytes, no copy, and no collisions.

/// What featurisation needs to know about one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StemEntry {
    pub stem: u64,
    /// The word's unigram feature, plain and negated, as [`super::hash::spread`]
    /// hashes: its bucket costs a shift instead of a hash per occurrence.
    pub unigram: [u32; 2],
    pub cues: u16,
    pub negator: bool,
    pub contraction: bool,
    pub clause: bool,
    pub function: bool,
}

/// A word as the cache knows it. An ASCII word of 1 to 16 bytes is its own
/// key: its bytes with ASCII case folded, zero-padded, compared exactly. Any
/// other word is keyed by a hash of its normalised form, marked by `high`
/// being all ones (folded ASCII bytes never set a byte's high bit). All zeros
/// is no word: it marks an empty slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WordKey {
    low: u64,
    high: u64,
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const FOLD_CASE: u64 = 0x2020_2020_2020_2020;

impl WordKey {
    /// The key of the word `text[start..start + len]` if it is ASCII and 1
    /// to 16 bytes long. The word is read as two eight-byte loads masked to
    /// its length, with no loop over its bytes: a loop's exit mispredicts at
    /// the end of most words. OR-ing 0x20 into every byte lower-cases ASCII
    /// letters and leaves digits, `'`, `.` and `,` unchanged: the tokenizer's
    /// ASCII word alphabet, so the key is that of the normalised word.
    #[inline]
    pub fn short_ascii(text: &[u8], start: usize, len: usize) -> Option<WordKey> {
        if len == 0 || len > 16 {
            return None;
        }
        let mut padded = [0u8; 16];
        let chunk = match text.get(start..start + 16) {
            Some(chunk) => chunk,
            None => {
                padded[..len].copy_from_slice(&text[start..start + len]);
                &padded[..]
            }
        };
        let (low, high) = chunk.split_at(8);
        let [low_mask, high_mask] = MASKS[len];
        let low = u64::from_le_bytes(low.try_into().expect("eight bytes")) & low_mask;
        let high = u64::from_le_bytes(high.try_into().expect("eight bytes")) & high_mask;
        if (low | high) & HIGH_BITS != 0 {
            return None;
        }
        Some(WordKey {
            low: low | (FOLD_CASE & low_mask),
            high: high | (FOLD_CASE & high_mask),
        })
    }

    /// The key of a normalised word by its hash; `None` for the one hash
    /// value that would read as an empty slot (that word goes uncached).
    pub fn hashed(hash: u64) -> Option<WordKey> {
        (hash != 0).then_some(WordKey {
            low: hash,
            high: u64::MAX,
        })
    }

    fn is_empty(self) -> bool {
        self == WordKey::default()
    }

    /// The home slot in a table of `2^bits` slots (Fibonacci hashing: the
    /// top bits of one product).
    #[inline]
    fn home(self, bits: u32) -> usize {
        let mixed = (self.low ^ self.high.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - bits)) as usize
    }
}

/// For a word of `n` bytes (`n` up to 16), the masks of its bytes in the
/// first and the second eight-byte load.
const MASKS: [[u64; 2]; 17] = {
    let mut masks = [[0; 2]; 17];
    let mut n = 1;
    while n <= 16 {
        let low = if n >= 8 { 8 } else { n };
        masks[n][0] = u64::MAX >> (64 - 8 * low);
        if n > 8 {
            masks[n][1] = u64::MAX >> (64 - 8 * (n - 8));
        }
        n += 1;
    }
    masks
};

#[derive(Clone, Copy, Default)]
struct Slot {
    key: WordKey,
    entry: StemEntry,
}

const INITIAL_SLOTS: usize = 1024;

/// A growing open-addressing map from word key to [`StemEntry`], holding at
/// most `limit` entries (inserts beyond it are dropped: the word is then
/// stemmed again on every occurrence, which costs time, not correctness).
pub struct StemCache {
    slots: Vec<Slot>,
    /// `slots.len()` is `2^bits` (or 0 before the first insert).
    bits: u32,
    len: usize,
    limit: usize,
}

impl StemCache {
    pub fn new(limit: usize) -> Self {
        StemCache {
            slots: Vec::new(),
            bits: 0,
            len: 0,
            limit,
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    /// A reference, not a copy: an `Option` of the entry would be returned
    /// through a stack slot, whose overlapping stores and loads stall.
    #[inline]
    pub fn get(&self, key: WordKey) -> Option<&StemEntry> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = key.home(self.bits);
        loop {
            let slot = &self.slots[i];
            if slot.key == key {
                return Some(&slot.entry);
            }
            if slot.key.is_empty() {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Inserts a key not already present (callers insert after a missed
    /// [`StemCache::get`]).
    pub fn insert(&mut self, key: WordKey, entry: StemEntry) {
        if self.len >= self.limit {
            return;
        }
        // Keep the load at most one half so probe runs stay short.
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.place(key, entry);
        self.len += 1;
    }

    fn place(&mut self, key: WordKey, entry: StemEntry) {
        let mask = self.slots.len() - 1;
        let mut i = key.home(self.bits);
        while !self.slots[i].key.is_empty() {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { key, entry };
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(INITIAL_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        self.bits = size.trailing_zeros();
        for slot in old.into_iter().filter(|s| !s.key.is_empty()) {
            self.place(slot.key, slot.entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(stem: u64) -> StemEntry {
        StemEntry {
            stem,
            ..StemEntry::default()
        }
    }

    fn key(i: u64) -> WordKey {
        WordKey::hashed(i).expect("non-zero")
    }

    #[test]
    fn finds_what_was_inserted_across_growth() {
        let mut cache = StemCache::new(usize::MAX);
        let keys: Vec<WordKey> = (1..5000u64)
            .map(|i| key(i << 20))
            .chain([key(1), key(u64::MAX)])
            .chain(
                ["a", "Talks", "0123456789abcdef"]
                    .map(|w| WordKey::short_ascii(w.as_bytes(), 0, w.len()).expect("short ASCII")),
            )
            .collect();
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(cache.get(k), None);
            cache.insert(k, entry(i as u64));
        }
        assert_eq!(cache.len(), keys.len());
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(cache.get(k), Some(&entry(i as u64)), "key {k:?}");
        }
        assert_eq!(cache.get(key(12345)), None);
    }

    #[test]
    fn stops_growing_at_its_limit() {
        let mut cache = StemCache::new(3);
        for k in 10..20 {
            cache.insert(key(k), entry(k));
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(key(10)), Some(&entry(10)));
        assert_eq!(cache.get(key(15)), None);
    }

    #[test]
    fn a_short_ascii_word_is_keyed_by_its_case_folded_bytes_alone() {
        let text = b"Talks,IN talks in Geneva 'resumed' 0123456789abcdefg zone\xc3\xa9 TALKS";
        let mut seen = std::collections::HashMap::new();
        for start in 0..text.len() {
            for len in 0..=text.len() - start {
                let word = &text[start..start + len];
                let key = WordKey::short_ascii(text, start, len);
                let expected = (1..=16).contains(&len) && word.is_ascii();
                assert_eq!(key.is_some(), expected, "{start}+{len}");
                if let Some(key) = key {
                    let folded: Vec<u8> = word.iter().map(|b| b | 0x20).collect();
                    // Equal keys exactly when the folded words are equal.
                    if let Some(other) = seen.insert(key, folded.clone()) {
                        assert_eq!(other, folded);
                    }
                }
            }
        }
        let at = |w: &[u8]| {
            let start = text.windows(w.len()).position(|x| x == w).expect("in text");
            WordKey::short_ascii(text, start, w.len())
        };
        assert_eq!(at(b"Talks"), at(b"talks"));
        assert_eq!(at(b"TALKS"), at(b"talks"));
        assert_ne!(at(b"talks"), at(b"talk"));
    }
}
