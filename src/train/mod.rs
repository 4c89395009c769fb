//! Training: featurise the examples with the same [`Featurizer`] inference
//! uses, choose the L2 strength per axis by k-fold cross-validation (folds
//! stratified by label, or holding out whole groups of a column the caller
//! names; every copy of a repeated text in its first copy's fold), fit a
//! calibration temperature on the out-of-fold logits (by default the highest
//! of the folds' own temperatures), then fit on all rows and scatter the
//! weights into the hashed table.
//!
//! Every step is deterministic (fold assignment by row order, zero initial
//! weights, fixed reduction order; parallel jobs are independent fits whose
//! results are collected in order), so the same data and settings give the
//! same model file byte for byte.

mod lbfgs;
pub mod repeats;
pub mod solver;

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::dataset::LabeledData;
use crate::error::{Error, Result};
use crate::eval::AxisTally;
use crate::features::{FeatureConfig, Featurizer, Scratch};
use crate::model::{Axis, AxisTraining, CLASSES, Classifier, Metadata, ROW, Weights};
use crate::vectors::{BucketVectors, WordVectors};
use repeats::Repeats;
use solver::{Problem, SoftmaxParams, SolverSettings, SparseRows};

/// How rows are weighted by class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeighting {
    /// Each class weighs `n / (3 * n_class)`: rare stances (closed, friendly)
    /// count as much in the loss as the common neutral reporting, which is
    /// what macro-F1 rewards.
    Balanced,
    /// Every row weighs 1.
    None,
}

/// How the calibration temperature is fitted on the out-of-fold logits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Calibration {
    /// No temperature: probabilities straight from the logits.
    Off,
    /// One temperature for all held-out rows together.
    Pooled,
    /// A temperature for each fold's held-out rows, and the highest kept.
    /// With folds that hold out whole groups (`--cv-group-column`), the
    /// pooled fit averages over familiar and unfamiliar groups and so stays
    /// over-confident on the least familiar, which is what new text is; the
    /// hardest fold's temperature is calibrated for it. On datasets/ it
    /// lowered real-text log-loss on both axes and diplomacy ECE at every
    /// stopping point tried, and raised test ECE to 0.02-0.035 (README,
    /// "Train and evaluate").
    HardestFold,
}

/// Training settings; [`TrainSettings::validate`] checks them once.
#[derive(Clone, Debug, Serialize)]
pub struct TrainSettings {
    #[serde(skip)]
    pub features: FeatureConfig,
    /// L2 strengths tried by cross-validation (default 0.001 and 0.01: on this
    /// data macro-F1 is flat from 0.001 to 0.03, so two points keep training fast).
    pub alphas: Vec<f64>,
    /// Cross-validation folds (default 3).
    pub folds: usize,
    /// Optimiser iterations and gradient tolerance (linfa-logistic's defaults).
    pub max_iterations: u64,
    pub gradient_tolerance: f64,
    /// A fit stops once its last five iterations lowered the loss by less
    /// than this per row and iteration (default 2e-4). Measured on datasets/:
    /// cross-validated macro-F1 and log-loss within 0.003 of running all 100
    /// iterations, in half the time.
    pub cost_tolerance: f64,
    /// Class weighting (default balanced).
    pub class_weighting: ClassWeighting,
    /// Hashed features seen in fewer training rows than this get no weight
    /// (default 2: a feature seen once cannot be cross-validated, and dropping
    /// them shrinks the optimisation several-fold).
    pub min_count: u32,
    /// How each axis's temperature is fitted (default the hardest fold's).
    pub calibration: Calibration,
    /// Cross-validation runs on at most this many rows, spread evenly over
    /// the data (default 200,000); the final fit always uses every row. On
    /// large data the held-out estimate is as good from a sample, and the
    /// cross-validation fits would otherwise cost six times the final fit.
    pub cv_rows: usize,
    /// Worker threads for cross-validation (0 = all cores).
    #[serde(skip)]
    pub threads: usize,
    /// The word vectors that give rows dense columns (default: the shipped
    /// table; see [`crate::vectors`]).
    #[serde(skip)]
    pub word_vectors: VectorTable,
    /// The dense columns' scale relative to the hashed features (default
    /// 0.25). The same L2 strength applies to both, so a larger scale lets the
    /// vectors carry more of the fit. Chosen by register-held-out
    /// cross-validation on datasets/ from 0.125 to 1 (README, "Word vectors").
    pub vector_scale: f64,
}

