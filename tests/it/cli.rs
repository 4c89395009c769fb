//! Through the binary: classify from arguments, files and stdin in every
//! format; train and eval on small CSVs; errors and exit codes.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use crate::model_file::tempdir;

pub fn stance() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stance"))
}

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("binary runs")
}

pub fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Runs `stance train` on `tests/data/small.csv` with `args`, writing `out`.
fn train_small(args: &[&str], out: &Path) -> Output {
    run(stance()
        .arg("train")
        .args(args)
        .arg("--data")
        .arg(data("small.csv"))
        .arg("--out")
        .arg(out))
}

/// Writes `tests/data/small.csv` to `path` with one more column, `name`,
/// whose value on data row `i` (from 0) is `value(i)`.
fn small_with_column(path: &Path, name: &str, value: impl Fn(usize) -> String) -> PathBuf {
    let text = std::fs::read_to_string(data("small.csv")).unwrap();
    let mut lines = text.lines();
    let mut csv = format!("{},{name}\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        csv.push_str(&format!("{line},{}\n", value(i)));
    }
    std::fs::write(path, csv).unwrap();
    path.to_path_buf()
}

/// A small model trained once from `tests/data/small.csv`.
fn small_model() -> &'static Path {
    static MODEL: OnceLock<PathBuf> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path = tempdir().join("small.model");
        let o = train_small(
            &["--folds", "2", "--alphas", "0.01,0.1", "--bits", "12"],
            &path,
        );
        assert!(o.status.success(), "train failed: {}", stderr(&o));
        path
    })
}

fn jsonl(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn classify_arguments_as_jsonl_with_spans_and_both_axes() {
    let text = "Dr. Amani arrived in Addis Ababa. “We will respond with force,” he warned!";
    let o = run(stance()
        .arg("classify")
        .arg("--model")
        .arg(small_model())
        .arg(text));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.len(), 2);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["id"], "arg1");
        assert_eq!(row["sentence"], i);
        let (s, e) = (
            row["start"].as_u64().unwrap() as usize,
            row["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], row["text"].as_str().unwrap());
        for (axis, labels) in [
            ("hostility", ["hostile", "neutral", "friendly"]),
            ("diplomacy", ["open", "none", "closed"]),
        ] {
            let probs = &row[axis]["probs"];
            let sum: f64 = labels.iter().map(|l| probs[l].as_f64().unwrap()).sum();
            assert!(
                (sum - 1.0).abs() < 1e-3,
                "{axis} probabilities sum to {sum}"
            );
            assert!(labels.contains(&row[axis]["label"].as_str().unwrap()));
        }
        let p = &row["diplomacy"]["probs"];
        let openness = p["open"].as_f64().unwrap() - p["closed"].as_f64().unwrap();
        assert!((row["diplomacy"]["score"].as_f64().unwrap() - openness).abs() < 2e-4);
        assert_eq!(
            row["hostility"]["score"],
            row["hostility"]["probs"]["hostile"]
        );
    }
    assert_eq!(rows[1]["text"], "“We will respond with force,” he warned!");
}

#[test]
fn classify_reads_stdin_files_and_lines() {
    let dir = tempdir();
    let file = dir.join("article.txt");
    std::fs::write(
        &file,
        "First line here.\nSecond line, same record.\n\nA new paragraph.\n",
    )
    .unwrap();
    // Document mode: three sentences, spans into the file.
    let o = run(stance()
        .arg("classify")
        .arg("--model")
        .arg(small_model())
        .arg("--file")
        .arg(&file));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2]["text"], "A new paragraph.");
    assert_eq!(rows[2]["start"], 44);
    // Lines mode from stdin: one record per non-blank line, ids carry the line number.
    let o = run_with_stdin(
        stance()
            .args(["classify", "--lines"])
            .arg("--model")
            .arg(small_model()),
        b"We are ready to talk. Really.\r\n\nThey will pay for this.\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "stdin:1");
    assert_eq!(rows[0]["text"], "We are ready to talk. Really.");
    assert_eq!(rows[1]["id"], "stdin:3");
}

