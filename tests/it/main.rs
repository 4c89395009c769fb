//! Integration tests, built as one binary.

mod alloc;
mod cli;
mod datasets;
mod explain;
mod language;
mod model_file;
mod properties;
mod records;
mod segment;
mod shipped;
mod solver;
mod structured;
mod text;
mod trend;
mod vectors;
