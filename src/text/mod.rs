//! Text pipeline: sentence segmentation, tokenisation into byte spans,
//! normalisation and stemming. Nothing here allocates per call once the
//! caller's buffers are warm.

pub mod normalize;
pub mod segment;
pub mod stem;
pub mod tokenize;

pub use segment::{Sentences, sentences};
pub use stem::EnglishStemmer;
pub use tokenize::{Token, TokenKind, tokenize_into};
