//! `stance classify`: score sentences from arguments, files or standard input.
//!
//! Input is read in bounded batches (a batch is scored, written, then reused),
//! so memory stays flat whatever the input size; with several threads each
//! scores a contiguous slice of the batch and rows are written in input order.

use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::ops::Range;
use std::path::PathBuf;

use anyhow::{Context, Result};
use stance::language::{NotEnglish, detect as detect_language};
use stance::records::{Record, RecordFormat, RecordReader};
use stance::summary::SummaryBuilder;
use stance::text::sentences;
use stance::{Classifier, Prediction, Scratch};

use super::Format;
use super::output::{Passthrough, Row, RowWriter};

/// How input is structured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Plain text: documents split into sentences (or lines with --lines).
    Text,
    /// CSV with a header; --text-column names the text, other columns pass through.
    Csv,
    /// JSON Lines objects; --text-column names the text, other fields pass through.
    Jsonl,
}

#[derive(clap::Args)]
pub struct Args {
    /// Text to classify; each argument is one document.
    pub text: Vec<String>,
    /// Read a file ("-" for standard input); repeatable.
    #[arg(long = "file", short = 'f', value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Score each input line (or each csv/jsonl record's text) whole instead
    /// of splitting it into sentences.
    #[arg(long)]
    pub lines: bool,
    /// Input structure. With csv or jsonl every field but the text passes
    /// through to each output row, in the record's order.
    #[arg(long, value_enum, default_value = "text")]
    pub input: InputFormat,
    /// The csv column or jsonl field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_column: String,
    /// Bad csv/jsonl records: fail, or skip them and report each on stderr.
    #[arg(long, default_value = "fail", value_parser = ["fail", "skip"])]
    pub on_error: String,
    /// Output format [default: table on a terminal, jsonl otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Model file [default: the embedded model].
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    /// Scoring threads (0 = all cores).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Print one summary per document (each argument, file, stdin, or
    /// csv/jsonl record) instead of a row per sentence.
    #[arg(long)]
    pub summary: bool,
    /// Label an axis `uncertain` when its most probable class has a lower
    /// probability than this (0 to 1; scores and probabilities are kept).
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = probability)]
    pub min_confidence: f32,
    /// Score text in any language (by default text that is most likely not
    /// English is labeled `unscored`, with the reason).
    #[arg(long)]
    pub any_language: bool,
    /// Add to each JSON Lines row the features that pushed each label, with
    /// weight and contribution (needs --format jsonl).
    #[arg(long)]
    pub explain: bool,
}

fn probability(s: &str) -> std::result::Result<f32, String> {
    match s.parse::<f32>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{s:?} is not a probability between 0 and 1")),
    }
}

/// Sentences per scoring batch.
const BATCH_UNITS: usize = 16_384;
/// Bytes of text per scoring batch.
const BATCH_BYTES: usize = 4 << 20;
/// A paragraph longer than this is segmented in pieces cut at line breaks.
const MAX_PARAGRAPH: usize = 1 << 20;
/// Input is read at most this many bytes at a time, so a line of any length
/// (a 50 MB line with no newline) never sits in memory whole. In `--lines`
/// mode the rest of an over-long line is skipped (its first 1 MiB is far more
/// than the 256 words a record is scored on); in document mode it is read on
/// in further pieces.
const MAX_PIECE: usize = 1 << 20;

