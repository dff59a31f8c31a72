//! Go text/template: syntax tree, lexer and parser.

pub mod ast;
pub mod lexer;
pub mod parser;

pub use parser::{line_col, parse, ParseError};
