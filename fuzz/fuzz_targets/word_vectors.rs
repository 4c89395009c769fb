//! The word-vector table reader on arbitrary bytes (seeded with a slice of
//! the shipped table and small valid tables, see ../seed.sh).
//!
//! Asserts: `from_bytes` never panics and never allocates past what the file
//! can hold; an accepted table has at least one word, 1 to 1,024 dims and
//! finite values, reads each of its words back, and turns into per-bucket
//! vectors of its own dimension with finite values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stance::vectors::WordVectors;
use stance::{FeatureConfig, Featurizer};

fuzz_target!(|data: &[u8]| {
    let Ok(table) = WordVectors::from_bytes(data, "fuzz") else {
        return;
    };
    assert!(!table.is_empty());
    assert!((1..=1024).contains(&table.dims()));
    assert!(data.len() >= 20 + table.len() * (1 + table.dims()));
    let featurizer = Featurizer::new(FeatureConfig {
        bits: 12,
        ..FeatureConfig::default()
    })
    .unwrap();
    let buckets = table.by_bucket(&featurizer);
    assert_eq!(buckets.dims(), table.dims());
    for (b, v) in buckets.iter() {
        assert!(b < 1 << 12);
        assert!(v.iter().all(|x| x.is_finite()), "bucket {b}: {v:?}");
    }
});