pub fn run(args: Args) -> Result<()> {
    let model = super::load_model(args.model.as_ref())?;
    let stdout = io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    if args.explain && format != Format::Jsonl {
        // A usage error: clap's exit code 2.
        use clap::CommandFactory;
        super::Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--explain needs --format jsonl",
            )
            .exit();
    }
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    // Colour for a terminal; NO_COLOR turns it off, CLICOLOR_FORCE on.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let force = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    let color = format == Format::Table && !no_color && (stdout.is_terminal() || force);
    let structured = match args.input {
        InputFormat::Text => None,
        InputFormat::Csv => Some(RecordFormat::Csv),
        InputFormat::Jsonl => Some(RecordFormat::Jsonl),
    };
    if structured.is_some() && !args.text.is_empty() {
        use clap::CommandFactory;
        super::Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--input csv|jsonl reads --file PATH or standard input, not text arguments",
            )
            .exit();
    }
    let mut job = Job {
        model: &model,
        batch: Batch::default(),
        scratches: (0..threads).map(|_| Scratch::default()).collect(),
        predictions: Vec::new(),
        check_language: !args.any_language,
        writer: RowWriter::new(
            io::BufWriter::with_capacity(1 << 16, stdout.lock()),
            format,
            args.min_confidence,
        )
        .with_color(color),
        id: String::new(),
        lines: args.lines,
        summary: args.summary.then(SummaryBuilder::default),
        explain: args.explain,
        explanation: String::new(),
    };
    let on_error = super::on_error(&args.on_error);
    let read = |job: &mut Job<_>, name: &str, input: &mut dyn Read| -> Result<()> {
        match structured {
            None => job.read_source(name, input, args.lossy),
            Some(kind) => {
                let reader =
                    RecordReader::new(input, kind, name, &args.text_column, on_error, args.lossy)?;
                job.read_records(name, reader)
            }
        }
    };
    // A progress bar on a terminal's stderr, unless the rows go to that terminal.
    let show_progress = !io::stdout().is_terminal();
    let bar = |path: &std::path::Path| {
        if show_progress {
            super::progress::Bar::for_file(path, "classifying")
        } else {
            super::progress::Bar::hidden()
        }
    };
    let stdin = std::path::Path::new("/dev/stdin");
    if args.text.is_empty() && args.files.is_empty() {
        let progress = bar(stdin);
        read(
            &mut job,
            "stdin",
            &mut progress.wrap(Box::new(io::stdin().lock())),
        )?;
        progress.finish();
    }
    for (i, text) in args.text.iter().enumerate() {
        let name = format!("arg{}", i + 1);
        read(&mut job, &name, &mut text.as_bytes())?;
    }
    for path in &args.files {
        let (name, input): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
            ("stdin".into(), Box::new(io::stdin().lock()))
        } else {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            (path.display().to_string(), Box::new(file))
        };
        let progress = bar(if path.as_os_str() == "-" { stdin } else { path });
        read(&mut job, &name, &mut progress.wrap(input))?;
        progress.finish();
    }
    job.flush()?;
    job.writer.finish()?;
    Ok(())
}

/// One unit to score: a sentence (or a line in `--lines` mode).
struct Unit {
    source: usize,
    /// Line number in `--lines` mode.
    line: Option<u64>,
    /// Index of the csv/jsonl record in the batch.
    record: Option<usize>,
    sentence: usize,
    /// Byte span in the document (or line).
    span: Range<usize>,
    /// Byte span in the batch's text buffer.
    text: Range<usize>,
}

#[derive(Default)]
struct Batch {
    sources: Vec<String>,
    /// Structured input: the records whose sentences are in the batch.
    records: Vec<Record>,
    text: String,
    units: Vec<Unit>,
}

struct Job<'m, W: Write> {
    model: &'m Classifier,
    batch: Batch,
    scratches: Vec<Scratch>,
    /// A prediction per unit, or why the unit was not scored.
    predictions: Vec<Scored>,
    check_language: bool,
    writer: RowWriter<W>,
    id: String,
    lines: bool,
    /// With `--summary`: the current document's summary so far.
    summary: Option<SummaryBuilder>,
    explain: bool,
    explanation: String,
}

