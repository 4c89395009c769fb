//! Multinomial logistic regression with L2, on sparse rows.
//!
//! The objective is linfa-logistic's, term for term: the summed (not
//! averaged) negative log-likelihood plus `alpha/2 * |W|^2`, the intercept
//! unpenalised, parameters laid out as `(features + 1) x classes` with the
//! intercept last. It is minimised, as linfa-logistic does, by L-BFGS (memory
//! 10) with a line search for the strong Wolfe conditions, here the slice-based
//! one in [`super::lbfgs`]. The data access differs: a dense `rows x features`
//! matrix does not fit for hashed text features, so rows are kept sparse. Rows
//! may carry weights (for class balancing), which linfa-logistic cannot
//! express, and a fit may stop when the loss stops falling
//! ([`SolverSettings`]; off by default, as in linfa-logistic). The objective
//! is strictly convex, so a converged fit reaches linfa-logistic's weights
//! whichever L-BFGS gets there (tests/it/solver.rs checks it).

use super::lbfgs::{self, Stopping};
use crate::error::{Error, Result};

/// Rows of (column, value) pairs in compressed sparse row form, optionally
/// followed by a block of dense columns (the word-vector columns: every row
/// has a value in each, so they are kept contiguous, without column indices).
#[derive(Clone, Debug, Default)]
pub struct SparseRows {
    pub indptr: Vec<usize>,
    pub cols: Vec<u32>,
    pub vals: Vec<f64>,
    /// All columns: the sparse ones, then `dense_cols` dense ones.
    pub n_cols: usize,
    pub dense_cols: usize,
    /// `n_rows x dense_cols`, row-major. Single precision halves the memory
    /// traffic of the optimiser's passes; sums are taken in double.
    pub dense: Vec<f32>,
}

impl SparseRows {
    /// An empty matrix with `n_cols` sparse columns.
    pub fn new(n_cols: usize) -> Self {
        Self::with_dense(n_cols, 0)
    }

    /// An empty matrix with `sparse_cols` sparse columns followed by
    /// `dense_cols` dense ones.
    pub fn with_dense(sparse_cols: usize, dense_cols: usize) -> Self {
        SparseRows {
            indptr: vec![0],
            cols: Vec::new(),
            vals: Vec::new(),
            n_cols: sparse_cols + dense_cols,
            dense_cols,
            dense: Vec::new(),
        }
    }

    /// Appends one row of sparse entries (its dense columns, if any, are 0).
    pub fn push_row(&mut self, entries: impl IntoIterator<Item = (u32, f64)>) {
        self.push_row_with_dense(entries, &[]);
    }

    /// Appends one row: sparse entries, and the dense columns' values
    /// (`dense_cols` of them, or none for zeros).
    pub fn push_row_with_dense(
        &mut self,
        entries: impl IntoIterator<Item = (u32, f64)>,
        dense: &[f32],
    ) {
        for (c, v) in entries {
            debug_assert!((c as usize) < self.sparse_cols());
            self.cols.push(c);
            self.vals.push(v);
        }
        self.indptr.push(self.cols.len());
        if dense.is_empty() {
            self.dense.resize(self.dense.len() + self.dense_cols, 0.0);
        } else {
            assert_eq!(dense.len(), self.dense_cols, "one value per dense column");
            self.dense.extend_from_slice(dense);
        }
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Columns before the dense block.
    pub fn sparse_cols(&self) -> usize {
        self.n_cols - self.dense_cols
    }

    /// The dense columns' values of row `i`.
    pub fn dense_row(&self, i: usize) -> &[f32] {
        &self.dense[i * self.dense_cols..][..self.dense_cols]
    }

    /// The (column, value) pairs of row `i`, dense columns included.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        let first_dense = self.sparse_cols();
        self.cols[a..b]
            .iter()
            .zip(&self.vals[a..b])
            .map(|(&c, &v)| (c as usize, v))
            .chain(
                self.dense_row(i)
                    .iter()
                    .enumerate()
                    .map(move |(d, &v)| (first_dense + d, f64::from(v))),
            )
    }
}

