//! Trends: sentence scores gathered per period and group (a country, a
//! speaker, an outlet), for tables and a line chart.

pub mod chart;
pub mod date;

use std::collections::BTreeMap;

use serde::Serialize;

pub use date::{DATE_FORMATS, Date, ParsedDate, Period, Precision, parse_date};

use crate::model::{Axis, Prediction};

/// Sums over the sentences of one period and group.
#[derive(Clone, Debug, Default)]
struct Tally {
    records: u64,
    sentences: u64,
    unscored: u64,
    hostility: f64,
    openness: f64,
    /// Sentences per predicted class, per axis (in [`Axis::labels`] order).
    classes: [[u64; 3]; 2],
}

/// Scores gathered by period start and group.
#[derive(Clone, Debug)]
pub struct Trend {
    period: Period,
    cells: BTreeMap<(Date, String), Tally>,
}

/// One period and group of a trend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendRow {
    /// The period's name (`2026-W48`, `2026-Q4`, ...).
    pub period: String,
    /// The period's first day.
    pub start: String,
    pub group: String,
    pub records: u64,
    /// Scored sentences.
    pub sentences: u64,
    /// Sentences left unscored (not English), not in the means and shares.
    pub unscored: u64,
    /// Mean P(hostile) over the sentences.
    pub mean_hostility: f64,
    /// Mean P(open) - P(closed) over the sentences.
    pub mean_openness: f64,
    pub hostile_share: f64,
    pub neutral_share: f64,
    pub friendly_share: f64,
    pub open_share: f64,
    pub none_share: f64,
    pub closed_share: f64,
    #[serde(skip)]
    pub start_date: Date,
}

impl Trend {
    pub fn new(period: Period) -> Self {
        Trend {
            period,
            cells: BTreeMap::new(),
        }
    }

    pub fn period(&self) -> Period {
        self.period
    }

    /// Adds one record dated `date` to `group`: its scored sentences'
    /// predictions, and the number of its sentences left unscored.
    pub fn add(&mut self, date: Date, group: &str, predictions: &[Prediction], unscored: usize) {
        let key = (self.period.start(date), group.to_string());
        let tally = self.cells.entry(key).or_default();
        tally.records += 1;
        tally.unscored += unscored as u64;
        for p in predictions {
            tally.sentences += 1;
            tally.hostility += f64::from(p.hostility_score());
            tally.openness += f64::from(p.openness_score());
            for (i, axis) in Axis::BOTH.into_iter().enumerate() {
                tally.classes[i][p.class(axis)] += 1;
            }
        }
    }

    /// The rows in period order, then group order. A period and group
    /// whose records had no sentences has zero means and shares.
    pub fn rows(&self) -> Vec<TrendRow> {
        self.cells
            .iter()
            .map(|((start, group), t)| {
                let n = t.sentences.max(1) as f64;
                let share = |axis: usize, class: usize| t.classes[axis][class] as f64 / n;
                TrendRow {
                    period: self.period.label(*start),
                    start: start.to_string(),
                    group: group.clone(),
                    records: t.records,
                    sentences: t.sentences,
                    unscored: t.unscored,
                    mean_hostility: t.hostility / n,
                    mean_openness: t.openness / n,
                    hostile_share: share(0, 0),
                    neutral_share: share(0, 1),
                    friendly_share: share(0, 2),
                    open_share: share(1, 0),
                    none_share: share(1, 1),
                    closed_share: share(1, 2),
                    start_date: *start,
                }
            })
            .collect()
    }
}
