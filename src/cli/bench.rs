//! `stance bench`: inference speed on one core and on all cores, latency
//! percentiles, model load time and peak memory, measured in one run.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use stance::{Classifier, Scratch};

#[derive(clap::Args)]
pub struct Args {
    /// One sentence per line [default: 100,000 synthetic news sentences].
    #[arg(long, value_name = "FILE")]
    pub corpus: Option<PathBuf>,
    /// Threads for the parallel run (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Model file [default: the embedded model].
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Passes over the corpus per measurement (the best is reported).
    #[arg(long, default_value_t = 3)]
    pub passes: usize,
    /// Write the built-in corpus (one sentence per line) to PATH and exit,
    /// so other tools can be measured on the same text.
    #[arg(long, value_name = "PATH")]
    pub write_corpus: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    if let Some(path) = &args.write_corpus {
        let mut text = stance::corpus::synthetic(100_000).join("\n");
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(());
    }
    let start = Instant::now();
    let model = super::load_model(args.model.as_ref())?;
    let load = start.elapsed();
    let corpus: Vec<String> = match &args.corpus {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        None => stance::corpus::synthetic(100_000),
    };
    anyhow::ensure!(!corpus.is_empty(), "the corpus has no sentences");
    let bytes: usize = corpus.iter().map(String::len).sum();
    let words: usize = corpus.iter().map(|s| s.split_whitespace().count()).sum();
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let passes = args.passes.max(1);

    // Warm-up pass fills the stem cache, as in any long run.
    let mut scratch = Scratch::default();
    let checksum = score_all(&model, &corpus, &mut scratch);

    // Both runs go through the same worker-thread code, one worker or many.
    let single = best_of(passes, || score_parallel(&model, &corpus, 1, checksum));
    let parallel = best_of(passes, || {
        score_parallel(&model, &corpus, threads, checksum)
    });

    let mut latencies: Vec<u32> = corpus
        .iter()
        .map(|s| {
            let t = Instant::now();
            std::hint::black_box(model.predict(s, &mut scratch));
            t.elapsed().as_nanos() as u32
        })
        .collect();
    latencies.sort_unstable();
    let pct = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize] as f64 / 1000.0;

    let n = corpus.len() as f64;
    let mb = bytes as f64 / 1e6;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "corpus: {} sentences, {:.1} words on average, {:.1} MB",
        corpus.len(),
        words as f64 / n,
        mb
    )?;
    writeln!(out, "model load: {:.2} ms", load.as_secs_f64() * 1e3)?;
    writeln!(
        out,
        "1 thread:   {:>10.0} sentences/s  {:>7.1} MB/s",
        n / single,
        mb / single
    )?;
    writeln!(
        out,
        "{threads} threads:  {:>10.0} sentences/s  {:>7.1} MB/s  ({:.2}x)",
        n / parallel,
        mb / parallel,
        single / parallel
    )?;
    writeln!(
        out,
        "latency per sentence: p50 {:.2} us, p99 {:.2} us",
        pct(0.50),
        pct(0.99)
    )?;
    writeln!(
        out,
        "peak memory: {}",
        peak_memory().unwrap_or_else(|| "unknown".into())
    )?;
    Ok(())
}

/// Scores every sentence; returns a checksum of the labels so the work is observable.
fn score_all(model: &Classifier, corpus: &[String], scratch: &mut Scratch) -> u64 {
    let mut sum = 0u64;
    for s in corpus {
        let p = model.predict(s, scratch);
        sum += (p.class(stance::Axis::Hostility) * 3 + p.class(stance::Axis::Diplomacy)) as u64;
    }
    sum
}

/// Wall time for `threads` workers to score the corpus (taking blocks of
/// sentences as they are free, as `classify` does, each with a scratch
/// warmed outside the timed region).
fn score_parallel(model: &Classifier, corpus: &[String], threads: usize, checksum: u64) -> f64 {
    let mut workers: Vec<(Scratch, u64)> = (0..threads).map(|_| (Scratch::default(), 0)).collect();
    let mut done = vec![(); corpus.len()];
    let run = |workers: &mut [(Scratch, u64)], done: &mut [()]| {
        super::for_each_block(corpus, done, workers, |chunk, _, (scratch, sum)| {
            *sum += score_all(model, chunk, scratch)
        })
    };
    // Warm each thread's cache outside the timed region.
    run(&mut workers, &mut done);
    workers.iter_mut().for_each(|(_, sum)| *sum = 0);
    let t = Instant::now();
    run(&mut workers, &mut done);
    let elapsed = t.elapsed().as_secs_f64();
    let total: u64 = workers.iter().map(|(_, sum)| sum).sum();
    assert_eq!(total, checksum, "predictions differ between runs");
    elapsed
}

fn best_of(passes: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..passes).map(|_| f()).fold(f64::INFINITY, f64::min)
}

/// The process's peak resident memory (Linux: VmHWM).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.trim_start_matches("VmHWM:").trim().to_string())
}