/// Which word-vector table training uses.
#[derive(Clone, Debug, Default)]
pub enum VectorTable {
    /// No dense columns: hashed features only.
    Off,
    /// `models/word-vectors.bin` as built into the executable.
    #[default]
    Embedded,
    /// A table read by the caller.
    Table(Arc<WordVectors>),
}

impl VectorTable {
    fn resolve(&self) -> Result<Option<Arc<WordVectors>>> {
        Ok(match self {
            VectorTable::Off => None,
            VectorTable::Embedded => Some(Arc::new(WordVectors::embedded()?)),
            VectorTable::Table(table) => Some(Arc::clone(table)),
        })
    }
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            features: FeatureConfig::default(),
            alphas: vec![0.001, 0.01],
            folds: 3,
            max_iterations: 100,
            gradient_tolerance: 1e-4,
            cost_tolerance: 2e-4,
            class_weighting: ClassWeighting::Balanced,
            min_count: 2,
            calibration: Calibration::HardestFold,
            cv_rows: 200_000,
            threads: 0,
            word_vectors: VectorTable::Embedded,
            vector_scale: 0.25,
        }
    }
}

impl TrainSettings {
    /// Checks every setting once, before any work.
    pub fn validate(self) -> Result<Self> {
        self.features.validate()?;
        if self.alphas.is_empty() || self.alphas.iter().any(|a| !(a.is_finite() && *a > 0.0)) {
            return Err(Error::Setting {
                name: "alphas",
                value: format!("{:?}", self.alphas),
                expected: "one or more positive numbers",
            });
        }
        if !(2..=20).contains(&self.folds) {
            return Err(Error::Setting {
                name: "folds",
                value: self.folds.to_string(),
                expected: "2 to 20",
            });
        }
        if !(self.cost_tolerance.is_finite() && self.cost_tolerance >= 0.0) {
            return Err(Error::Setting {
                name: "cost_tolerance",
                value: self.cost_tolerance.to_string(),
                expected: "zero or a positive number",
            });
        }
        if self.cv_rows < 2 * self.folds {
            return Err(Error::Setting {
                name: "cv_rows",
                value: self.cv_rows.to_string(),
                expected: "at least twice the number of folds",
            });
        }
        if !(self.vector_scale.is_finite() && self.vector_scale > 0.0) {
            return Err(Error::Setting {
                name: "vector_scale",
                value: self.vector_scale.to_string(),
                expected: "a positive number",
            });
        }
        if self.max_iterations == 0 {
            return Err(Error::Setting {
                name: "max_iterations",
                value: "0".into(),
                expected: "at least 1",
            });
        }
        if !(self.gradient_tolerance.is_finite() && self.gradient_tolerance > 0.0) {
            return Err(Error::Setting {
                name: "gradient_tolerance",
                value: self.gradient_tolerance.to_string(),
                expected: "a positive number",
            });
        }
        Ok(self)
    }

    fn solver(&self) -> SolverSettings {
        SolverSettings {
            max_iterations: self.max_iterations,
            gradient_tolerance: self.gradient_tolerance,
            cost_tolerance_per_row: self.cost_tolerance,
            single_precision: false,
        }
    }
}

/// The featurised training set: rows over compact columns, and the hashed
/// bucket of each column. With word vectors, every row also has `dims`
/// dense columns after the hashed ones (see [`crate::vectors`]).
pub struct Design {
    pub x: SparseRows,
    pub column_buckets: Vec<u32>,
}

/// Word vectors per bucket and the scale of their dense columns.
pub type DenseColumns<'v> = (&'v BucketVectors, f64);

