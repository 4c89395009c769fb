//! The model file: one binary, versioned, checksummed file.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "STANCEM\0"
//! 8       4     format version (u32 LE)
//! 12      1     bits            13  1  max_ngram
//! 14      1     flags (1 = cues, 2 = negation)   15  1  reserved (0)
//! 16      4     label block length L (u32 LE)
//! 20      4     metadata length M (u32 LE)
//! 24      L     labels, UTF-8: "hostile,neutral,friendly;open,none,closed"
//! 24+L    M     metadata, UTF-8 JSON
//! ..      32    bias (6 x f32 LE), temperature (2 x f32 LE)
//! ..      4     R: rows with a non-zero weight (u32 LE)
//! ..      28*R  R x (bucket u32 LE, 6 x f32 LE), buckets strictly increasing
//! end-4   4     CRC-32 of every byte before it
//! ```
//! Only rows that training touched are stored (a hashed table is mostly
//! empty), which keeps the file, and the binary that embeds it, small and
//! fast to check at start-up.
//! Loading checks the length, magic, version and checksum before reading any
//! size from the header, and the sizes before allocating, so a hostile file
//! cannot crash the loader, and nothing is allocated before every check has
//! passed. The one allocation then is the dense weight table the header's
//! validated `bits` asks for, 24 x 2^bits bytes: at most 402 MB (bits = 24),
//! zero-filled by the allocator, so its pages cost memory only once touched.
//! A small valid file may ask for a large table (fuzz/regressions/model_load).
//! Saving writes a temporary file in the target's folder and renames it over
//! the target, so an interrupted run never leaves a half-written model.

use std::io::Write;
use std::path::Path;

use super::{Classifier, ROW, Weights};
use crate::error::{Error, ModelProblem, Result};
use crate::features::FeatureConfig;

const MAGIC: &[u8; 8] = b"STANCEM\0";
/// The format version this build writes and reads.
pub const VERSION: u32 = 1;
const HEADER: usize = 24;
/// A stored row: its bucket and six weights.
const ROW_BYTES: usize = 4 + ROW * 4;
const CHECKSUM: usize = 4;
const LABELS: &str = "hostile,neutral,friendly;open,none,closed";
/// Bounds on weights and temperatures. Trained values are far inside them
/// (weights below 100, temperatures near 1); past them a sum of a few
/// thousand features could overflow f32 and turn probabilities into NaN.
pub const MAX_WEIGHT: f32 = 1e4;
const TEMPERATURES: std::ops::RangeInclusive<f32> = 0.01..=100.0;

fn weight_ok(w: f32) -> bool {
    w.abs() <= MAX_WEIGHT
}

const FLAG_CUES: u8 = 1;
const FLAG_NEGATION: u8 = 2;

