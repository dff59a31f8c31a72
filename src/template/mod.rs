//! Go text/template: syntax tree, lexer and parser, and parsing ahead on a
//! second thread.

pub mod ast;
pub mod lexer;
pub mod parse_ahead;
pub mod parser;

pub use parser::{is_empty_list, line_col, parse, ParseError};

/// A template file's text, shared by the threads that parse it and the
/// template set (a `String` so that file bytes become text without a copy).
pub type SourceText = std::sync::Arc<String>;
