//! Feature hashing straight from bytes: words and n-grams become bucket
//! indices without building a string per feature (n-grams combine the word
//! hashes, as fastText does). The functions are fixed here, not taken from
//! std, because a trained model depends on them bit for bit.

/// 64-bit FNV-1a over bytes.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Combines a running hash with one more value (order-sensitive). One
/// multiply: [`bucket`] applies the full finaliser once at the end.
#[inline]
pub fn combine(h: u64, v: u64) -> u64 {
    h.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(27) ^ v
}

/// MurmurHash3's 64-bit finaliser: spreads every input bit over the output.
#[inline]
pub fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The bucket of a feature hash in a table of `2^bits` rows.
#[inline]
pub fn bucket(h: u64, bits: u8) -> u32 {
    bucket_of_spread(spread(h), bits)
}

/// The top 32 bits of a finished feature hash: enough to give the bucket in
/// any table of up to `2^32` rows, so it can be computed once and stored.
#[inline]
pub fn spread(h: u64) -> u32 {
    (finish(h) >> 32) as u32
}

/// The bucket of a [`spread`] hash in a table of `2^bits` rows (`bits` up to 32).
#[inline]
pub fn bucket_of_spread(spread: u32, bits: u8) -> u32 {
    spread >> (32 - u32::from(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_fixed_across_builds() {
        // A model file stores weights by bucket: these values must never change.
        assert_eq!(hash_bytes(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash_bytes(b"a"), 0xaf63_dc4c_8601_ec8c);
        // Buckets as the finaliser's top bits (values from a standalone
        // copy of the functions), also through a stored spread.
        let talk = hash_bytes(b"talk");
        assert_eq!(bucket(talk, 18), 33985);
        assert_eq!(bucket(talk, 24), 2_175_081);
        assert_eq!(bucket_of_spread(spread(talk), 18), 33985);
        let bigram = combine(combine(0x02, hash_bytes(b"peac")), talk);
        assert_eq!(bucket(bigram, 18), 136_713);
        assert_ne!(combine(1, 2), combine(2, 1));
    }

    #[test]
    fn buckets_stay_in_range() {
        for i in 0..10_000u64 {
            assert!(bucket(combine(i, 7), 12) < 4096);
        }
    }
}
