//! The streaming CSV / JSON Lines record reader (`stance::records`).
//!
//! The first input byte picks the settings: bit 0 the format (CSV or JSON
//! Lines), bit 1 the error policy (Fail or Skip), bit 2 `lossy`, bits 3-7 a
//! read size of 1 to 31 bytes (0: one read for everything); the rest is the
//! input. Asserts:
//! * no panic, and the reader ends (at most one item per input byte, plus one);
//! * streaming: reading through small `read` calls gives the same records,
//!   errors and skipped rows as reading it whole;
//! * every record has non-blank text and a line number that is at least 1
//!   (2 after a CSV header), never decreases (JSON Lines: always increases)
//!   and is never past the input's last line; all CSV records carry the
//!   same field names;
//! * CSV only: a file that `dataset::parse_labeled` accepts (strict) is read
//!   by `RecordReader` (strict, lossy) with the same texts on the same lines.
//!
//! Line breaks are `\n` and `\r` not followed by `\n`.
//!
//! Found so far (fuzz/regressions/records/, all fixed): CR-only line
//! breaks; a byte-order mark kept when the first `read` returned fewer than
//! 3 bytes; a second byte-order mark dropped or kept depending on how reads
//! were split.
#![no_main]

use std::io::Read;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::dataset::{Columns, OnError, parse_labeled};
use stance::records::{Record, RecordFormat, RecordReader};

/// A reader that hands out at most `chunk` bytes per `read`.
struct Chunked<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything a read produced: records until the end or the first error,
/// that error, and the rows skipped.
#[derive(Debug, PartialEq)]
struct Outcome {
    records: Vec<Record>,
    error: Option<String>,
    skipped: Vec<(u64, String)>,
}

fn read_all<R: Read>(
    input: R,
    format: RecordFormat,
    on_error: OnError,
    lossy: bool,
    limit: usize,
) -> Outcome {
    let mut reader = match RecordReader::new(input, format, "fuzz", "text", on_error, lossy) {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                records: Vec::new(),
                error: Some(e.to_string()),
                skipped: Vec::new(),
            };
        }
    };
    let mut records = Vec::new();
    let mut error = None;
    let mut record = Record::default();
    let mut items = 0usize;
    loop {
        items += 1;
        assert!(items <= limit, "more than {limit} items from {limit} bytes");
        match reader.next_into(&mut record) {
            Ok(true) => records.push(record.clone()),
            Ok(false) => break,
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    let skipped = reader
        .skipped()
        .iter()
        .map(|s| (s.line, s.reason.clone()))
        .collect();
    Outcome {
        records,
        error,
        skipped,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&config, input)) = data.split_first() else {
        return;
    };
    let format = if config & 1 == 0 {
        RecordFormat::Csv
    } else {
        RecordFormat::Jsonl
    };
    let on_error = if config & 2 == 0 {
        OnError::Fail
    } else {
        OnError::Skip
    };
    let lossy = config & 4 != 0;
    let chunk = usize::from(config >> 3);
    let limit = input.len() + 2;

    let whole = read_all(input, format, on_error, lossy, limit);
    if chunk > 0 {
        let chunked = read_all(Chunked { data: input, chunk }, format, on_error, lossy, limit);
        assert_eq!(chunked, whole, "reading {chunk} bytes at a time changes the result");
    }

    let last_line = 1 + line_breaks(input);
    let first = if format == RecordFormat::Csv { 2 } else { 1 };
    let mut prev = 0u64;
    for r in &whole.records {
        assert!(!r.text.trim().is_empty(), "blank text on line {}", r.line);
        assert!(r.line >= first && r.line <= last_line, "line {} (last {last_line})", r.line);
        match format {
            RecordFormat::Csv => assert!(r.line >= prev, "line {} after {prev}", r.line),
            RecordFormat::Jsonl => assert!(r.line > prev, "line {} after {prev}", r.line),
        }
        prev = r.line;
    }
    if format == RecordFormat::Csv {
        check_csv(input, &whole);
    }
});

/// Line breaks: `\n`, and `\r` not followed by `\n`.
fn line_breaks(data: &[u8]) -> u64 {
    let lone_cr = |i: usize| data[i] == b'\r' && data.get(i + 1) != Some(&b'\n');
    (0..data.len()).filter(|&i| data[i] == b'\n' || lone_cr(i)).count() as u64
}

fn check_csv(input: &[u8], whole: &Outcome) {
    if let Some(r) = whole.records.first() {
        // Every record has the same field names, the header's minus `text`.
        for other in &whole.records {
            let a: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
            let b: Vec<&str> = other.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(a, b, "field names differ between records");
        }
    }
    let Ok(labeled) = parse_labeled(input, Path::new("fuzz"), &Columns::default(), OnError::Fail)
    else {
        return;
    };
    let strict = read_all(input, RecordFormat::Csv, OnError::Fail, true, input.len() + 2);
    assert_eq!(strict.error, None, "parse_labeled accepts what RecordReader rejects");
    let got: Vec<(u64, &str)> = strict.records.iter().map(|r| (r.line, r.text.as_str())).collect();
    let want: Vec<(u64, &str)> = labeled.examples.iter().map(|e| (e.line, e.text.as_str())).collect();
    assert_eq!(got, want, "RecordReader and parse_labeled disagree");
}
