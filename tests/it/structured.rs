//! `classify --input csv|jsonl`: records in, every other field passed
//! through to each row, in the record's order.

use serde_json::Value;

use crate::cli::{run, run_with_stdin, stance, stderr, stdout};

fn jsonl(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn csv_records_pass_their_columns_through_to_jsonl_rows() {
    let input = "id,date,text,hostility\n\
                 r1,2026-01-05,\"We welcome the talks. We reject the ultimatum.\",x\n\
                 r2,2026-02-01,The embassy opens on Monday.,y\n";
    let o = run_with_stdin(
        stance().args(["classify", "--input", "csv", "--format", "jsonl"]),
        input.as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.len(), 3, "two sentences, then one");
    // serde_json's map sorts keys; order is checked on the raw text below.
    assert_eq!(rows[0]["id"], "r1");
    assert_eq!(rows[0]["date"], "2026-01-05");
    assert_eq!(
        rows[0]["input_hostility"], "x",
        "a clashing name is prefixed"
    );
    assert_eq!(rows[0]["line"], 2);
    assert_eq!(rows[1]["sentence"], 1);
    assert_eq!(rows[1]["text"], "We reject the ultimatum.");
    assert_eq!(rows[2]["id"], "r2");
    assert_eq!(rows[2]["line"], 3);
    let first = stdout(&o).lines().next().unwrap().to_string();
    assert!(
        first.starts_with(
            r#"{"id":"r1","date":"2026-01-05","input_hostility":"x","line":2,"sentence":0"#
        ),
        "{first}"
    );
    assert!(keys(&rows[0]).contains(&"diplomacy"));
}

#[test]
fn jsonl_records_keep_json_values_and_become_csv_columns() {
    let input = "{\"n\":7,\"text\":\"Talks resume in Geneva. Both sides agreed.\",\"meta\":{\"a\":[1,2]},\"who\":\"FM\"}\n\
                 \n\
                 {\"n\":8,\"who\":\"Envoy\",\"text\":\"They are liars.\"}\n";
    let o = run_with_stdin(
        stance().args(["classify", "--input", "jsonl", "--format", "csv", "--lines"]),
        input.as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..5], ["n", "meta", "who", "line", "sentence"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "--lines scores each record whole");
    assert_eq!(&rows[0][1], r#"{"a":[1,2]}"#);
    assert_eq!(&rows[0][7], "Talks resume in Geneva. Both sides agreed.");
    // The second record's fields come in another order; cells follow the header.
    assert_eq!(
        (&rows[1][0], &rows[1][1], &rows[1][2], &rows[1][3]),
        ("8", "", "Envoy", "3")
    );
}

#[test]
fn a_record_with_a_field_the_first_lacks_cannot_go_to_csv() {
    let input = "{\"text\":\"Talks resume.\"}\n{\"text\":\"No.\",\"late\":1}\n";
    let o = run_with_stdin(
        stance().args(["classify", "--input", "jsonl", "--format", "csv"]),
        input.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("stdin:2: late: the field is not in the first record"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn summaries_are_one_per_record_with_its_fields() {
    let input = "{\"id\":\"a\",\"text\":\"We welcome the talks. We condemn the strike.\"}\n\
                 {\"id\":\"b\",\"text\":\"The meeting is on Monday.\"}\n";
    let o = run_with_stdin(
        stance().args([
            "classify",
            "--input",
            "jsonl",
            "--format",
            "jsonl",
            "--summary",
        ]),
        input.as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (&rows[0]["id"], &rows[0]["sentences"]),
        (&Value::from("a"), &Value::from(2))
    );
    assert_eq!(
        (&rows[1]["id"], &rows[1]["line"]),
        (&Value::from("b"), &Value::from(2))
    );
}

#[test]
fn a_record_longer_than_a_batch_keeps_its_fields_on_every_row() {
    let text = "Talks resume today. ".repeat(20_000);
    let input = format!(
        "{{\"id\":\"long\",\"text\":\"{text}\"}}\n{{\"id\":\"next\",\"text\":\"Fine.\"}}\n"
    );
    for extra in [&[][..], &["--threads", "2"][..], &["--summary"][..]] {
        let o = run_with_stdin(
            stance()
                .args(["classify", "--input", "jsonl", "--format", "jsonl"])
                .args(extra),
            input.as_bytes(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let rows = jsonl(&stdout(&o));
        if extra == ["--summary"] {
            assert_eq!(rows.len(), 2);
            assert_eq!(rows[0]["sentences"], 20_000);
            assert_eq!(rows[1]["id"], "next");
            continue;
        }
        assert_eq!(rows.len(), 20_001);
        for (i, row) in rows[..20_000].iter().enumerate() {
            assert_eq!(
                (&row["id"], row["sentence"].as_u64()),
                (&Value::from("long"), Some(i as u64))
            );
        }
        assert_eq!(rows[20_000]["id"], "next");
    }
}

#[test]
fn bad_records_stop_the_run_or_are_skipped_and_reported() {
    let input = "id,text\n1,Talks resume.\n2,\n3,We refuse.,extra\n4,Good.\n";
    let o = run_with_stdin(
        stance().args(["classify", "--input", "csv"]),
        input.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("stdin:3: text: empty text"),
        "{}",
        stderr(&o)
    );
    let o = run_with_stdin(
        stance().args([
            "classify",
            "--input",
            "csv",
            "--on-error",
            "skip",
            "--format",
            "jsonl",
        ]),
        input.as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<Value> = jsonl(&stdout(&o)).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, [Value::from("1"), Value::from("4")]);
    let err = stderr(&o);
    assert!(err.contains("skipped 2 bad records"), "{err}");
    assert!(
        err.contains("stdin:3: text: empty text")
            && err.contains("stdin:4: record: the row has 3 fields"),
        "{err}"
    );
}

#[test]
fn structured_input_rejects_text_arguments_and_missing_columns() {
    let o = run(stance().args(["classify", "--input", "csv", "We talk."]));
    assert_eq!(o.status.code(), Some(2));
    let o = run_with_stdin(
        stance().args(["classify", "--input", "csv", "--text-column", "body"]),
        b"id,text\n1,x\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("stdin:1: body: no such column; the header has: id, text"),
        "{}",
        stderr(&o)
    );
}

/// `tests/data/small.csv` as JSON Lines, plus `extra` appended.
fn small_jsonl(extra: &str) -> std::path::PathBuf {
    let mut reader = csv::Reader::from_path(crate::cli::data("small.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut out = String::new();
    for row in reader.records() {
        let row = row.unwrap();
        let object: serde_json::Map<String, Value> = header
            .iter()
            .zip(row.iter())
            .map(|(k, v)| (k.to_string(), Value::from(v)))
            .collect();
        out.push_str(&Value::Object(object).to_string());
        out.push('\n');
    }
    out.push_str(extra);
    let dir = crate::model_file::tempdir();
    let path = dir.join(format!("small-{}.jsonl", extra.len()));
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn train_and_eval_read_labeled_json_lines() {
    let data = small_jsonl("");
    let model = data.with_extension("model");
    let o = run(stance()
        .args([
            "train", "--folds", "2", "--alphas", "0.01", "--bits", "12", "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&model));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(stance()
        .args(["eval", "--format", "json", "--data"])
        .arg(&data)
        .arg("--model")
        .arg(&model));
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(report.to_string().contains("macro_f1"), "{report}");
}

#[test]
fn a_malformed_json_line_stops_training_before_anything_is_written() {
    let data = small_jsonl("{\"text\": \"We talk.\", \"hostility\": \"neutral\",\n");
    let lines = std::fs::read_to_string(&data).unwrap().lines().count();
    let model = data.with_extension("model");
    let o = run(stance()
        .args([
            "train", "--folds", "2", "--alphas", "0.01", "--bits", "12", "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&model));
    assert_eq!(o.status.code(), Some(1));
    let expected = format!(":{lines}: record: malformed JSON");
    assert!(stderr(&o).contains(&expected), "{}", stderr(&o));
    assert!(!model.exists());
    let o = run(stance()
        .args([
            "train",
            "--folds",
            "2",
            "--alphas",
            "0.01",
            "--bits",
            "12",
            "--on-error",
            "skip",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&model));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("skipped 1 bad rows"), "{}", stderr(&o));
    assert!(model.exists());
}

#[test]
fn text_in_another_language_is_unscored_with_the_reason() {
    let doc = "We welcome the talks. Le gouvernement rejette ces accusations et reste ouvert au dialogue.";
    let o = run(stance().args(["classify", "--format", "jsonl", doc]));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows[0]["hostility"]["label"], "friendly");
    assert_eq!(rows[1]["hostility"]["label"], "unscored");
    assert_eq!(rows[1]["diplomacy"]["score"], Value::Null);
    assert_eq!(
        rows[1]["unscored"],
        "not English: the function words are French"
    );
    assert!(rows[0].get("unscored").is_none());
    let o = run(stance().args(["classify", "--format", "csv", doc]));
    let last = stdout(&o).lines().last().unwrap().to_string();
    assert!(
        last.ends_with(",unscored,,,,,unscored,,,,,not English: the function words are French"),
        "{last}"
    );
    let o = run(stance().args(["classify", "--format", "jsonl", "--any-language", doc]));
    let rows = jsonl(&stdout(&o));
    assert_ne!(rows[1]["hostility"]["label"], "unscored");
    let o = run(stance().args(["classify", "--format", "jsonl", "--summary", doc]));
    let summary = &jsonl(&stdout(&o))[0];
    assert_eq!(
        (&summary["sentences"], &summary["unscored"]),
        (&Value::from(1), &Value::from(1))
    );
}

#[test]
fn table_labels_are_coloured_only_for_a_terminal_and_never_with_no_color() {
    let text = "They are liars and thugs. We welcome the talks.";
    let plain = run(stance().args(["classify", "--format", "table", text]));
    assert!(
        !stdout(&plain).contains('\u{1b}'),
        "not a terminal: no colour"
    );
    let forced = run(stance()
        .args(["classify", "--format", "table", text])
        .env("CLICOLOR_FORCE", "1"));
    let out = stdout(&forced);
    assert!(out.contains("\u{1b}[31mhostile"), "{out}");
    assert!(out.contains("\u{1b}[32mfriendly"), "{out}");
    let no_color = run(stance()
        .args(["classify", "--format", "table", text])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1"));
    assert!(!stdout(&no_color).contains('\u{1b}'));
    // Stripped of colour, the rows are the same text.
    let stripped = out
        .replace("\u{1b}[31m", "")
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(stripped, stdout(&plain));
}

#[test]
fn progress_bars_show_on_a_terminal_and_nowhere_else() {
    let data = crate::cli::data("small.csv");
    let o = run(stance().args(["eval", "--data"]).arg(&data));
    assert!(o.status.success());
    assert_eq!(stderr(&o), "", "stderr is not a terminal: silent");
    // `script` runs the command on a pseudo-terminal (util-linux; skip where absent).
    let Ok(script) = std::process::Command::new("script")
        .arg("--version")
        .output()
    else {
        return;
    };
    assert!(script.status.success());
    let command = format!(
        "{} eval --data {} > /dev/null",
        env!("CARGO_BIN_EXE_stance"),
        data.display()
    );
    let o = run(std::process::Command::new("script").args(["-qec", &command, "/dev/null"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("scoring ["), "{:?}", stdout(&o));
}
