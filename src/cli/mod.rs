//! The CLI edge: clap arguments, one file per subcommand, anyhow for errors.
//! Exit codes: 0 success, 1 runtime error, 2 usage error. A closed output
//! pipe ends the run quietly with 0.

mod bench;
mod classify;
mod eval;
mod explain;
mod output;
mod progress;
mod train;
mod trend;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use stance::Classifier;

/// Scores English statements on international relations for hostility and
/// openness to diplomacy.
#[derive(Parser)]
#[command(name = "stance", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify text: arguments, files, or standard input.
    Classify(classify::Args),
    /// Train a model on a labeled CSV file.
    Train(train::Args),
    /// Evaluate a model on a labeled CSV file.
    Eval(eval::Args),
    /// Show the features behind each sentence's labels.
    Explain(explain::Args),
    /// Measure inference speed, latency, load time and peak memory.
    Bench(bench::Args),
    /// Gather scores of dated records per period and group; table, csv, json, SVG chart.
    Trend(trend::Args),
}

/// Output format of tables of results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Jsonl,
    Csv,
}

/// Which columns of a labeled CSV hold the text and the labels.
#[derive(clap::Args)]
pub struct ColumnArgs {
    #[arg(long, default_value = "text")]
    pub text_column: String,
    #[arg(long, default_value = "hostility")]
    pub hostility_column: String,
    #[arg(long, default_value = "diplomacy")]
    pub diplomacy_column: String,
}

impl ColumnArgs {
    fn into_columns(self) -> stance::dataset::Columns {
        stance::dataset::Columns {
            text: self.text_column,
            hostility: self.hostility_column,
            diplomacy: self.diplomacy_column,
            group: None,
        }
    }
}

/// Units of work a scoring thread takes at a time: about a quarter of a
/// millisecond of scoring, so taking the next block costs nothing next to it.
const BLOCK: usize = 256;

/// Runs `work` on `items` and their `out` slots, one thread per entry of
/// `workers`, each taking the next block of [`BLOCK`] items when it is free.
/// Blocks, not one equal share per thread: on a shared host one core is
/// often slower than the other (measured here: 0.72 against 1.04 million
/// sentences/s while both ran), and with equal shares the fast core would
/// sit idle waiting for the slow one. Slots are filled by position, so the
/// output order is the input order whatever thread scores what.
fn for_each_block<I: Sync, O: Send, W: Send>(
    items: &[I],
    out: &mut [O],
    workers: &mut [W],
    work: impl Fn(&[I], &mut [O], &mut W) + Sync,
) {
    let queue = std::sync::Mutex::new(items.chunks(BLOCK).zip(out.chunks_mut(BLOCK)));
    std::thread::scope(|s| {
        for worker in workers.iter_mut() {
            let (queue, work) = (&queue, &work);
            s.spawn(move || {
                loop {
                    // A worker never panics while holding the lock, so a
                    // poisoned queue is still a valid queue.
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((items, out)) = next else { break };
                    work(items, out, worker);
                }
            });
        }
    });
}

/// The `--on-error fail|skip` value (clap allows only those two).
fn on_error(value: &str) -> stance::dataset::OnError {
    match value {
        "skip" => stance::dataset::OnError::Skip,
        _ => stance::dataset::OnError::Fail,
    }
}

/// Exit code of a runtime error.
const EXIT_RUNTIME: u8 = 1;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(args) => classify::run(args),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Trend(args) => trend::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stance: error: {err:#}");
            ExitCode::from(EXIT_RUNTIME)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Loads `--model PATH`, or the embedded model.
fn load_model(path: Option<&PathBuf>) -> anyhow::Result<Classifier> {
    Ok(match path {
        Some(p) => stance::model::format::load(p)?,
        None => stance::model::embedded()?,
    })
}
