//! Limited-memory BFGS with a strong-Wolfe line search, on plain slices.
//!
//! The textbook method (Nocedal & Wright, "Numerical Optimization", 2nd ed.:
//! the two-loop recursion of Algorithm 7.4, the line search of Algorithms 3.5
//! and 3.6 with cubic interpolation), written over `&mut [f64]` buffers that
//! are allocated once per fit. argmin's L-BFGS, which linfa-logistic uses,
//! allocates a new vector for every vector operation; on hashed text features
//! (hundreds of thousands of parameters) that bookkeeping cost more than the
//! objective itself. Every operation runs in a fixed order on one thread, so
//! a fit is reproducible bit for bit.

use crate::error::{Error, Result};

/// When to stop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stopping {
    /// At most this many iterations (each one line search).
    pub max_iterations: u64,
    /// Stop once the gradient's Euclidean norm is below this.
    pub gradient_tolerance: f64,
    /// Stop once the loss fell by less than this over the last
    /// [`Stopping::window`] iterations (0: never).
    pub loss_tolerance: f64,
    /// Iterations the loss decrease is measured over. A window, rather than
    /// one iteration, keeps a single short step (common right after a sharp
    /// turn) from ending a fit that still has far to go.
    pub window: usize,
}

/// Pairs of steps and gradient changes kept (linfa-logistic's setting).
const MEMORY: usize = 10;
/// Sufficient decrease and curvature constants of the strong Wolfe
/// conditions, the usual values for quasi-Newton methods.
const C1: f64 = 1e-4;
const C2: f64 = 0.9;
/// Function evaluations one line search may spend.
const MAX_EVALUATIONS: usize = 30;

/// The result of a minimisation.
#[derive(Debug)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub iterations: u64,
}

/// Minimises `f` from `x0`. `f(x, grad)` returns the loss at `x` and writes
/// its gradient into `grad`.
pub fn minimize<S: Stored>(
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    x0: Vec<f64>,
    stopping: Stopping,
) -> Result<Minimum> {
    let n = x0.len();
    let mut x = x0;
    let mut g = vec![0.0; n];
    let mut loss = f(&x, &mut g);
    if !loss.is_finite() {
        return Err(Error::Training(format!(
            "the loss is not finite at the start ({loss})"
        )));
    }
    let mut history = History::<S>::new(n);
    let mut direction = vec![0.0; n];
    let mut trial = Trial::new(n);
    let mut losses = vec![loss];
    let mut iterations = 0;
    while iterations < stopping.max_iterations && norm(&g) >= stopping.gradient_tolerance {
        history.direction(&g, &mut direction);
        let mut slope = dot(&g, &direction);
        if slope >= 0.0 || !slope.is_finite() {
            // Not a descent direction (rounding in a flat region): start the
            // curvature estimate afresh and go down the gradient.
            history.clear();
            for (d, gi) in direction.iter_mut().zip(&g) {
                *d = -gi;
            }
            slope = -dot(&g, &g);
        }
        // The first step has no curvature estimate to scale it: a unit step
        // along the raw gradient of a summed loss would overshoot wildly.
        let first = if history.is_empty() {
            1.0 / norm(&g).max(1.0)
        } else {
            1.0
        };
        if !line_search(&mut f, &x, loss, slope, &direction, first, &mut trial) {
            break;
        }
        history.push(&x, &g, &trial.x, &trial.g);
        std::mem::swap(&mut x, &mut trial.x);
        std::mem::swap(&mut g, &mut trial.g);
        loss = trial.loss;
        iterations += 1;
        losses.push(loss);
        let w = stopping.window.max(1);
        if stopping.loss_tolerance > 0.0
            && losses.len() > w
            && losses[losses.len() - 1 - w] - loss < stopping.loss_tolerance
        {
            break;
        }
    }
    Ok(Minimum { x, iterations })
}

/// The point last evaluated by the line search, with its loss and gradient.
struct Trial {
    x: Vec<f64>,
    g: Vec<f64>,
    loss: f64,
}

impl Trial {
    fn new(n: usize) -> Self {
        Trial {
            x: vec![0.0; n],
            g: vec![0.0; n],
            loss: f64::NAN,
        }
    }
}

