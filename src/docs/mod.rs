//! Values references (`docs`) and the report of values that change nothing
//! (`check`), built from helm-docs comments and the trace.

pub mod comments;
