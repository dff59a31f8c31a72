//! Parsing template files on a second thread while the values are prepared.
//!
//! A render parses the templates of every enabled chart, and which charts
//! are enabled is known only once the values are coalesced. [`ParseAhead`]
//! starts a worker that parses the template texts of the whole chart tree in
//! the order given (the ones surely needed first) while the caller prepares
//! the values; [`ParseAhead::keep_only`] then drops what the render does not
//! need, and [`ParseAhead::parse`] takes the worker's tree, waits for the
//! file the worker is on, or parses a file the worker has not reached
//! itself, so both threads share what is left. Dropping it stops the worker
//! after the file it is on.
//!
//! The worker cannot know a file's Helm name (it depends on aliases and
//! conditions), so it parses under a placeholder name. That tree is the tree
//! of the real name except when the parse failed (the message quotes the
//! name) or a `define` uses either name (a file's root is the template of
//! its name); then the file is parsed again under its own name.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::ast::ParsedFile;
use super::parser::{parse, ParseError};

/// The name the worker parses under; no chart names a template so.
const PLACEHOLDER: &str = "\u{0}parse-ahead";

/// Stack of the worker: the parser recurses once per nested block.
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// What became of one text.
enum Slot {
    /// Not parsed yet.
    Waiting(Arc<str>),
    /// The worker is parsing it.
    Parsing,
    /// The worker's tree, or `None` when it must be parsed under its name.
    Parsed(Option<ParsedFile>),
    /// Taken by the caller, or not needed.
    Done,
}

/// State shared with the worker.
struct Shared {
    slots: Mutex<Vec<Slot>>,
    parsed: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn slots(&self) -> MutexGuard<'_, Vec<Slot>> {
        // A panic while holding the lock leaves the slots consistent.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Templates being parsed ahead; see the module documentation.
pub struct ParseAhead {
    shared: Arc<Shared>,
    /// Slot of each text, by the address of its bytes.
    index: HashMap<usize, usize>,
    is_func: fn(&str) -> bool,
}

fn address(text: &Arc<str>) -> usize {
    text.as_ptr() as usize
}

impl ParseAhead {
    /// Start parsing `texts` in order on a worker thread. `is_func` says
    /// which function names are defined (as for [`parse`]). When no thread
    /// can be started, every file is parsed by [`ParseAhead::parse`].
    pub fn start(texts: Vec<Arc<str>>, is_func: fn(&str) -> bool) -> Self {
        let mut index = HashMap::with_capacity(texts.len());
        let mut slots = Vec::with_capacity(texts.len());
        for text in texts {
            if let std::collections::hash_map::Entry::Vacant(e) = index.entry(address(&text)) {
                e.insert(slots.len());
                slots.push(Slot::Waiting(text));
            }
        }
        let shared = Arc::new(Shared {
            slots: Mutex::new(slots),
            parsed: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let worker = shared.clone();
        let started = std::thread::Builder::new()
            .name("parse-ahead".to_string())
            .stack_size(WORKER_STACK_BYTES)
            .spawn(move || work(&worker, is_func));
        if started.is_err() {
            shared.stop.store(true, Ordering::Relaxed);
        }
        ParseAhead {
            shared,
            index,
            is_func,
        }
    }

    /// The worker skips every text not in `needed`.
    pub fn keep_only<'t>(&self, needed: impl IntoIterator<Item = &'t Arc<str>>) {
        let keep: Vec<usize> = needed
            .into_iter()
            .filter_map(|t| self.index.get(&address(t)).copied())
            .collect();
        let mut wanted = vec![false; self.index.len()];
        for i in keep {
            wanted[i] = true;
        }
        let mut slots = self.shared.slots();
        for (slot, wanted) in slots.iter_mut().zip(wanted) {
            if !wanted && matches!(slot, Slot::Waiting(_)) {
                *slot = Slot::Done;
            }
        }
    }

    /// The parsed file `name` with text `text`: exactly what [`parse`] gives.
    pub fn parse(&self, name: &str, text: &Arc<str>) -> Result<ParsedFile, ParseError> {
        if let Some(tree) = self.take(text) {
            let renamed = tree.defines.iter().all(|d| &*d.name != name);
            if renamed {
                let mut tree = tree;
                tree.name = Arc::from(name);
                return Ok(tree);
            }
        }
        parse(name, text, &self.is_func)
    }

    /// The worker's tree of `text`, waiting while it is being parsed; `None`
    /// when the caller must parse it (not reached, failed, or taken before).
    fn take(&self, text: &Arc<str>) -> Option<ParsedFile> {
        let i = *self.index.get(&address(text))?;
        let mut slots = self.shared.slots();
        loop {
            match std::mem::replace(&mut slots[i], Slot::Done) {
                Slot::Parsing => {
                    slots[i] = Slot::Parsing;
                    slots = self
                        .shared
                        .parsed
                        .wait(slots)
                        .unwrap_or_else(|p| p.into_inner());
                }
                Slot::Parsed(tree) => return tree,
                Slot::Waiting(_) | Slot::Done => return None,
            }
        }
    }
}

impl Drop for ParseAhead {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// The worker: parse every waiting text in order until told to stop.
fn work(shared: &Shared, is_func: fn(&str) -> bool) {
    let mut next = 0;
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        let (i, text) = {
            let mut slots = shared.slots();
            let Some(i) = (next..slots.len()).find(|&i| matches!(slots[i], Slot::Waiting(_)))
            else {
                return;
            };
            let Slot::Waiting(text) = std::mem::replace(&mut slots[i], Slot::Parsing) else {
                return;
            };
            (i, text)
        };
        next = i + 1;
        let tree = parse(PLACEHOLDER, &text, &is_func)
            .ok()
            .filter(|t| t.defines.iter().all(|d| &*d.name != PLACEHOLDER));
        shared.slots()[i] = Slot::Parsed(tree);
        shared.parsed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        matches!(name, "include" | "printf")
    }

