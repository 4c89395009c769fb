//! Structured input: CSV and JSON Lines records with pass-through fields.

use stance::dataset::OnError;
use stance::records::{FieldValue, Record, RecordFormat, RecordReader};

fn read(input: &str, format: RecordFormat, on_error: OnError) -> stance::Result<Vec<Record>> {
    RecordReader::new(input.as_bytes(), format, "in", "text", on_error, false)?.collect()
}

fn names(r: &Record) -> Vec<&str> {
    r.fields.iter().map(|f| f.name.as_str()).collect()
}

fn error(input: &str, format: RecordFormat) -> String {
    match read(input, format, OnError::Fail) {
        Ok(rows) => panic!("expected an error, got {rows:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn csv_records_keep_other_columns_in_order_with_line_numbers() {
    let input = "\u{feff}id,date,text,speaker\r\n\
                 a1,2026-01-02,\"We will talk.\r\nTomorrow, too.\",Minister\r\n\
                 \r\n\
                 a2,2026-01-03,They lie.,Envoy\r\n";
    let rows = read(input, RecordFormat::Csv, OnError::Fail).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(names(&rows[0]), ["id", "date", "speaker"]);
    assert_eq!(rows[0].text, "We will talk.\r\nTomorrow, too.");
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[1].line, 5);
    assert_eq!(
        rows[1].field("speaker"),
        Some(&FieldValue::Text("Envoy".into()))
    );
}

#[test]
fn jsonl_records_keep_members_in_order_and_values_verbatim() {
    let input = "{\"z\":1.50,\"text\":\"Talks resume.\",\"tags\":[\"a\", 2],\"who\":\"Ana \\\"B\\\"\"}\n\
                 \n\
                 {\"text\":\"No.\",\"n\":null}\n";
    let rows = read(input, RecordFormat::Jsonl, OnError::Fail).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(names(&rows[0]), ["z", "tags", "who"]);
    assert_eq!(rows[0].field("z"), Some(&FieldValue::Json("1.50".into())));
    assert_eq!(
        rows[0].field("tags"),
        Some(&FieldValue::Json("[\"a\", 2]".into()))
    );
    assert_eq!(
        rows[0].field("who"),
        Some(&FieldValue::Text("Ana \"B\"".into()))
    );
    assert_eq!(rows[1].line, 3, "blank lines count but are not records");
    assert_eq!(rows[1].field("n"), Some(&FieldValue::Json("null".into())));
}

#[test]
fn bad_records_name_file_line_and_field() {
    let e = error("id,body\n1,hello\n", RecordFormat::Csv);
    assert!(
        e.contains("in:1: text: no such column; the header has: id, body"),
        "{e}"
    );
    let e = error("id,text\n1,ok\n2,ok,extra\n", RecordFormat::Csv);
    assert!(
        e.contains("in:3: record: the row has 3 fields, the header has 2"),
        "{e}"
    );
    let e = error("id,text\n1,\" \"\n", RecordFormat::Csv);
    assert!(e.contains("in:2: text: empty text"), "{e}");
    let e = error("", RecordFormat::Csv);
    assert!(e.contains("in:1: header"), "{e}");
    let e = error("{\"text\":\"a\"}\n{\"text\": \"b\"\n", RecordFormat::Jsonl);
    assert!(e.contains("in:2: record: malformed JSON"), "{e}");
    let e = error("[1,2]\n", RecordFormat::Jsonl);
    assert!(
        e.contains("in:1: record: a JSON Lines record must be a JSON object"),
        "{e}"
    );
    let e = error("{\"id\":1,\"body\":\"x\"}\n", RecordFormat::Jsonl);
    assert!(
        e.contains("in:1: text: no such field; the record has: id, body"),
        "{e}"
    );
    let e = error("{\"text\":42}\n", RecordFormat::Jsonl);
    assert!(e.contains("in:1: text: not a JSON string: 42"), "{e}");
}

#[test]
fn invalid_utf8_is_an_error_or_replaced_with_lossy() {
    let input = b"id,text\n1,caf\xe9 talks\n";
    let e = RecordReader::new(
        &input[..],
        RecordFormat::Csv,
        "in",
        "text",
        OnError::Fail,
        false,
    )
    .unwrap()
    .next()
    .unwrap()
    .unwrap_err()
    .to_string();
    assert!(e.contains("in:2: text: invalid UTF-8 at byte 3"), "{e}");
    let rows: Vec<Record> = RecordReader::new(
        &input[..],
        RecordFormat::Csv,
        "in",
        "text",
        OnError::Fail,
        true,
    )
    .unwrap()
    .collect::<stance::Result<_>>()
    .unwrap();
    assert_eq!(rows[0].text, "caf\u{fffd} talks");
}

#[test]
fn skip_mode_reports_every_bad_record_and_keeps_the_rest() {
    let input = "{\"text\":\"one\"}\nnot json\n{\"text\":\"\"}\n{\"text\":\"four\"}\n";
    let mut reader = RecordReader::new(
        input.as_bytes(),
        RecordFormat::Jsonl,
        "in",
        "text",
        OnError::Skip,
        false,
    )
    .unwrap();
    let texts: Vec<String> = reader.by_ref().map(|r| r.unwrap().text).collect();
    assert_eq!(texts, ["one", "four"]);
    let lines: Vec<u64> = reader.skipped().iter().map(|s| s.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn an_unterminated_quote_is_reported() {
    let e = error("id,text\n1,\"never closed\n2,more\n", RecordFormat::Csv);
    assert!(e.contains("in:2"), "{e}");
    assert!(e.contains("quote"), "{e}");
}

/// The error of parsing `bytes` as a labeled CSV file named `name`.
fn labeled_error(bytes: &[u8], name: &str, on_error: OnError) -> String {
    stance::dataset::parse_labeled(
        bytes,
        std::path::Path::new(name),
        &Default::default(),
        on_error,
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn an_unterminated_quote_in_a_labeled_file_is_reported() {
    let bytes = b"id,text,hostility,diplomacy\n1,fine,neutral,none\n2,\"never closed,neutral,none\n3,x,neutral,none\n";
    let e = labeled_error(bytes, "l.csv", OnError::Skip);
    assert!(e.contains("l.csv:3: text: unterminated quote"), "{e}");
}

#[test]
fn bare_carriage_returns_end_lines_in_both_readers() {
    // Found by fuzzing (fuzz/regressions/csv_labeled): old Mac line ends.
    let bytes = b"text,hostility,diplomacy\rWe will talk.,neutral,open\r\xff,hostile,none\r";
    let e = labeled_error(bytes, "cr.csv", OnError::Fail);
    assert!(e.contains("cr.csv:3: text: invalid UTF-8"), "{e}");
    let input = "id,text\r1,one\r2,two\r\n3,three\n";
    let rows = read(input, RecordFormat::Csv, OnError::Fail).unwrap();
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4]);
}

/// Hands out its bytes one at a time, as a slow pipe may.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some((&first, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        if buf.is_empty() {
            return Ok(0);
        }
        buf[0] = first;
        self.0 = rest;
        Ok(1)
    }
}