#[test]
fn classify_writes_csv_and_table() {
    let o = run(stance()
        .args(["classify", "--format", "csv", "--model"])
        .arg(small_model())
        .arg("Talks resumed in Doha, with \"cautious\" optimism."));
    assert!(o.status.success());
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[4], "text");
    assert_eq!(headers.len(), 16);
    assert_eq!(&headers[15], "unscored");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        &rows[0][4],
        "Talks resumed in Doha, with \"cautious\" optimism."
    );

    let o = run(stance()
        .args(["classify", "--format", "table", "--model"])
        .arg(small_model())
        .arg("We thank Ghana for its help."));
    let out = stdout(&o);
    assert!(out.starts_with("ID"), "{out}");
    assert!(out.contains("We thank Ghana for its help."));
}

#[test]
fn classify_threads_keep_input_order() {
    let input: String = (0..5000)
        .map(|i| format!("Sentence number {i} about talks in Vienna.\n"))
        .collect();
    let one = run_with_stdin(
        stance()
            .args(["classify", "--lines", "--threads", "1", "--model"])
            .arg(small_model()),
        input.as_bytes(),
    );
    let two = run_with_stdin(
        stance()
            .args(["classify", "--lines", "--threads", "2", "--model"])
            .arg(small_model()),
        input.as_bytes(),
    );
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(stdout(&one).lines().count(), 5000);
}

