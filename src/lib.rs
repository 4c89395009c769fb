//! `stance`: scores English statements on international relations for
//! hostility (hostile / neutral / friendly) and openness to diplomacy
//! (open / none / closed), sentence by sentence.
//!
//! The pipeline: [`text`] splits documents into sentences and sentences into
//! tokens; [`features`] hashes stems, n-grams and cue classes into buckets;
//! [`model::Classifier`] scores them with one linear model per axis;
//! [`train`] fits those models (linfa-logistic's objective on sparse rows);
//! [`eval`] measures them.

pub mod corpus;
pub mod dataset;
pub mod error;
pub mod eval;
pub mod explain;
pub mod features;
pub mod language;
pub mod model;
pub mod records;
pub mod summary;
pub mod text;
pub mod train;
pub mod trend;
pub mod vectors;

pub use error::{Error, Result};
pub use features::{FeatureConfig, Featurizer, Scratch};
pub use model::{Axis, Classifier, Prediction};