/// Optimiser settings. The default is linfa-logistic's: 100 iterations,
/// gradient tolerance 1e-4, and no stop on a small change in the loss.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolverSettings {
    pub max_iterations: u64,
    pub gradient_tolerance: f64,
    /// Stop once the last five iterations lowered the loss by less than this
    /// much per training row and iteration. The loss is summed over rows, so a
    /// per-row figure means the same convergence on 1,000 rows and on
    /// 1,000,000; five iterations, not one, because a single short step (often
    /// right after the search turns) does not mean the fit has settled.
    pub cost_tolerance_per_row: f64,
    /// Take the dense columns' products in single precision and keep the
    /// optimiser's history in single precision (sums still in double): less
    /// work per pass and half the history's memory traffic, on a slightly
    /// different path, so a fit stops at another point. Training uses it for
    /// the cross-validation fits, which only rank the L2 strengths and give
    /// the temperature, and never for the fit whose weights are shipped.
    pub single_precision: bool,
}

impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings {
            max_iterations: 100,
            gradient_tolerance: 1e-4,
            cost_tolerance_per_row: 0.0,
            single_precision: false,
        }
    }
}

/// Fitted parameters: `(n_cols + 1) x classes`, row-major, intercept row last.
#[derive(Clone, Debug, PartialEq)]
pub struct SoftmaxParams {
    pub params: Vec<f64>,
    pub n_cols: usize,
    pub classes: usize,
    /// Optimiser iterations the fit took.
    pub iterations: u64,
}

impl SoftmaxParams {
    /// Logits of row `i` of `x` into `out`.
    pub fn logits_into(&self, x: &SparseRows, i: usize, out: &mut [f64]) {
        let k = self.classes;
        out.copy_from_slice(&self.params[self.n_cols * k..(self.n_cols + 1) * k]);
        for (c, v) in x.row(i) {
            for (o, w) in out.iter_mut().zip(&self.params[c * k..(c + 1) * k]) {
                *o += v * w;
            }
        }
    }
}

/// The training problem restricted to a subset of rows.
pub struct Problem<'a> {
    pub x: &'a SparseRows,
    pub rows: &'a [usize],
    pub targets: &'a [usize],
    /// Per-row weight, indexed like `x`'s rows.
    pub row_weights: &'a [f64],
    pub classes: usize,
    pub alpha: f64,
}

/// Minimises the objective from zero parameters.
pub fn fit(problem: &Problem, settings: SolverSettings) -> Result<SoftmaxParams> {
    if !(2..=3).contains(&problem.classes) {
        return Err(Error::Training(format!(
            "the solver fits 2 or 3 classes, not {}",
            problem.classes
        )));
    }
    let n = (problem.x.n_cols + 1) * problem.classes;
    let stopping = Stopping {
        max_iterations: settings.max_iterations,
        gradient_tolerance: settings.gradient_tolerance,
        loss_tolerance: settings.cost_tolerance_per_row
            * LOSS_WINDOW as f64
            * problem.rows.len() as f64,
        window: LOSS_WINDOW,
    };
    let minimum = if settings.single_precision {
        lbfgs::minimize::<f32>(
            |w, grad| cost_and_gradient_single_dense(problem, w, grad),
            vec![0.0; n],
            stopping,
        )?
    } else {
        lbfgs::minimize::<f64>(
            |w, grad| cost_and_gradient_into(problem, w, grad),
            vec![0.0; n],
            stopping,
        )?
    };
    Ok(SoftmaxParams {
        params: minimum.x,
        n_cols: problem.x.n_cols,
        classes: problem.classes,
        iterations: minimum.iterations,
    })
}

/// Iterations over which the loss decrease is averaged for
/// [`SolverSettings::cost_tolerance_per_row`].
const LOSS_WINDOW: usize = 5;

/// `-sum_i r_i log softmax(x_i W + b)[y_i] + alpha/2 |W|^2` and its gradient.
///
/// Supports 2 or 3 classes (checked by [`fit`]); the class count is a
/// compile-time constant inside the pass so each weight row is a fixed-size
/// array rather than a bounds-checked slice.
pub fn cost_and_gradient(p: &Problem, w: &[f64]) -> (f64, Vec<f64>) {
    let mut grad = vec![0.0; w.len()];
    let cost = cost_and_gradient_into(p, w, &mut grad);
    (cost, grad)
}

