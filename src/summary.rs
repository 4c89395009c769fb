//! Document summaries: how hostile and how open a whole document is, from
//! the scores of its sentences.

use serde::Serialize;

use crate::model::{Axis, Prediction};

/// Accumulates the sentences of one document.
#[derive(Clone, Debug, Default)]
pub struct SummaryBuilder {
    sentences: usize,
    hostility_sum: f64,
    openness_sum: f64,
    hostile: usize,
    friendly: usize,
    open: usize,
    closed: usize,
    most_hostile: Option<(f32, String)>,
    most_open: Option<(f32, String)>,
    unscored: usize,
}

/// The summary of one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentSummary {
    pub sentences: usize,
    pub mean_hostility: f64,
    pub max_hostility: f64,
    pub hostile_share: f64,
    pub friendly_share: f64,
    pub mean_openness: f64,
    pub open_share: f64,
    pub closed_share: f64,
    pub most_hostile: String,
    pub most_open: String,
    /// Sentences left unscored (not English); not in the figures above.
    pub unscored: usize,
}

impl SummaryBuilder {
    /// Adds one scored sentence.
    pub fn add(&mut self, text: &str, p: &Prediction) {
        self.sentences += 1;
        let hostility = p.hostility_score();
        let openness = p.openness_score();
        self.hostility_sum += f64::from(hostility);
        self.openness_sum += f64::from(openness);
        match p.label(Axis::Hostility) {
            "hostile" => self.hostile += 1,
            "friendly" => self.friendly += 1,
            _ => {}
        }
        match p.label(Axis::Diplomacy) {
            "open" => self.open += 1,
            "closed" => self.closed += 1,
            _ => {}
        }
        // Ties keep the earlier sentence.
        if self
            .most_hostile
            .as_ref()
            .is_none_or(|(s, _)| hostility > *s)
        {
            self.most_hostile = Some((hostility, text.to_string()));
        }
        if self.most_open.as_ref().is_none_or(|(s, _)| openness > *s) {
            self.most_open = Some((openness, text.to_string()));
        }
    }

    /// Counts a sentence that was not scored.
    pub fn add_unscored(&mut self) {
        self.unscored += 1;
    }

    /// True when no sentence was added.
    pub fn is_empty(&self) -> bool {
        self.sentences == 0
    }

    /// The summary so far; `None` for a document without sentences.
    pub fn finish(&self) -> Option<DocumentSummary> {
        if self.sentences == 0 {
            return None;
        }
        let n = self.sentences as f64;
        let (max_hostility, most_hostile) = self.most_hostile.clone()?;
        let (_, most_open) = self.most_open.clone()?;
        Some(DocumentSummary {
            sentences: self.sentences,
            mean_hostility: self.hostility_sum / n,
            max_hostility: f64::from(max_hostility),
            hostile_share: self.hostile as f64 / n,
            friendly_share: self.friendly as f64 / n,
            mean_openness: self.openness_sum / n,
            open_share: self.open as f64 / n,
            closed_share: self.closed as f64 / n,
            most_hostile,
            most_open,
            unscored: self.unscored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_scores_and_extremes() {
        let mut b = SummaryBuilder::default();
        assert!(b.finish().is_none());
        let hostile = Prediction {
            hostility: [0.9, 0.05, 0.05],
            diplomacy: [0.1, 0.2, 0.7],
        };
        let open = Prediction {
            hostility: [0.1, 0.3, 0.6],
            diplomacy: [0.8, 0.1, 0.1],
        };
        b.add("They will pay.", &hostile);
        b.add("We welcome talks.", &open);
        let s = b.finish().unwrap();
        assert_eq!(s.sentences, 2);
        assert!((s.mean_hostility - 0.5).abs() < 1e-6);
        assert!((s.max_hostility - 0.9).abs() < 1e-6);
        assert_eq!((s.hostile_share, s.friendly_share), (0.5, 0.5));
        assert_eq!((s.open_share, s.closed_share), (0.5, 0.5));
        assert!((s.mean_openness - 0.05).abs() < 1e-6);
        assert_eq!(s.most_hostile, "They will pay.");
        assert_eq!(s.most_open, "We welcome talks.");
    }
}