#[test]
fn invalid_utf8_is_an_error_with_its_byte_offset_unless_lossy() {
    let input = b"Fine line.\nBad \xff byte here.\n";
    let o = run_with_stdin(
        stance()
            .args(["classify", "--lines", "--model"])
            .arg(small_model()),
        input,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("line 2") && err.contains("byte offset 15"),
        "{err}"
    );
    let o = run_with_stdin(
        stance()
            .args(["classify", "--lines", "--lossy", "--model"])
            .arg(small_model()),
        input,
    );
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn closed_output_pipe_ends_quietly() {
    let mut child = stance()
        .args(["classify", "--lines", "--model"])
        .arg(small_model())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..200_000 {
            if stdin
                .write_all(b"The talks in Geneva will resume on Monday.\n")
                .is_err()
            {
                break;
            }
        }
    });
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    writer.join().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn train_refuses_to_overwrite_without_force() {
    let dir = tempdir();
    let out = dir.join("m.model");
    std::fs::write(&out, b"precious").unwrap();
    let o = train_small(&["--folds", "2", "--bits", "12"], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    let o = train_small(&["--force", "--folds", "2", "--bits", "12"], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("cv macro-F1"));
    assert!(stance::model::format::load(&out).is_ok());
}

#[test]
fn training_is_reproducible_byte_for_byte() {
    let dir = tempdir();
    let mut files = Vec::new();
    for (name, threads) in [("a.model", "1"), ("b.model", "2")] {
        let out = dir.join(name);
        let o = train_small(
            &["--folds", "3", "--bits", "12", "--threads", threads],
            &out,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        files.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(files[0], files[1]);
}

#[test]
fn large_data_is_cross_validated_on_an_even_sample_and_fitted_on_every_row() {
    let dir = tempdir();
    let rows = std::fs::read_to_string(data("small.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let train = |cv_rows: &str, name: &str| {
        let out = dir.join(name);
        let o = train_small(
            &["--folds", "2", "--bits", "12", "--cv-rows", cv_rows],
            &out,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        (stdout(&o), stance::model::format::load(&out).unwrap())
    };
    let (said, sampled) = train("20", "sampled.model");
    assert!(
        said.contains(&format!(
            "cross-validated on a sample of 20 of the {rows} rows"
        )),
        "{said}"
    );
    let meta = sampled.metadata().unwrap();
    assert_eq!(meta.rows, rows);
    assert_eq!(meta.settings["cross_validated_rows"], 20);

    // Without a limit below the row count, nothing is said and every row is used.
    let (said, full) = train("1000000", "full.model");
    assert!(!said.contains("sample"), "{said}");
    assert_eq!(
        full.metadata().unwrap().settings["cross_validated_rows"],
        rows
    );

    let o = train_small(
        &["--folds", "3", "--cv-rows", "5"],
        &dir.join("never.model"),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cv_rows"), "{}", stderr(&o));
    assert!(!dir.join("never.model").exists());
}

#[test]
fn grouped_cross_validation_holds_out_whole_groups_and_says_so() {
    let dir = tempdir();
    // small.csv with a source column: four sources, or two.
    let with_sources = |sources: usize, name: &str| {
        let text = std::fs::read_to_string(data("small.csv")).unwrap();
        let mut lines = text.lines();
        let mut csv = format!("{},source\n", lines.next().unwrap());
        for (i, line) in lines.enumerate() {
            csv.push_str(&format!("{line},outlet-{}\n", i % sources));
        }
        let path = dir.join(name);
        std::fs::write(&path, csv).unwrap();
        path
    };
    let train = |csv: &Path, out: &Path| {
        run(stance()
            .args(["train", "--folds", "3", "--bits", "12"])
            .args(["--cv-group-column", "source", "--data"])
            .arg(csv)
            .arg("--out")
            .arg(out))
    };
    let out = dir.join("grouped.model");
    let o = train(&with_sources(4, "four.csv"), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("folds hold out whole groups of column source (4 groups)"),
        "{}",
        stdout(&o)
    );
    let meta = stance::model::format::load(&out)
        .unwrap()
        .metadata()
        .unwrap();
    assert_eq!(meta.settings["cv_groups"]["column"], "source");
    assert_eq!(meta.settings["cv_groups"]["groups"], 4);

    // Two sources cannot fill three folds: an error naming the column, no file.
    let never = dir.join("never.model");
    let o = train(&with_sources(2, "two.csv"), &never);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("source (2 distinct values)"),
        "{}",
        stderr(&o)
    );
    assert!(!never.exists());

    // A column the file does not have is named with the file and line 1.
    let o = run(stance()
        .args(["train", "--cv-group-column", "outlet", "--data"])
        .arg(data("small.csv"))
        .arg("--out")
        .arg(&never));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("small.csv:1: outlet: no such column"),
        "{}",
        stderr(&o)
    );
    assert!(!never.exists());
}

#[test]
fn calibration_picks_the_hardest_folds_temperature_and_never_moves_a_label() {
    let dir = tempdir();
    let grouped = small_with_column(&dir.join("grouped.csv"), "source", |i| {
        format!("outlet-{}", i % 4)
    });
    let train = |calibration: Option<&str>, name: &str| {
        let out = dir.join(name);
        let mut cmd = stance();
        cmd.args(["train", "--folds", "3", "--bits", "12"])
            .args(["--cv-group-column", "source", "--data"])
            .arg(&grouped)
            .arg("--out")
            .arg(&out);
        if let Some(c) = calibration {
            cmd.args(["--calibration", c]);
        }
        let o = run(&mut cmd);
        assert!(o.status.success(), "{}", stderr(&o));
        let meta = stance::model::format::load(&out)
            .unwrap()
            .metadata()
            .unwrap();
        (out, stdout(&o), meta)
    };
    let (hardest, said, meta) = train(None, "hardest.model");
    assert_eq!(meta.settings["calibration"], "hardest-fold");
    for axis in &meta.axes {
        assert_eq!(axis.fold_temperatures.len(), 3, "{axis:?}");
        let highest = axis.fold_temperatures.iter().copied().fold(0.0, f64::max);
        assert_eq!(axis.temperature, highest, "{axis:?}");
    }
    assert!(
        said.contains("temperature by held-out fold:")
            && said.contains("--calibration hardest-fold"),
        "{said}"
    );
    let (pooled, _, meta) = train(Some("pooled"), "pooled.model");
    for axis in &meta.axes {
        assert_eq!(axis.temperature, axis.pooled_temperature, "{axis:?}");
    }
    let (off, _, meta) = train(Some("off"), "off.model");
    for axis in &meta.axes {
        assert_eq!(axis.temperature, 1.0, "{axis:?}");
    }

    // The temperature scales probabilities; the labels of every sentence
    // stay the same whichever calibration was fitted.
    let labels = |model: &Path| {
        let o = run(stance()
            .args(["classify", "--lines", "--format", "jsonl", "--model"])
            .arg(model)
            .arg("--file")
            .arg(data("small.csv")));
        assert!(o.status.success(), "{}", stderr(&o));
        jsonl(&stdout(&o))
            .iter()
            .map(|row| {
                (
                    row["hostility"]["label"].to_string(),
                    row["diplomacy"]["label"].to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let reference = labels(&hardest);
    assert!(reference.len() > 20);
    assert_eq!(labels(&pooled), reference);
    assert_eq!(labels(&off), reference);
}

/// A feed that repeats sentences (the same wire copy in many outlets) must
/// not let cross-validation score a held-out sentence from its twin in the
/// training folds: that reports accuracy the model does not have and fits a
/// temperature that makes its probabilities over-sharp.
#[test]
fn repeated_sentences_stay_in_one_fold_so_cross_validation_stays_honest() {
    let dir = tempdir();
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/train.csv"))
            .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().take(1500).map(|r| r.unwrap()).collect();
    let write = |name: &str, rows: &[csv::StringRecord]| {
        let path = dir.join(name);
        let mut w = csv::Writer::from_path(&path).unwrap();
        w.write_record(&header).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        path
    };
    let text_at = header.iter().position(|h| h == "text").unwrap();
    let id_at = header.iter().position(|h| h == "id").unwrap();
    // Every other row again, later in the file, with its case and spacing
    // changed; the first copy of one row comes back with other labels.
    let mut repeated = rows.clone();
    for (i, r) in rows.iter().enumerate().step_by(2) {
        let mut copy: Vec<String> = r.iter().map(str::to_string).collect();
        copy[id_at] = format!("{}-again", copy[id_at]);
        copy[text_at] = format!("  {}", copy[text_at].to_uppercase().replace(' ', "  "));
        if i == 0 {
            let h = header.iter().position(|h| h == "hostility").unwrap();
            copy[h] = if copy[h] == "hostile" {
                "friendly"
            } else {
                "hostile"
            }
            .into();
        }
        repeated.push(csv::StringRecord::from(copy));
    }
    let train = |path: &Path, name: &str| {
        let out = dir.join(name);
        let o = run(stance()
            .args(["train", "--folds", "3", "--bits", "14", "--data"])
            .arg(path)
            .arg("--out")
            .arg(&out));
        assert!(o.status.success(), "{}", stderr(&o));
        let meta = stance::model::format::load(&out)
            .unwrap()
            .metadata()
            .unwrap();
        (stdout(&o), stderr(&o), meta)
    };
    let (_, _, once) = train(&write("once.csv", &rows), "once.model");
    let (said, warned, twice) = train(&write("twice.csv", &repeated), "twice.model");

    assert!(
        said.contains("750 rows repeat an earlier row's text"),
        "{said}"
    );
    assert_eq!(twice.settings["repeated_rows"]["rows"], 750);
    assert_eq!(twice.settings["repeated_rows"]["with_other_labels"], 1);
    assert!(
        warned.contains("1 rows of")
            && warned.contains("line 1502 (")
            && warned.contains("repeats line 2 ("),
        "{warned}"
    );
    assert!(once.settings.get("repeated_rows").is_none());
    // Held out with its twin elsewhere, a repeated sentence would be read
    // almost perfectly: accuracy would rise well past the once-only data's
    // and the temperature would drop (by 6 points and 18% on data like
    // this before the fix).
    for (a, b) in once.axes.iter().zip(&twice.axes) {
        assert!(
            (b.cv_accuracy - a.cv_accuracy).abs() < 0.03,
            "{}: cv accuracy {} once, {} with repeats",
            a.axis.name(),
            a.cv_accuracy,
            b.cv_accuracy
        );
        assert!(
            b.temperature > 0.92 * a.temperature,
            "{}: temperature {} once, {} with repeats",
            a.axis.name(),
            a.temperature,
            b.temperature
        );
    }
}

#[test]
fn bad_training_data_names_file_line_and_field_and_writes_nothing() {
    let dir = tempdir();
    let out = dir.join("m.model");
    let cases = [
        (
            "bad_label.csv",
            ":4: hostility: unknown hostility label \"angry\"",
        ),
        ("missing_column.csv", ":1: text: no such column"),
        ("ragged.csv", ":3:"),
        ("empty_text.csv", ":2: text: empty text"),
        (
            "duplicate_id.csv",
            ":4: id: duplicate id \"a1\" (first on line 2)",
        ),
    ];
    for (file, expected) in cases {
        let o = run(stance()
            .args(["train", "--folds", "2"])
            .arg("--data")
            .arg(data(file))
            .arg("--out")
            .arg(&out));
        assert_eq!(o.status.code(), Some(1), "{file}");
        let err = stderr(&o);
        assert!(
            err.contains(file) && err.contains(expected),
            "{file}: {err}"
        );
        assert!(!out.exists(), "{file}: a model was written");
    }
}

#[test]
fn eval_reports_stable_json() {
    let o = run(stance()
        .args(["eval", "--format", "json", "--model"])
        .arg(small_model())
        .arg("--data")
        .arg(data("small.csv")));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rows"], 36);
    for axis in ["hostility", "diplomacy"] {
        let m = &v[axis];
        let acc = m["accuracy"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&acc));
        assert!(
            m["macro_f1"].as_f64().unwrap() > 0.5,
            "a model must fit its own training data"
        );
        let confusion = m["confusion"].as_array().unwrap();
        let total: u64 = confusion
            .iter()
            .flat_map(|r| r.as_array().unwrap())
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(total, 36);
        assert_eq!(m["per_class"].as_object().unwrap().len(), 3);
        let f1 = m["macro_f1"].as_f64().unwrap();
        let ci: Vec<f64> = m["macro_f1_ci95"]
            .as_array()
            .expect("a bootstrap interval by default")
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert!(ci[0] <= f1 && f1 <= ci[1], "{ci:?} around {f1}");
    }
    let o = run(stance()
        .args(["eval", "--format", "json", "--bootstrap", "0", "--model"])
        .arg(small_model())
        .arg("--data")
        .arg(data("small.csv")));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["hostility"]["macro_f1_ci95"].is_null());
}

/// `--by COLUMN` scores each value's rows apart: the same figures a user
/// would get by splitting the file and scoring each part, with tag lists
/// (`a|b`) counted toward each tag.
#[test]
fn eval_by_a_column_scores_each_groups_rows_apart() {
    let dir = tempdir();
    let outlet = |i: usize| ["wire", "blog", "wire|blog", "radio"][i % 4];
    let path = small_with_column(&dir.join("outlets.csv"), "outlet", |i| {
        outlet(i).to_string()
    });
    let text = std::fs::read_to_string(data("small.csv")).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    let eval = |file: &Path, extra: &[&str]| {
        run(stance()
            .args(["eval", "--format", "json", "--bootstrap", "0", "--model"])
            .arg(small_model())
            .args(extra)
            .arg("--data")
            .arg(file))
    };
    let o = eval(&path, &["--by", "outlet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["by"]["column"], "outlet");
    let groups = v["by"]["groups"].as_array().unwrap();
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g["value"].as_str().unwrap())
        .collect();
    // wire and blog each hold their own rows and the "wire|blog" rows.
    assert_eq!(names, ["blog", "wire", "radio"]);
    for g in groups {
        let tag = g["value"].as_str().unwrap();
        let mut part = format!("{}\n", text.lines().next().unwrap());
        for (i, line) in rows.iter().enumerate() {
            if outlet(i).split('|').any(|t| t == tag) {
                part.push_str(&format!("{line}\n"));
            }
        }
        let split = dir.join(format!("{tag}.csv"));
        std::fs::write(&split, part).unwrap();
        let whole: serde_json::Value = serde_json::from_slice(&eval(&split, &[]).stdout).unwrap();
        assert_eq!(g["rows"], whole["rows"], "{tag}");
        for axis in ["hostility", "diplomacy"] {
            assert_eq!(g[axis]["accuracy"], whole[axis]["accuracy"], "{tag} {axis}");
            assert_eq!(g[axis]["log_loss"], whole[axis]["log_loss"], "{tag} {axis}");
        }
    }
    // The table names the column and lists every group.
    let o = run(stance()
        .args(["eval", "--bootstrap", "0", "--by", "outlet", "--model"])
        .arg(small_model())
        .arg("--data")
        .arg(&path));
    let said = stdout(&o);
    assert!(said.contains("by outlet:"), "{said}");
    assert!(
        ["blog", "wire", "radio"].iter().all(|g| said.contains(g)),
        "{said}"
    );
    // A column the file lacks is an error naming the file and the column.
    let o = eval(&path, &["--by", "source"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("outlets.csv") && err.contains("source: no such column"),
        "{err}"
    );
}

#[test]
fn eval_against_a_baseline_reports_a_paired_difference() {
    let eval = |baseline: &Path, format: &str| {
        run(stance()
            .args(["eval", "--format", format, "--model"])
            .arg(small_model())
            .arg("--baseline")
            .arg(baseline)
            .arg("--data")
            .arg(data("small.csv")))
    };
    // Against itself: no difference on any resample.
    let o = eval(small_model(), "json");
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for axis in ["hostility", "diplomacy"] {
        let b = &v["baseline"][axis];
        assert_eq!(b["macro_f1"], v[axis]["macro_f1"]);
        assert_eq!(b["difference"], 0.0);
        assert_eq!(b["difference_ci95"], serde_json::json!([0.0, 0.0]));
    }
    // Against the embedded model: a line per axis in the table.
    let o = eval(Path::new("embedded"), "table");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o)
            .matches("against baseline embedded: macro-F1")
            .count(),
        2
    );
    // A baseline that cannot be read is a runtime error naming it.
    let o = eval(Path::new("no/such.model"), "table");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no/such.model"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_with_2() {
    let o = run(stance().args(["classify", "--format", "xml", "hi"]));
    assert_eq!(o.status.code(), Some(2));
    let o = run(stance().arg("frobnicate"));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn missing_model_file_is_a_clear_runtime_error() {
    let o = run(stance().args(["classify", "--model", "/nonexistent/x.model", "hello there"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/x.model"));
}

#[test]
fn an_over_long_line_is_scored_on_its_first_mebibyte_and_the_run_goes_on() {
    let mut input = "talks ".repeat(2_000_000).into_bytes(); // 12 MB, no newline
    input.extend_from_slice(b"\nThey will pay dearly.\n");
    let o = run_with_stdin(
        stance()
            .args(["classify", "--lines", "--model"])
            .arg(small_model()),
        &input,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["end"], 1 << 20);
    assert_eq!(rows[1]["id"], "stdin:2");
    assert_eq!(rows[1]["text"], "They will pay dearly.");
    assert!(stderr(&o).contains("line 1 is longer than"));
    // Document mode reads the same line on in pieces and keeps offsets exact.
    let o = run_with_stdin(
        stance().args(["classify", "--model"]).arg(small_model()),
        &input,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    let last = rows.last().unwrap();
    let (start, end) = (
        last["start"].as_u64().unwrap() as usize,
        last["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(end, input.len() - 1);
    assert_eq!(
        last["text"].as_str().unwrap(),
        std::str::from_utf8(&input[start..end]).unwrap()
    );
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .ends_with("They will pay dearly.")
    );
}

#[test]
fn multibyte_characters_split_across_pieces_survive() {
    let mut input = "é".repeat(700_000).into_bytes(); // 1.4 MB: a piece boundary falls inside "é"
    input.extend_from_slice(b". Done.\n");
    let o = run_with_stdin(
        stance().args(["classify", "--model"]).arg(small_model()),
        &input,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.last().unwrap()["text"], "Done.");
}

#[test]
fn text_edge_cases_are_scored_without_errors() {
    for input in [
        &b""[..],
        b"   \n\t\n",
        b"NUL\x00 inside a line.\n",
        b"Control \x07\x1b chars.\n",
        "\u{feff}BOM first. Then text.\n".as_bytes(),
        "مرحبا بالعالم. שלום עולם. Mixed english.\n".as_bytes(),
        "Emoji 🙂🔥 in a sentence.\n".as_bytes(),
    ] {
        let o = run_with_stdin(
            stance().args(["classify", "--model"]).arg(small_model()),
            input,
        );
        assert!(
            o.status.success(),
            "{:?}: {}",
            String::from_utf8_lossy(input),
            stderr(&o)
        );
        for row in jsonl(&stdout(&o)) {
            // Arabic and Hebrew sentences are left unscored, with the reason.
            let rtl = row["text"].as_str().unwrap().contains(['م', 'ש']);
            if rtl {
                assert_eq!(row["hostility"]["label"], "unscored", "{row}");
                assert!(row["unscored"].as_str().unwrap().contains("script"));
                continue;
            }
            let p = row["hostility"]["probs"]["hostile"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p));
        }
    }
}

#[test]
fn a_full_disk_is_a_runtime_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not on this system
    };
    let o = stance()
        .args(["classify", "--lines", "--model"])
        .arg(small_model())
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(b"We will talk.\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("No space left"), "{}", stderr(&o));
}

#[test]
fn an_unwritable_model_path_is_named_in_the_error() {
    let o = train_small(
        &["--folds", "2", "--bits", "12"],
        Path::new("/nonexistent-dir/m.model"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/nonexistent-dir/m.model"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn training_accepts_bom_and_crlf_and_skips_bad_rows_on_request() {
    let dir = tempdir();
    let mut csv = String::from("\u{feff}id,text,hostility,diplomacy\r\n");
    for line in std::fs::read_to_string(data("small.csv"))
        .unwrap()
        .lines()
        .skip(1)
    {
        csv.push_str(line);
        csv.push_str("\r\n");
    }
    csv.push_str("x1,They will regret this.,furious,none\r\n");
    let path = dir.join("bom_crlf.csv");
    std::fs::write(&path, csv).unwrap();
    let out = dir.join("m.model");
    let o = run(stance()
        .args(["train", "--folds", "2", "--bits", "12"])
        .arg("--data")
        .arg(&path)
        .arg("--out")
        .arg(&out));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(":38: hostility: unknown hostility label \"furious\""),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = run(stance()
        .args([
            "train",
            "--folds",
            "2",
            "--bits",
            "12",
            "--on-error",
            "skip",
        ])
        .arg("--data")
        .arg(&path)
        .arg("--out")
        .arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("skipped 1 bad rows"));
    assert!(stdout(&o).contains("trained on 36 rows"));
}

#[test]
fn summary_gives_one_row_per_document() {
    let o = run(stance()
        .args(["classify", "--summary", "--format", "jsonl", "--model"])
        .arg(small_model())
        .arg("They will pay dearly for this aggression. The envoy landed in Oslo on Monday. We thank our friends in Lisbon for their generous help.")
        .arg("We are ready to resume talks at any time."));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = jsonl(&stdout(&o));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "arg1");
    assert_eq!(rows[0]["sentences"], 3);
    assert_eq!(rows[1]["sentences"], 1);
    for row in &rows {
        let shares = [
            "hostile_share",
            "friendly_share",
            "open_share",
            "closed_share",
        ];
        assert!(
            shares
                .iter()
                .all(|k| (0.0..=1.0).contains(&row[k].as_f64().unwrap()))
        );
        assert!(row["max_hostility"].as_f64() >= row["mean_hostility"].as_f64());
    }
    assert_eq!(
        rows[0]["most_hostile"],
        "They will pay dearly for this aggression."
    );
    let o = run(stance()
        .args(["classify", "--summary", "--format", "csv", "--model"])
        .arg(small_model())
        .arg("One. Two, with a comma."));
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(&reader.headers().unwrap()[1], "sentences");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][1], "2");
}

#[test]
fn min_confidence_marks_low_confidence_labels_uncertain() {
    let text = "The ministry said it would study the proposal. Talks resumed in Doha.";
    let plain = jsonl(&stdout(&run(stance()
        .args(["classify", "--model"])
        .arg(small_model())
        .arg(text))));
    let strict = jsonl(&stdout(&run(stance()
        .args(["classify", "--min-confidence", "0.999999", "--model"])
        .arg(small_model())
        .arg(text))));
    assert_eq!(plain.len(), strict.len());
    for (p, s) in plain.iter().zip(&strict) {
        for axis in ["hostility", "diplomacy"] {
            assert_ne!(p[axis]["label"], "uncertain");
            let top = ["hostile", "neutral", "friendly", "open", "none", "closed"]
                .iter()
                .filter_map(|l| p[axis]["probs"][l].as_f64())
                .fold(0.0, f64::max);
            if top < 0.999999 {
                assert_eq!(s[axis]["label"], "uncertain");
            }
            assert_eq!(p[axis]["probs"], s[axis]["probs"], "probabilities are kept");
        }
    }
    let o = run(stance().args(["classify", "--min-confidence", "1.5", "x"]));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn killing_train_midway_never_leaves_a_broken_model() {
    let dir = tempdir();
    let out = dir.join("m.model");
    std::fs::copy(small_model(), &out).unwrap();
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 80] {
        let mut child = stance()
            .args(["train", "--force", "--folds", "2", "--bits", "16"])
            .arg("--data")
            .arg(data("small.csv"))
            .arg("--out")
            .arg(&out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&out).unwrap();
        // Either the old model or a complete new one: never a torn file.
        assert!(
            stance::model::format::from_bytes(&now, "after kill").is_ok(),
            "model broken after a kill at {delay_ms} ms"
        );
    }
}

#[test]
fn explain_flag_adds_feature_contributions_to_jsonl_rows() {
    let text = "We condemn the shelling. We are ready to talk.";
    let o = run(stance()
        .args(["classify", "--explain", "--format", "jsonl", "--model"])
        .arg(small_model())
        .arg(text));
    assert!(o.status.success(), "{}", stderr(&o));
    for row in jsonl(&stdout(&o)) {
        let sentence = row["text"].as_str().unwrap();
        for axis in ["hostility", "diplomacy"] {
            let e = &row["explanation"][axis];
            assert_eq!(e["label"], row[axis]["label"]);
            for side in ["toward", "against"] {
                for c in e[side].as_array().unwrap() {
                    assert!(sentence.contains(c["text"].as_str().unwrap()));
                    let sign = c["contribution"].as_f64().unwrap().signum();
                    assert_eq!(sign, if side == "toward" { 1.0 } else { -1.0 });
                }
            }
        }
    }
    let o = run(stance().args(["classify", "--explain", "--format", "csv", "x"]));
    assert_eq!(o.status.code(), Some(2));
}
