//! `stance eval`: per-axis metrics of a model on a labeled CSV file.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use serde_json::json;
use stance::dataset::{OnError, read_labeled};
use stance::eval::{AxisMetrics, AxisTally, ByGroup, Difference, Group, GroupScore};
use stance::{Axis, Scratch};

#[derive(clap::Args)]
pub struct Args {
    /// Labeled CSV file.
    #[arg(long, value_name = "CSV")]
    pub data: PathBuf,
    /// Model file [default: the embedded model].
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
    #[command(flatten)]
    pub columns: super::ColumnArgs,
    /// Also list the N most confident mistakes with their top features.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub errors: usize,
    /// Resamples for the 95% bootstrap interval of macro-F1 (0: none).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub bootstrap: usize,
    /// Also score a second model on the same rows and report how much
    /// --model's macro-F1 differs from it, with a paired bootstrap interval.
    /// A model file, or `embedded` for the built-in model.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// Also score the rows of each value of COLUMN apart (a register, a
    /// source, an outlet); a value listing tags separated by `|` counts
    /// toward each tag.
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
}

pub fn run(args: Args) -> Result<()> {
    let model = super::load_model(args.model.as_ref())?;
    let baseline = match &args.baseline {
        Some(p) if p.as_os_str() == "embedded" => Some(super::load_model(None)?),
        Some(p) => Some(super::load_model(Some(p))?),
        None => None,
    };
    let mut baseline_tallies = Axis::BOTH.map(AxisTally::new);
    let mut columns = args.columns.into_columns();
    columns.group = args.by.clone();
    let data = read_labeled(&args.data, &columns, OnError::Fail)?;
    let mut tallies = Axis::BOTH.map(AxisTally::new);
    let mut by_group = ByGroup::default();
    let mut scratch = Scratch::default();
    let progress = super::progress::Bar::steps(data.examples.len() as u64, "scoring");
    for example in &data.examples {
        progress.inc(1);
        let p = model.predict(&example.text, &mut scratch);
        for (tally, axis) in tallies.iter_mut().zip(Axis::BOTH) {
            tally.add(example.class(axis), p.probs(axis).map(f64::from));
        }
        if let Some(cell) = &example.group {
            by_group.add(
                cell,
                Axis::BOTH.map(|axis| example.class(axis)),
                Axis::BOTH.map(|axis| p.probs(axis).map(f64::from)),
            );
        }
        if let Some(baseline) = &baseline {
            let q = baseline.predict(&example.text, &mut scratch);
            for (tally, axis) in baseline_tallies.iter_mut().zip(Axis::BOTH) {
                tally.add(example.class(axis), q.probs(axis).map(f64::from));
            }
        }
    }
    progress.finish();
    let metrics = tallies.each_ref().map(|t| AxisMetrics {
        macro_f1_ci95: t.macro_f1_interval(args.bootstrap),
        ..t.finish()
    });
    // Per axis: the baseline's macro-F1 and the difference from it.
    let comparison: Option<Vec<(f64, Option<Difference>)>> = baseline.as_ref().map(|_| {
        tallies
            .iter()
            .zip(&baseline_tallies)
            .map(|(t, b)| {
                (
                    b.finish().macro_f1,
                    t.macro_f1_difference(b, args.bootstrap),
                )
            })
            .collect()
    });
    let mut out = io::stdout().lock();
    if args.errors > 0 {
        print_errors(&mut out, &model, &data.examples, args.errors)?;
    }
    if args.format == "json" {
        let mut report = json!({
            "hostility": metrics[0],
            "diplomacy": metrics[1],
            "rows": data.examples.len(),
        });
        if let (Some(path), Some(comparison)) = (&args.baseline, &comparison) {
            let axis = |(f1, d): &(f64, Option<Difference>)| {
                json!({
                    "macro_f1": f1,
                    "difference": d.map(|d| d.difference),
                    "difference_ci95": d.map(|d| d.ci95),
                })
            };
            report["baseline"] = json!({
                "model": path.display().to_string(),
                "hostility": axis(&comparison[0]),
                "diplomacy": axis(&comparison[1]),
            });
        }
        if let Some(column) = &args.by {
            report["by"] = json!({"column": column, "groups": by_group.groups()});
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        writeln!(
            out,
            "{} rows of {}",
            data.examples.len(),
            args.data.display()
        )?;
        for (k, (axis, m)) in Axis::BOTH.iter().zip(&metrics).enumerate() {
            print_table(&mut out, *axis, m)?;
            if let (Some(path), Some(comparison)) = (&args.baseline, &comparison) {
                let (f1, d) = &comparison[k];
                let diff = d
                    .map(|d| {
                        format!(
                            ", difference {:+.3} (95% CI {:+.3} to {:+.3})",
                            d.difference, d.ci95[0], d.ci95[1]
                        )
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  against baseline {}: macro-F1 {f1:.3}{diff}",
                    path.display()
                )?;
            }
        }
        if let Some(column) = &args.by {
            print_groups(&mut out, column, &by_group.groups())?;
        }
    }
    Ok(())
}

fn print_groups(out: &mut impl Write, column: &str, groups: &[Group]) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "by {column}: accuracy and macro-F1 (over the classes each group has)"
    )?;
    let width = groups
        .iter()
        .map(|g| g.value.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    writeln!(
        out,
        "  {:<width$} {:>6}  {:>15}  {:>15}",
        "group", "rows", "hostility", "diplomacy"
    )?;
    for g in groups {
        let value = if g.value.is_empty() {
            "(empty)"
        } else {
            &g.value
        };
        let pair = |s: &GroupScore| format!("{:.3} / {:.3}", s.accuracy, s.macro_f1);
        writeln!(
            out,
            "  {:<width$} {:>6}  {:>15}  {:>15}",
            value,
            g.rows,
            pair(&g.hostility),
            pair(&g.diplomacy)
        )?;
    }
    Ok(())
}

fn print_table(out: &mut impl Write, axis: Axis, m: &AxisMetrics) -> io::Result<()> {
    writeln!(out)?;
    let interval = m
        .macro_f1_ci95
        .map(|[lo, hi]| format!(" (95% CI {lo:.3}-{hi:.3})"))
        .unwrap_or_default();
    writeln!(
        out,
        "{}: accuracy {:.3}  macro-F1 {:.3}{interval}  log-loss {:.3}  ECE {:.3}",
        axis.name(),
        m.accuracy,
        m.macro_f1,
        m.log_loss,
        m.ece
    )?;
    writeln!(
        out,
        "  {:<10} {:>9} {:>7} {:>7} {:>8}",
        "class", "precision", "recall", "F1", "support"
    )?;
    for label in axis.labels() {
        let c = &m.per_class[label];
        writeln!(
            out,
            "  {:<10} {:>9.3} {:>7.3} {:>7.3} {:>8}",
            label, c.precision, c.recall, c.f1, c.support
        )?;
    }
    writeln!(out, "  confusion (rows: truth, columns: predicted)")?;
    writeln!(
        out,
        "  {:<10} {:>9} {:>9} {:>9}",
        "", m.labels[0], m.labels[1], m.labels[2]
    )?;
    for (label, row) in m.labels.iter().zip(&m.confusion) {
        writeln!(
            out,
            "  {:<10} {:>9} {:>9} {:>9}",
            label, row[0], row[1], row[2]
        )?;
    }
    writeln!(out, "  reliability (top-label confidence bins)")?;
    for bin in &m.reliability {
        writeln!(
            out,
            "  {:.2}-{:.2}  n {:>5}  confidence {:.3}  accuracy {:.3}",
            bin.lower, bin.upper, bin.count, bin.mean_confidence, bin.accuracy
        )?;
    }
    Ok(())
}

/// The most confident mistakes, with the features that drove them.
fn print_errors(
    out: &mut impl Write,
    model: &stance::Classifier,
    examples: &[stance::dataset::Example],
    n: usize,
) -> io::Result<()> {
    let mut scratch = Scratch::default();
    let mut mistakes = Vec::new();
    for (i, e) in examples.iter().enumerate() {
        let p = model.predict(&e.text, &mut scratch);
        for axis in Axis::BOTH {
            let predicted = p.class(axis);
            if predicted != e.class(axis) {
                mistakes.push((p.probs(axis)[predicted], i, axis));
            }
        }
    }
    mistakes.sort_by(|a, b| b.0.total_cmp(&a.0));
    writeln!(
        out,
        "most confident mistakes ({} of {}):",
        n.min(mistakes.len()),
        mistakes.len()
    )?;
    for (confidence, i, axis) in mistakes.into_iter().take(n) {
        let e = &examples[i];
        let ex = stance::explain::explain(model, &e.text, &mut scratch);
        let ax = &ex[if axis == Axis::Hostility { 0 } else { 1 }];
        writeln!(
            out,
            "\nline {}: {} predicted {} ({:.2}), labeled {}\n  {}",
            e.line,
            axis.name(),
            ax.label,
            confidence,
            axis.labels()[e.class(axis)],
            e.text
        )?;
        let top: Vec<String> = ax
            .contributions
            .iter()
            .take(6)
            .map(|c| format!("{} \"{}\" {:+.2}", c.feature, c.text, c.contribution))
            .collect();
        writeln!(out, "  toward {}: {}", ax.label, top.join(", "))?;
    }
    Ok(())
}
