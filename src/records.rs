//! Structured input: CSV or JSON Lines records, each with a text field to
//! score and other fields (id, date, speaker, outlet) carried along in the
//! record's order. Records are read one at a time, so a file of any length
//! is read in bounded memory (one record at a time, a JSON line at most
//! [`MAX_JSON_LINE`] bytes).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::rc::Rc;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::dataset::{OnError, SkippedRow};
use crate::error::{Error, Result};

/// The longest JSON line read; a longer one is a bad record.
pub const MAX_JSON_LINE: usize = 64 << 20;

/// True for a file name ending in `.jsonl` or `.ndjson` (any case).
pub fn is_jsonl_path(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// How records are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// A header row, then one record per row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// A field's value as it came in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// A CSV cell or a JSON string (unescaped).
    Text(String),
    /// Any other JSON value (number, bool, null, array, object), verbatim.
    Json(String),
}

impl FieldValue {
    /// The value as plain text: a string's contents, or other JSON verbatim.
    pub fn as_str(&self) -> &str {
        match self {
            FieldValue::Text(s) | FieldValue::Json(s) => s,
        }
    }
}

/// One named field of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: FieldValue,
}

/// One record: its text and its other fields in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The line the record starts on (a CSV header is line 1).
    pub line: u64,
    pub text: String,
    /// Every field but the text, in the record's order.
    pub fields: Vec<Field>,
}

impl Record {
    /// The value of a named field (not the text field).
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.value)
    }
}

/// Reads records from CSV or JSON Lines.
pub struct RecordReader<R: Read> {
    source: Source<R>,
    origin: PathBuf,
    text_column: String,
    on_error: OnError,
    lossy: bool,
    skipped: Vec<SkippedRow>,
}

enum Source<R: Read> {
    Csv {
        reader: csv::Reader<LoggedReader<CsvInput<R>>>,
        log: Rc<RefCell<BreakLog>>,
        header: Vec<String>,
        text_index: usize,
        row: csv::ByteRecord,
    },
    Jsonl {
        reader: BufReader<R>,
        line: u64,
        buf: Vec<u8>,
    },
}

impl<R: Read> RecordReader<R> {
    /// Opens `input`; `origin` names it in errors. For CSV the header is read
    /// here, so a missing text column is reported before any record.
    pub fn new(
        input: R,
        format: RecordFormat,
        origin: impl Into<PathBuf>,
        text_column: &str,
        on_error: OnError,
        lossy: bool,
    ) -> Result<Self> {
        let origin = origin.into();
        let source = match format {
            RecordFormat::Jsonl => Source::Jsonl {
                reader: BufReader::with_capacity(1 << 16, input),
                line: 0,
                buf: Vec::new(),
            },
            RecordFormat::Csv => {
                let input = without_bom(input).map_err(|e| Error::io(&origin, e))?;
                let log = Rc::new(RefCell::new(BreakLog::default()));
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(false)
                    .from_reader(LoggedReader {
                        inner: input,
                        log: Rc::clone(&log),
                    });
                let names = reader
                    .byte_headers()
                    .map_err(|e| csv_error(&origin, &e, 1, "header"))?;
                let header: Vec<String> = names
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).into_owned())
                    .collect();
                if header.iter().all(String::is_empty) {
                    return Err(Error::data(
                        &origin,
                        1,
                        "header",
                        "the input is empty or has no header row".into(),
                    ));
                }
                let text_index = header
                    .iter()
                    .position(|h| h == text_column)
                    .ok_or_else(|| {
                        Error::data(
                            &origin,
                            1,
                            text_column,
                            format!("no such column; the header has: {}", header.join(", ")),
                        )
                    })?;
                Source::Csv {
                    reader,
                    log,
                    header,
                    text_index,
                    row: csv::ByteRecord::new(),
                }
            }
        };
        Ok(RecordReader {
            source,
            origin,
            text_column: text_column.to_string(),
            on_error,
            lossy,
            skipped: Vec::new(),
        })
    }

    /// Rows left out under [`OnError::Skip`], with their reasons.
    pub fn skipped(&self) -> &[SkippedRow] {
        &self.skipped
    }

    /// Reads the next good record into `out`; false at the end of input.
    pub fn next_into(&mut self, out: &mut Record) -> Result<bool> {
        loop {
            let result = match &mut self.source {
                Source::Csv {
                    reader,
                    log,
                    header,
                    text_index,
                    row,
                } => next_csv(
                    reader,
                    log,
                    header,
                    *text_index,
                    row,
                    &self.origin,
                    self.lossy,
                    out,
                ),
                Source::Jsonl { reader, line, buf } => next_jsonl(
                    reader,
                    line,
                    buf,
                    &self.origin,
                    &self.text_column,
                    self.lossy,
                    out,
                ),
            };
            match result {
                Ok(more) => return Ok(more),
                Err(Bad::Row(err)) if self.on_error == OnError::Skip => {
                    let line = match &err {
                        Error::Data { line, .. } => *line,
                        _ => 0,
                    };
                    self.skipped.push(SkippedRow {
                        line,
                        reason: err.to_string(),
                    });
                }
                Err(Bad::Row(err) | Bad::Fatal(err)) => return Err(err),
            }
        }
    }
}

