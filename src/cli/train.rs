//! `stance train`: fit a model on a labeled CSV file and write it atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, bail};
use stance::FeatureConfig;
use stance::dataset::{LabeledData, read_labeled};
use stance::model::Axis;
use stance::train::repeats::Repeats;
use stance::train::{Calibration, ClassWeighting, TrainSettings, VectorTable};
use stance::vectors::WordVectors;

#[derive(clap::Args)]
pub struct Args {
    /// Labeled CSV file (header row; text, hostility and diplomacy columns).
    #[arg(long, value_name = "CSV")]
    pub data: PathBuf,
    /// Where to write the model file.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Overwrite an existing --out file.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub columns: super::ColumnArgs,
    /// L2 strengths to cross-validate, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = TrainSettings::default().alphas)]
    pub alphas: Vec<f64>,
    /// Cross-validation folds.
    #[arg(long, default_value_t = TrainSettings::default().folds)]
    pub folds: usize,
    /// Keep every value of this column in one cross-validation fold (a
    /// register, a source, an outlet): the L2 strength and the calibration
    /// temperature are then chosen on groups the fit did not see, which is
    /// how new text differs from the training file. Without it, folds are
    /// stratified by label.
    #[arg(long, value_name = "COLUMN")]
    pub cv_group_column: Option<String>,
    /// Weight table size: 2^bits rows.
    #[arg(long, default_value_t = FeatureConfig::default().bits)]
    pub bits: u8,
    /// Longest word n-gram (1 to 3).
    #[arg(long, default_value_t = FeatureConfig::default().max_ngram)]
    pub max_ngram: u8,
    /// Optimiser iterations per fit (at most).
    #[arg(long, default_value_t = 100)]
    pub max_iterations: u64,
    /// Stop a fit once an iteration lowers the loss by less than this per row
    /// (0: run all --max-iterations).
    #[arg(long, default_value_t = TrainSettings::default().cost_tolerance)]
    pub cost_tolerance: f64,
    /// Class weighting: balanced or none.
    #[arg(long, default_value = "balanced", value_parser = ["balanced", "none"])]
    pub class_weights: String,
    /// Calibration temperature per axis, fitted on the cross-validation's
    /// held-out rows: hardest-fold (fit one per fold and keep the highest:
    /// probabilities calibrated for the least familiar held-out group),
    /// pooled (one fit over all held-out rows), or off.
    #[arg(long, default_value = "hardest-fold", value_parser = ["hardest-fold", "pooled", "off"])]
    pub calibration: String,
    /// Bad rows: fail (write nothing) or skip (and report them).
    #[arg(long, default_value = "fail", value_parser = ["fail", "skip"])]
    pub on_error: String,
    /// Features seen in fewer training rows than this get no weight.
    #[arg(long, default_value_t = TrainSettings::default().min_count)]
    pub min_count: u32,
    /// Cross-validate on at most this many rows, spread evenly over the data
    /// (the final fit uses every row).
    #[arg(long, default_value_t = TrainSettings::default().cv_rows)]
    pub cv_rows: usize,
    /// Worker threads for cross-validation (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Word vectors for dense columns: "embedded" (the shipped
    /// models/word-vectors.bin), a table file made by
    /// scripts/derive_word_vectors.py, or "none". They are folded into the
    /// hashed weights, so inference costs the same either way.
    #[arg(long, value_name = "PATH|embedded|none", default_value = "embedded")]
    pub word_vectors: String,
    /// Scale of the word-vector columns against the hashed features.
    #[arg(long, default_value_t = TrainSettings::default().vector_scale)]
    pub vector_scale: f64,
}