/// Featurises texts into a design matrix over the buckets that occur in at
/// least `min_count` rows, plus the dense word-vector columns if given.
pub fn design(
    featurizer: &Featurizer,
    texts: &[&str],
    min_count: u32,
    dense: Option<DenseColumns>,
) -> Design {
    let mut scratch = Scratch::default();
    let mut rows: Vec<(Vec<u32>, f32)> = Vec::with_capacity(texts.len());
    let mut counts = vec![0u32; featurizer.config().buckets()];
    for text in texts {
        let value = featurizer.features_into(text, &mut scratch);
        let mut buckets = scratch.buckets.clone();
        buckets.sort_unstable();
        let mut last = None;
        for &b in &buckets {
            if last != Some(b) {
                counts[b as usize] += 1;
                last = Some(b);
            }
        }
        rows.push((buckets, value));
    }
    let mut column_of = vec![u32::MAX; counts.len()];
    let mut column_buckets = Vec::new();
    for (b, &c) in counts.iter().enumerate() {
        if c >= min_count.max(1) {
            column_of[b] = column_buckets.len() as u32;
            column_buckets.push(b as u32);
        }
    }
    let hashed = column_buckets.len();
    let dims = dense.map_or(0, |(vectors, _)| vectors.dims());
    let mut x = SparseRows::with_dense(hashed, dims);
    let mut sum = vec![0f64; dims];
    let mut dense_row = vec![0f32; dims];
    for (buckets, value) in rows {
        // Sorted buckets: repeats are adjacent and merge into one entry.
        let mut entries: Vec<(u32, f64)> = Vec::with_capacity(buckets.len());
        for &b in &buckets {
            let col = column_of[b as usize];
            if col == u32::MAX {
                continue;
            }
            match entries.last_mut() {
                Some((c, v)) if *c == col => *v += f64::from(value),
                _ => entries.push((col, f64::from(value))),
            }
        }
        if let Some((vectors, scale)) = dense {
            // Every fired bucket counts, kept as a column or not: the folded
            // table adds its vector's weight wherever it fires.
            sum.fill(0.0);
            for &b in &buckets {
                if let Some(v) = vectors.get(b) {
                    for (s, x) in sum.iter_mut().zip(v) {
                        *s += x;
                    }
                }
            }
            let factor = f64::from(value) * scale;
            for (x, s) in dense_row.iter_mut().zip(&sum) {
                *x = (s * factor) as f32;
            }
        }
        x.push_row_with_dense(entries, &dense_row);
    }
    Design { x, column_buckets }
}

/// Trains a classifier on labeled data.
pub fn train(data: &LabeledData, settings: TrainSettings) -> Result<Classifier> {
    train_with_progress(data, settings, &|| {})
}

/// The number of model fits [`train`] runs: per axis, one per alpha and
/// fold, and a final fit on all rows.
pub fn fit_count(settings: &TrainSettings) -> usize {
    Axis::BOTH.len() * (settings.alphas.len() * settings.folds + 1)
}

