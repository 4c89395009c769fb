//! The labeled CSV reader on arbitrary bytes, under both error policies.
//!
//! Asserts: neither policy panics (errors are fine); if `Fail` accepts the
//! file, `Skip` accepts it too with the same examples and nothing skipped;
//! every example has non-blank text and class indices below 3; and line
//! numbers are at least 2 (after the header), never decrease, and are never
//! past the file's last line (a line ends at `\n` or at a `\r` not followed
//! by `\n`: fuzz/regressions/csv_labeled/cr-line-breaks-*.csv).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::dataset::{Columns, LabeledData, OnError, parse_labeled};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    let columns = Columns::default();
    let fail = parse_labeled(data, path, &columns, OnError::Fail);
    let skip = parse_labeled(data, path, &columns, OnError::Skip);
    let last_line = 1 + line_breaks(data);
    for parsed in [&fail, &skip].into_iter().flatten() {
        check(parsed, 2, last_line);
    }
    if let Ok(strict) = &fail {
        let lenient = skip.as_ref().expect("Skip rejected a file that Fail accepted");
        assert_eq!(strict.examples, lenient.examples);
        assert!(lenient.skipped.is_empty(), "Skip skipped rows that Fail accepted");
        assert_eq!(strict.sha256, lenient.sha256);
    }
    if let Ok(lenient) = &skip {
        assert!(!lenient.examples.is_empty(), "Ok with no examples");
    }
});

/// Line breaks: `\n`, and `\r` not followed by `\n`.
fn line_breaks(data: &[u8]) -> u64 {
    let lone_cr = |i: usize| data[i] == b'\r' && data.get(i + 1) != Some(&b'\n');
    (0..data.len()).filter(|&i| data[i] == b'\n' || lone_cr(i)).count() as u64
}

fn check(parsed: &LabeledData, first_line: u64, last_line: u64) {
    let mut prev = first_line;
    for e in &parsed.examples {
        assert!(!e.text.trim().is_empty(), "blank text on line {}", e.line);
        assert!(e.hostility < 3 && e.diplomacy < 3, "class out of range: {e:?}");
        assert!(e.line >= prev, "line {} after line {prev}", e.line);
        assert!(e.line <= last_line, "line {} past the last line {last_line}", e.line);
        prev = e.line;
    }
    for s in &parsed.skipped {
        assert!((first_line..=last_line).contains(&s.line), "skipped row on line {}", s.line);
    }
}