    fn texts(list: &[&str]) -> Vec<Arc<str>> {
        list.iter().map(|t| Arc::from(*t)).collect()
    }

    /// Whatever the worker got to, the result is the direct parse's.
    #[test]
    fn same_as_parsing_directly() {
        let all = texts(&[
            "a {{ printf \"%d\" 1 }}\n",
            "{{ define \"x\" }}x{{ end }}root",
            "{{ define \"f.yaml\" }}defined{{ end }}",
            "{{ if }}",
            "{{ nope }}",
            "plain text",
        ]);
        for keep in [all.len(), 3, 0] {
            let ahead = ParseAhead::start(all.clone(), known);
            ahead.keep_only(all.iter().take(keep));
            for (i, text) in all.iter().enumerate() {
                let name = if i == 2 {
                    "f.yaml"
                } else {
                    "c/templates/t.yaml"
                };
                let got = ahead.parse(name, text);
                let want = parse(name, text, &known);
                match (got, want) {
                    (Ok(g), Ok(w)) => {
                        assert_eq!(g.name, w.name);
                        assert_eq!(format!("{:?}", g.root), format!("{:?}", w.root));
                        assert_eq!(format!("{:?}", g.defines), format!("{:?}", w.defines));
                    }
                    (Err(g), Err(w)) => assert_eq!(g, w),
                    (g, w) => panic!("{text:?}: {g:?} vs {w:?}"),
                }
            }
        }
    }

    /// A text asked for twice (one chart under two aliases) parses twice.
    #[test]
    fn a_text_taken_twice_is_parsed_again() {
        let all = texts(&["{{ printf \"x\" }}"]);
        let ahead = ParseAhead::start(all.clone(), known);
        let a = ahead.parse("a/templates/t.yaml", &all[0]);
        let b = ahead.parse("b/templates/t.yaml", &all[0]);
        assert_eq!(
            &*a.map(|t| t.name).unwrap_or_default(),
            "a/templates/t.yaml"
        );
        assert_eq!(
            &*b.map(|t| t.name).unwrap_or_default(),
            "b/templates/t.yaml"
        );
    }
}
