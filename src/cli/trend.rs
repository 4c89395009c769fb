//! `stance trend`: score dated records and gather the scores per period and
//! group, as a table, csv or json, and optionally an SVG chart.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use stance::dataset::{OnError, SkippedRow};
use stance::records::{Record, RecordFormat, RecordReader};
use stance::text::sentences;
use stance::trend::{DATE_FORMATS, Period, Trend, TrendRow, parse_date};
use stance::{Prediction, Scratch};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum By {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RecordInput {
    Csv,
    Jsonl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TrendFormat {
    Table,
    Csv,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Dated records: a csv or jsonl file ("-" for standard input).
    #[arg(long, value_name = "PATH")]
    pub data: PathBuf,
    /// Record format [default: jsonl for .jsonl/.ndjson names, else csv].
    #[arg(long, value_enum)]
    pub input: Option<RecordInput>,
    /// The column or field holding each record's date.
    #[arg(long, value_name = "NAME")]
    pub date_column: String,
    /// The column or field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_column: String,
    /// Period length (weeks are ISO weeks, Monday to Sunday).
    #[arg(long, value_enum, default_value = "month")]
    pub by: By,
    /// A column whose values split the trend into groups (country, speaker, outlet).
    #[arg(long, value_name = "NAME")]
    pub group_by: Option<String>,
    /// Also draw an SVG line chart to this path.
    #[arg(long, value_name = "PATH")]
    pub chart: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: TrendFormat,
    /// Bad records (bad date, empty text, ragged row): fail, or skip and report them.
    #[arg(long, default_value = "fail", value_parser = ["fail", "skip"])]
    pub on_error: String,
    /// Score each record's text whole instead of sentence by sentence.
    #[arg(long)]
    pub lines: bool,
    /// Score text in any language (by default sentences that are most likely
    /// not English are left out and counted as unscored).
    #[arg(long)]
    pub any_language: bool,
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    /// Model file [default: the embedded model].
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
}

/// Records without a value in the group-by column are counted here.
const MISSING_GROUP: &str = "(missing)";

pub fn run(args: Args) -> Result<()> {
    let model = super::load_model(args.model.as_ref())?;
    let period = match args.by {
        By::Day => Period::Day,
        By::Week => Period::Week,
        By::Month => Period::Month,
        By::Quarter => Period::Quarter,
        By::Year => Period::Year,
    };
    let jsonl_name = stance::records::is_jsonl_path(&args.data);
    let format = match args.input {
        Some(RecordInput::Jsonl) => RecordFormat::Jsonl,
        Some(RecordInput::Csv) => RecordFormat::Csv,
        None if jsonl_name => RecordFormat::Jsonl,
        None => RecordFormat::Csv,
    };
    let on_error = super::on_error(&args.on_error);
    let (input, origin): (Box<dyn io::Read>, String) = if args.data.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), "stdin".into())
    } else {
        let file = std::fs::File::open(&args.data)
            .with_context(|| format!("cannot open {}", args.data.display()))?;
        (Box::new(file), args.data.display().to_string())
    };
    let progress = super::progress::Bar::for_file(&args.data, "scoring");
    let mut reader = RecordReader::new(
        progress.wrap(input),
        format,
        &origin,
        &args.text_column,
        on_error,
        args.lossy,
    )?;

    let mut trend = Trend::new(period);
    let mut scratch = Scratch::default();
    let mut predictions: Vec<Prediction> = Vec::new();
    let mut record = Record::default();
    let mut bad_dates: Vec<SkippedRow> = Vec::new();
    while reader.next_into(&mut record)? {
        let date = match record_date(&record, &args.date_column, period) {
            Ok(date) => date,
            Err(reason) => {
                let err = format!("{origin}:{}: {}: {reason}", record.line, args.date_column);
                if on_error == OnError::Fail {
                    bail!("{err}");
                }
                bad_dates.push(SkippedRow {
                    line: record.line,
                    reason: err,
                });
                continue;
            }
        };
        let group = match &args.group_by {
            None => "all",
            Some(column) => match record.field(column).map(|v| v.as_str().trim()) {
                Some(value) if !value.is_empty() => value,
                _ => MISSING_GROUP,
            },
        };
        predictions.clear();
        let mut unscored = 0;
        let units: Box<dyn Iterator<Item = std::ops::Range<usize>>> = if args.lines {
            Box::new(std::iter::once(0..record.text.len()))
        } else {
            Box::new(sentences(&record.text))
        };
        for span in units {
            let sentence = &record.text[span];
            if !args.any_language && stance::language::detect(sentence).is_some() {
                unscored += 1;
            } else {
                predictions.push(model.predict(sentence, &mut scratch));
            }
        }
        trend.add(date, group, &predictions, unscored);
    }
    progress.finish();
    let mut skipped: Vec<SkippedRow> = reader.skipped().to_vec();
    skipped.extend(bad_dates);
    skipped.sort_by_key(|s| s.line);
    if !skipped.is_empty() {
        eprintln!(
            "stance: warning: {origin}: skipped {} bad records:",
            skipped.len()
        );
        for row in &skipped {
            eprintln!("  {}", row.reason);
        }
    }
    let rows = trend.rows();
    if rows.is_empty() {
        bail!("{origin}: no records to chart");
    }
    if let Some(path) = &args.chart {
        let mut title = format!("stance: tone by {}", period.name());
        if let Some(column) = &args.group_by {
            title.push_str(&format!(" and {column}"));
        }
        let name = args
            .data
            .file_name()
            .map_or(origin.clone(), |n| n.to_string_lossy().into_owned());
        title.push_str(&format!(" ({name})"));
        let svg = stance::trend::chart::svg(&rows, period, &title)?;
        write_atomically(path, svg.as_bytes())?;
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    write_rows(
        &mut out,
        &rows,
        args.format,
        args.group_by.is_some(),
        period,
    )?;
    out.flush()?;
    Ok(())
}

