//! Named limits on what loading a chart and one render may read or build,
//! so that no input makes the process abort, hang or read without bound.
//!
//! Helm's own limits keep Helm's numbers and messages (decompressed chart
//! size, size of one chart file, include nesting, YAML alias expansion);
//! the render budget (one string, one list, one rendered file) is ours:
//! Helm has none and dies of an allocation failure where we give an error.
//! Each limit can be raised with an environment variable, read once.
//!
//! Limits are checked where the work is done, with a comparison of a length
//! already at hand. Code that cannot return an error where it finds a limit
//! exceeded (the Go formatter) records it with [`trip`]; the evaluator turns
//! that into an error at the template call that did it ([`take_tripped`]).

use std::cell::RefCell;
use std::sync::OnceLock;

/// The limits in force (defaults, or raised by environment variables).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Helm's `MaxDecompressedChartSize`: all files of a chart archive,
    /// decompressed (`TRACE_VALUE_MAX_CHART_SIZE`, bytes; 100 MiB).
    pub chart_bytes: u64,
    /// Helm's `MaxDecompressedFileSize`: one file of a chart, in a folder or
    /// an archive (`TRACE_VALUE_MAX_FILE_SIZE`, bytes; 5 MiB).
    pub file_bytes: u64,
    /// One values file given with `-f` (`TRACE_VALUE_MAX_VALUES_SIZE`,
    /// bytes; 64 MiB).
    pub values_bytes: u64,
    /// One string built by a template function (`TRACE_VALUE_MAX_STRING`,
    /// bytes; 64 MiB).
    pub string_bytes: usize,
    /// One list built by a template function (`TRACE_VALUE_MAX_LIST`,
    /// items; 10,000,000).
    pub list_items: usize,
    /// The rendered text of one template (`TRACE_VALUE_MAX_OUTPUT`, bytes;
    /// 256 MiB).
    pub output_bytes: usize,
}

/// Defaults: Helm's numbers where Helm has the limit.
const DEFAULTS: Limits = Limits {
    chart_bytes: 100 * 1024 * 1024,
    file_bytes: 5 * 1024 * 1024,
    values_bytes: 64 * 1024 * 1024,
    string_bytes: 64 * 1024 * 1024,
    list_items: 10_000_000,
    output_bytes: 256 * 1024 * 1024,
};

/// Environment variable names, for messages.
pub const ENV_CHART_SIZE: &str = "TRACE_VALUE_MAX_CHART_SIZE";
/// See [`Limits::file_bytes`].
pub const ENV_FILE_SIZE: &str = "TRACE_VALUE_MAX_FILE_SIZE";
/// See [`Limits::values_bytes`].
pub const ENV_VALUES_SIZE: &str = "TRACE_VALUE_MAX_VALUES_SIZE";
/// See [`Limits::string_bytes`].
pub const ENV_STRING: &str = "TRACE_VALUE_MAX_STRING";
/// See [`Limits::list_items`].
pub const ENV_LIST: &str = "TRACE_VALUE_MAX_LIST";
/// See [`Limits::output_bytes`].
pub const ENV_OUTPUT: &str = "TRACE_VALUE_MAX_OUTPUT";

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(default)
}

/// The limits in force for this process.
pub fn get() -> &'static Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    LIMITS.get_or_init(|| {
        let d = DEFAULTS;
        let us = |name: &str, v: usize| env_num(name, v as u64).min(usize::MAX as u64) as usize;
        Limits {
            chart_bytes: env_num(ENV_CHART_SIZE, d.chart_bytes),
            file_bytes: env_num(ENV_FILE_SIZE, d.file_bytes),
            values_bytes: env_num(ENV_VALUES_SIZE, d.values_bytes),
            string_bytes: us(ENV_STRING, d.string_bytes),
            list_items: us(ENV_LIST, d.list_items),
            output_bytes: us(ENV_OUTPUT, d.output_bytes),
        }
    })
}

