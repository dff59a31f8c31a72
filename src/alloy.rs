//! A tolerant scanner for Grafana Alloy configuration syntax.
//!
//! It finds blocks (`name "label" { ... }`, names may contain dots) and
//! their nesting, with byte ranges, and nothing more: attribute values are
//! skipped, including object literals `{ k = v }`, lists, strings with Go
//! escapes, backtick raw strings and `//`/`/* */` comments. Malformed input
//! never fails: the scanner resynchronises at the next line.

use std::ops::Range;

/// One block of an Alloy config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Block name (`loki.process`).
    pub name: String,
    /// Label, unquoted (`pod_logs`), if any.
    pub label: Option<String>,
    /// Byte range from the first byte of the name to just after the closing `}`.
    pub range: Range<usize>,
    /// Byte range of the header (`name "label" {`).
    pub header: Range<usize>,
    /// Blocks nested directly inside.
    pub children: Vec<Block>,
}

impl Block {
    /// `name "label"` or `name`.
    pub fn display_name(&self) -> String {
        match &self.label {
            Some(l) => format!("{} \"{}\"", self.name, l),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    LBrace,
    RBrace,
    Open,  // ( or [
    Close, // ) or ]
    Assign,
    Newline,
    Other,
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            s: text.as_bytes(),
            pos: 0,
        }
    }

    /// Next token and its start offset; `None` at the end.
    fn next(&mut self) -> Option<(Tok, usize)> {
        loop {
            let c = *self.s.get(self.pos)?;
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'/' if self.s.get(self.pos + 1) == Some(&b'/') => {
                    while self.pos < self.s.len() && self.s[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'/' if self.s.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    while self.pos < self.s.len()
                        && !(self.s[self.pos] == b'*' && self.s.get(self.pos + 1) == Some(&b'/'))
                    {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 2).min(self.s.len());
                }
                _ => break,
            }
        }
        let start = self.pos;
        let c = self.s[self.pos];
        let tok = match c {
            b'\n' => {
                self.pos += 1;
                Tok::Newline
            }
            b'{' => {
                self.pos += 1;
                Tok::LBrace
            }
            b'}' => {
                self.pos += 1;
                Tok::RBrace
            }
            b'(' | b'[' => {
                self.pos += 1;
                Tok::Open
            }
            b')' | b']' => {
                self.pos += 1;
                Tok::Close
            }
            b'=' if self.s.get(self.pos + 1) != Some(&b'=') => {
                self.pos += 1;
                Tok::Assign
            }
            b'"' => {
                self.pos += 1;
                let mut out = Vec::new();
                while self.pos < self.s.len()
                    && self.s[self.pos] != b'"'
                    && self.s[self.pos] != b'\n'
                {
                    if self.s[self.pos] == b'\\' && self.pos + 1 < self.s.len() {
                        out.push(self.s[self.pos]);
                        self.pos += 1;
                    }
                    out.push(self.s[self.pos]);
                    self.pos += 1;
                }
                if self.pos < self.s.len() && self.s[self.pos] == b'"' {
                    self.pos += 1;
                }
                Tok::Str(String::from_utf8_lossy(&out).into_owned())
            }
            b'`' => {
                self.pos += 1;
                let from = self.pos;
                while self.pos < self.s.len() && self.s[self.pos] != b'`' {
                    self.pos += 1;
                }
                let body = String::from_utf8_lossy(&self.s[from..self.pos]).into_owned();
                self.pos = (self.pos + 1).min(self.s.len());
                Tok::Str(body)
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while self.pos < self.s.len()
                    && (self.s[self.pos].is_ascii_alphanumeric()
                        || self.s[self.pos] == b'_'
                        || self.s[self.pos] == b'.')
                {
                    self.pos += 1;
                }
                Tok::Ident(String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
            }
            _ => {
                self.pos += 1;
                if c == b'=' {
                    self.pos += 1;
                }
                Tok::Other
            }
        };
        Some((tok, start))
    }
}

/// Parse an Alloy config into its top-level blocks.
pub fn scan(text: &str) -> Vec<Block> {
    let toks: Vec<(Tok, usize)> = {
        let mut lx = Lexer::new(text);
        let mut v = Vec::new();
        while let Some(t) = lx.next() {
            v.push(t);
        }
        v
    };
    let mut i = 0;
    parse_body(&toks, &mut i, text.len(), false)
}

fn tok_end(toks: &[(Tok, usize)], i: usize, len: usize) -> usize {
    toks.get(i).map_or(len, |t| t.1)
}

/// Parse statements until the matching `}` (when `nested`) or the end.
fn parse_body(toks: &[(Tok, usize)], i: &mut usize, len: usize, nested: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    while *i < toks.len() {
        match &toks[*i].0 {
            Tok::Newline | Tok::Other | Tok::Str(_) | Tok::Close | Tok::Open | Tok::Assign => {
                *i += 1;
            }
            Tok::RBrace => {
                if nested {
                    *i += 1;
                    return blocks;
                }
                *i += 1;
            }
            Tok::LBrace => {
                // A stray body: skip it as a unit.
                *i += 1;
                let _ = parse_body(toks, i, len, true);
            }
            Tok::Ident(name) => {
                let start = toks[*i].1;
                let name = name.clone();
                let mut j = *i + 1;
                let mut label = None;
                if let Some((Tok::Str(s), _)) = toks.get(j) {
                    label = Some(s.clone());
                    j += 1;
                }
                match toks.get(j).map(|t| &t.0) {
                    Some(Tok::LBrace) => {
                        let header_end = toks[j].1 + 1;
                        *i = j + 1;
                        let children = parse_body(toks, i, len, true);
                        let end = if *i > 0 && *i <= toks.len() {
                            toks[*i - 1].1 + 1
                        } else {
                            len
                        };
                        blocks.push(Block {
                            name,
                            label,
                            range: start..end.min(len),
                            header: start..header_end,
                            children,
                        });
                    }
                    Some(Tok::Assign) if label.is_none() => {
                        *i = j + 1;
                        skip_expression(toks, i);
                    }
                    _ => {
                        *i = j;
                        let _ = tok_end(toks, j, len);
                    }
                }
            }
        }
    }
    blocks
}

/// Skip an attribute value: up to the newline at bracket depth zero.
fn skip_expression(toks: &[(Tok, usize)], i: &mut usize) {
    let mut depth = 0usize;
    while *i < toks.len() {
        match toks[*i].0 {
            Tok::Open | Tok::LBrace => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::RBrace => {
                if depth == 0 {
                    return;
                }
                depth -= 1;
            }
            Tok::Newline if depth == 0 => {
                *i += 1;
                return;
            }
            _ => {}
        }
        *i += 1;
    }
}

/// One step of a block query: a name and an optional label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryStep {
    /// Block name.
    pub name: String,
    /// Label, if the query gives one.
    pub label: Option<String>,
}

