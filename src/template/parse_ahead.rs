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
//! after the file it is on (see [`crate::prefetch`]).
//!
//! The worker cannot know a file's Helm name (it depends on aliases and
//! conditions), so it parses under a placeholder name. That tree is the tree
//! of the real name except when the parse failed (the message quotes the
//! name) or a `define` uses either name (a file's root is the template of
//! its name); then the file is parsed again under its own name.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::ParsedFile;
use super::parser::{parse, ParseError};
use super::SourceText;
use crate::prefetch::Prefetch;

/// The name the worker parses under; no chart names a template so.
const PLACEHOLDER: &str = "\u{0}parse-ahead";

/// Stack of the worker: the parser recurses once per nested block.
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Templates being parsed ahead; see the module documentation.
pub struct ParseAhead {
    work: Prefetch<SourceText, Option<ParsedFile>>,
    /// Position of each text in the worker's list, by the address of its bytes.
    index: HashMap<usize, usize>,
}

fn address(text: &SourceText) -> usize {
    text.as_ptr() as usize
}

/// The worker's parse: the tree under the placeholder name, unless the
/// file must be parsed under its own name.
fn parse_unnamed(text: &SourceText) -> Option<ParsedFile> {
    parse(PLACEHOLDER, text, &crate::funcs::is_defined)
        .ok()
        .filter(|t| t.defines.iter().all(|d| &*d.name != PLACEHOLDER))
}

impl ParseAhead {
    /// Start parsing `texts` in order on a worker thread, with the function
    /// names of [`crate::funcs::is_defined`].
    pub fn start(texts: Vec<SourceText>) -> Self {
        let mut index = HashMap::with_capacity(texts.len());
        let mut unique = Vec::with_capacity(texts.len());
        for text in texts {
            if let std::collections::hash_map::Entry::Vacant(e) = index.entry(address(&text)) {
                e.insert(unique.len());
                unique.push(text);
            }
        }
        ParseAhead {
            work: Prefetch::start(unique, parse_unnamed, WORKER_STACK_BYTES),
            index,
        }
    }

    /// The worker skips every text not in `needed`.
    pub fn keep_only<'t>(&self, needed: impl IntoIterator<Item = &'t SourceText>) {
        let mut wanted = vec![false; self.index.len()];
        for t in needed {
            if let Some(&i) = self.index.get(&address(t)) {
                wanted[i] = true;
            }
        }
        self.work.skip(|i| wanted[i]);
    }

    /// The parsed file `name` with text `text`: exactly what [`parse`] gives.
    pub fn parse(&self, name: &str, text: &SourceText) -> Result<ParsedFile, ParseError> {
        let ahead = self
            .index
            .get(&address(text))
            .and_then(|&i| self.work.take(i))
            .flatten();
        if let Some(mut tree) = ahead {
            if tree.defines.iter().all(|d| &*d.name != name) {
                tree.name = Arc::from(name);
                return Ok(tree);
            }
        }
        parse(name, text, &crate::funcs::is_defined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        crate::funcs::is_defined(name)
    }

    fn texts(list: &[&str]) -> Vec<SourceText> {
        list.iter().map(|t| Arc::new(t.to_string())).collect()
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
            let ahead = ParseAhead::start(all.clone());
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
        let ahead = ParseAhead::start(all.clone());
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
