//! Template execution: the template set, the evaluator and its errors.

pub mod error;
pub mod exec;
pub mod template_set;

pub use error::{ExecError, Frame};
pub use exec::{Evaluator, MissingRead, Read};
pub use template_set::TemplateSet;
