//! Labeled CSV files: rows to typed examples, with the file, line and field
//! named in every error.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::Axis;

/// One labeled sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    /// Class index on the hostility axis (see [`Axis::labels`]).
    pub hostility: usize,
    /// Class index on the diplomacy axis.
    pub diplomacy: usize,
    /// The line the record starts on (the header is line 1).
    pub line: u64,
    /// The value of the group column ([`Columns::group`]), if one was named.
    pub group: Option<String>,
}

impl Example {
    /// The class index on one axis.
    pub fn class(&self, axis: Axis) -> usize {
        match axis {
            Axis::Hostility => self.hostility,
            Axis::Diplomacy => self.diplomacy,
        }
    }
}

/// Which columns hold the text and the two labels.
#[derive(Clone, Debug)]
pub struct Columns {
    pub text: String,
    pub hostility: String,
    pub diplomacy: String,
    /// A column whose value groups rows (a source, a register): training's
    /// cross-validation keeps each group within one fold.
    pub group: Option<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            text: "text".into(),
            hostility: "hostility".into(),
            diplomacy: "diplomacy".into(),
            group: None,
        }
    }
}

/// What to do with a bad row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OnError {
    /// Stop at the first bad row.
    #[default]
    Fail,
    /// Skip bad rows and report them.
    Skip,
}

/// A row left out under [`OnError::Skip`], with the reason.
#[derive(Clone, Debug)]
pub struct SkippedRow {
    pub line: u64,
    pub reason: String,
}

/// The examples of a labeled file.
#[derive(Clone, Debug)]
pub struct LabeledData {
    pub path: PathBuf,
    pub examples: Vec<Example>,
    /// The group column the examples' groups come from, if any.
    pub group_column: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub skipped: Vec<SkippedRow>,
}

/// Reads a labeled file: CSV (UTF-8, header row, a byte-order mark
/// allowed), or JSON Lines when the name ends in `.jsonl` or `.ndjson`.
pub fn read_labeled(path: &Path, columns: &Columns, on_error: OnError) -> Result<LabeledData> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if crate::records::is_jsonl_path(path) {
        parse_labeled_jsonl(&bytes, path, columns, on_error)
    } else {
        parse_labeled(&bytes, path, columns, on_error)
    }
}

/// Parses labeled JSON Lines: one object per line with the text and both
/// labels as strings; `path` names it in errors.
pub fn parse_labeled_jsonl(
    bytes: &[u8],
    path: &Path,
    columns: &Columns,
    on_error: OnError,
) -> Result<LabeledData> {
    use crate::records::{Record, RecordFormat, RecordReader};
    let mut reader = RecordReader::new(
        bytes,
        RecordFormat::Jsonl,
        path,
        &columns.text,
        on_error,
        false,
    )?;
    let mut examples = Vec::new();
    let mut skipped = Vec::new();
    let mut seen_ids: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut record = Record::default();
    while reader.next_into(&mut record)? {
        let line = record.line;
        let parsed = (|| -> Result<Example> {
            if let Some(id) = record.field("id") {
                if let Some(first) = seen_ids.get(id.as_str()) {
                    return Err(Error::data(
                        path,
                        line,
                        "id",
                        format!("duplicate id {:?} (first on line {first})", id.as_str()),
                    ));
                }
                seen_ids.insert(id.as_str().to_string(), line);
            }
            let mut classes = [0usize; 2];
            for (slot, axis, name) in [
                (0, Axis::Hostility, &columns.hostility),
                (1, Axis::Diplomacy, &columns.diplomacy),
            ] {
                let value = record.field(name).ok_or_else(|| {
                    Error::data(path, line, name, "no such field in the record".into())
                })?;
                classes[slot] = class_of(axis, value.as_str(), path, line, name)?;
            }
            let group = match &columns.group {
                Some(name) => Some(
                    record
                        .field(name)
                        .ok_or_else(|| {
                            Error::data(path, line, name, "no such field in the record".into())
                        })?
                        .as_str()
                        .trim()
                        .to_string(),
                ),
                None => None,
            };
            Ok(Example {
                text: std::mem::take(&mut record.text),
                hostility: classes[0],
                diplomacy: classes[1],
                line,
                group,
            })
        })();
        keep(parsed, line, on_error, &mut examples, &mut skipped)?;
    }
    skipped.extend_from_slice(reader.skipped());
    skipped.sort_by_key(|s| s.line);
    finish(path, bytes, columns, examples, skipped)
}