impl<W: Write> Job<'_, W> {
    fn read_source(&mut self, name: &str, input: impl Read, lossy: bool) -> Result<()> {
        self.batch.sources.push(name.to_string());
        let mut reader = BufReader::with_capacity(1 << 16, input);
        let mut raw = Vec::new();
        let mut line_no = 0u64;
        let mut line_complete = true;
        // Bytes of the input consumed so far, and where `raw` starts in it.
        let mut offset = 0usize;
        let mut raw_start = 0usize;
        // Document mode: the current paragraph and its offset in the document.
        let mut paragraph = String::new();
        let mut paragraph_start = 0usize;
        let mut sentence_index = 0usize;
        let mut warned = false;
        loop {
            // An incomplete UTF-8 sequence cut off at the end of a long
            // piece is carried over to the start of the next one.
            let (n, complete) = read_piece(&mut reader, &mut raw, MAX_PIECE)
                .with_context(|| format!("{name}: read failed"))?;
            if n == 0 && raw.is_empty() {
                break;
            }
            if line_complete {
                line_no += 1;
            }
            offset += n;
            let mut keep = raw.len();
            if !complete {
                keep = utf8_prefix(&raw);
            }
            let line = decode(&raw[..keep], lossy).map_err(|at| {
                anyhow::anyhow!(
                    "{name}: line {line_no}: invalid UTF-8 at byte offset {} (use --lossy to replace it)",
                    raw_start + at
                )
            })?;
            if self.lines {
                if line_complete {
                    let record = line.trim_end_matches(['\n', '\r']);
                    if !record.trim().is_empty() {
                        self.push_unit(Some(line_no), None, 0, 0..record.len(), record)?;
                    }
                }
                if !complete {
                    if !warned {
                        eprintln!(
                            "stance: warning: {name}: line {line_no} is longer than {} bytes; \
                             only its first {} bytes are scored (further such lines are not reported)",
                            MAX_PIECE, MAX_PIECE
                        );
                        warned = true;
                    }
                    offset +=
                        skip_line(&mut reader).with_context(|| format!("{name}: read failed"))?;
                }
                raw.clear();
                raw_start = offset;
                line_complete = true;
                continue;
            }
            let blank = complete && line_complete && line.trim().is_empty();
            if paragraph.is_empty() {
                paragraph_start = raw_start;
            }
            if !blank {
                paragraph.push_str(&line);
            }
            if blank || paragraph.len() >= MAX_PARAGRAPH {
                self.push_paragraph(&paragraph, paragraph_start, &mut sentence_index)?;
                paragraph.clear();
            }
            raw_start += keep;
            raw.drain(..keep);
            line_complete = complete;
        }
        if !paragraph.is_empty() {
            self.push_paragraph(&paragraph, paragraph_start, &mut sentence_index)?;
        }
        if self.summary.is_some() {
            match self.take_summary()? {
                Some(s) => self.writer.write_summary(name, &s)?,
                None => eprintln!("stance: {name}: no sentences to summarise"),
            }
        }
        Ok(())
    }

    /// Scores what is pending and ends the current document's summary
    /// (`None` when it had no scored sentence).
    fn take_summary(&mut self) -> Result<Option<stance::summary::DocumentSummary>> {
        self.flush()?;
        let builder = self
            .summary
            .replace(SummaryBuilder::default())
            .unwrap_or_default();
        Ok(builder.finish())
    }

    /// Scores csv/jsonl records: each record's text is a document (or one
    /// unit with `--lines`); its other fields go to every row it yields.
    fn read_records(&mut self, name: &str, mut reader: RecordReader<impl Read>) -> Result<()> {
        self.batch.sources.push(name.to_string());
        let mut record = Record::default();
        while reader.next_into(&mut record)? {
            self.batch.records.push(std::mem::take(&mut record));
            let index = self.batch.records.len() - 1;
            // The text moves out for segmenting and comes back before any flush reads it.
            let text = std::mem::take(&mut self.batch.records[index].text);
            if self.lines {
                self.push_unit(None, Some(index), 0, 0..text.len(), &text)?;
            } else {
                for (i, span) in sentences(&text).enumerate() {
                    let index = self.batch.records.len() - 1;
                    self.push_unit(None, Some(index), i, span.clone(), &text[span])?;
                }
            }
            let last = self.batch.records.len() - 1;
            self.batch.records[last].text = text;
            if self.summary.is_some() {
                let summary = self.take_summary()?;
                let record = &self.batch.records[self.batch.records.len() - 1];
                let passthrough = Passthrough {
                    line: record.line,
                    fields: &record.fields,
                };
                match summary {
                    Some(s) => self.writer.write_record_summary(name, &passthrough, &s)?,
                    None => eprintln!(
                        "stance: {name}: line {}: no sentences to summarise",
                        record.line
                    ),
                }
                self.batch.records.clear();
            }
        }
        let skipped = reader.skipped();
        if !skipped.is_empty() {
            eprintln!(
                "stance: warning: {name}: skipped {} bad records:",
                skipped.len()
            );
            for row in skipped {
                eprintln!("  {}", row.reason);
            }
        }
        Ok(())
    }

    fn push_paragraph(
        &mut self,
        paragraph: &str,
        base: usize,
        sentence_index: &mut usize,
    ) -> Result<()> {
        for span in sentences(paragraph) {
            let text = &paragraph[span.clone()];
            self.push_unit(
                None,
                None,
                *sentence_index,
                base + span.start..base + span.end,
                text,
            )?;
            *sentence_index += 1;
        }
        Ok(())
    }

    /// Adds a unit of the current (last) source.
    fn push_unit(
        &mut self,
        line: Option<u64>,
        record: Option<usize>,
        sentence: usize,
        span: Range<usize>,
        text: &str,
    ) -> Result<()> {
        let start = self.batch.text.len();
        self.batch.text.push_str(text);
        let source = self.batch.sources.len() - 1;
        self.batch.units.push(Unit {
            source,
            line,
            record,
            sentence,
            span,
            text: start..self.batch.text.len(),
        });
        if self.batch.units.len() >= BATCH_UNITS || self.batch.text.len() >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Scores the batch, writes its rows in order, and empties it.
    fn flush(&mut self) -> Result<()> {
        let Batch {
            sources,
            records,
            text,
            units,
        } = &mut self.batch;
        self.predictions.clear();
        self.predictions
            .resize(units.len(), Ok(Prediction::default()));
        score_parallel(
            self.model,
            self.check_language,
            text,
            units,
            &mut self.scratches,
            &mut self.predictions,
        );
        for (unit, scored) in units.iter().zip(&self.predictions) {
            if let Some(builder) = self.summary.as_mut() {
                match scored {
                    Ok(prediction) => builder.add(&text[unit.text.clone()], prediction),
                    Err(_) => builder.add_unscored(),
                }
                continue;
            }
            self.id.clear();
            self.id.push_str(&sources[unit.source]);
            if let Some(line) = unit.line {
                use std::fmt::Write as _;
                let _ = write!(self.id, ":{line}");
            }
            let sentence = &text[unit.text.clone()];
            if self.explain && scored.is_ok() {
                let axes = stance::explain::explain(self.model, sentence, &mut self.scratches[0]);
                self.explanation = stance::explain::summary_json(&axes, 5).to_string();
            }
            self.writer.write(&Row {
                id: &self.id,
                record: unit.record.map(|i| Passthrough {
                    line: records[i].line,
                    fields: &records[i].fields,
                }),
                sentence: unit.sentence,
                start: unit.span.start,
                end: unit.span.end,
                text: sentence,
                scored: scored.as_ref().map_err(|reason| *reason),
                explanation: (self.explain && scored.is_ok()).then_some(self.explanation.as_str()),
            })?;
        }
        units.clear();
        text.clear();
        // Keep the current source and record (now index 0): more of them may follow.
        keep_last(sources);
        keep_last(records);
        Ok(())
    }
}