#[test]
fn a_byte_order_mark_is_dropped_however_the_input_arrives() {
    // Found by fuzzing (fuzz/regressions/records): a BOM split across reads.
    for (input, trickle) in [
        (
            "\u{feff}text,id\r\nWe will talk.,1\r\nAnd listen.,2\n",
            false,
        ),
        (
            "\u{feff}text,id\r\nWe will talk.,1\r\nAnd listen.,2\n",
            true,
        ),
        (
            "\u{feff}\u{feff}text,id\r\nWe will talk.,1\r\nAnd listen.,2\n",
            false,
        ),
        (
            "\u{feff}\u{feff}text,id\r\nWe will talk.,1\r\nAnd listen.,2\n",
            true,
        ),
    ] {
        let reader: Box<dyn std::io::Read> = if trickle {
            Box::new(Trickle(input.as_bytes()))
        } else {
            Box::new(input.as_bytes())
        };
        let rows: Vec<Record> = RecordReader::new(
            reader,
            RecordFormat::Csv,
            "in",
            "text",
            OnError::Fail,
            false,
        )
        .unwrap()
        .collect::<stance::Result<_>>()
        .unwrap();
        let got: Vec<(u64, &str)> = rows.iter().map(|r| (r.line, r.text.as_str())).collect();
        assert_eq!(
            got,
            [(2, "We will talk."), (3, "And listen.")],
            "trickle {trickle}"
        );
        assert_eq!(rows[0].fields[0].name, "id");
    }
}