/// [`train`], calling `fitted` after each of its [`fit_count`] fits (from
/// worker threads), for a progress display.
pub fn train_with_progress(
    data: &LabeledData,
    settings: TrainSettings,
    fitted: &(dyn Fn() + Sync),
) -> Result<Classifier> {
    let settings = settings.validate()?;
    let featurizer = Featurizer::new(settings.features)?;
    let texts: Vec<&str> = data.examples.iter().map(|e| e.text.as_str()).collect();
    let vectors = settings.word_vectors.resolve()?;
    let bucket_vectors = vectors.as_ref().map(|v| v.by_bucket(&featurizer));
    let dense = bucket_vectors.as_ref().map(|v| (v, settings.vector_scale));
    let design = design(&featurizer, &texts, settings.min_count, dense);
    let n = texts.len();
    if n < settings.folds * 2 {
        return Err(Error::EmptyData {
            path: data.path.clone(),
            message: format!(
                "{n} rows are too few for {}-fold cross-validation",
                settings.folds
            ),
        });
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .map_err(|e| Error::Training(e.to_string()))?;
    let mut table = vec![0f32; settings.features.buckets() * ROW];
    let mut bias = [0f32; ROW];
    let mut temperature = [1f32; 2];
    let mut axes = Vec::new();
    let cv_rows = spread_sample(n, settings.cv_rows);
    let repeats = Repeats::find(&data.examples);
    let group_folds = match &data.group_column {
        Some(column) => Some(grouped_folds(data, column, &cv_rows, settings.folds)?),
        None => None,
    };
    let problems: Vec<AxisProblem> = Axis::BOTH
        .into_iter()
        .map(|axis| {
            let targets: Vec<usize> = data.examples.iter().map(|e| e.class(axis)).collect();
            let mut folds = match &group_folds {
                Some((folds, _)) => folds.clone(),
                None => {
                    let cv_targets: Vec<usize> = cv_rows.iter().map(|&i| targets[i]).collect();
                    stratified_folds(&cv_targets, settings.folds)
                }
            };
            repeats.pin_folds(&cv_rows, &mut folds);
            AxisProblem::new(axis, targets, &cv_rows, folds, &settings)
        })
        .collect();
    let fits = pool.install(|| fit_axes(&design.x, &problems, &settings, fitted))?;
    for (a, (trained, params)) in fits.into_iter().enumerate() {
        let k = CLASSES;
        for (col, &b) in design.column_buckets.iter().enumerate() {
            for c in 0..k {
                table[b as usize * ROW + a * k + c] = params.params[col * k + c] as f32;
            }
        }
        if let Some(vectors) = &bucket_vectors {
            fold_vectors(
                &mut table,
                a,
                vectors,
                &params.params[design.column_buckets.len() * k..],
                settings.vector_scale,
            );
        }
        for c in 0..k {
            bias[a * k + c] = params.params[design.x.n_cols * k + c] as f32;
        }
        temperature[a] = trained.temperature as f32;
        axes.push(AxisTraining {
            iterations: params.iterations,
            ..trained
        });
    }
    let mut settings_json = serde_json::to_value(&settings).expect("plain settings");
    settings_json["features"] = serde_json::json!({
        "bits": settings.features.bits,
        "max_ngram": settings.features.max_ngram,
        "cues": settings.features.cues,
        "negation": settings.features.negation,
    });
    settings_json["columns"] = design.column_buckets.len().into();
    settings_json["cross_validated_rows"] = cv_rows.len().into();
    settings_json["word_vectors"] = match &vectors {
        Some(v) => serde_json::json!({
            "sha256": v.sha256(),
            "words": v.len(),
            "dims": v.dims(),
            "buckets": bucket_vectors.as_ref().map_or(0, |b| b.iter().count()),
        }),
        None => serde_json::Value::Null,
    };
    if repeats.rows > 0 {
        settings_json["repeated_rows"] = serde_json::json!({
            "rows": repeats.rows,
            "with_other_labels": repeats.conflicts.len(),
        });
    }
    if let (Some(column), Some((_, groups))) = (&data.group_column, &group_folds) {
        settings_json["cv_groups"] = serde_json::json!({"column": column, "groups": groups});
    }
    let metadata = Metadata {
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        dataset_sha256: data.sha256.clone(),
        rows: n,
        settings: settings_json,
        axes,
    };
    Classifier::new(
        settings.features,
        Weights {
            table: table.into(),
            bias,
            temperature,
        },
        &metadata,
    )
}

/// Folds the fitted dense-column weights of axis `a` into the hashed table:
/// every bucket with a vector `V` gains `scale * W . V` (see
/// [`crate::vectors`]). `dense` holds the dense columns' weights, `dims x
/// CLASSES` row-major, followed by the intercept.
fn fold_vectors(table: &mut [f32], a: usize, vectors: &BucketVectors, dense: &[f64], scale: f64) {
    let k = CLASSES;
    for (b, v) in vectors.iter() {
        let mut add = [0f64; CLASSES];
        for (d, &x) in v.iter().enumerate() {
            for c in 0..k {
                add[c] += x * dense[d * k + c];
            }
        }
        let row = &mut table[b as usize * ROW + a * k..][..k];
        for (t, add) in row.iter_mut().zip(add) {
            *t = (f64::from(*t) + scale * add) as f32;
        }
    }
}

/// A held-out row and its logits.
type HeldOutLogits = (usize, [f64; CLASSES]);

/// One axis's training problem: targets and row weights of every row, and
/// the rows that take part in cross-validation with their folds.
struct AxisProblem<'r> {
    axis: Axis,
    targets: Vec<usize>,
    class_counts: [usize; CLASSES],
    class_weights: [f64; CLASSES],
    row_weights: Vec<f64>,
    /// The rows in cross-validation (shared by both axes), their targets
    /// and their folds.
    cv_rows: &'r [usize],
    cv_targets: Vec<usize>,
    folds: Vec<usize>,
}