/// The record's date, or why it has none usable for `period`.
fn record_date(
    record: &Record,
    column: &str,
    period: Period,
) -> std::result::Result<stance::trend::Date, String> {
    let Some(value) = record.field(column) else {
        return Err("no such column or field".into());
    };
    let text = value.as_str().trim();
    if text.is_empty() {
        return Err("empty date".into());
    }
    let parsed = parse_date(text)
        .ok_or_else(|| format!("cannot read {text:?} as a date; expected {DATE_FORMATS}"))?;
    if parsed.precision < period.needs() {
        return Err(format!(
            "{text:?} does not give the day or month needed for --by {}; use a longer period",
            period.name()
        ));
    }
    Ok(parsed.date)
}

fn write_rows(
    out: &mut impl Write,
    rows: &[TrendRow],
    format: TrendFormat,
    grouped: bool,
    period: Period,
) -> io::Result<()> {
    match format {
        TrendFormat::Json => {
            let doc = serde_json::json!({ "by": period.name(), "rows": rows });
            writeln!(out, "{doc:#}")
        }
        TrendFormat::Csv => {
            writeln!(
                out,
                "period,start,group,records,sentences,unscored,mean_hostility,mean_openness,\
                 hostile_share,neutral_share,friendly_share,open_share,none_share,closed_share"
            )?;
            for r in rows {
                let group = if r.group.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", r.group.replace('"', "\"\""))
                } else {
                    r.group.clone()
                };
                writeln!(
                    out,
                    "{},{},{group},{},{},{},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4}",
                    r.period,
                    r.start,
                    r.records,
                    r.sentences,
                    r.unscored,
                    r.mean_hostility,
                    r.mean_openness,
                    r.hostile_share,
                    r.neutral_share,
                    r.friendly_share,
                    r.open_share,
                    r.none_share,
                    r.closed_share
                )?;
            }
            Ok(())
        }
        TrendFormat::Table => {
            let width = rows
                .iter()
                .map(|r| r.group.chars().count())
                .max()
                .unwrap_or(0)
                .clamp(5, 24);
            let group_header = if grouped { "GROUP" } else { "" };
            writeln!(
                out,
                "{:<10} {:<width$} {:>7} {:>9} {:>9} {:>8} {:>7} {:>8} {:>5} {:>6}",
                "PERIOD",
                group_header,
                "RECORDS",
                "SENTENCES",
                "HOSTILITY",
                "OPENNESS",
                "HOSTILE",
                "FRIENDLY",
                "OPEN",
                "CLOSED"
            )?;
            for r in rows {
                let group: String = if grouped {
                    r.group.chars().take(width).collect()
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "{:<10} {:<width$} {:>7} {:>9} {:>9.2} {:>+8.2} {:>6.0}% {:>7.0}% {:>4.0}% {:>5.0}%",
                    r.period,
                    group,
                    r.records,
                    r.sentences,
                    r.mean_hostility,
                    r.mean_openness,
                    100.0 * r.hostile_share,
                    100.0 * r.friendly_share,
                    100.0 * r.open_share,
                    100.0 * r.closed_share
                )?;
            }
            Ok(())
        }
    }
}

/// Writes through a temporary file beside `path`, so a failed run leaves
/// any earlier file whole.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