fn keep_last<T>(list: &mut Vec<T>) {
    if let Some(last) = list.pop() {
        list.clear();
        list.push(last);
    }
}

/// A unit's prediction, or why it was left unscored.
type Scored = std::result::Result<Prediction, NotEnglish>;

fn score_parallel(
    model: &Classifier,
    check_language: bool,
    text: &str,
    units: &[Unit],
    scratches: &mut [Scratch],
    out: &mut [Scored],
) {
    let threads = scratches.len().min(units.len().div_ceil(1024)).max(1);
    if threads == 1 {
        score(model, check_language, text, units, &mut scratches[0], out);
        return;
    }
    super::for_each_block(
        units,
        out,
        &mut scratches[..threads],
        |units, out, scratch| score(model, check_language, text, units, scratch, out),
    );
}

fn score(
    model: &Classifier,
    check_language: bool,
    text: &str,
    units: &[Unit],
    scratch: &mut Scratch,
    out: &mut [Scored],
) {
    for (unit, slot) in units.iter().zip(out) {
        let sentence = &text[unit.text.clone()];
        *slot = match check_language.then(|| detect_language(sentence)).flatten() {
            Some(reason) => Err(reason),
            None => Ok(model.predict(sentence, scratch)),
        };
    }
}

/// Appends to `buf` the rest of the current line, or up to `max` bytes of it
/// in all. Returns the bytes consumed and whether the line (or input) ended.
fn read_piece(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(usize, bool)> {
    let mut consumed = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok((consumed, true));
        }
        let room = max.saturating_sub(buf.len()).max(1);
        let window = &available[..available.len().min(room)];
        if let Some(i) = window.iter().position(|&b| b == b'\n') {
            buf.extend_from_slice(&window[..=i]);
            reader.consume(i + 1);
            return Ok((consumed + i + 1, true));
        }
        let take = window.len();
        buf.extend_from_slice(window);
        reader.consume(take);
        consumed += take;
        if buf.len() >= max {
            return Ok((consumed, false));
        }
    }
}

/// Consumes the rest of the current line; returns the bytes skipped.
fn skip_line(reader: &mut impl BufRead) -> io::Result<usize> {
    let mut skipped = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(skipped);
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(skipped + i + 1);
            }
            None => {
                let n = available.len();
                reader.consume(n);
                skipped += n;
            }
        }
    }
}

/// The length of `bytes` without an incomplete UTF-8 sequence at its end.
fn utf8_prefix(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        _ => bytes.len(),
    }
}

/// The line as text, or the byte offset of the first invalid UTF-8 sequence.
fn decode(raw: &[u8], lossy: bool) -> std::result::Result<std::borrow::Cow<'_, str>, usize> {
    match std::str::from_utf8(raw) {
        Ok(s) => Ok(std::borrow::Cow::Borrowed(s)),
        Err(_) if lossy => Ok(String::from_utf8_lossy(raw)),
        Err(e) => Err(e.valid_up_to()),
    }
}
