//! `stance classify`: score sentences from arguments, files or standard input.
//!
//! Input is read in bounded batches (a batch is scored, written, then reused),
//! so memory stays flat whatever the input size; with several threads each
//! scores a contiguous slice of the batch and rows are written in input order.

use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::ops::Range;
use std::path::PathBuf;

use anyhow::{Context, Result};
use stance::text::sentences;
use stance::{Classifier, Prediction, Scratch};

use super::Format;
use super::output::{Row, RowWriter};

#[derive(clap::Args)]
pub struct Args {
    /// Text to classify; each argument is one document.
    pub text: Vec<String>,
    /// Read a file ("-" for standard input); repeatable.
    #[arg(long = "file", short = 'f', value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Treat each input line as one record instead of splitting documents into sentences.
    #[arg(long)]
    pub lines: bool,
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
}

/// Sentences per scoring batch.
const BATCH_UNITS: usize = 16_384;
/// Bytes of text per scoring batch.
const BATCH_BYTES: usize = 4 << 20;
/// A paragraph longer than this is segmented in pieces cut at line breaks.
const MAX_PARAGRAPH: usize = 1 << 20;

pub fn run(args: Args) -> Result<()> {
    let model = super::load_model(args.model.as_ref())?;
    let stdout = io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut job = Job {
        model: &model,
        batch: Batch::default(),
        scratches: (0..threads).map(|_| Scratch::default()).collect(),
        predictions: Vec::new(),
        writer: RowWriter::new(io::BufWriter::with_capacity(1 << 16, stdout.lock()), format),
        id: String::new(),
        lines: args.lines,
    };
    if args.text.is_empty() && args.files.is_empty() {
        job.read_source("stdin", io::stdin().lock(), args.lossy)?;
    }
    for (i, text) in args.text.iter().enumerate() {
        let name = format!("arg{}", i + 1);
        job.read_source(&name, text.as_bytes(), args.lossy)?;
    }
    for path in &args.files {
        if path.as_os_str() == "-" {
            job.read_source("stdin", io::stdin().lock(), args.lossy)?;
        } else {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            job.read_source(&path.display().to_string(), file, args.lossy)?;
        }
    }
    job.flush()?;
    job.writer.finish()?;
    Ok(())
}

/// One unit to score: a sentence (or a line in `--lines` mode).
struct Unit {
    source: usize,
    /// Line number in `--lines` mode.
    record: Option<u64>,
    sentence: usize,
    /// Byte span in the document (or line).
    span: Range<usize>,
    /// Byte span in the batch's text buffer.
    text: Range<usize>,
}

#[derive(Default)]
struct Batch {
    sources: Vec<String>,
    text: String,
    units: Vec<Unit>,
}

struct Job<'m, W: Write> {
    model: &'m Classifier,
    batch: Batch,
    scratches: Vec<Scratch>,
    predictions: Vec<Prediction>,
    writer: RowWriter<W>,
    id: String,
    lines: bool,
}

impl<W: Write> Job<'_, W> {
    fn read_source(&mut self, name: &str, input: impl Read, lossy: bool) -> Result<()> {
        self.batch.sources.push(name.to_string());
        let mut reader = BufReader::with_capacity(1 << 16, input);
        let mut raw = Vec::new();
        let mut line_no = 0u64;
        let mut offset = 0usize;
        // Document mode: the current paragraph and its offset in the document.
        let mut paragraph = String::new();
        let mut paragraph_start = 0usize;
        let mut sentence_index = 0usize;
        loop {
            raw.clear();
            let n = reader
                .read_until(b'\n', &mut raw)
                .with_context(|| format!("{name}: read failed"))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let line = decode(&raw, lossy)
                .map_err(|at| anyhow::anyhow!(
                    "{name}: line {line_no}: invalid UTF-8 at byte offset {} (use --lossy to replace it)",
                    offset + at
                ))?;
            if self.lines {
                let record = line.trim_end_matches(['\n', '\r']);
                if !record.trim().is_empty() {
                    self.push_unit(Some(line_no), 0, 0..record.len(), record)?;
                }
            } else {
                let blank = line.trim().is_empty();
                if paragraph.is_empty() {
                    paragraph_start = offset;
                }
                if !blank {
                    paragraph.push_str(&line);
                }
                if blank || paragraph.len() >= MAX_PARAGRAPH {
                    self.push_paragraph(&paragraph, paragraph_start, &mut sentence_index)?;
                    paragraph.clear();
                }
            }
            offset += n;
        }
        if !paragraph.is_empty() {
            self.push_paragraph(&paragraph, paragraph_start, &mut sentence_index)?;
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
        record: Option<u64>,
        sentence: usize,
        span: Range<usize>,
        text: &str,
    ) -> Result<()> {
        let start = self.batch.text.len();
        self.batch.text.push_str(text);
        let source = self.batch.sources.len() - 1;
        self.batch.units.push(Unit {
            source,
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
            text,
            units,
        } = &mut self.batch;
        self.predictions.clear();
        self.predictions.resize(units.len(), Prediction::default());
        score_parallel(
            self.model,
            text,
            units,
            &mut self.scratches,
            &mut self.predictions,
        );
        for (unit, prediction) in units.iter().zip(&self.predictions) {
            self.id.clear();
            self.id.push_str(&sources[unit.source]);
            if let Some(line) = unit.record {
                use std::fmt::Write as _;
                let _ = write!(self.id, ":{line}");
            }
            self.writer.write(&Row {
                id: &self.id,
                sentence: unit.sentence,
                start: unit.span.start,
                end: unit.span.end,
                text: &text[unit.text.clone()],
                prediction,
            })?;
        }
        units.clear();
        text.clear();
        // Keep the current source's name (now index 0): more of it may follow.
        if let Some(last) = sources.pop() {
            sources.clear();
            sources.push(last);
        }
        Ok(())
    }
}

fn score_parallel(
    model: &Classifier,
    text: &str,
    units: &[Unit],
    scratches: &mut [Scratch],
    out: &mut [Prediction],
) {
    let threads = scratches.len().min(units.len().div_ceil(1024)).max(1);
    if threads == 1 {
        score(model, text, units, &mut scratches[0], out);
        return;
    }
    let per = units.len().div_ceil(threads);
    std::thread::scope(|s| {
        for ((units, out), scratch) in units
            .chunks(per)
            .zip(out.chunks_mut(per))
            .zip(scratches.iter_mut())
        {
            s.spawn(move || score(model, text, units, scratch, out));
        }
    });
}

fn score(
    model: &Classifier,
    text: &str,
    units: &[Unit],
    scratch: &mut Scratch,
    out: &mut [Prediction],
) {
    for (unit, slot) in units.iter().zip(out) {
        *slot = model.predict(&text[unit.text.clone()], scratch);
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
