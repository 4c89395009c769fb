//! The sparse trainer minimises linfa-logistic's objective with linfa-logistic's
//! optimiser: on a problem small enough for linfa's dense path, both reach the
//! same weights.

use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use stance::train::solver::{Problem, SolverSettings, SparseRows, cost_and_gradient, fit};

/// A deterministic 3-class problem: 90 rows, 7 features, a little noise.
fn problem() -> (Array2<f64>, Vec<usize>) {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let rows = 90;
    let mut x = Array2::zeros((rows, 7));
    let mut y = Vec::new();
    for i in 0..rows {
        let class = i % 3;
        for j in 0..7 {
            let signal = if j % 3 == class { 1.0 } else { 0.0 };
            x[[i, j]] = signal + next() - 0.5;
        }
        y.push(class);
    }
    (x, y)
}

#[test]
fn sparse_solver_reaches_linfa_logistic_weights() {
    let (x, y) = problem();
    let alpha = 0.5;
    let targets = Array1::from(y.clone());
    let dataset = Dataset::new(x.clone(), targets);
    let linfa = MultiLogisticRegression::default()
        .alpha(alpha)
        .max_iterations(100)
        .fit(&dataset)
        .expect("linfa fits");

    let mut sparse = SparseRows::new(x.ncols());
    for row in x.rows() {
        sparse.push_row(row.iter().enumerate().map(|(j, &v)| (j as u32, v)));
    }
    let rows: Vec<usize> = (0..x.nrows()).collect();
    let ours = fit(
        &Problem {
            x: &sparse,
            rows: &rows,
            targets: &y,
            row_weights: &vec![1.0; x.nrows()],
            classes: 3,
            alpha,
        },
        SolverSettings::default(),
    )
    .expect("sparse fit");

    // linfa orders classes by label value; ours by index: the same here.
    assert_eq!(linfa.classes(), &[0, 1, 2]);
    let tolerance = 1e-4;
    for j in 0..x.ncols() {
        for k in 0..3 {
            let (a, b) = (linfa.params()[[j, k]], ours.params[j * 3 + k]);
            assert!(
                (a - b).abs() < tolerance,
                "W[{j},{k}]: linfa {a}, sparse {b}"
            );
        }
    }
    for k in 0..3 {
        let (a, b) = (linfa.intercept()[k], ours.params[x.ncols() * 3 + k]);
        assert!((a - b).abs() < tolerance, "b[{k}]: linfa {a}, sparse {b}");
    }
}

/// Our metrics agree with linfa's confusion matrix on accuracy and on each
/// class's one-vs-all F1. (linfa 0.8.1 lays its matrix out as prediction x
/// truth and its one-vs-all precision and recall come out exchanged against
/// the usual definitions, so the comparison uses the symmetric F1.)
#[test]
fn stopping_on_a_small_loss_change_costs_little_loss() {
    // A weakly regularised problem that keeps improving for all 100
    // iterations: the early stop must land within a hair of the full fit.
    let (x, y) = problem();
    let mut sparse = SparseRows::new(x.ncols());
    for row in x.rows() {
        sparse.push_row(row.iter().enumerate().map(|(j, &v)| (j as u32, v)));
    }
    let rows: Vec<usize> = (0..x.nrows()).collect();
    let problem = Problem {
        x: &sparse,
        rows: &rows,
        targets: &y,
        row_weights: &vec![1.0; x.nrows()],
        classes: 3,
        alpha: 0.001,
    };
    let cost = |tolerance: f64| {
        let settings = SolverSettings {
            cost_tolerance_per_row: tolerance,
            ..SolverSettings::default()
        };
        let params = fit(&problem, settings).unwrap();
        cost_and_gradient(&problem, &params.params).0
    };
    let (full, early, loose) = (cost(0.0), cost(2e-4), cost(0.5));
    let per_row = |c: f64| c / x.nrows() as f64;
    assert!(full <= early + 1e-9, "full {full} early {early}");
    assert!(per_row(early - full) < 0.005, "full {full} early {early}");
    // A tolerance far too loose stops almost at once: the setting is used.
    assert!(loose > 2.0 * full, "full {full} loose {loose}");
}

#[test]
fn eval_metrics_agree_with_linfa_confusion_matrix() {
    use stance::Axis;
    use stance::eval::AxisTally;
    let truth: Vec<usize> = (0..300).map(|i| (i * 7 + i / 5) % 3).collect();
    let predicted: Vec<usize> = truth
        .iter()
        .enumerate()
        .map(|(i, &t)| if i % 4 == 0 { (t + 1 + i % 2) % 3 } else { t })
        .collect();
    let mut tally = AxisTally::new(Axis::Diplomacy);
    for (&t, &p) in truth.iter().zip(&predicted) {
        let mut probs = [0.1; 3];
        probs[p] = 0.8;
        tally.add(t, probs);
    }
    let ours = tally.finish();
    let cm = Array1::from(predicted.clone())
        .confusion_matrix(Array1::from(truth.clone()))
        .unwrap();
    assert!((f64::from(cm.accuracy()) - ours.accuracy).abs() < 1e-6);
    for (k, one_vs_all) in cm.split_one_vs_all().iter().enumerate() {
        let label = Axis::Diplomacy.labels()[k];
        let f1 = ours.per_class[label].f1;
        assert!(
            (f64::from(one_vs_all.f1_score()) - f1).abs() < 1e-5,
            "{label}: linfa {} ours {f1}",
            one_vs_all.f1_score()
        );
    }
}

#[test]
fn single_precision_reaches_the_same_minimum() {
    // Three sparse columns and eleven dense ones (the problem's other four
    // features and seven of noise); fitted to convergence, the objective's
    // one minimum is reached whichever precision the dense products and the
    // optimiser's history use.
    let (x, y) = problem();
    let mut noise = 0x9e37_79b9_7f4a_7c15u64;
    let mut rows = SparseRows::with_dense(3, 11);
    for row in x.rows() {
        let mut dense: Vec<f32> = row.iter().skip(3).map(|&v| v as f32).collect();
        for _ in 0..7 {
            noise ^= noise << 13;
            noise ^= noise >> 7;
            noise ^= noise << 17;
            dense.push((noise >> 40) as f32 / (1u64 << 24) as f32 - 0.5);
        }
        rows.push_row_with_dense(
            row.iter().take(3).enumerate().map(|(j, &v)| (j as u32, v)),
            &dense,
        );
    }
    let all: Vec<usize> = (0..x.nrows()).collect();
    for classes in [2, 3] {
        let targets: Vec<usize> = y.iter().map(|&t| t % classes).collect();
        let problem = Problem {
            x: &rows,
            rows: &all,
            targets: &targets,
            row_weights: &vec![1.0; x.nrows()],
            classes,
            alpha: 0.5,
        };
        let fit_with = |single_precision| {
            let settings = SolverSettings {
                max_iterations: 500,
                gradient_tolerance: 1e-6,
                single_precision,
                ..SolverSettings::default()
            };
            fit(&problem, settings).unwrap().params
        };
        let (double, single) = (fit_with(false), fit_with(true));
        let largest = double.iter().fold(0f64, |m, w| m.max(w.abs()));
        assert!(largest > 0.1, "{double:?}");
        for (d, s) in double.iter().zip(&single) {
            assert!(
                (d - s).abs() < 1e-3 * largest,
                "{classes} classes: {d} vs {s}"
            );
        }
    }
}
