//! The model loader on arbitrary bytes (seeded with the real model file and
//! truncations of it, see ../seed.sh).
//!
//! Asserts: `from_bytes` never panics; it rejects anything that is not the
//! real model byte for byte, unless the CRC-32 in the last 4 bytes matches
//! (which random mutation practically never achieves; `model_crc` covers
//! the parsing past the checksum).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = stance::model::format::from_bytes(data, "fuzz");
    if loaded.is_ok() {
        let n = data.len();
        assert!(n >= 28);
        let stored = u32::from_le_bytes(data[n - 4..].try_into().unwrap());
        assert_eq!(stored, crc32fast::hash(&data[..n - 4]), "accepted a bad checksum");
    }
});