impl<R: Read> Iterator for RecordReader<R> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        let mut record = Record::default();
        match self.next_into(&mut record) {
            Ok(true) => Some(Ok(record)),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// A bad row (skippable) or a failure that ends the read.
enum Bad {
    Row(Error),
    Fatal(Error),
}

#[allow(clippy::too_many_arguments)]
fn next_csv<R: Read>(
    reader: &mut csv::Reader<LoggedReader<CsvInput<R>>>,
    log: &RefCell<BreakLog>,
    header: &[String],
    text_index: usize,
    row: &mut csv::ByteRecord,
    origin: &std::path::Path,
    lossy: bool,
    out: &mut Record,
) -> std::result::Result<bool, Bad> {
    let start = reader.position().byte();
    match reader.read_byte_record(row) {
        Ok(false) => return Ok(false),
        Ok(true) => {}
        Err(e) => {
            let at = e.position().map_or(start, |p| p.byte());
            let line = log.borrow_mut().line_at(at);
            if let Some(err) = check_quotes(log, reader, row, header, origin, line) {
                return Err(err);
            }
            let err = csv_error(origin, &e, line, "record");
            // A ragged row is one bad row; a broken quote or a read error ends the parse.
            return Err(
                if matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    Bad::Row(err)
                } else {
                    Bad::Fatal(err)
                },
            );
        }
    }
    let line = log
        .borrow_mut()
        .line_at(row.position().map_or(start, |p| p.byte()));
    if let Some(err) = check_quotes(log, reader, row, header, origin, line) {
        return Err(err);
    }
    out.line = line;
    out.fields.clear();
    out.text.clear();
    for (i, (name, cell)) in header.iter().zip(row.iter()).enumerate() {
        let value = decode(cell, lossy)
            .map_err(|at| {
                Error::data(
                    origin,
                    line,
                    name,
                    format!("invalid UTF-8 at byte {at} of the field"),
                )
            })
            .map_err(Bad::Row)?;
        if i == text_index {
            out.text.push_str(&value);
        } else {
            out.fields.push(Field {
                name: name.clone(),
                value: FieldValue::Text(value.into_owned()),
            });
        }
    }
    check_text(origin, line, &header[text_index], &out.text).map_err(Bad::Row)?;
    Ok(true)
}

fn next_jsonl<R: Read>(
    reader: &mut BufReader<R>,
    line: &mut u64,
    buf: &mut Vec<u8>,
    origin: &std::path::Path,
    text_column: &str,
    lossy: bool,
    out: &mut Record,
) -> std::result::Result<bool, Bad> {
    loop {
        buf.clear();
        let read_error = |e: io::Error| Bad::Fatal(Error::io(origin, e));
        let n = reader
            .by_ref()
            .take(MAX_JSON_LINE as u64 + 1)
            .read_until(b'\n', buf)
            .map_err(read_error)?;
        if n == 0 {
            return Ok(false);
        }
        *line += 1;
        let at = *line;
        if buf.len() > MAX_JSON_LINE && buf.last() != Some(&b'\n') {
            skip_line(reader).map_err(read_error)?;
            return Err(Bad::Row(Error::data(
                origin,
                at,
                "record",
                format!("line longer than {MAX_JSON_LINE} bytes"),
            )));
        }
        let mut bytes = buf.as_slice();
        if at == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let lossy_text;
        if lossy && std::str::from_utf8(bytes).is_err() {
            lossy_text = String::from_utf8_lossy(bytes).into_owned();
            bytes = lossy_text.as_bytes();
        }
        let object: JsonObject = serde_json::from_slice(bytes).map_err(|e| {
            let message = if e.is_data() {
                "a JSON Lines record must be a JSON object".to_string()
            } else {
                format!("malformed JSON: {e}")
            };
            Bad::Row(Error::data(origin, at, "record", message))
        })?;
        out.line = at;
        out.text.clear();
        out.fields.clear();
        let mut text = None;
        for (name, raw) in object.0 {
            let raw = raw.get();
            if name == text_column && text.is_none() {
                text = Some(serde_json::from_str::<String>(raw).map_err(|_| {
                    Bad::Row(Error::data(
                        origin,
                        at,
                        text_column,
                        format!("not a JSON string: {}", clip(raw)),
                    ))
                })?);
                continue;
            }
            let value = if raw.starts_with('"') {
                // A raw string that parsed as part of the object is valid.
                FieldValue::Text(serde_json::from_str(raw).unwrap_or_default())
            } else {
                FieldValue::Json(raw.to_string())
            };
            out.fields.push(Field { name, value });
        }
        let Some(text) = text else {
            let names: Vec<&str> = out.fields.iter().map(|f| f.name.as_str()).collect();
            return Err(Bad::Row(Error::data(
                origin,
                at,
                text_column,
                format!("no such field; the record has: {}", names.join(", ")),
            )));
        };
        out.text = text;
        check_text(origin, at, text_column, &out.text).map_err(Bad::Row)?;
        return Ok(true);
    }
}