impl<'r> AxisProblem<'r> {
    fn new(
        axis: Axis,
        targets: Vec<usize>,
        cv_rows: &'r [usize],
        folds: Vec<usize>,
        settings: &TrainSettings,
    ) -> Self {
        let n = targets.len();
        let mut class_counts = [0usize; CLASSES];
        for &t in &targets {
            class_counts[t] += 1;
        }
        let class_weights: [f64; CLASSES] = match settings.class_weighting {
            ClassWeighting::Balanced => class_counts.map(|c| {
                if c == 0 {
                    0.0
                } else {
                    n as f64 / (CLASSES as f64 * c as f64)
                }
            }),
            ClassWeighting::None => [1.0; CLASSES],
        };
        let row_weights = targets.iter().map(|&t| class_weights[t]).collect();
        let cv_targets: Vec<usize> = cv_rows.iter().map(|&i| targets[i]).collect();
        AxisProblem {
            axis,
            targets,
            class_counts,
            class_weights,
            row_weights,
            cv_rows,
            cv_targets,
            folds,
        }
    }

    fn problem<'a>(&'a self, x: &'a SparseRows, rows: &'a [usize], alpha: f64) -> Problem<'a> {
        Problem {
            x,
            rows,
            targets: &self.targets,
            row_weights: &self.row_weights,
            classes: CLASSES,
            alpha,
        }
    }

    /// The cross-validation rows in fold `fold` (or not in it), as
    /// (position among the cross-validation rows, row).
    fn fold_rows(&self, fold: usize, inside: bool) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.cv_rows
            .iter()
            .enumerate()
            .filter(move |&(j, _)| (self.folds[j] == fold) == inside)
            .map(|(j, &i)| (j, i))
    }

    /// Fits on every fold but `fold`; returns the logits of `fold`'s rows,
    /// keyed by position among the cross-validation rows.
    fn held_out(
        &self,
        x: &SparseRows,
        alpha: f64,
        fold: usize,
        solver: SolverSettings,
    ) -> Result<Vec<HeldOutLogits>> {
        let train_rows: Vec<usize> = self.fold_rows(fold, false).map(|(_, i)| i).collect();
        let params = solver::fit(&self.problem(x, &train_rows, alpha), solver)?;
        let mut z = [0.0; CLASSES];
        Ok(self
            .fold_rows(fold, true)
            .map(|(j, i)| {
                params.logits_into(x, i, &mut z);
                (j, z)
            })
            .collect())
    }

    /// Chooses alpha by out-of-fold macro-F1 (log loss breaks ties) and fits
    /// the temperature on the chosen alpha's out-of-fold logits.
    fn choose(&self, settings: &TrainSettings, oof: &[Vec<[f64; CLASSES]>]) -> AxisTraining {
        let targets = &self.cv_targets;
        let mut by_alpha = Vec::new();
        let mut best = 0;
        let mut best_key = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (a, logits) in oof.iter().enumerate() {
            let m = metrics_of(self.axis, targets, logits, 1.0);
            by_alpha.push((settings.alphas[a], m.macro_f1));
            let key = (round6(m.macro_f1), -m.log_loss);
            if key > best_key {
                best_key = key;
                best = a;
            }
        }
        let logits = &oof[best];
        let pooled_temperature = fit_temperature(targets, logits);
        let fold_temperatures = fold_temperatures(targets, logits, &self.folds, settings.folds);
        let temperature = match settings.calibration {
            Calibration::Off => 1.0,
            Calibration::Pooled => pooled_temperature,
            Calibration::HardestFold => fold_temperatures.iter().copied().fold(0.0, f64::max),
        };
        let cv = metrics_of(self.axis, targets, logits, temperature);
        AxisTraining {
            axis: self.axis,
            class_counts: self.class_counts,
            class_weights: self.class_weights,
            alpha: settings.alphas[best],
            temperature,
            pooled_temperature,
            fold_temperatures,
            cv_macro_f1_by_alpha: by_alpha,
            cv_accuracy: cv.accuracy,
            cv_macro_f1: cv.macro_f1,
            cv_log_loss: cv.log_loss,
            iterations: 0,
        }
    }
}