/// The message for a string of `len` bytes over the limit.
pub fn string_error(len: u128) -> String {
    format!(
        "a string of {len} bytes exceeds the render budget of {} bytes (raise it with {ENV_STRING})",
        get().string_bytes
    )
}

/// The message for a list of `len` items over the limit.
pub fn list_error(len: u128) -> String {
    format!(
        "a list of {len} items exceeds the render budget of {} items (raise it with {ENV_LIST})",
        get().list_items
    )
}

/// `Err` with the budget message when a string of `len` bytes is too long.
pub fn check_string(len: u128) -> Result<(), String> {
    if len > get().string_bytes as u128 {
        return Err(string_error(len));
    }
    Ok(())
}

/// `Err` with the budget message when a list of `len` items is too long.
pub fn check_list(len: u128) -> Result<(), String> {
    if len > get().list_items as u128 {
        return Err(list_error(len));
    }
    Ok(())
}

thread_local! {
    /// A budget exceeded where no error can be returned (deep inside Go's
    /// value formatting): set during one function call or action and taken
    /// by the evaluator right after it, so it never outlives the call (a
    /// render also clears it when it starts). An error channel, not state
    /// a render reads.
    static TRIPPED: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether `TRIPPED` holds a message: the cheap check made after every
    /// action and function call.
    static ANY_TRIPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Record that a limit was exceeded where no error can be returned (the
/// first message is kept until taken).
pub fn trip(message: String) {
    TRIPPED.with(|t| {
        let mut t = t.borrow_mut();
        if t.is_none() {
            *t = Some(message);
        }
    });
    ANY_TRIPPED.with(|a| a.set(true));
}

/// Take the message recorded by [`trip`], if any.
#[inline]
pub fn take_tripped() -> Option<String> {
    if !ANY_TRIPPED.with(std::cell::Cell::get) {
        return None;
    }
    ANY_TRIPPED.with(|a| a.set(false));
    TRIPPED.with(|t| t.borrow_mut().take())
}

/// Go's encoding/json starts looking for cycles once this many maps and
/// slices are open (`startDetectingCyclesAfter`).
pub const JSON_CYCLE_DEPTH: usize = 1000;

/// encoding/json's error for a map that contains itself.
pub const JSON_CYCLE_ERROR: &str =
    "json: unsupported value: encountered a cycle via map[string]interface {}";

/// A map met again inside itself (see [`CycleGuard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle;

/// Cycle detection for encoders of values, as encoding/json does it: free
/// until [`JSON_CYCLE_DEPTH`] containers are open, then every open map is
/// remembered and meeting one again is an error.
#[derive(Default)]
pub struct CycleGuard {
    level: usize,
    open: std::collections::HashSet<usize>,
}

impl CycleGuard {
    /// Enter a container (`map` is the address of a map, `None` for a
    /// list). `Err` when the map is already open. Returns whether the map
    /// was remembered (pass it to [`CycleGuard::leave`]).
    pub fn enter(&mut self, map: Option<usize>) -> Result<bool, Cycle> {
        self.level += 1;
        if self.level > JSON_CYCLE_DEPTH {
            if let Some(addr) = map {
                if !self.open.insert(addr) {
                    return Err(Cycle);
                }
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Leave the container entered last.
    pub fn leave(&mut self, map: Option<usize>, remembered: bool) {
        self.level = self.level.saturating_sub(1);
        if remembered {
            if let Some(addr) = map {
                self.open.remove(&addr);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn guard_finds_a_cycle_only_past_go_depth() {
        let mut g = CycleGuard::default();
        for _ in 0..JSON_CYCLE_DEPTH {
            assert_eq!(g.enter(Some(1)), Ok(false));
        }
        assert_eq!(g.enter(Some(1)), Ok(true));
        assert_eq!(g.enter(Some(1)), Err(Cycle));
    }

    #[test]
    fn budget_messages_name_the_variable() {
        assert!(check_string(u128::MAX).unwrap_err().contains(ENV_STRING));
        assert!(check_list(u128::MAX).unwrap_err().contains(ENV_LIST));
        assert!(check_string(1).is_ok());
    }
}