pub fn run(args: Args) -> Result<()> {
    if args.out.exists() && !args.force {
        bail!(
            "{} exists; pass --force to overwrite it",
            args.out.display()
        );
    }
    let mut columns = args.columns.into_columns();
    columns.group = args.cv_group_column.clone();
    let on_error = super::on_error(&args.on_error);
    let data = read_labeled(&args.data, &columns, on_error)?;
    if !data.skipped.is_empty() {
        eprintln!("skipped {} bad rows:", data.skipped.len());
        for row in &data.skipped {
            eprintln!("  line {}: {}", row.line, row.reason);
        }
    }
    warn_of_conflicting_repeats(&data);
    let word_vectors = match args.word_vectors.as_str() {
        "embedded" => VectorTable::Embedded,
        "none" => VectorTable::Off,
        path => VectorTable::Table(Arc::new(WordVectors::load(Path::new(path))?)),
    };
    let settings = TrainSettings {
        features: FeatureConfig {
            bits: args.bits,
            max_ngram: args.max_ngram,
            ..FeatureConfig::default()
        },
        alphas: args.alphas,
        folds: args.folds,
        max_iterations: args.max_iterations,
        cost_tolerance: args.cost_tolerance,
        class_weighting: if args.class_weights == "none" {
            ClassWeighting::None
        } else {
            ClassWeighting::Balanced
        },
        calibration: match args.calibration.as_str() {
            "pooled" => Calibration::Pooled,
            "off" => Calibration::Off,
            _ => Calibration::HardestFold,
        },
        threads: args.threads,
        min_count: args.min_count,
        cv_rows: args.cv_rows,
        word_vectors,
        vector_scale: args.vector_scale,
        ..TrainSettings::default()
    };
    let start = std::time::Instant::now();
    let progress = super::progress::Bar::steps(
        stance::train::fit_count(&settings) as u64,
        "fitting (cross-validation, then all rows)",
    );
    let model = stance::train::train_with_progress(&data, settings, &|| progress.inc(1))?;
    progress.finish();
    let meta = model.metadata()?;
    stance::model::format::save(&model, &args.out)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "trained on {} rows of {} (sha256 {}) in {:.1} s",
        meta.rows,
        args.data.display(),
        &meta.dataset_sha256[..12],
        start.elapsed().as_secs_f64()
    )?;
    let cross_validated = meta.settings["cross_validated_rows"]
        .as_u64()
        .unwrap_or(meta.rows as u64) as usize;
    if let Some(groups) = meta.settings.get("cv_groups") {
        writeln!(
            out,
            "cross-validation folds hold out whole groups of column {} ({} groups)",
            groups["column"].as_str().unwrap_or("?"),
            groups["groups"]
        )?;
    }
    if let Some(repeated) = meta.settings.get("repeated_rows") {
        writeln!(
            out,
            "{} rows repeat an earlier row's text (case and spacing aside); cross-validation kept each copy in its first copy's fold",
            repeated["rows"]
        )?;
    }
    if cross_validated < meta.rows {
        writeln!(
            out,
            "cross-validated on a sample of {cross_validated} of the {} rows, spread evenly (--cv-rows); the final fit used every row",
            meta.rows
        )?;
    }
    if let Some(vectors) = meta.settings.get("word_vectors").filter(|v| !v.is_null()) {
        writeln!(
            out,
            "word vectors: {} words x {} dims (sha256 {}), scale {}, folded into {} buckets",
            vectors["words"],
            vectors["dims"],
            vectors["sha256"]
                .as_str()
                .map_or("?", |s| &s[..12.min(s.len())]),
            meta.settings["vector_scale"],
            vectors["buckets"]
        )?;
    }
    for axis in &meta.axes {
        writeln!(
            out,
            "{:<10} alpha {:<6} temperature {:.3}  cv accuracy {:.3}  cv macro-F1 {:.3}  cv log-loss {:.3}  final fit {} iterations",
            axis.axis.name(),
            axis.alpha,
            axis.temperature,
            axis.cv_accuracy,
            axis.cv_macro_f1,
            axis.cv_log_loss,
            axis.iterations
        )?;
        let grid: Vec<String> = axis
            .cv_macro_f1_by_alpha
            .iter()
            .map(|(a, f)| format!("{a}: {f:.3}"))
            .collect();
        writeln!(out, "           macro-F1 by alpha: {}", grid.join(", "))?;
        if !axis.fold_temperatures.is_empty() {
            let folds: Vec<String> = axis
                .fold_temperatures
                .iter()
                .map(|t| format!("{t:.3}"))
                .collect();
            writeln!(
                out,
                "           temperature by held-out fold: {} (pooled {:.3}; --calibration {})",
                folds.join(", "),
                axis.pooled_temperature,
                meta.settings["calibration"].as_str().unwrap_or("?")
            )?;
        }
    }
    writeln!(out, "wrote {}", args.out.display())?;
    Ok(())
}

/// Names the repeated texts whose labels disagree with their first copy's:
/// both copies are trained on, which a user may want or may not know of.
fn warn_of_conflicting_repeats(data: &LabeledData) {
    let conflicts = Repeats::find(&data.examples).conflicts;
    if conflicts.is_empty() {
        return;
    }
    eprintln!(
        "warning: {} rows of {} repeat an earlier row's text with other labels (both are trained on):",
        conflicts.len(),
        data.path.display()
    );
    const SHOWN: usize = 10;
    for &(row, first) in conflicts.iter().take(SHOWN) {
        let (a, b) = (&data.examples[first], &data.examples[row]);
        eprintln!(
            "  line {} ({}, {}) repeats line {} ({}, {})",
            b.line,
            Axis::Hostility.labels()[b.hostility],
            Axis::Diplomacy.labels()[b.diplomacy],
            a.line,
            Axis::Hostility.labels()[a.hostility],
            Axis::Diplomacy.labels()[a.diplomacy],
        );
    }
    if conflicts.len() > SHOWN {
        eprintln!("  ... and {} more", conflicts.len() - SHOWN);
    }
}