/// Cross-validates the alpha grid on both axes, calibrates, and fits each
/// axis on all rows. The fits of both axes form one batch of independent
/// jobs, so neither core waits for the other axis.
fn fit_axes(
    x: &SparseRows,
    axes: &[AxisProblem<'_>],
    settings: &TrainSettings,
    fitted: &(dyn Fn() + Sync),
) -> Result<Vec<(AxisTraining, SoftmaxParams)>> {
    let solver = settings.solver();
    let n = x.n_rows();
    let jobs: Vec<(usize, usize, usize)> = (0..axes.len())
        .flat_map(|p| {
            (0..settings.alphas.len())
                .flat_map(move |a| (0..settings.folds).map(move |f| (p, a, f)))
        })
        .collect();
    // Cross-validation fits only rank the alphas and give the temperature:
    // they run in single precision; the shipped final fit does not.
    let cv_solver = SolverSettings {
        single_precision: true,
        ..solver
    };
    let results: Vec<Result<Vec<HeldOutLogits>>> = jobs
        .par_iter()
        .map(|&(p, a, f)| {
            let logits = axes[p].held_out(x, settings.alphas[a], f, cv_solver);
            fitted();
            logits
        })
        .collect();
    let mut oof: Vec<Vec<Vec<[f64; CLASSES]>>> = axes
        .iter()
        .map(|axis| vec![vec![[0.0; CLASSES]; axis.cv_rows.len()]; settings.alphas.len()])
        .collect();
    for (&(p, a, _), result) in jobs.iter().zip(results) {
        for (j, z) in result? {
            oof[p][a][j] = z;
        }
    }
    let chosen: Vec<AxisTraining> = axes
        .iter()
        .zip(&oof)
        .map(|(axis, oof)| axis.choose(settings, oof))
        .collect();

    let all: Vec<usize> = (0..n).collect();
    axes.par_iter()
        .zip(chosen)
        .map(|(axis, trained)| {
            let params = solver::fit(&axis.problem(x, &all, trained.alpha), solver)?;
            fitted();
            Ok((trained, params))
        })
        .collect()
}

/// `min(n, limit)` row indices spread evenly over `0..n`, in order.
fn spread_sample(n: usize, limit: usize) -> Vec<usize> {
    if n <= limit {
        return (0..n).collect();
    }
    (0..limit).map(|j| j * n / limit).collect()
}

/// Fold of each cross-validation row when whole groups go to one fold, and
/// the number of groups. Groups are dealt largest first, each to the fold
/// with the fewest rows so far (ties: the lower fold; equal sizes: by name),
/// so folds come out near equal and the assignment depends on the data only.
fn grouped_folds(
    data: &LabeledData,
    column: &str,
    cv_rows: &[usize],
    k: usize,
) -> Result<(Vec<usize>, usize)> {
    let group_of = |i: usize| data.examples[i].group.as_deref().unwrap_or("");
    let mut sizes: std::collections::BTreeMap<&str, usize> = Default::default();
    for &i in cv_rows {
        *sizes.entry(group_of(i)).or_default() += 1;
    }
    if sizes.len() < k {
        return Err(Error::Setting {
            name: "cv_group_column",
            value: format!("{column} ({} distinct values)", sizes.len()),
            expected: "at least as many distinct values as cross-validation folds",
        });
    }
    let mut order: Vec<(&str, usize)> = sizes.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut load = vec![0usize; k];
    let mut fold_of: std::collections::HashMap<&str, usize> = Default::default();
    for &(group, rows) in &order {
        let fold = (0..k).min_by_key(|&f| (load[f], f)).expect("k >= 2");
        load[fold] += rows;
        fold_of.insert(group, fold);
    }
    let folds = cv_rows.iter().map(|&i| fold_of[group_of(i)]).collect();
    Ok((folds, order.len()))
}

/// Fold of each row: rows of each class are dealt round-robin in row order.
fn stratified_folds(targets: &[usize], k: usize) -> Vec<usize> {
    let mut next = [0usize; CLASSES];
    targets
        .iter()
        .map(|&t| {
            let f = next[t] % k;
            next[t] += 1;
            f
        })
        .collect()
}

fn metrics_of(
    axis: Axis,
    targets: &[usize],
    logits: &[[f64; CLASSES]],
    temperature: f64,
) -> crate::eval::AxisMetrics {
    let mut tally = AxisTally::new(axis);
    for (&t, z) in targets.iter().zip(logits) {
        tally.add(t, softmax(z, temperature));
    }
    tally.finish()
}

fn softmax(z: &[f64; CLASSES], temperature: f64) -> [f64; CLASSES] {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e = z.map(|v| ((v - m) / temperature).exp());
    let s: f64 = e.iter().sum();
    e.map(|v| v / s)
}

fn nll(targets: &[usize], logits: &[[f64; CLASSES]], temperature: f64) -> f64 {
    targets
        .iter()
        .zip(logits)
        .map(|(&t, z)| -softmax(z, temperature)[t].max(1e-15).ln())
        .sum()
}

/// The temperature in [0.05, 20] minimising the out-of-fold log loss
/// (golden-section search on log T; the loss is unimodal in T).
fn fit_temperature(targets: &[usize], logits: &[[f64; CLASSES]]) -> f64 {
    let f = |log_t: f64| nll(targets, logits, log_t.exp());
    let (mut lo, mut hi) = (0.05f64.ln(), 20f64.ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = hi - g * (hi - lo);
    let mut d = lo + g * (hi - lo);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..60 {
        if fc < fd {
            hi = d;
            d = c;
            fd = fc;
            c = hi - g * (hi - lo);
            fc = f(c);
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + g * (hi - lo);
            fd = f(d);
        }
    }
    round6(((lo + hi) / 2.0).exp())
}

/// The temperature of each non-empty fold, fitted on that fold's held-out rows alone.
fn fold_temperatures(
    targets: &[usize],
    logits: &[[f64; CLASSES]],
    folds: &[usize],
    n_folds: usize,
) -> Vec<f64> {
    (0..n_folds)
        .filter(|fold| folds.contains(fold))
        .map(|fold| {
            let (fold_targets, fold_logits): (Vec<usize>, Vec<[f64; CLASSES]>) = (0..targets.len())
                .filter(|&j| folds[j] == fold)
                .map(|j| (targets[j], logits[j]))
                .unzip();
            fit_temperature(&fold_targets, &fold_logits)
        })
        .collect()
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Example;
    use crate::vectors::tests::table_bytes;

    /// The folded table must reproduce the trained model: for every row,
    /// `bias + value * sum of table rows` equals the logits of the fitted
    /// parameters over hashed and dense columns, including for words whose
    /// hashed feature was dropped by `min_count`.
    #[test]
    fn folded_word_vectors_give_the_trained_logits() {
        let featurizer = Featurizer::new(FeatureConfig::default()).unwrap();
        let table = table_bytes(
            &[0.1, 0.2, 0.05],
            &[
                ("talks", &[10, -3, 7]),
                ("dialogue", &[9, -2, 8]),
                ("threat", &[-8, 5, 1]),
                ("reject", &[-6, 9, -2]),
                ("friendship", &[7, 1, -9]),
                ("not", &[0, 4, 4]),
            ],
        );
        let vectors = WordVectors::from_bytes(&table, "t").unwrap();
        let by_bucket = vectors.by_bucket(&featurizer);
        let texts = [
            "We welcome talks and dialogue.",
            "They reject any dialogue and issue a threat.",
            "Friendship between our peoples will not fade.",
            "The threat is real, and talks are not enough.",
            "Dialogue, dialogue and more talks.",
            "A rare word: rapprochement and friendship.",
        ];
        let scale = 0.7;
        let d = design(&featurizer, &texts, 2, Some((&by_bucket, scale)));
        assert_eq!(d.x.n_cols, d.column_buckets.len() + 3);
        let targets = [0, 2, 0, 2, 0, 1];
        let problem = solver::Problem {
            x: &d.x,
            rows: &[0, 1, 2, 3, 4, 5],
            targets: &targets,
            row_weights: &[1.0; 6],
            classes: CLASSES,
            alpha: 0.01,
        };
        let params = solver::fit(&problem, SolverSettings::default()).unwrap();
        let mut table = vec![0f32; featurizer.config().buckets() * ROW];
        for (col, &b) in d.column_buckets.iter().enumerate() {
            for c in 0..CLASSES {
                table[b as usize * ROW + c] = params.params[col * CLASSES + c] as f32;
            }
        }
        fold_vectors(
            &mut table,
            0,
            &by_bucket,
            &params.params[d.column_buckets.len() * CLASSES..],
            scale,
        );
        let bias = &params.params[d.x.n_cols * CLASSES..];
        let mut scratch = Scratch::default();
        for (i, text) in texts.iter().enumerate() {
            let mut trained = [0.0; CLASSES];
            params.logits_into(&d.x, i, &mut trained);
            let value = featurizer.features_into(text, &mut scratch);
            let mut folded = [0f64; CLASSES];
            for &b in &scratch.buckets {
                for c in 0..CLASSES {
                    folded[c] += f64::from(table[b as usize * ROW + c]);
                }
            }
            for c in 0..CLASSES {
                let folded = bias[c] + f64::from(value) * folded[c];
                assert!(
                    (folded - trained[c]).abs() < 1e-4,
                    "row {i} class {c}: folded {folded}, trained {}",
                    trained[c]
                );
            }
        }
        // The dense columns carry weight: without them the logits differ.
        let dense_weight: f64 = params.params
            [d.column_buckets.len() * CLASSES..d.x.n_cols * CLASSES]
            .iter()
            .map(|w| w.abs())
            .sum();
        assert!(dense_weight > 0.01, "dense weights {dense_weight}");
    }

    fn data_with_groups(groups: &[&str]) -> LabeledData {
        LabeledData {
            path: "mem.csv".into(),
            examples: groups
                .iter()
                .enumerate()
                .map(|(i, g)| Example {
                    text: format!("sentence {i}"),
                    hostility: i % 3,
                    diplomacy: i % 3,
                    line: i as u64 + 2,
                    group: Some(g.to_string()),
                })
                .collect(),
            group_column: Some("source".into()),
            sha256: String::new(),
            skipped: Vec::new(),
        }
    }

    #[test]
    fn each_fold_gets_its_own_temperature_and_an_over_confident_fold_gets_the_highest() {
        // Three folds of the same 40 rows, right 3 times in 4; fold 1's
        // logits are four times as sharp, so it needs four times the
        // temperature of the others.
        let mut targets = Vec::new();
        let mut logits = Vec::new();
        let mut folds = Vec::new();
        for fold in 0..3 {
            let sharpness = if fold == 1 { 4.0 } else { 1.0 };
            for i in 0..40 {
                let t = i % 3;
                let predicted = if i % 4 == 0 { (t + 1) % 3 } else { t };
                let mut z = [0.0; CLASSES];
                z[predicted] = 2.0 * sharpness;
                targets.push(t);
                logits.push(z);
                folds.push(fold);
            }
        }
        let per_fold = fold_temperatures(&targets, &logits, &folds, 3);
        assert_eq!(per_fold.len(), 3);
        assert!((per_fold[0] - per_fold[2]).abs() < 1e-6, "{per_fold:?}");
        assert!(
            (per_fold[1] / per_fold[0] - 4.0).abs() < 1e-3,
            "{per_fold:?}"
        );
        let pooled = fit_temperature(&targets, &logits);
        assert!(
            per_fold[0] < pooled && pooled < per_fold[1],
            "{pooled} {per_fold:?}"
        );
        // A fold with no rows has no temperature.
        assert_eq!(fold_temperatures(&targets, &logits, &folds, 4).len(), 3);
    }

    #[test]
    fn grouped_folds_keep_each_group_whole_and_balance_the_folds() {
        // Seven groups of 12, 9, 8, 5, 3, 2 and 1 rows, interleaved.
        let sizes = [
            ("a", 12),
            ("b", 9),
            ("c", 8),
            ("d", 5),
            ("e", 3),
            ("f", 2),
            ("g", 1),
        ];
        let mut groups = Vec::new();
        for round in 0..12 {
            for &(g, n) in &sizes {
                if round < n {
                    groups.push(g);
                }
            }
        }
        let data = data_with_groups(&groups);
        let rows: Vec<usize> = (0..groups.len()).collect();
        let (folds, count) = grouped_folds(&data, "source", &rows, 3).unwrap();
        assert_eq!(count, 7);
        let mut fold_of_group = std::collections::HashMap::new();
        for (&g, &f) in groups.iter().zip(&folds) {
            assert_eq!(*fold_of_group.entry(g).or_insert(f), f, "group {g} split");
        }
        let mut load = [0; 3];
        for &f in &folds {
            load[f] += 1;
        }
        // 40 rows: largest first to the lightest fold gives 14 / 13 / 13.
        assert_eq!(load, [14, 13, 13]);
    }

    #[test]
    fn too_few_groups_for_the_folds_is_an_error_naming_the_column() {
        let data = data_with_groups(&["x", "y", "x", "y", "x", "y"]);
        let rows: Vec<usize> = (0..6).collect();
        let err = grouped_folds(&data, "source", &rows, 3).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("source (2 distinct values)"), "{message}");
    }
}
