//! The trend chart: mean hostility (top) and mean openness (bottom) per
//! period, one line per group, as SVG.

use plotters::prelude::*;

use super::{Date, Period, TrendRow};
use crate::error::{Error, Result};

const WIDTH: u32 = 960;
const HEIGHT: u32 = 640;
const LEGEND_WIDTH: u32 = 170;

/// Draws `rows` (from [`super::Trend::rows`]) as an SVG document.
pub fn svg(rows: &[TrendRow], period: Period, title: &str) -> Result<String> {
    let mut out = String::new();
    draw(&mut out, rows, period, title).map_err(|e| Error::Chart(e.to_string()))?;
    Ok(out)
}

type Failure = Box<dyn std::error::Error>;

fn draw(out: &mut String, rows: &[TrendRow], period: Period, title: &str) -> Result<(), Failure> {
    let mut groups: Vec<&str> = rows.iter().map(|r| r.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let days = |r: &TrendRow| r.start_date.days();
    let mut starts: Vec<i64> = rows.iter().map(days).collect();
    starts.sort_unstable();
    starts.dedup();
    let first = starts.first().copied().unwrap_or(0);
    let last = starts.last().copied().unwrap_or(0);
    // A little room either side, so one period still has a width.
    let pad = ((last - first) / 40).max(1);
    // Ticks on period starts (at most 12 of them), labeled with the period.
    let step = starts.len().div_ceil(12).max(1);
    let ticks: Vec<i64> = starts.iter().copied().step_by(step).collect();
    let tick_label = move |x: &i64| period.label(Date::from_days(*x));

    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 22))?;
    let (plots, legend) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
    let (upper, lower) = plots.split_vertically((HEIGHT - 40) / 2);
    let panels = [
        (upper, "mean hostility (P hostile)", 0.0..1.0, true),
        (lower, "mean openness (P open - P closed)", -1.0..1.0, false),
    ];
    for (area, caption, y_range, hostility) in panels {
        let x_range = (first - pad..last + pad).with_key_points(ticks.clone());
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .caption(caption, ("sans-serif", 15))
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(x_range, y_range)?;
        chart
            .configure_mesh()
            .y_labels(5)
            .x_label_formatter(&tick_label)
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        for (i, group) in groups.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let points: Vec<(i64, f64)> = rows
                .iter()
                .filter(|r| r.group == *group)
                .map(|r| {
                    let y = if hostility {
                        r.mean_hostility
                    } else {
                        r.mean_openness
                    };
                    (days(r), y)
                })
                .collect();
            chart.draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))?;
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
    }
    // The legend: one swatch and name per group, beside the plots.
    for (i, group) in groups.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let y = 60 + 22 * i as i32;
        legend.draw(&PathElement::new(
            vec![(8, y), (30, y)],
            color.stroke_width(3),
        ))?;
        legend.draw(&Text::new(
            group.to_string(),
            (38, y - 7),
            ("sans-serif", 14),
        ))?;
    }
    root.present()?;
    Ok(())
}