/// Adds a parsed row to the examples, or a bad one to the skipped rows
/// (under [`OnError::Skip`]) or the result (under [`OnError::Fail`]).
fn keep(
    parsed: Result<Example>,
    line: u64,
    on_error: OnError,
    examples: &mut Vec<Example>,
    skipped: &mut Vec<SkippedRow>,
) -> Result<()> {
    match parsed {
        Ok(example) => examples.push(example),
        Err(e) if on_error == OnError::Skip => skipped.push(SkippedRow {
            line,
            reason: e.to_string(),
        }),
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The class of a label on an axis, or an error naming where it was read.
fn class_of(axis: Axis, raw: &str, path: &Path, line: u64, field: &str) -> Result<usize> {
    let label = raw.trim();
    axis.class_of(label).ok_or_else(|| {
        Error::data(
            path,
            line,
            field,
            format!(
                "unknown {} label {:?}; expected one of {}",
                axis.name(),
                label,
                axis.labels().join(", ")
            ),
        )
    })
}

fn finish(
    path: &Path,
    bytes: &[u8],
    columns: &Columns,
    examples: Vec<Example>,
    skipped: Vec<SkippedRow>,
) -> Result<LabeledData> {
    if examples.is_empty() {
        return Err(Error::EmptyData {
            path: path.to_path_buf(),
            message: format!("no usable rows ({} skipped)", skipped.len()),
        });
    }
    Ok(LabeledData {
        path: path.to_path_buf(),
        examples,
        group_column: columns.group.clone(),
        sha256: hex(&Sha256::digest(bytes)),
        skipped,
    })
}

/// Parses the bytes of a labeled CSV file; `path` names it in errors.
pub fn parse_labeled(
    bytes: &[u8],
    path: &Path,
    columns: &Columns,
    on_error: OnError,
) -> Result<LabeledData> {
    let data_err =
        |line: u64, field: &str, message: String| Error::data(path, line, field, message);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| csv_error(path, &e, "header"))?
        .clone();
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Err(data_err(
            1,
            "header",
            "the file is empty or has no header row".into(),
        ));
    }
    let find = |name: &str| -> Result<usize> {
        header
            .iter()
            .position(|h| h == name.as_bytes())
            .ok_or_else(|| {
                let have: Vec<String> = header
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).into_owned())
                    .collect();
                data_err(
                    1,
                    name,
                    format!("no such column; the header has: {}", have.join(", ")),
                )
            })
    };
    let text_col = find(&columns.text)?;
    // Ids are optional; when the file has an `id` column they must be unique.
    let id_col = header.iter().position(|h| h == b"id");
    let mut seen_ids: std::collections::HashMap<Vec<u8>, u64> = std::collections::HashMap::new();
    let label_cols = [
        (
            Axis::Hostility,
            find(&columns.hostility)?,
            &columns.hostility,
        ),
        (
            Axis::Diplomacy,
            find(&columns.diplomacy)?,
            &columns.diplomacy,
        ),
    ];
    let group_col = columns.group.as_deref().map(find).transpose()?;

    let mut examples = Vec::new();
    let mut skipped = Vec::new();
    let mut record = csv::ByteRecord::new();
    // Lines are counted from byte offsets: the csv crate's own line count
    // drifts on CRLF files.
    let mut lines = LineCounter::new(bytes);
    // A quoted field left open runs to the end of the file without a csv error.
    let unterminated =
        |record: &csv::ByteRecord, header: &csv::ByteRecord, start: usize, end: usize| {
            let quotes = bytes[start.min(end)..end]
                .iter()
                .filter(|&&b| b == b'"')
                .count();
            crate::records::unterminated_quote(record, quotes).map(|field| {
                let line = LineCounter::new(bytes).line_at(start);
                let name = String::from_utf8_lossy(header.get(field).unwrap_or(b"record"));
                data_err(
                    line,
                    &name,
                    "unterminated quote: the field runs to the end of the file".into(),
                )
            })
        };
    loop {
        let line = lines.line_at(reader.position().byte() as usize).max(2);
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                let end = (reader.position().byte() as usize).min(bytes.len());
                if let Some(err) = unterminated(&record, &header, at, end) {
                    return Err(err);
                }
                let err = csv_error(path, &e, "record");
                // A ragged row is one bad row; a broken quote or bad UTF-8 ends the parse.
                let recoverable = matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                if on_error == OnError::Skip && recoverable {
                    skipped.push(SkippedRow {
                        line,
                        reason: err.to_string(),
                    });
                    continue;
                }
                return Err(err);
            }
        }
        let line = record
            .position()
            .map_or(line, |p| lines.line_at(p.byte() as usize));
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let end = (reader.position().byte() as usize).min(bytes.len());
        if let Some(err) = unterminated(&record, &header, start, end) {
            return Err(err);
        }
        let parsed = (|| -> Result<Example> {
            let text = std::str::from_utf8(&record[text_col]).map_err(|e| {
                data_err(
                    line,
                    &columns.text,
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                )
            })?;
            if text.trim().is_empty() {
                return Err(data_err(line, &columns.text, "empty text".into()));
            }
            if let Some(col) = id_col {
                let id = &record[col];
                if let Some(first) = seen_ids.get(id) {
                    return Err(data_err(
                        line,
                        "id",
                        format!(
                            "duplicate id {:?} (first on line {first})",
                            String::from_utf8_lossy(id)
                        ),
                    ));
                }
                seen_ids.insert(id.to_vec(), line);
            }
            let mut classes = [0usize; 2];
            for (i, (axis, col, name)) in label_cols.iter().enumerate() {
                let raw = String::from_utf8_lossy(&record[*col]);
                classes[i] = class_of(*axis, &raw, path, line, name)?;
            }
            let group =
                group_col.map(|col| String::from_utf8_lossy(&record[col]).trim().to_string());
            Ok(Example {
                text: text.to_string(),
                hostility: classes[0],
                diplomacy: classes[1],
                line,
                group,
            })
        })();
        keep(parsed, line, on_error, &mut examples, &mut skipped)?;
    }
    finish(path, bytes, columns, examples, skipped)
}

/// 1-based line numbers of byte offsets, for offsets that only grow.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line of the record that starts at `offset`. The csv crate may put
    /// a record's start on the `\n` of the CRLF before it; a record never
    /// starts with a line break, so those are skipped first.
    fn line_at(&mut self, offset: usize) -> u64 {
        let mut offset = offset.min(self.bytes.len());
        while offset < self.bytes.len() && matches!(self.bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset > self.at {
            self.line += (self.at..offset)
                .filter(|&i| is_line_break(self.bytes, i))
                .count() as u64;
            self.at = offset;
        }
        self.line
    }
}

/// A line ends at `\n`, and at a `\r` not followed by `\n` (old Mac line
/// ends, which the csv parser also takes as record ends).
fn is_line_break(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

fn csv_error(path: &Path, e: &csv::Error, field: &str) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields, the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "invalid UTF-8 in field {} at byte {}",
            err.field() + 1,
            err.valid_up_to()
        ),
        _ => e.to_string(),
    };
    Error::Data {
        path: path.to_path_buf(),
        line,
        field: field.to_string(),
        message,
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