/// The loss and slope along the search line at one step length.
#[derive(Clone, Copy)]
struct Point {
    step: f64,
    loss: f64,
    slope: f64,
}

/// Finds a step along `direction` meeting the strong Wolfe conditions and
/// leaves that point evaluated in `trial`; false if no step lowers the loss.
fn line_search(
    f: &mut impl FnMut(&[f64], &mut [f64]) -> f64,
    x: &[f64],
    loss: f64,
    slope: f64,
    direction: &[f64],
    first: f64,
    trial: &mut Trial,
) -> bool {
    let start = Point {
        step: 0.0,
        loss,
        slope,
    };
    let mut evaluate = |step: f64, trial: &mut Trial| -> Point {
        for ((t, xi), d) in trial.x.iter_mut().zip(x).zip(direction) {
            *t = xi + step * d;
        }
        trial.loss = f(&trial.x, &mut trial.g);
        Point {
            step,
            loss: trial.loss,
            slope: dot(&trial.g, direction),
        }
    };
    let sufficient = |p: Point| p.loss <= loss + C1 * p.step * slope;
    let curvature = |p: Point| p.slope.abs() <= -C2 * slope;
    let mut previous = start;
    let mut step = first;
    let mut evaluations = 0;
    // Bracketing: grow the step until it brackets an acceptable one.
    let (mut low, mut high) = loop {
        let p = evaluate(step, trial);
        evaluations += 1;
        if !p.loss.is_finite() {
            // Overflow far along the line: retreat toward the last good point.
            step = previous.step + (step - previous.step) / 4.0;
            if evaluations >= MAX_EVALUATIONS {
                return false;
            }
            continue;
        }
        if !sufficient(p) || (evaluations > 1 && p.loss >= previous.loss) {
            break (previous, p);
        }
        if curvature(p) {
            return true;
        }
        if p.slope >= 0.0 {
            break (p, previous);
        }
        if evaluations >= MAX_EVALUATIONS {
            return false;
        }
        previous = p;
        step *= 2.0;
    };
    // Zoom: shrink the bracket [low, high] (either order) around an acceptable step.
    while evaluations < MAX_EVALUATIONS {
        let step = interpolate(low, high);
        let p = evaluate(step, trial);
        evaluations += 1;
        if !p.loss.is_finite() || !sufficient(p) || p.loss >= low.loss {
            high = p;
        } else {
            if curvature(p) {
                return true;
            }
            if p.slope * (high.step - low.step) >= 0.0 {
                high = low;
            }
            low = p;
        }
        if (high.step - low.step).abs() <= f64::EPSILON * low.step.abs().max(1.0) {
            break;
        }
    }
    // No step met both conditions: settle for the lowest point found if it
    // lowers the loss (the search direction is then refreshed next time).
    if low.step > 0.0 && low.loss < loss {
        evaluate(low.step, trial);
        true
    } else {
        false
    }
}

/// The minimiser of the cubic through two points' losses and slopes, kept
/// inside the middle 80% of the bracket; the midpoint when the cubic has none.
fn interpolate(a: Point, b: Point) -> f64 {
    let (lo, hi) = if a.step < b.step { (a, b) } else { (b, a) };
    let width = hi.step - lo.step;
    let d1 = lo.slope + hi.slope - 3.0 * (lo.loss - hi.loss) / (lo.step - hi.step);
    let discriminant = d1 * d1 - lo.slope * hi.slope;
    let midpoint = lo.step + width / 2.0;
    // Also NaN: no real minimiser.
    if discriminant.is_nan() || discriminant < 0.0 {
        return midpoint;
    }
    let d2 = discriminant.sqrt();
    let step = hi.step - width * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2.0 * d2);
    let margin = width / 10.0;
    if step.is_finite() {
        step.clamp(lo.step + margin, hi.step - margin)
    } else {
        midpoint
    }
}

/// How the history keeps its vectors: `f64`, or `f32` for half the memory
/// traffic of the two-loop recursion (about 130,000 parameters times 20
/// stored vectors, read twice an iteration, with word vectors). Either way
/// the arithmetic is in double; single storage rounds each step and
/// gradient change once, which moves where a fit stops.
pub trait Stored: Copy + Default + Into<f64> {
    fn store(v: f64) -> Self;
}

