//! Integration tests, built as one binary.

mod cli;
mod model_file;
mod segment;
mod solver;
mod text;
