//! trace-value: render Helm charts exactly as Helm does and record, while
//! rendering, which values key produced or decided every byte of output.
//!
//! The pipeline (see `docs/DESIGN.md` in the repository):
//! chart loading and values coalescing ([`chart`]) → template parsing
//! ([`template`]) → evaluation into traced text ([`eval`]) → queries.

pub mod alloy;
pub mod chart;
pub mod deletions;
pub mod docs;
pub mod embedded;
pub mod eval;
pub mod funcs;
pub mod gofmt;
pub mod json;
pub mod limits;
pub mod location;
pub mod manifest;
pub mod migrate;
pub mod model;
pub mod origin;
pub mod prefetch;
pub mod query;
pub mod render;
pub mod template;
pub mod traced;
pub mod value;
pub mod yaml;