impl Stored for f64 {
    fn store(v: f64) -> Self {
        v
    }
}

impl Stored for f32 {
    fn store(v: f64) -> Self {
        v as f32
    }
}

/// The last [`MEMORY`] steps `s` and gradient changes `y`, oldest first.
struct History<S> {
    s: Vec<Vec<S>>,
    y: Vec<Vec<S>>,
    rho: Vec<f64>,
    /// Index of the oldest pair in the ring, and how many pairs are kept.
    head: usize,
    len: usize,
    alpha: Vec<f64>,
}

impl<S: Stored> History<S> {
    fn new(n: usize) -> Self {
        History {
            s: vec![vec![S::default(); n]; MEMORY],
            y: vec![vec![S::default(); n]; MEMORY],
            rho: vec![0.0; MEMORY],
            head: 0,
            len: 0,
            alpha: vec![0.0; MEMORY],
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    /// Records the step from `x` to `x_new`; skipped when the curvature
    /// `s.y` is not clearly positive (the update would not stay positive
    /// definite). The curvature is measured before anything is written: with
    /// the memory full, the slot written next still holds the oldest pair.
    fn push(&mut self, x: &[f64], g: &[f64], x_new: &[f64], g_new: &[f64]) {
        let (mut sy, mut yy) = (0.0, 0.0);
        for ((a, b), (ga, gb)) in x.iter().zip(x_new).zip(g.iter().zip(g_new)) {
            // The curvature of the pair as stored.
            let si: f64 = S::store(b - a).into();
            let yi: f64 = S::store(gb - ga).into();
            sy += si * yi;
            yy += yi * yi;
        }
        if sy.is_nan() || sy <= 1e-10 * yy {
            return;
        }
        let slot = (self.head + self.len) % MEMORY;
        for (((si, yi), (a, b)), (ga, gb)) in self.s[slot]
            .iter_mut()
            .zip(self.y[slot].iter_mut())
            .zip(x.iter().zip(x_new))
            .zip(g.iter().zip(g_new))
        {
            *si = S::store(b - a);
            *yi = S::store(gb - ga);
        }
        self.rho[slot] = 1.0 / sy;
        if self.len < MEMORY {
            self.len += 1;
        } else {
            self.head = (self.head + 1) % MEMORY;
        }
    }

    /// `-H g` by the two-loop recursion, `H` the inverse Hessian estimate.
    ///
    /// Each update of `out` also takes the dot product the next step needs
    /// ([`axpy_dot`]), so each loop reads `out` once per stored pair rather
    /// than twice (with word vectors, perf put the optimiser's share of
    /// training at 33% against 36% before). The result is the textbook
    /// recursion's bit for bit (tested).
    fn direction(&mut self, g: &[f64], out: &mut [f64]) {
        out.copy_from_slice(g);
        if self.len == 0 {
            for v in out.iter_mut() {
                *v = -*v;
            }
            return;
        }
        let slot = |k: usize| (self.head + k) % MEMORY;
        let newest = slot(self.len - 1);
        let mut s_dot = dot(&self.s[newest], out);
        for k in (0..self.len).rev() {
            let i = slot(k);
            let a = self.rho[i] * s_dot;
            self.alpha[i] = a;
            if k > 0 {
                s_dot = axpy_dot(-a, &self.y[i], out, &self.s[slot(k - 1)]);
            } else {
                axpy(-a, &self.y[i], out);
            }
        }
        let yy = dot(&self.y[newest], &self.y[newest]);
        let gamma = 1.0 / (self.rho[newest] * yy);
        // out := gamma * out, so y0 . out scales by gamma too; the sums are
        // taken on the scaled values to match a separate pass exactly.
        let mut y_dot = scale_dot(gamma, out, &self.y[slot(0)]);
        for k in 0..self.len {
            let i = slot(k);
            let b = self.rho[i] * y_dot;
            let c = self.alpha[i] - b;
            if k + 1 < self.len {
                y_dot = axpy_dot(c, &self.s[i], out, &self.y[slot(k + 1)]);
            } else {
                for (o, &si) in out.iter_mut().zip(&self.s[i]) {
                    *o = -(*o + c * si.into());
                }
            }
        }
    }
}

fn dot<A: Stored, B: Stored>(a: &[A], b: &[B]) -> f64 {
    // Four running sums: the compiler may not reorder one float sum into
    // vector lanes, and the fixed order keeps results reproducible.
    let mut acc = [0.0f64; 4];
    let chunks = a.len() / 4 * 4;
    for (x, y) in a[..chunks].chunks_exact(4).zip(b[..chunks].chunks_exact(4)) {
        for k in 0..4 {
            acc[k] += x[k].into() * y[k].into();
        }
    }
    let mut tail = 0.0;
    for (&x, &y) in a[chunks..].iter().zip(&b[chunks..]) {
        tail += x.into() * y.into();
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

fn axpy<A: Stored>(a: f64, x: &[A], y: &mut [f64]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += a * xi.into();
    }
}

/// `y += a * x`, then `z . y` of the updated `y`, in one pass; the same
/// four running sums as [`dot`], so the result is bit for bit a separate
/// [`axpy`] and [`dot`].
fn axpy_dot<A: Stored>(a: f64, x: &[A], y: &mut [f64], z: &[A]) -> f64 {
    let mut acc = [0.0f64; 4];
    let chunks = y.len() / 4 * 4;
    for ((y, x), z) in y[..chunks]
        .chunks_exact_mut(4)
        .zip(x[..chunks].chunks_exact(4))
        .zip(z[..chunks].chunks_exact(4))
    {
        for k in 0..4 {
            y[k] += a * x[k].into();
            acc[k] += z[k].into() * y[k];
        }
    }
    let mut tail = 0.0;
    for ((y, &x), &z) in y[chunks..].iter_mut().zip(&x[chunks..]).zip(&z[chunks..]) {
        *y += a * x.into();
        tail += z.into() * *y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `y *= a`, then `z . y`, in one pass (as [`axpy_dot`]).
fn scale_dot<A: Stored>(a: f64, y: &mut [f64], z: &[A]) -> f64 {
    let mut acc = [0.0f64; 4];
    let chunks = y.len() / 4 * 4;
    for (y, z) in y[..chunks]
        .chunks_exact_mut(4)
        .zip(z[..chunks].chunks_exact(4))
    {
        for k in 0..4 {
            y[k] *= a;
            acc[k] += z[k].into() * y[k];
        }
    }
    let mut tail = 0.0;
    for (y, &z) in y[chunks..].iter_mut().zip(&z[chunks..]) {
        *y *= a;
        tail += z.into() * *y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

fn norm(v: &[f64]) -> f64 {
    dot(v, v).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-loop recursion as Nocedal & Wright write it, one pass per
    /// operation: the reference for [`History::direction`].
    fn textbook_direction(h: &History<f64>, g: &[f64]) -> Vec<f64> {
        let mut q = g.to_vec();
        let mut alpha = [0.0; MEMORY];
        for k in (0..h.len).rev() {
            let i = (h.head + k) % MEMORY;
            alpha[i] = h.rho[i] * dot(&h.s[i], &q);
            axpy(-alpha[i], &h.y[i], &mut q);
        }
        if h.len > 0 {
            let newest = (h.head + h.len - 1) % MEMORY;
            let gamma = 1.0 / (h.rho[newest] * dot(&h.y[newest], &h.y[newest]));
            q.iter_mut().for_each(|v| *v *= gamma);
        }
        for k in 0..h.len {
            let i = (h.head + k) % MEMORY;
            let b = h.rho[i] * dot(&h.y[i], &q);
            axpy(alpha[i] - b, &h.s[i], &mut q);
        }
        q.iter().map(|v| -v).collect()
    }

    #[test]
    fn the_fused_recursion_is_the_textbook_one_bit_for_bit() {
        // Steps of a convex quadratic with uneven curvature, past a full
        // memory so the ring wraps; 13 parameters leave a tail after the
        // four-wide sums.
        let n = 13;
        let curvature = |i: usize| 1.0 + (i * 7 % 5) as f64;
        let gradient = |x: &[f64]| -> Vec<f64> {
            x.iter()
                .enumerate()
                .map(|(i, xi)| curvature(i) * (xi - i as f64))
                .collect()
        };
        let mut history = History::<f64>::new(n);
        let mut x: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
        let mut out = vec![0.0; n];
        for step in 0..2 * MEMORY {
            let g = gradient(&x);
            history.direction(&g, &mut out);
            assert_eq!(out, textbook_direction(&history, &g), "step {step}");
            let x_new: Vec<f64> = x.iter().zip(&out).map(|(xi, d)| xi + 0.3 * d).collect();
            history.push(&x, &g, &x_new, &gradient(&x_new));
            x = x_new;
        }
        assert_eq!(history.len, MEMORY);
    }

    fn run(f: impl FnMut(&[f64], &mut [f64]) -> f64, x0: Vec<f64>) -> Minimum {
        let stopping = Stopping {
            max_iterations: 500,
            gradient_tolerance: 1e-10,
            loss_tolerance: 0.0,
            window: 5,
        };
        minimize::<f64>(f, x0, stopping).unwrap()
    }

    #[test]
    fn finds_the_minimum_of_an_ill_conditioned_quadratic() {
        // sum_i c_i (x_i - i)^2 with curvatures spanning four orders of magnitude.
        let scale: Vec<f64> = (0..30)
            .map(|i| 10f64.powf(i as f64 / 29.0 * 4.0 - 2.0))
            .collect();
        let m = run(
            |x, g| {
                let mut loss = 0.0;
                for i in 0..x.len() {
                    let d = x[i] - i as f64;
                    loss += scale[i] * d * d;
                    g[i] = 2.0 * scale[i] * d;
                }
                loss
            },
            vec![0.0; 30],
        );
        for (i, xi) in m.x.iter().enumerate() {
            assert!(
                (xi - i as f64).abs() < 1e-4,
                "x[{i}] = {xi} after {} iterations",
                m.iterations
            );
        }
    }

    #[test]
    fn finds_the_rosenbrock_valley_floor() {
        let m = run(
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            vec![-1.2, 1.0],
        );
        assert!(
            (m.x[0] - 1.0).abs() < 1e-5 && (m.x[1] - 1.0).abs() < 1e-5,
            "{:?}",
            m.x
        );
        assert!(m.iterations < 100, "{} iterations", m.iterations);
    }

    #[test]
    fn a_step_without_positive_curvature_leaves_a_full_memory_untouched() {
        let n = 4;
        let mut history = History::<f64>::new(n);
        let mut x = vec![0.0; n];
        let mut g = vec![1.0, -2.0, 0.5, 3.0];
        for k in 0..MEMORY {
            let x_new: Vec<f64> = x
                .iter()
                .enumerate()
                .map(|(i, v)| v + 0.1 * (i + k + 1) as f64)
                .collect();
            let g_new: Vec<f64> = g
                .iter()
                .zip(&x_new)
                .zip(&x)
                .map(|((gi, a), b)| gi + 2.0 * (a - b))
                .collect();
            history.push(&x, &g, &x_new, &g_new);
            (x, g) = (x_new, g_new);
        }
        let mut before = vec![0.0; n];
        history.direction(&g, &mut before);
        // The gradient falls along the step: s.y < 0, so the pair is skipped.
        let x_new: Vec<f64> = x.iter().map(|v| v + 1.0).collect();
        let g_new: Vec<f64> = g.iter().map(|v| v - 1.0).collect();
        history.push(&x, &g, &x_new, &g_new);
        let mut after = vec![0.0; n];
        history.direction(&g, &mut after);
        assert_eq!(before, after);
    }

    #[test]
    fn a_loose_loss_tolerance_stops_early_and_a_window_holds_it_back() {
        let quad = |x: &[f64], g: &mut [f64]| {
            let mut loss = 0.0;
            for i in 0..x.len() {
                let c = 1.0 + i as f64;
                loss += c * (x[i] - 1.0).powi(2);
                g[i] = 2.0 * c * (x[i] - 1.0);
            }
            loss
        };
        let with = |loss_tolerance: f64, window: usize| {
            let stopping = Stopping {
                max_iterations: 200,
                gradient_tolerance: 1e-12,
                loss_tolerance,
                window,
            };
            minimize::<f64>(quad, vec![0.0; 30], stopping)
                .unwrap()
                .iterations
        };
        let full = with(0.0, 5);
        assert!(with(1e3, 1) < full);
        assert!(with(1e-3, 5) >= with(1e-3, 1));
    }
}
