//! Glob patterns of `.helmignore` rules and `.Files.Glob`: `*` matches
//! within one path segment, `**` (with `double_star`) across segments, `?`
//! one character other than `/`, `[...]`/`[!...]`/`[^...]` classes with
//! ranges, `{a,b}` alternatives (with `double_star`), `\` quoting the next
//! character.
//!
//! A pattern compiles to a few NFA states matched by a set simulation: linear
//! in the text for any pattern (no backtracking blow-up on `*a*a*a…`), and a
//! chart's handful of ignore rules against its file names cost microseconds,
//! where building a `regex` per rule cost more than the rest of loading.
//! Malformed patterns (an empty class, a reversed range, an unclosed or
//! nested `{`) match nothing.

use std::cell::RefCell;
use std::collections::HashMap;

/// What one character must be.
#[derive(Debug, Clone)]
enum Class {
    Literal(char),
    /// `?` and the characters of `*`: anything but `/`.
    NotSlash,
    /// The characters of `**`: anything but a newline.
    NotNewline,
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Class {
    fn accepts(&self, c: char) -> bool {
        match self {
            Class::Literal(l) => *l == c,
            Class::NotSlash => c != '/',
            Class::NotNewline => c != '\n',
            Class::Set { negated, ranges } => {
                ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
            }
        }
    }
}

#[derive(Debug, Clone)]
enum State {
    /// Consume one character of the class, then go to the next state.
    Char(Class, usize),
    /// Continue at both states.
    Split(usize, usize),
    Jump(usize),
    Match,
}

/// A compiled glob pattern.
#[derive(Debug, Clone)]
pub struct Glob {
    states: Vec<State>,
}

impl Glob {
    /// Compile `pattern`; `None` when it is malformed (it then matches nothing).
    pub fn new(pattern: &str, double_star: bool) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut states: Vec<State> = Vec::new();
        // The open `{`: its split chain and the jumps of finished branches.
        let mut alt: Option<(Vec<usize>, Vec<usize>)> = None;
        let mut i = 0;
        while i < chars.len() {
            let next = states.len() + 1;
            match chars[i] {
                '*' if double_star && chars.get(i + 1) == Some(&'*') => {
                    push_star(&mut states, Class::NotNewline);
                    i += 1;
                }
                '*' => push_star(&mut states, Class::NotSlash),
                '?' => states.push(State::Char(Class::NotSlash, next)),
                '[' => {
                    let (class, end) = parse_set(&chars, i + 1)?;
                    states.push(State::Char(class, next));
                    i = end;
                }
                '{' if double_star => {
                    if alt.is_some() {
                        return None;
                    }
                    // The first branch's split, patched when the next comes.
                    states.push(State::Split(next, usize::MAX));
                    alt = Some((vec![states.len() - 1], Vec::new()));
                }
                ',' if alt.is_some() => {
                    let (splits, ends) = alt.as_mut()?;
                    ends.push(states.len());
                    states.push(State::Jump(usize::MAX));
                    let split = states.len();
                    states.push(State::Split(split + 1, usize::MAX));
                    if let Some(State::Split(_, other)) = splits.last().map(|&s| &mut states[s]) {
                        *other = split;
                    }
                    splits.push(split);
                }
                '}' if alt.is_some() => {
                    let (splits, ends) = alt.take()?;
                    // The last branch's split has no alternative left.
                    if let Some(&last) = splits.last() {
                        if let State::Split(first, other) = &mut states[last] {
                            *other = *first;
                        }
                    }
                    let after = states.len();
                    for end in ends {
                        states[end] = State::Jump(after);
                    }
                }
                '\\' => {
                    if let Some(&quoted) = chars.get(i + 1) {
                        states.push(State::Char(Class::Literal(quoted), next));
                    }
                    i += 1;
                }
                other => states.push(State::Char(Class::Literal(other), next)),
            }
            i += 1;
        }
        if alt.is_some() {
            return None;
        }
        states.push(State::Match);
        Some(Glob { states })
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let n = self.states.len();
        let mut current = vec![false; n];
        let mut next = vec![false; n];
        let mut stack = Vec::new();
        self.close(0, &mut current, &mut stack);
        for c in text.chars() {
            next.iter_mut().for_each(|s| *s = false);
            let mut any = false;
            for (s, &on) in current.iter().enumerate() {
                if let (true, State::Char(class, to)) = (on, &self.states[s]) {
                    if class.accepts(c) {
                        self.close(*to, &mut next, &mut stack);
                        any = true;
                    }
                }
            }
            if !any {
                return false;
            }
            std::mem::swap(&mut current, &mut next);
        }
        current
            .iter()
            .enumerate()
            .any(|(s, &on)| on && matches!(self.states[s], State::Match))
    }

