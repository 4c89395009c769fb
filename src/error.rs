//! The library's error type: every variant carries what went wrong and where.

use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A data file is malformed at a given line (1-based, counting the header as line 1).
    #[error("{path}:{line}: {field}: {message}")]
    Data {
        path: PathBuf,
        line: u64,
        field: String,
        message: String,
    },

    /// A data file has no rows to learn from or evaluate.
    #[error("{path}: {message}")]
    EmptyData { path: PathBuf, message: String },

    /// A model file failed a load check.
    #[error("model {origin}: {problem}")]
    Model {
        origin: String,
        problem: ModelProblem,
    },

    /// A word-vector table failed a load check.
    #[error("word vectors {origin}: {message}")]
    WordVectors { origin: String, message: String },

    /// A setting is out of its allowed range.
    #[error("invalid setting {name} = {value}: {expected}")]
    Setting {
        name: &'static str,
        value: String,
        expected: &'static str,
    },

    /// Drawing a chart failed.
    #[error("chart: {0}")]
    Chart(String),

    /// The optimiser failed.
    #[error("training failed: {0}")]
    Training(String),
}

/// Why a model file was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelProblem {
    #[error("not a stance model (wrong magic bytes)")]
    BadMagic,
    #[error("format version {found} is newer than this build reads (up to {supported})")]
    UnsupportedVersion { found: u32, supported: u32 },
    #[error("truncated: {len} bytes, at least {needed} expected")]
    Truncated { len: usize, needed: usize },
    #[error(
        "checksum mismatch (stored {stored:08x}, computed {computed:08x}): the file is corrupt"
    )]
    Checksum { stored: u32, computed: u32 },
    #[error("header field {field} = {value} is out of range ({expected})")]
    BadHeader {
        field: &'static str,
        value: u64,
        expected: &'static str,
    },
    #[error("size mismatch: header implies {expected} bytes, file has {found}")]
    SizeMismatch { expected: usize, found: usize },
    #[error("metadata is not valid: {0}")]
    BadMetadata(String),
    #[error("no model is embedded in this build; pass --model PATH")]
    NotEmbedded,
}

impl Error {
    /// A malformed-data error at `line` and `field` of `path`.
    pub(crate) fn data(path: &std::path::Path, line: u64, field: &str, message: String) -> Self {
        Error::Data {
            path: path.to_path_buf(),
            line,
            field: field.to_string(),
            message,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
