//! Integration tests, built as one binary.

mod cli;
mod datasets;
mod explain;
mod model_file;
mod segment;
mod shipped;
mod solver;
mod text;