    /// Add `start` and every state reachable from it without a character.
    fn close(&self, start: usize, set: &mut [bool], stack: &mut Vec<usize>) {
        stack.push(start);
        while let Some(s) = stack.pop() {
            if s >= set.len() || set[s] {
                continue;
            }
            set[s] = true;
            match self.states[s] {
                State::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                State::Jump(to) => stack.push(to),
                State::Char(..) | State::Match => {}
            }
        }
    }
}

/// `class*`: a split between one more character and what follows.
fn push_star(states: &mut Vec<State>, class: Class) {
    let split = states.len();
    states.push(State::Split(split + 1, split + 2));
    states.push(State::Char(class, split));
}

/// The set starting after `[` at `start`: its class and the index of its
/// `]` (or the pattern's end when it is never closed, as the set then runs
/// to the end). `None` for an empty set or a reversed range.
fn parse_set(chars: &[char], start: usize) -> Option<(Class, usize)> {
    let mut j = start;
    let negated = matches!(chars.get(j), Some('!') | Some('^'));
    if negated {
        j += 1;
    }
    let mut members = Vec::new();
    while j < chars.len() && chars[j] != ']' {
        members.push(chars[j]);
        j += 1;
    }
    if members.is_empty() {
        return None;
    }
    let mut ranges = Vec::new();
    let mut k = 0;
    while k < members.len() {
        let lo = members[k];
        if members.get(k + 1) == Some(&'-') && k + 2 < members.len() {
            let hi = members[k + 2];
            if hi < lo {
                return None;
            }
            ranges.push((lo, hi));
            k += 3;
        } else {
            ranges.push((lo, lo));
            k += 1;
        }
    }
    Some((Class::Set { negated, ranges }, j))
}

/// Whether `text` matches `pattern`, compiling each pattern once per thread
/// (a cache only: the same pattern always compiles the same way).
pub fn glob_match(pattern: &str, text: &str, double_star: bool) -> bool {
    type Compiled = HashMap<String, Option<Glob>>;
    thread_local! {
        /// Compiled patterns, without and with `double_star`: a pure cache
        /// (`.helmignore` and `.Files.Glob` patterns), kept across charts.
        static GLOBS: RefCell<[Compiled; 2]> = RefCell::new([Compiled::new(), Compiled::new()]);
    }
    GLOBS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let map = &mut cache[usize::from(double_star)];
        if let Some(compiled) = map.get(pattern) {
            return compiled.as_ref().is_some_and(|g| g.is_match(text));
        }
        let compiled = Glob::new(pattern, double_star);
        let matched = compiled.as_ref().is_some_and(|g| g.is_match(text));
        map.insert(pattern.to_string(), compiled);
        matched
    })
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn wildcards() {
        assert!(glob_match("files/*", "files/a.txt", true));
        assert!(!glob_match("files/*", "files/x/a.txt", true));
        assert!(glob_match("**", "files/x/a.txt", true));
        assert!(glob_match("files/**/a.txt", "files/x/y/a.txt", true));
        assert!(glob_match("*.swp", "a.swp", false));
        assert!(!glob_match("*.swp", "d/a.swp", false));
        assert!(glob_match("*~", "notes~", false));
        assert!(glob_match(".git", ".git", false));
        assert!(!glob_match(".git", ".gitignore", false));
        assert!(glob_match("templates/.?*", "templates/.x", false));
        assert!(!glob_match("templates/.?*", "templates/x", false));
        assert!(!glob_match("templates/.?*", "templates/.", false));
    }

    #[test]
    fn sets_and_alternatives() {
        assert!(glob_match("*.{txt,md}", "a.md", true));
        assert!(glob_match("*.{txt,md}", "a.txt", true));
        assert!(!glob_match("*.{txt,md}", "a.rs", true));
        assert!(glob_match("{a,b,c}x", "cx", true));
        assert!(glob_match("*.{txt,md}", "a.{txt,md}", false));
        assert!(glob_match("f[0-9].yaml", "f7.yaml", false));
        assert!(!glob_match("f[!0-9].yaml", "f7.yaml", false));
        assert!(glob_match("f[^0-9].yaml", "fx.yaml", false));
        assert!(glob_match(r"a\*", "a*", false));
        assert!(!glob_match(r"a\*", "ab", false));
    }

    #[test]
    fn malformed_patterns_match_nothing() {
        assert!(!glob_match("a[]", "a]", false));
        assert!(!glob_match("[z-a]", "m", false));
        assert!(!glob_match("{a,b", "a", true));
        assert!(!glob_match("{a,{b}}", "b", true));
    }

    #[test]
    fn many_stars_stay_linear() {
        let pattern = "*a".repeat(40);
        let text = "a".repeat(39) + "b";
        assert!(!glob_match(&pattern, &text, false));
    }
}
