//! Go text/template: syntax tree, lexer and parser.

pub mod ast;