fn check_quotes<R: Read>(
    log: &RefCell<BreakLog>,
    reader: &csv::Reader<LoggedReader<CsvInput<R>>>,
    row: &csv::ByteRecord,
    header: &[String],
    origin: &std::path::Path,
    line: u64,
) -> Option<Bad> {
    let quotes = log.borrow().quotes_before(reader.position().byte());
    let field = unterminated_quote(row, quotes)?;
    let name = header.get(field).map_or("record", String::as_str);
    Some(Bad::Fatal(Error::data(
        origin,
        line,
        name,
        "unterminated quote: the field runs to the end of the input".into(),
    )))
}

/// The csv parser ends a quoted field left open at the end of the input
/// without an error. A record holding an odd number of quote bytes and a
/// field with a line break in it is such a record: returns that field.
pub(crate) fn unterminated_quote(row: &csv::ByteRecord, quotes: usize) -> Option<usize> {
    if quotes % 2 == 0 {
        return None;
    }
    row.iter()
        .rposition(|field| field.iter().any(|&b| b == b'\n' || b == b'\r'))
}

fn check_text(origin: &std::path::Path, line: u64, column: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::data(origin, line, column, "empty text".into()));
    }
    Ok(())
}

/// A JSON object's members in the order written.
struct JsonObject(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for JsonObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = JsonObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<JsonObject, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(member) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(member);
                }
                Ok(JsonObject(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

fn skip_line(reader: &mut impl BufRead) -> io::Result<()> {
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(());
        }
        if let Some(i) = available.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            return Ok(());
        }
        let n = available.len();
        reader.consume(n);
    }
}

fn decode(bytes: &[u8], lossy: bool) -> std::result::Result<std::borrow::Cow<'_, str>, usize> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.into()),
        Err(_) if lossy => Ok(String::from_utf8_lossy(bytes)),
        Err(e) => Err(e.valid_up_to()),
    }
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(40) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn csv_error(origin: &std::path::Path, e: &csv::Error, line: u64, field: &str) -> Error {
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields, the header has {expected_len}"),
        _ => e.to_string(),
    };
    Error::data(origin, line, field, message)
}

/// CSV input after its byte-order mark, if it had one.
type CsvInput<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Drops leading UTF-8 byte-order marks. The csv parser drops one only when
/// its first read returns all three bytes (a pipe can deliver fewer), so
/// every mark is dropped here and the parser never sees one.
fn without_bom<R: Read>(mut input: R) -> io::Result<CsvInput<R>> {
    let mut head = Vec::with_capacity(3);
    loop {
        head.clear();
        input.by_ref().take(3).read_to_end(&mut head)?;
        if head != b"\xEF\xBB\xBF" {
            return Ok(io::Cursor::new(head).chain(input));
        }
    }
}

/// Passes bytes through to the CSV parser and logs where line breaks are,
/// so a record's byte offset becomes a line number. The csv crate's own line
/// count drifts on CRLF input; this log keeps only the breaks that the parser
/// has read ahead of the current record.
struct LoggedReader<R> {
    inner: R,
    log: Rc<RefCell<BreakLog>>,
}

impl<R: Read> Read for LoggedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.log.borrow_mut().record(&buf[..n]);
        Ok(n)
    }
}

#[derive(Default)]
struct BreakLog {
    /// Bytes logged so far.
    read: u64,
    /// Offsets of `\r`, `\n` and `"` bytes not yet passed, with the byte.
    marks: VecDeque<(u64, u8)>,
    /// The line at the front of `marks`.
    line: u64,
}

impl BreakLog {
    fn record(&mut self, bytes: &[u8]) {
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(b, b'\n' | b'\r' | b'"') {
                self.marks.push_back((self.read + i as u64, b));
            }
        }
        self.read += bytes.len() as u64;
    }

    /// The 1-based line of a record starting at `offset`; offsets only grow.
    /// The parser may report a record as starting on the line break before
    /// it; a record never starts with a break, so breaks at the offset count.
    fn line_at(&mut self, mut offset: u64) -> u64 {
        while let Some(&(at, byte)) = self.marks.front() {
            let leading_break = at == offset && byte != b'"';
            if at < offset || leading_break {
                if leading_break {
                    offset += 1;
                }
                self.marks.pop_front();
                // `\n` ends a line; so does a `\r` not followed by `\n`.
                let crlf = self.marks.front() == Some(&(at + 1, b'\n'));
                self.line += u64::from(byte == b'\n' || (byte == b'\r' && !crlf));
            } else {
                break;
            }
        }
        self.line + 1
    }

    /// The number of `"` bytes before `end` not yet passed.
    fn quotes_before(&self, end: u64) -> usize {
        self.marks
            .iter()
            .take_while(|&&(at, _)| at < end)
            .filter(|&&(_, b)| b == b'"')
            .count()
    }
}