/// [`cost_and_gradient`], writing the gradient into `grad` (as long as `w`).
pub fn cost_and_gradient_into(p: &Problem, w: &[f64], grad: &mut [f64]) -> f64 {
    match p.classes {
        2 => pass::<2, DoubleDense>(p, w, grad),
        3 => pass::<3, DoubleDense>(p, w, grad),
        k => unreachable!("fit accepts 2 or 3 classes, not {k}"),
    }
}

/// [`cost_and_gradient_into`] with the dense columns' products in single
/// precision ([`SolverSettings::single_precision`]).
fn cost_and_gradient_single_dense(p: &Problem, w: &[f64], grad: &mut [f64]) -> f64 {
    match p.classes {
        2 => pass::<2, SingleDense>(p, w, grad),
        3 => pass::<3, SingleDense>(p, w, grad),
        k => unreachable!("fit accepts 2 or 3 classes, not {k}"),
    }
}

/// How a pass takes the dense columns' share of the logits and of the
/// gradient. `weights` and `grad` are the dense columns' block of the
/// parameters and of the gradient, `dims x K` row-major.
trait DenseProducts<'w, const K: usize> {
    fn new(weights: &'w [f64], dims: usize) -> Self;
    fn add_logits(&self, x: &[f32], z: &mut [f64; K]);
    fn add_gradient(&mut self, x: &[f32], d: &[f64; K], grad: &mut [f64]);
    /// Called once after the last row.
    fn finish(&mut self, grad: &mut [f64]);
}

/// In double precision, column after column: the reference.
struct DoubleDense<'w> {
    weights: &'w [f64],
}

impl<'w, const K: usize> DenseProducts<'w, K> for DoubleDense<'w> {
    fn new(weights: &'w [f64], _: usize) -> Self {
        DoubleDense { weights }
    }

    fn add_logits(&self, x: &[f32], z: &mut [f64; K]) {
        for (&v, wc) in x.iter().zip(self.weights.chunks_exact(K)) {
            let v = f64::from(v);
            for j in 0..K {
                z[j] += v * wc[j];
            }
        }
    }

    fn add_gradient(&mut self, x: &[f32], d: &[f64; K], grad: &mut [f64]) {
        for (&v, gc) in x.iter().zip(grad.chunks_exact_mut(K)) {
            let v = f64::from(v);
            for j in 0..K {
                gc[j] += v * d[j];
            }
        }
    }

    fn finish(&mut self, _: &mut [f64]) {}
}

/// In single precision, class after class: each class's logit is a dot
/// product over consecutive values and its gradient an axpy, four lanes
/// wide. Gradients are summed in single precision over blocks of
/// [`DENSE_BLOCK_ROWS`] rows, then in double.
struct SingleDense {
    dims: usize,
    /// The weights as `K x dims`.
    weights: Vec<f32>,
    block: Vec<f32>,
    block_rows: usize,
    /// The gradient as `K x dims`.
    total: Vec<f64>,
}

/// Rows whose dense gradients are summed in single precision before the sum
/// joins the double-precision total: a sum of 32 stays within about 1e-6.
const DENSE_BLOCK_ROWS: usize = 32;

impl SingleDense {
    fn flush(&mut self) {
        for (total, part) in self.total.iter_mut().zip(&mut self.block) {
            *total += f64::from(*part);
            *part = 0.0;
        }
        self.block_rows = 0;
    }
}