/// Serialises a classifier into model-file bytes.
pub fn to_bytes(model: &Classifier) -> Vec<u8> {
    let config = model.featurizer().config();
    let weights = model.weights();
    let meta = model.metadata_json().as_bytes();
    let rows: Vec<(usize, &[f32])> = weights
        .table
        .chunks_exact(ROW)
        .enumerate()
        .filter(|(_, row)| row.iter().any(|w| *w != 0.0))
        .collect();
    let mut out = Vec::with_capacity(
        HEADER + LABELS.len() + meta.len() + 36 + rows.len() * ROW_BYTES + CHECKSUM,
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(config.bits);
    out.push(config.max_ngram);
    out.push((u8::from(config.cues) * FLAG_CUES) | (u8::from(config.negation) * FLAG_NEGATION));
    out.push(0);
    out.extend_from_slice(&(LABELS.len() as u32).to_le_bytes());
    out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
    out.extend_from_slice(LABELS.as_bytes());
    out.extend_from_slice(meta);
    for v in weights.bias.iter().chain(&weights.temperature) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for (bucket, row) in rows {
        out.extend_from_slice(&(bucket as u32).to_le_bytes());
        for v in row {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Writes a classifier to `path` atomically (temporary file, fsync, rename).
pub fn save(model: &Classifier, path: &Path) -> Result<()> {
    let bytes = to_bytes(model);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Reads and checks a model file.
pub fn load(path: &Path) -> Result<Classifier> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    from_bytes(&bytes, &path.display().to_string())
}

/// Checks and decodes model-file bytes; `origin` names the source in errors.
pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Classifier> {
    decode(bytes).map_err(|problem| Error::Model {
        origin: origin.to_string(),
        problem,
    })
}

/// Decodes a model file that has no weight rows, with `table` as its dense
/// weight table (the embedded model: see `build.rs`).
pub(crate) fn from_head_and_table(
    head: &[u8],
    table: &'static [f32],
    origin: &str,
) -> Result<Classifier> {
    decode_with(head, Some(table)).map_err(|problem| Error::Model {
        origin: origin.to_string(),
        problem,
    })
}

fn decode(bytes: &[u8]) -> std::result::Result<Classifier, ModelProblem> {
    decode_with(bytes, None)
}

fn decode_with(
    bytes: &[u8],
    dense: Option<&'static [f32]>,
) -> std::result::Result<Classifier, ModelProblem> {
    if bytes.len() >= MAGIC.len() && &bytes[..MAGIC.len()] != MAGIC {
        return Err(ModelProblem::BadMagic);
    }
    if bytes.len() < HEADER + CHECKSUM {
        if bytes.len() < MAGIC.len() && !MAGIC.starts_with(bytes) {
            return Err(ModelProblem::BadMagic);
        }
        return Err(ModelProblem::Truncated {
            len: bytes.len(),
            needed: HEADER + CHECKSUM,
        });
    }
    let version = u32_at(bytes, 8);
    if version > VERSION || version == 0 {
        return Err(ModelProblem::UnsupportedVersion {
            found: version,
            supported: VERSION,
        });
    }
    let body = &bytes[..bytes.len() - CHECKSUM];
    let stored = u32_at(bytes, bytes.len() - CHECKSUM);
    let computed = crc32fast::hash(body);
    if stored != computed {
        return Err(ModelProblem::Checksum { stored, computed });
    }

    let bits = bytes[12];
    let max_ngram = bytes[13];
    let flags = bytes[14];
    if !(10..=24).contains(&bits) {
        return Err(bad("bits", bits.into(), "10 to 24"));
    }
    if !(1..=3).contains(&max_ngram) {
        return Err(bad("max_ngram", max_ngram.into(), "1 to 3"));
    }
    if flags & !(FLAG_CUES | FLAG_NEGATION) != 0 || bytes[15] != 0 {
        return Err(bad("flags", flags.into(), "only bits 1 and 2"));
    }
    let labels_len = u32_at(bytes, 16) as usize;
    let meta_len = u32_at(bytes, 20) as usize;
    let rows_at = HEADER
        .checked_add(labels_len)
        .and_then(|n| n.checked_add(meta_len))
        .and_then(|n| n.checked_add(32))
        .filter(|&n| n + 4 + CHECKSUM <= bytes.len())
        .ok_or(ModelProblem::SizeMismatch {
            expected: HEADER + labels_len.saturating_add(meta_len) + 36 + CHECKSUM,
            found: bytes.len(),
        })?;
    let rows = u32_at(bytes, rows_at) as usize;
    if rows > 1 << bits {
        return Err(bad("rows", rows as u64, "at most 2^bits"));
    }
    let expected = rows_at + 4 + rows * ROW_BYTES + CHECKSUM;
    if expected != bytes.len() {
        return Err(ModelProblem::SizeMismatch {
            expected,
            found: bytes.len(),
        });
    }
    let labels = &bytes[HEADER..HEADER + labels_len];
    if labels != LABELS.as_bytes() {
        return Err(ModelProblem::BadMetadata(format!(
            "labels are {:?}, this build predicts {LABELS:?}",
            String::from_utf8_lossy(labels)
        )));
    }
    let meta_start = HEADER + labels_len;
    let meta = std::str::from_utf8(&bytes[meta_start..meta_start + meta_len])
        .map_err(|e| ModelProblem::BadMetadata(e.to_string()))?;

    let f32_at =
        |at: usize| f32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let floats_at = meta_start + meta_len;
    let bias: [f32; ROW] = std::array::from_fn(|k| f32_at(floats_at + 4 * k));
    let temperature: [f32; 2] = std::array::from_fn(|k| f32_at(floats_at + 4 * (ROW + k)));
    if temperature.iter().any(|t| !TEMPERATURES.contains(t)) {
        return Err(ModelProblem::BadMetadata(format!(
            "temperatures {temperature:?} must lie in {TEMPERATURES:?}"
        )));
    }
    let table = match dense {
        Some(table) => {
            if rows != 0 || table.len() != (1usize << bits) * ROW {
                return Err(ModelProblem::SizeMismatch {
                    expected: (1usize << bits) * ROW,
                    found: table.len(),
                });
            }
            std::borrow::Cow::Borrowed(table)
        }
        None => std::borrow::Cow::Owned(dense_table(bytes, rows_at, rows, bits)?),
    };
    if bias.iter().any(|w| !weight_ok(*w)) {
        return Err(ModelProblem::BadMetadata(format!(
            "a bias is not finite or larger than {MAX_WEIGHT} in size"
        )));
    }
    let config = FeatureConfig {
        bits,
        max_ngram,
        cues: flags & FLAG_CUES != 0,
        negation: flags & FLAG_NEGATION != 0,
    };
    let weights = Weights {
        table,
        bias,
        temperature,
    };
    Classifier::from_parts(config, weights, meta.to_string())
        .map_err(|e| ModelProblem::BadMetadata(e.to_string()))
}

/// The stored rows spread into a dense table.
fn dense_table(
    bytes: &[u8],
    rows_at: usize,
    rows: usize,
    bits: u8,
) -> std::result::Result<Vec<f32>, ModelProblem> {
    // Every size is checked against the file above, so this allocation is
    // bounded by the header's validated `bits`, never by a raw length field.
    let mut table = vec![0f32; (1usize << bits) * ROW];
    let mut previous: Option<usize> = None;
    let stored = &bytes[rows_at + 4..rows_at + 4 + rows * ROW_BYTES];
    for record in stored.chunks_exact(ROW_BYTES) {
        let bucket = u32::from_le_bytes([record[0], record[1], record[2], record[3]]) as usize;
        if bucket >= 1 << bits || previous.is_some_and(|p| bucket <= p) {
            return Err(bad(
                "row bucket",
                bucket as u64,
                "increasing and below 2^bits",
            ));
        }
        previous = Some(bucket);
        let row = &mut table[bucket * ROW..(bucket + 1) * ROW];
        for (w, b) in row.iter_mut().zip(record[4..].chunks_exact(4)) {
            *w = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        if row.iter().any(|w| !weight_ok(*w)) {
            return Err(ModelProblem::BadMetadata(format!(
                "a weight of row {bucket} is not finite or larger than {MAX_WEIGHT} in size"
            )));
        }
    }
    Ok(table)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn bad(field: &'static str, value: u64, expected: &'static str) -> ModelProblem {
    ModelProblem::BadHeader {
        field,
        value,
        expected,
    }
}
