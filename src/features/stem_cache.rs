//! The per-scratch cache from a word's key to its stem and word facts.
//!
//! Open addressing with linear probing over one flat slot array: a hit is
//! usually one cache line, where a general-purpose map reads a control byte
//! group and then the slot. Keys are already well-mixed 64-bit hashes, so
//! their low bits index the table directly.

/// What featurisation needs to know about one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StemEntry {
    pub stem: u64,
    pub cues: u16,
    pub negator: bool,
    pub contraction: bool,
    pub clause: bool,
    pub function: bool,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// 0 marks an empty slot; the entry of key 0 is kept apart.
    key: u64,
    entry: StemEntry,
}

const INITIAL_SLOTS: usize = 1024;

/// A growing open-addressing map from word key to [`StemEntry`], holding at
/// most `limit` entries (inserts beyond it are dropped: the word is then
/// stemmed again on every occurrence, which costs time, not correctness).
pub struct StemCache {
    slots: Vec<Slot>,
    zero: Option<StemEntry>,
    len: usize,
    limit: usize,
}

impl StemCache {
    pub fn new(limit: usize) -> Self {
        StemCache {
            slots: Vec::new(),
            zero: None,
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
    pub fn get(&self, key: u64) -> Option<&StemEntry> {
        if key == 0 {
            return self.zero.as_ref();
        }
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = key as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.key == key {
                return Some(&slot.entry);
            }
            if slot.key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Inserts a key not already present (callers insert after a missed
    /// [`StemCache::get`]).
    pub fn insert(&mut self, key: u64, entry: StemEntry) {
        if self.len >= self.limit {
            return;
        }
        if key == 0 {
            self.len += usize::from(self.zero.replace(entry).is_none());
            return;
        }
        // Keep the load at most one half so probe runs stay short.
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.place(key, entry);
        self.len += 1;
    }

    fn place(&mut self, key: u64, entry: StemEntry) {
        let mask = self.slots.len() - 1;
        let mut i = key as usize & mask;
        while self.slots[i].key != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { key, entry };
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(INITIAL_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        for slot in old.into_iter().filter(|s| s.key != 0) {
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

    #[test]
    fn finds_what_was_inserted_across_growth() {
        let mut cache = StemCache::new(usize::MAX);
        // Keys sharing their low bits probe past each other.
        let keys: Vec<u64> = (1..5000u64)
            .map(|i| i << 20)
            .chain([0, 1, u64::MAX])
            .collect();
        for &k in &keys {
            assert_eq!(cache.get(k), None);
            cache.insert(k, entry(k ^ 7));
        }
        assert_eq!(cache.len(), keys.len());
        for &k in &keys {
            assert_eq!(cache.get(k), Some(&entry(k ^ 7)), "key {k}");
        }
        assert_eq!(cache.get(12345), None);
    }

    #[test]
    fn stops_growing_at_its_limit() {
        let mut cache = StemCache::new(3);
        for k in 10..20 {
            cache.insert(k, entry(k));
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(10), Some(&entry(10)));
        assert_eq!(cache.get(15), None);
    }
}