impl<const K: usize> DenseProducts<'_, K> for SingleDense {
    fn new(weights: &[f64], dims: usize) -> Self {
        let mut by_class = vec![0f32; K * dims];
        for (d, wd) in weights.chunks_exact(K).enumerate() {
            for j in 0..K {
                by_class[j * dims + d] = wd[j] as f32;
            }
        }
        SingleDense {
            dims,
            weights: by_class,
            block: vec![0.0; K * dims],
            block_rows: 0,
            total: vec![0.0; K * dims],
        }
    }

    fn add_logits(&self, x: &[f32], z: &mut [f64; K]) {
        if self.dims == 0 {
            return;
        }
        for (j, w) in self.weights.chunks_exact(self.dims).enumerate() {
            z[j] += f64::from(dot_single(x, w));
        }
    }

    fn add_gradient(&mut self, x: &[f32], d: &[f64; K], _: &mut [f64]) {
        if self.dims == 0 {
            return;
        }
        for (j, g) in self.block.chunks_exact_mut(self.dims).enumerate() {
            let dj = d[j] as f32;
            for (g, &v) in g.iter_mut().zip(x) {
                *g += v * dj;
            }
        }
        self.block_rows += 1;
        if self.block_rows == DENSE_BLOCK_ROWS {
            self.flush();
        }
    }

    fn finish(&mut self, grad: &mut [f64]) {
        self.flush();
        for (d, gd) in grad.chunks_exact_mut(K).enumerate() {
            for (j, g) in gd.iter_mut().enumerate() {
                *g += self.total[j * self.dims + d];
            }
        }
    }
}

/// `x . w` in single precision over eight running sums.
fn dot_single(x: &[f32], w: &[f32]) -> f32 {
    let mut sums = [0f32; 8];
    let (x8, w8) = (x.chunks_exact(8), w.chunks_exact(8));
    let (x_rest, w_rest) = (x8.remainder(), w8.remainder());
    for (x, w) in x8.zip(w8) {
        for l in 0..8 {
            sums[l] += x[l] * w[l];
        }
    }
    let mut total = sums.iter().sum::<f32>();
    for (&x, &w) in x_rest.iter().zip(w_rest) {
        total += x * w;
    }
    total
}

fn pass<'w, const K: usize, D: DenseProducts<'w, K>>(
    p: &Problem,
    w: &'w [f64],
    grad: &mut [f64],
) -> f64 {
    let bias = p.x.n_cols * K;
    let (weights, intercept) = w.split_at(bias);
    let row = |c: u32| -> &[f64; K] {
        weights[c as usize * K..][..K]
            .try_into()
            .expect("K weights per column")
    };
    let intercept: [f64; K] = intercept.try_into().expect("one intercept per class");
    let dense = p.x.sparse_cols() * K..bias;
    let mut products = D::new(&weights[dense.clone()], p.x.dense_cols);
    grad.fill(0.0);
    let mut cost = 0.0;
    for &i in p.rows {
        let (a, b) = (p.x.indptr[i], p.x.indptr[i + 1]);
        let (cols, vals) = (&p.x.cols[a..b], &p.x.vals[a..b]);
        let mut z = intercept;
        for (&c, &v) in cols.iter().zip(vals) {
            let wc = row(c);
            for j in 0..K {
                z[j] += v * wc[j];
            }
        }
        let dense_x = p.x.dense_row(i);
        products.add_logits(dense_x, &mut z);
        let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = z.iter().map(|zj| (zj - m).exp()).sum();
        let log_norm = m + sum.ln();
        let r = p.row_weights[i];
        let y = p.targets[i];
        cost -= r * (z[y] - log_norm);
        let mut d = [0.0; K];
        for j in 0..K {
            d[j] = r * ((z[j] - log_norm).exp() - if j == y { 1.0 } else { 0.0 });
        }
        for (&c, &v) in cols.iter().zip(vals) {
            let gc = grad_row::<K>(grad, c as usize);
            for j in 0..K {
                gc[j] += v * d[j];
            }
        }
        products.add_gradient(dense_x, &d, &mut grad[dense.clone()]);
        let gb = grad_row::<K>(grad, p.x.n_cols);
        for j in 0..K {
            gb[j] += d[j];
        }
    }
    products.finish(&mut grad[dense]);
    let mut penalty = 0.0;
    for (g, wj) in grad[..bias].iter_mut().zip(&w[..bias]) {
        penalty += wj * wj;
        *g += p.alpha * wj;
    }
    cost + 0.5 * p.alpha * penalty
}

fn grad_row<const K: usize>(grad: &mut [f64], c: usize) -> &mut [f64; K] {
    (&mut grad[c * K..][..K])
        .try_into()
        .expect("K gradients per column")
}
