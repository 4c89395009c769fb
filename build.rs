//! Embeds `models/stance.model` into the library when it exists, so the
//! binary classifies with no flags from any directory. A checkout without a
//! model still builds; it then needs `--model PATH`.
//!
//! The model is embedded in two parts: its head (the model file with no
//! weight rows: settings, labels, metadata, bias) and its weight table laid
//! out dense, as the classifier reads it. The table is then used in place
//! from the executable's read-only data: a process maps in only the pages
//! its sentences touch, instead of expanding 6 MB at every start.
//! The layout read here is the one `src/model/format.rs` documents; a test
//! checks that the embedded model equals the file loaded the usual way.

use std::path::PathBuf;

const HEADER: usize = 24;
const ROW: usize = 6;
const ROW_BYTES: usize = 4 + ROW * 4;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let model = manifest.join("models").join("stance.model");
    println!("cargo:rerun-if-changed={}", model.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let (head, table) = match std::fs::read(&model) {
        Ok(bytes) => split(&bytes).unwrap_or_else(|e| panic!("{}: {e}", model.display())),
        Err(_) => (Vec::new(), Vec::new()),
    };
    let head_path = out.join("embedded.head");
    let table_path = out.join("embedded.table");
    std::fs::write(&head_path, head).unwrap();
    std::fs::write(&table_path, table).unwrap();
    println!(
        "cargo:rustc-env=STANCE_EMBEDDED_HEAD={}",
        head_path.display()
    );
    println!(
        "cargo:rustc-env=STANCE_EMBEDDED_TABLE={}",
        table_path.display()
    );
}

/// The model file without its rows (checksum redone), and its dense table
/// as floats in the target's byte order.
fn split(bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    if bytes.len() < HEADER + 4 || &bytes[..8] != b"STANCEM\0" {
        return Err("not a model file".into());
    }
    let body = &bytes[..bytes.len() - 4];
    if crc32fast::hash(body) != u32_at(bytes.len() - 4) {
        return Err("checksum mismatch".into());
    }
    let bits = u32::from(bytes[12]);
    let rows_at = HEADER + u32_at(16) as usize + u32_at(20) as usize + 32;
    let rows = u32_at(rows_at) as usize;
    if rows_at + 4 + rows * ROW_BYTES + 4 != bytes.len() || !(10..=24).contains(&bits) {
        return Err("sizes do not match the header".into());
    }
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").unwrap() == "big";
    let mut table = vec![0u8; (1usize << bits) * ROW * 4];
    for record in bytes[rows_at + 4..rows_at + 4 + rows * ROW_BYTES].chunks_exact(ROW_BYTES) {
        let bucket = u32::from_le_bytes(record[..4].try_into().unwrap()) as usize;
        if bucket >= 1 << bits {
            return Err(format!("row bucket {bucket} is out of range"));
        }
        for (k, w) in record[4..].chunks_exact(4).enumerate() {
            let value = f32::from_le_bytes(w.try_into().unwrap());
            // The bound of `MAX_WEIGHT` in src/model/format.rs.
            if value.is_nan() || value.abs() > 1e4 {
                return Err(format!("a weight of row {bucket} is out of range"));
            }
            let at = (bucket * ROW + k) * 4;
            let bytes = if big_endian {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            };
            table[at..at + 4].copy_from_slice(&bytes);
        }
    }
    let mut head = bytes[..rows_at].to_vec();
    head.extend_from_slice(&0u32.to_le_bytes());
    let crc = crc32fast::hash(&head);
    head.extend_from_slice(&crc.to_le_bytes());
    Ok((head, table))
}
