//! Execution errors, worded as Go's text/template and Helm word them.
//!
//! Go formats a runtime fault as
//! `template: FILE:LINE:COL: executing "NAME" at <NODE>: CAUSE`; an error
//! raised inside `include` becomes the cause of the caller's error
//! (`error calling include: template: ...`). An [`ExecError`] keeps that
//! chain as frames, outermost first, so it can print Go's one-line text
//! ([`Display`](std::fmt::Display)) or Helm v4's rewrite of it
//! ([`ExecError::helm_message`]).

use std::fmt;

/// One template in the chain that led to a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// `file:line:col` of the node being executed (Go's ErrorContext).
    pub location: String,
    /// Name of the template being executed (a file or a `define`).
    pub template: String,
    /// Go's rendering of the node (the `<...>` part).
    pub context: String,
    /// The cause; for a frame that has an inner frame, the prefix before it
    /// (`error calling include: `).
    pub cause: String,
}

/// A runtime fault while executing a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError {
    /// The frames, outermost first.
    pub frames: Vec<Frame>,
    /// Text after the last frame that is not itself a frame
    /// (`template: no template "x" associated with template "gotpl"`).
    pub tail: Option<String>,
    /// The message of a `fail`/`required` at the root of the chain.
    pub user_message: Option<String>,
}

impl ExecError {
    /// An error with one frame.
    pub fn new(frame: Frame) -> Self {
        ExecError {
            frames: vec![frame],
            tail: None,
            user_message: None,
        }
    }

    /// A template-level error with no node (`template: ...: message`).
    pub fn plain(_name: &str, message: String) -> Self {
        ExecError {
            frames: Vec::new(),
            tail: Some(format!("template: {message}")),
            user_message: None,
        }
    }

    /// Append the chain of an error raised inside this frame's call.
    pub fn push_inner(&mut self, inner: ExecError) {
        self.frames.extend(inner.frames);
        self.tail = inner.tail;
        if self.user_message.is_none() {
            self.user_message = inner.user_message;
        }
    }

    /// The message Helm v4 prints for this error.
    pub fn helm_message(&self) -> String {
        if let (Some(msg), Some(first)) = (&self.user_message, self.frames.first()) {
            return format!("execution error at ({}): {msg}", first.location);
        }
        // Helm lays out chains of `include`s and faults of the template
        // engine itself; an error a function returned (`error calling
        // index: ...`, `tpl`) keeps Go's one-line text.
        let last_is_function_error = self.frames.last().is_some_and(|f| {
            f.cause.starts_with("error calling ") && f.cause != "error calling include: "
        });
        let include_chain = self.frames.len() <= 100
            && !last_is_function_error
            && self.frames[..self.frames.len().saturating_sub(1)]
                .iter()
                .all(|f| f.cause == "error calling include: ");
        if !include_chain || self.frames.is_empty() {
            return self.to_string();
        }
        let mut out = String::new();
        for (i, f) in self.frames.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!(
                "{}\n  executing \"{}\" at <{}>:\n    {}",
                f.location,
                f.template,
                f.context,
                f.cause.trim_end()
            ));
        }
        if let Some(t) = &self.tail {
            out.push('\n');
            out.push_str(t);
        }
        out
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for fr in &self.frames {
            write!(
                f,
                "template: {}: executing \"{}\" at <{}>: {}",
                fr.location, fr.template, fr.context, fr.cause
            )?;
        }
        if let Some(t) = &self.tail {
            f.write_str(t)?;
        }
        Ok(())
    }
}

impl std::error::Error for ExecError {}
