//! Go text/template: syntax tree, lexer and parser.

pub mod ast;
pub mod lexer;
pub mod parser;

pub use parser::{is_empty_list, line_col, parse, ParseError};