/// A malformed block query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid block query {query:?}: {reason}; expected NAME, NAME \"LABEL\", or a path like 'declare \"pod_logs\" > loki.process \"pod_logs\"'")]
pub struct QueryError {
    /// The query as given.
    pub query: String,
    /// What is wrong.
    pub reason: String,
}

/// Parse `name "label" > name2 "label2"`; a step may also be Alloy's
/// component ID (`loki.process.pod_logs`).
pub fn parse_query(q: &str) -> Result<Vec<QueryStep>, QueryError> {
    let err = |reason: &str| QueryError {
        query: q.to_string(),
        reason: reason.to_string(),
    };
    let mut steps = Vec::new();
    for part in q.split(['>', '›']) {
        let part = part.trim();
        if part.is_empty() {
            return Err(err("empty step"));
        }
        let (name, rest) = match part.find(|c: char| c.is_whitespace() || c == '"') {
            Some(k) => (&part[..k], part[k..].trim()),
            None => (part, ""),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            || name.starts_with('.')
            || name.ends_with('.')
        {
            return Err(err(&format!("{name:?} is not a block name")));
        }
        let label = if rest.is_empty() {
            None
        } else {
            let inner = rest
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .ok_or_else(|| err("the label must be a double-quoted string"))?;
            if inner.contains('"') {
                return Err(err("the label must be a single quoted string"));
            }
            Some(inner.to_string())
        };
        steps.push(QueryStep {
            name: name.to_string(),
            label,
        });
    }
    Ok(steps)
}

/// A block found by a query, with the path of blocks that contain it.
#[derive(Debug, Clone)]
pub struct Match<'a> {
    /// Enclosing blocks, outermost first, then the block itself.
    pub path: Vec<&'a Block>,
}

impl Match<'_> {
    /// The matched block.
    pub fn block(&self) -> &Block {
        self.path[self.path.len() - 1]
    }
}

