//! Multinomial logistic regression with L2, on sparse rows.
//!
//! The objective is linfa-logistic's, term for term: the summed (not
//! averaged) negative log-likelihood plus `alpha/2 * |W|^2`, the intercept
//! unpenalised, parameters laid out as `(features + 1) x classes` with the
//! intercept last. It is minimised by the optimiser linfa-logistic uses,
//! argmin's L-BFGS (memory 10) with a More-Thuente line search. Only the
//! data access differs: a dense `rows x features` matrix does not fit for
//! hashed text features, so rows are kept sparse. Rows may carry weights
//! (for class balancing), which linfa-logistic cannot express, and a fit
//! may stop when the loss stops falling ([`SolverSettings`]; off by default,
//! as in linfa-logistic).

use std::cell::RefCell;

use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use ndarray::Array1;

use crate::error::{Error, Result};

/// Rows of (column, value) pairs in compressed sparse row form.
#[derive(Clone, Debug, Default)]
pub struct SparseRows {
    pub indptr: Vec<usize>,
    pub cols: Vec<u32>,
    pub vals: Vec<f64>,
    pub n_cols: usize,
}

impl SparseRows {
    /// An empty matrix with `n_cols` columns.
    pub fn new(n_cols: usize) -> Self {
        SparseRows {
            indptr: vec![0],
            cols: Vec::new(),
            vals: Vec::new(),
            n_cols,
        }
    }

    /// Appends one row.
    pub fn push_row(&mut self, entries: impl IntoIterator<Item = (u32, f64)>) {
        for (c, v) in entries {
            debug_assert!((c as usize) < self.n_cols);
            self.cols.push(c);
            self.vals.push(v);
        }
        self.indptr.push(self.cols.len());
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// The (column, value) pairs of row `i`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        self.cols[a..b]
            .iter()
            .zip(&self.vals[a..b])
            .map(|(&c, &v)| (c as usize, v))
    }
}

/// Optimiser settings. The default is linfa-logistic's: 100 iterations,
/// gradient tolerance 1e-4, and no stop on a small change in the loss.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolverSettings {
    pub max_iterations: u64,
    pub gradient_tolerance: f64,
    /// Stop once an iteration lowers the loss by less than this much per
    /// training row. The loss is summed over rows, so a per-row figure means
    /// the same convergence on 1,000 rows and on 1,000,000.
    pub cost_tolerance_per_row: f64,
}

impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings {
            max_iterations: 100,
            gradient_tolerance: 1e-4,
            cost_tolerance_per_row: 0.0,
        }
    }
}

/// Fitted parameters: `(n_cols + 1) x classes`, row-major, intercept row last.
#[derive(Clone, Debug, PartialEq)]
pub struct SoftmaxParams {
    pub params: Vec<f64>,
    pub n_cols: usize,
    pub classes: usize,
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
    let objective = Objective {
        problem,
        memo: RefCell::new(None),
    };
    let linesearch = MoreThuenteLineSearch::new();
    let solver = LBFGS::new(linesearch, 10)
        .with_tolerance_grad(settings.gradient_tolerance)
        .and_then(|lbfgs| {
            let per_row = settings.cost_tolerance_per_row * problem.rows.len() as f64;
            // argmin's own default is machine epsilon: never stop on the loss.
            lbfgs.with_tolerance_cost(per_row.max(f64::EPSILON))
        })
        .map_err(|e| Error::Training(e.to_string()))?;
    let result = Executor::new(objective, solver)
        .configure(|state| {
            state
                .param(Array1::zeros(n))
                .max_iters(settings.max_iterations)
        })
        .run()
        .map_err(|e| Error::Training(e.to_string()))?;
    let params = result
        .state()
        .get_best_param()
        .ok_or_else(|| Error::Training("the optimiser returned no parameters".into()))?
        .to_vec();
    Ok(SoftmaxParams {
        params,
        n_cols: problem.x.n_cols,
        classes: problem.classes,
    })
}

/// Parameters with their cost and gradient.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

/// Cost and gradient share one pass over the data; argmin asks for them
/// separately at the same point, so the last pair is kept.
struct Objective<'p, 'a> {
    problem: &'p Problem<'a>,
    memo: RefCell<Option<Evaluation>>,
}

impl Objective<'_, '_> {
    fn evaluate(&self, w: &Array1<f64>) -> (f64, Array1<f64>) {
        if let Some((p, cost, grad)) = self.memo.borrow().as_ref()
            && p == w
        {
            return (*cost, grad.clone());
        }
        let slice = w.as_slice().expect("parameters are contiguous");
        let (cost, grad) = cost_and_gradient(self.problem, slice);
        let grad = Array1::from(grad);
        *self.memo.borrow_mut() = Some((w.clone(), cost, grad.clone()));
        (cost, grad)
    }
}

impl CostFunction for Objective<'_, '_> {
    type Param = Array1<f64>;
    type Output = f64;
    fn cost(&self, w: &Array1<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(w).0)
    }
}

impl Gradient for Objective<'_, '_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;
    fn gradient(&self, w: &Array1<f64>) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.evaluate(w).1)
    }
}

/// `-sum_i r_i log softmax(x_i W + b)[y_i] + alpha/2 |W|^2` and its gradient.
///
/// Supports 2 or 3 classes (checked by [`fit`]); the class count is a
/// compile-time constant inside the pass so each weight row is a fixed-size
/// array rather than a bounds-checked slice.
pub fn cost_and_gradient(p: &Problem, w: &[f64]) -> (f64, Vec<f64>) {
    match p.classes {
        2 => pass::<2>(p, w),
        3 => pass::<3>(p, w),
        k => unreachable!("fit accepts 2 or 3 classes, not {k}"),
    }
}

fn pass<const K: usize>(p: &Problem, w: &[f64]) -> (f64, Vec<f64>) {
    let bias = p.x.n_cols * K;
    let (weights, intercept) = w.split_at(bias);
    let row = |c: u32| -> &[f64; K] {
        weights[c as usize * K..][..K]
            .try_into()
            .expect("K weights per column")
    };
    let intercept: [f64; K] = intercept.try_into().expect("one intercept per class");
    let mut grad = vec![[0.0f64; K]; p.x.n_cols + 1];
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
            let gc = &mut grad[c as usize];
            for j in 0..K {
                gc[j] += v * d[j];
            }
        }
        let gb = &mut grad[p.x.n_cols];
        for j in 0..K {
            gb[j] += d[j];
        }
    }
    let mut grad: Vec<f64> = grad.into_flattened();
    let mut penalty = 0.0;
    for (g, wj) in grad[..bias].iter_mut().zip(&w[..bias]) {
        penalty += wj * wj;
        *g += p.alpha * wj;
    }
    (cost + 0.5 * p.alpha * penalty, grad)
}