fn step_matches(step: &QueryStep, b: &Block) -> bool {
    if step.name == b.name {
        return step
            .label
            .as_ref()
            .is_none_or(|l| b.label.as_ref() == Some(l));
    }
    // Alloy's component ID, as its UI and logs print it: `loki.process.pod_logs`.
    step.label.is_none()
        && b.label.as_ref().is_some_and(|l| {
            step.name.len() == b.name.len() + 1 + l.len()
                && step.name.starts_with(b.name.as_str())
                && step.name[b.name.len()..].starts_with('.')
                && step.name.ends_with(l.as_str())
        })
}

impl Block {
    /// Alloy's component ID: `loki.process.pod_logs` (the name alone without a label).
    pub fn component_id(&self) -> String {
        match &self.label {
            Some(l) => format!("{}.{l}", self.name),
            None => self.name.clone(),
        }
    }
}

/// All blocks matching the query. The last step must match the block; the
/// earlier steps must match enclosing blocks in order (not necessarily adjacent).
pub fn find<'a>(blocks: &'a [Block], query: &[QueryStep]) -> Vec<Match<'a>> {
    let mut out = Vec::new();
    let mut stack = Vec::new();
    walk(blocks, query, &mut stack, &mut out);
    out
}

fn walk<'a>(
    blocks: &'a [Block],
    query: &[QueryStep],
    stack: &mut Vec<&'a Block>,
    out: &mut Vec<Match<'a>>,
) {
    for b in blocks {
        stack.push(b);
        if let Some(last) = query.last() {
            if step_matches(last, b)
                && ancestors_match(&stack[..stack.len() - 1], &query[..query.len() - 1])
            {
                out.push(Match {
                    path: stack.clone(),
                });
            }
        }
        walk(&b.children, query, stack, out);
        stack.pop();
    }
}

fn ancestors_match(ancestors: &[&Block], steps: &[QueryStep]) -> bool {
    let mut k = 0;
    for a in ancestors {
        if k < steps.len() && step_matches(&steps[k], a) {
            k += 1;
        }
    }
    k == steps.len()
}

/// Every block with its enclosing path (pre-order).
pub fn all_blocks(blocks: &[Block]) -> Vec<Match<'_>> {
    fn rec<'a>(bs: &'a [Block], stack: &mut Vec<&'a Block>, out: &mut Vec<Match<'a>>) {
        for b in bs {
            stack.push(b);
            out.push(Match {
                path: stack.clone(),
            });
            rec(&b.children, stack, out);
            stack.pop();
        }
    }
    let mut out = Vec::new();
    rec(blocks, &mut Vec::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: &str = r#"// Feature
declare "pod_logs" {
  argument "x" { comment = "a { not a block" }
  loki.process "pod_logs" {
    stage.match {
      selector = "{app=\"x\"}"
      stage.labels { values = { "a" = "b", } }
    }
    /* block "fake" { } */
    forward_to = [loki.write.a.receiver]
  }
}
loki.write "a" {
  endpoint {
    url = `http://x/{y}`
  }
  external_labels = {
    "cluster" = "c",
  }
}
"#;

    #[test]
    fn scans_nested_blocks_and_skips_values() {
        let blocks = scan(CFG);
        let names: Vec<String> = all_blocks(&blocks)
            .iter()
            .map(|m| m.block().display_name())
            .collect();
        assert_eq!(
            names,
            vec![
                "declare \"pod_logs\"",
                "argument \"x\"",
                "loki.process \"pod_logs\"",
                "stage.match",
                "stage.labels",
                "loki.write \"a\"",
                "endpoint"
            ]
        );
        let lp = &blocks[0].children[1];
        assert!(CFG[lp.range.clone()].starts_with("loki.process \"pod_logs\" {"));
        assert!(CFG[lp.range.clone()].ends_with("receiver]\n  }"));
    }

    #[test]
    fn queries_by_name_label_and_path() {
        let blocks = scan(CFG);
        let q = parse_query("declare \"pod_logs\" > loki.process \"pod_logs\"").unwrap_or_default();
        assert_eq!(find(&blocks, &q).len(), 1);
        let q = parse_query("stage.labels").unwrap_or_default();
        assert_eq!(find(&blocks, &q)[0].path.len(), 4);
        assert!(parse_query("loki.process pod_logs").is_err());
        assert!(parse_query("a > ").is_err());
    }
}
