//! Parser for Go's text/template language (a port of Go's
//! `text/template/parse/parse.go` and the literal handling of `node.go`).
//!
//! [`parse`] turns one template file into a [`ParsedFile`]: its body and the
//! `define`/`block` templates it contains. Grammar, variable scoping, the
//! parse-time function check, node positions and error messages follow Go
//! exactly (Go 1.22+); [`ParseError`] displays as Helm v4 prints a parse
//! error (`parse error at (file:line): message`). The `Display` impls of
//! the pipeline nodes here print Go's `String()` of those nodes, which Go's
//! execution errors quote.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{
    ActionNode, Arg, BranchNode, Chain, Command, Define, FieldChain, Identifier, List, Node,
    NumberLit, ParsedFile, Pipe, Pos, StringLit, TemplateCall, TextNode, Variable, VariableRef,
};
use super::lexer::{go_quote, Item, ItemKind, LexOptions, Lexer};

/// A template parse error, with the location Go reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.helm_message())]
pub struct ParseError {
    /// The template file name (`mychart/templates/x.yaml`).
    pub name: String,
    /// The 1-based line Go reports (the line of the last token read).
    pub line: u32,
    /// Byte offset of the last token read (not part of Go's message).
    pub pos: u32,
    /// Go's message after the `template: NAME:LINE: ` prefix.
    pub message: String,
}

impl ParseError {
    /// The error as Go's `text/template` formats it:
    /// `template: NAME:LINE: MESSAGE`.
    pub fn go_message(&self) -> String {
        format!("template: {}:{}: {}", self.name, self.line, self.message)
    }

    /// The error as Helm prints it (Helm's `cleanupParseError`: the location
    /// and the last `": "`-separated part of Go's message).
    pub fn helm_message(&self) -> String {
        let go = self.go_message();
        let tokens: Vec<&str> = go.split(": ").collect();
        if tokens.len() == 1 {
            return format!("parse error in ({}): {}", self.name, go);
        }
        let last = tokens.last().copied().unwrap_or_default();
        format!("parse error at ({}): {}", tokens[1], last)
    }
}

type PResult<T> = Result<T, ParseError>;

/// Go's `maxStackDepth`: nesting limit of parenthesized pipelines (10,000;
/// 1,000 on wasm). The parser recurses a few frames per level: templates
/// are parsed on threads with a large stack (`render::RENDER_STACK_BYTES`,
/// the parse-ahead worker's).
const MAX_STACK_DEPTH: u32 = 10_000;
/// Go's `maxPipelineCmds`.
const MAX_PIPELINE_CMDS: usize = 100000;

/// The per-tree parsing state of Go's `Tree` (a `define` or `block` body
/// is parsed by a fresh tree sharing the lexer).
struct TreeState<'a> {
    token: [Item<'a>; 3],
    peek_count: usize,
    vars: Vec<&'a str>,
    action_line: u32,
    range_depth: u32,
    stack_depth: u32,
}

impl<'a> TreeState<'a> {
    fn new() -> Self {
        let zero = Item {
            kind: ItemKind::Error,
            pos: 0,
            line: 0,
            val: "",
        };
        TreeState {
            token: [zero; 3],
            peek_count: 0,
            vars: vec!["$"],
            action_line: 0,
            range_depth: 0,
            stack_depth: 0,
        }
    }
}

/// What `itemList`/`textOrAction` yield: a node, or an `{{end}}`/`{{else}}`.
enum Parsed {
    Node(Node),
    End,
    Else(Pos),
}

/// One entry of Go's `treeSet` for this file.
struct Entry {
    name: Arc<str>,
    pos: Pos,
    body: List,
}

struct Parser<'a, 'f> {
    name: &'a str,
    lex: Lexer<'a>,
    is_func: &'f dyn Fn(&str) -> bool,
    st: TreeState<'a>,
    set: Vec<Entry>,
    set_index: HashMap<Arc<str>, usize>,
    action_delim_pos: Pos,
}

/// Parses one template file as Helm does (`template.New(name).Parse(text)`).
///
/// `is_func` says whether a function name is defined (the caller passes
/// `crate::funcs::is_defined`); an unknown name is a parse error, and
/// `break`/`continue` are keywords only when no function has that name.
pub fn parse(
    name: &str,
    text: &str,
    is_func: &dyn Fn(&str) -> bool,
) -> Result<ParsedFile, ParseError> {
    let options = LexOptions {
        emit_comment: false,
        break_ok: !is_func("break"),
        continue_ok: !is_func("continue"),
    };
    let mut p = Parser {
        name,
        lex: Lexer::new(text, options),
        is_func,
        st: TreeState::new(),
        set: Vec::new(),
        set_index: HashMap::new(),
        action_delim_pos: 0,
    };
    p.parse_root()?;
    let file_name: Arc<str> = Arc::from(name);
    let mut root = List::default();
    let mut defines = Vec::with_capacity(p.set.len());
    for e in p.set {
        if e.name == file_name {
            root = e.body;
        } else {
            defines.push(Define {
                name: e.name,
                pos: e.pos,
                body: e.body,
            });
        }
    }
    Ok(ParsedFile {
        name: file_name,
        root,
        defines,
    })
}

/// Go's `line:col` of a byte offset, as `ErrorContext` computes it: the
/// 1-based line and the 0-based byte column within that line.
pub fn line_col(text: &str, pos: u32) -> (u32, u32) {
    let pos = (pos as usize).min(text.len());
    let before = &text.as_bytes()[..pos];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u32;
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(i) => pos - (i + 1),
        None => pos,
    };
    (line, col as u32)
}

/// Go's `parse.IsEmptyTree`: true when a body holds nothing but
/// whitespace text (and comments). An empty `define` does not replace an
/// existing template of the same name.
pub fn is_empty_list(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.text.trim().is_empty(),
        Node::Comment(_) => true,
        _ => false,
    })
}

impl<'a> Parser<'a, '_> {
    // ---- token buffer (Go's next/backup/peek) ----

    fn next(&mut self) -> Item<'a> {
        if self.st.peek_count > 0 {
            self.st.peek_count -= 1;
        } else {
            self.st.token[0] = self.lex.next_item();
        }
        self.st.token[self.st.peek_count]
    }

    fn backup(&mut self) {
        self.st.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        self.st.token[1] = t1;
        self.st.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.st.token[1] = t1;
        self.st.token[2] = t2;
        self.st.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'a> {
        if self.st.peek_count > 0 {
            return self.st.token[self.st.peek_count - 1];
        }
        self.st.peek_count = 1;
        self.st.token[0] = self.lex.next_item();
        self.st.token[0]
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.kind != ItemKind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    // ---- errors ----

    fn errorf<T>(&self, message: String) -> PResult<T> {
        Err(ParseError {
            name: self.name.to_string(),
            line: self.st.token[0].line,
            pos: self.st.token[0].pos,
            message,
        })
    }

    fn item_string(&self, t: &Item<'a>) -> String {
        match t.kind {
            ItemKind::Eof => "EOF".into(),
            ItemKind::Error => self.lex.error_message().to_string(),
            k if k.is_keyword() => format!("<{}>", t.val),
            _ if t.val.len() > 10 => {
                let head: String = t.val.chars().take(10).collect();
                format!("{}...", go_quote(&head))
            }
            _ => go_quote(t.val),
        }
    }

    fn unexpected<T>(&self, t: Item<'a>, context: &str) -> PResult<T> {
        if t.kind == ItemKind::Error {
            let msg = self.lex.error_message();
            let mut extra = String::new();
            if self.st.action_line != 0 && self.st.action_line != t.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.name, self.st.action_line
                );
                if msg.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{msg}{extra}"));
        }
        self.errorf(format!(
            "unexpected {} in {}",
            self.item_string(&t),
            context
        ))
    }

    fn expect(&mut self, kind: ItemKind, context: &str) -> PResult<Item<'a>> {
        let t = self.next_non_space();
        if t.kind != kind {
            return self.unexpected(t, context);
        }
        Ok(t)
    }

    // ---- the template set of this file (Go's Tree.add) ----

    fn add(&mut self, name: Arc<str>, pos: Pos, body: List) -> PResult<()> {
        match self.set_index.get(&name) {
            None => {
                self.set_index.insert(name.clone(), self.set.len());
                self.set.push(Entry { name, pos, body });
            }
            Some(&i) => {
                if is_empty_list(&self.set[i].body) {
                    self.set[i] = Entry { name, pos, body };
                } else if !is_empty_list(&body) {
                    return self.errorf(format!(
                        "template: multiple definition of template {}",
                        go_quote(&name)
                    ));
                }
            }
        }
        Ok(())
    }

    // ---- grammar ----

    fn parse_root(&mut self) -> PResult<()> {
        let pos = self.peek().pos;
        let mut root = List {
            pos,
            nodes: Vec::new(),
        };
        while self.peek().kind != ItemKind::Eof {
            if self.peek().kind == ItemKind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == ItemKind::Define {
                    let outer = std::mem::replace(&mut self.st, TreeState::new());
                    let r = self.parse_definition(delim.pos);
                    self.st = outer;
                    r?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::End => return self.errorf("unexpected {{end}}".into()),
                Parsed::Else(_) => return self.errorf("unexpected {{else}}".into()),
                Parsed::Node(n) => root.nodes.push(n),
            }
        }
        self.add(Arc::from(self.name), 0, root)
    }

    fn parse_definition(&mut self, delim_pos: Pos) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let t = self.next_non_space();
        if t.kind != ItemKind::String && t.kind != ItemKind::RawString {
            return self.unexpected(t, CONTEXT);
        }
        let name = match go_unquote(t.val) {
            Some(s) => s,
            None => return self.errorf("invalid syntax".into()),
        };
        self.expect(ItemKind::RightDelim, CONTEXT)?;
        let (body, end) = self.item_list()?;
        if let Parsed::Else(_) = end {
            return self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}"));
        }
        self.add(Arc::from(name), delim_pos, body)
    }

    fn item_list(&mut self) -> PResult<(List, Parsed)> {
        let mut list = List {
            pos: self.peek_non_space().pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space().kind != ItemKind::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => list.nodes.push(n),
                end => return Ok((list, end)),
            }
        }
        self.errorf("unexpected EOF".into())
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.kind {
            ItemKind::Text => Ok(Parsed::Node(Node::Text(TextNode {
                pos: t.pos,
                text: Arc::from(t.val),
            }))),
            ItemKind::LeftDelim => {
                self.st.action_line = t.line;
                self.action_delim_pos = t.pos;
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            ItemKind::Comment => Ok(Parsed::Node(Node::Comment(t.pos))),
            _ => self.unexpected(t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.kind {
            ItemKind::Block => return self.block_control(),
            ItemKind::Break | ItemKind::Continue => {
                let word = if t.kind == ItemKind::Break {
                    "break"
                } else {
                    "continue"
                };
                let n = self.next_non_space();
                if n.kind != ItemKind::RightDelim {
                    return self.unexpected(n, &format!("{{{{{word}}}}}"));
                }
                if self.st.range_depth == 0 {
                    return self.errorf(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                return Ok(Parsed::Node(if t.kind == ItemKind::Break {
                    Node::Break(t.pos)
                } else {
                    Node::Continue(t.pos)
                }));
            }
            ItemKind::Else => return self.else_control(),
            ItemKind::End => {
                self.expect(ItemKind::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemKind::If => return Ok(Parsed::Node(Node::If(Box::new(self.parse_control("if")?)))),
            ItemKind::Range => {
                return Ok(Parsed::Node(Node::Range(Box::new(
                    self.parse_control("range")?,
                ))))
            }
            ItemKind::With => {
                return Ok(Parsed::Node(Node::With(Box::new(
                    self.parse_control("with")?,
                ))))
            }
            ItemKind::Template => return self.template_control(),
            _ => {}
        }
        self.backup();
        let t = self.peek();
        let (pipe, _) = self.pipeline("command", ItemKind::RightDelim)?;
        Ok(Parsed::Node(Node::Action(ActionNode {
            pos: t.pos,
            line: t.line,
            pipe,
        })))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.kind == ItemKind::If || peek.kind == ItemKind::With {
            return Ok(Parsed::Else(peek.pos));
        }
        let t = self.expect(ItemKind::RightDelim, "else")?;
        Ok(Parsed::Else(t.pos))
    }

    /// Go's `parseControl` for `if`, `with` and `range`.
    fn parse_control(&mut self, context: &str) -> PResult<BranchNode> {
        let nvars = self.st.vars.len();
        let (pipe, line) = self.pipeline(context, ItemKind::RightDelim)?;
        let is_range = context == "range";
        if is_range {
            self.st.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if is_range {
            self.st.range_depth -= 1;
        }
        let mut else_list = None;
        if let Parsed::Else(else_pos) = next {
            let peek = self.peek().kind;
            if context == "if" && peek == ItemKind::If {
                self.next();
                let n = Node::If(Box::new(self.parse_control("if")?));
                else_list = Some(List {
                    pos: else_pos,
                    nodes: vec![n],
                });
            } else if context == "with" && peek == ItemKind::With {
                self.next();
                let n = Node::With(Box::new(self.parse_control("with")?));
                else_list = Some(List {
                    pos: else_pos,
                    nodes: vec![n],
                });
            } else {
                let (l, next) = self.item_list()?;
                if let Parsed::Else(_) = next {
                    return self.errorf("expected end; found {{else}}".into());
                }
                else_list = Some(l);
            }
        }
        self.st.vars.truncate(nvars);
        Ok(BranchNode {
            pos: pipe.pos,
            line,
            pipe,
            list,
            else_list,
        })
    }

    fn parse_template_name(&mut self, t: Item<'a>, context: &str) -> PResult<Arc<str>> {
        match t.kind {
            ItemKind::String | ItemKind::RawString => match go_unquote(t.val) {
                Some(s) => Ok(Arc::from(s)),
                None => self.errorf("invalid syntax".into()),
            },
            _ => self.unexpected(t, context),
        }
    }

    fn block_control(&mut self) -> PResult<Parsed> {
        const CONTEXT: &str = "block clause";
        let delim_pos = self.action_delim_pos;
        let t = self.next_non_space();
        let name = self.parse_template_name(t, CONTEXT)?;
        let (pipe, _) = self.pipeline(CONTEXT, ItemKind::RightDelim)?;
        // The body is parsed by the block's own tree (fresh state); an
        // `{{else}}` ending it is reported with the outer tree's line.
        let outer = std::mem::replace(&mut self.st, TreeState::new());
        let ended = self.block_body(name.clone(), delim_pos);
        self.st = outer;
        if !ended? {
            return self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}"));
        }
        Ok(Parsed::Node(Node::Template(TemplateCall {
            pos: t.pos,
            line: t.line,
            name,
            pipe: Some(pipe),
        })))
    }

    /// Parses a block's body and adds it to the set; false when the body
    /// ended with `{{else}}` instead of `{{end}}`.
    fn block_body(&mut self, name: Arc<str>, delim_pos: Pos) -> PResult<bool> {
        let (body, end) = self.item_list()?;
        if let Parsed::Else(_) = end {
            return Ok(false);
        }
        self.add(name, delim_pos, body)?;
        Ok(true)
    }

    fn template_control(&mut self) -> PResult<Parsed> {
        const CONTEXT: &str = "template clause";
        let t = self.next_non_space();
        let name = self.parse_template_name(t, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().kind != ItemKind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemKind::RightDelim)?.0);
        }
        Ok(Parsed::Node(Node::Template(TemplateCall {
            pos: t.pos,
            line: t.line,
            name,
            pipe,
        })))
    }

    /// Go's `pipeline`; returns the pipe and the line of its first token.
    fn pipeline(&mut self, context: &str, end: ItemKind) -> PResult<(Pipe, u32)> {
        let first = self.peek_non_space();
        let mut pipe = Pipe {
            pos: first.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        // Declarations or assignments.
        loop {
            let v = self.peek_non_space();
            if v.kind != ItemKind::Variable {
                break;
            }
            self.next();
            let token_after_variable = self.peek();
            let next = self.peek_non_space();
            if next.kind == ItemKind::Assign || next.kind == ItemKind::Declare {
                pipe.is_assign = next.kind == ItemKind::Assign;
                self.next_non_space();
                pipe.decl.push(Variable {
                    pos: v.pos,
                    name: Arc::from(v.val),
                });
                self.st.vars.push(v.val);
            } else if next.kind == ItemKind::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(Variable {
                    pos: v.pos,
                    name: Arc::from(v.val),
                });
                self.st.vars.push(v.val);
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().kind {
                        ItemKind::Variable | ItemKind::RightDelim | ItemKind::RightParen => {
                            continue;
                        }
                        _ => return self.errorf("range can only initialize variables".into()),
                    }
                }
                return self.errorf(format!("too many declarations in {context}"));
            } else if token_after_variable.kind == ItemKind::Space {
                self.backup3(v, token_after_variable);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let t = self.next_non_space();
            if t.kind == end {
                self.check_pipeline(&pipe, context)?;
                return Ok((pipe, first.line));
            }
            match t.kind {
                ItemKind::Bool
                | ItemKind::CharConstant
                | ItemKind::Complex
                | ItemKind::Dot
                | ItemKind::Field
                | ItemKind::Identifier
                | ItemKind::Number
                | ItemKind::Nil
                | ItemKind::RawString
                | ItemKind::String
                | ItemKind::Variable
                | ItemKind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                    if pipe.cmds.len() > MAX_PIPELINE_CMDS {
                        return self.errorf("pipeline too long".into());
                    }
                }
                _ => return self.unexpected(t, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String(_),
            ) = c.args.first()
            {
                return self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let mut cmd = Command {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let t = self.next();
            match t.kind {
                ItemKind::Space => continue,
                ItemKind::RightDelim | ItemKind::RightParen => self.backup(),
                ItemKind::Pipe => {}
                _ => return self.unexpected(t, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.errorf("empty command".into());
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some((node, text)) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != ItemKind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields: Vec<Arc<str>> = Vec::new();
        while self.peek().kind == ItemKind::Field {
            let f = self.next();
            fields.push(Arc::from(&f.val[1..]));
        }
        Ok(Some(match node {
            Arg::Field(mut f) => {
                f.fields.extend(fields);
                f.pos = chain_pos;
                Arg::Field(f)
            }
            Arg::Variable(mut v) => {
                v.fields.extend(fields);
                v.pos = chain_pos;
                Arg::Variable(v)
            }
            Arg::Bool(..) | Arg::String(_) | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return self.errorf(format!("unexpected . after term {}", go_quote(text)));
            }
            Arg::Identifier(id) => {
                let pipe = Pipe {
                    pos: id.pos,
                    is_assign: false,
                    decl: Vec::new(),
                    cmds: vec![Command {
                        pos: id.pos,
                        args: vec![Arg::Identifier(id)],
                    }],
                };
                Arg::Chain(Box::new(Chain {
                    pos: chain_pos,
                    pipe,
                    fields,
                }))
            }
            Arg::Chain(mut c) => {
                c.pos = chain_pos;
                c.fields.extend(fields);
                Arg::Chain(c)
            }
        }))
    }

    /// Go's `term`; also returns the token text (for error messages).
    fn term(&mut self) -> PResult<Option<(Arg, &'a str)>> {
        let t = self.next_non_space();
        let arg = match t.kind {
            ItemKind::Identifier => {
                if !(self.is_func)(t.val) {
                    return self.errorf(format!("function {} not defined", go_quote(t.val)));
                }
                Arg::Identifier(Identifier {
                    pos: t.pos,
                    name: Arc::from(t.val),
                })
            }
            ItemKind::Dot => Arg::Dot(t.pos),
            ItemKind::Nil => Arg::Nil(t.pos),
            ItemKind::Variable => {
                if !self.st.vars.contains(&t.val) {
                    return self.errorf(format!("undefined variable {}", go_quote(t.val)));
                }
                Arg::Variable(VariableRef {
                    pos: t.pos,
                    name: Arc::from(t.val),
                    fields: Vec::new(),
                })
            }
            ItemKind::Field => Arg::Field(FieldChain {
                pos: t.pos,
                fields: vec![Arc::from(&t.val[1..])],
            }),
            ItemKind::Bool => Arg::Bool(t.pos, t.val == "true"),
            ItemKind::CharConstant | ItemKind::Complex | ItemKind::Number => {
                match new_number(t.pos, t.val, t.kind) {
                    Ok(n) => Arg::Number(n),
                    Err(msg) => return self.errorf(msg),
                }
            }
            ItemKind::LeftParen => {
                if self.st.stack_depth >= MAX_STACK_DEPTH {
                    return self.errorf("max expression depth exceeded".into());
                }
                self.st.stack_depth += 1;
                let r = self.pipeline("parenthesized pipeline", ItemKind::RightParen);
                self.st.stack_depth -= 1;
                let (pipe, _) = r?;
                Arg::Chain(Box::new(Chain {
                    pos: pipe.pos,
                    pipe,
                    fields: Vec::new(),
                }))
            }
            ItemKind::String | ItemKind::RawString => match go_unquote(t.val) {
                Some(s) => Arg::String(StringLit {
                    pos: t.pos,
                    text: Arc::from(s),
                    quoted: Arc::from(t.val),
                }),
                None => return self.errorf("invalid syntax".into()),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some((arg, t.val)))
    }
}

// ---- Go's String() of nodes (used in Go's error messages: `at <...>`) ----

impl std::fmt::Display for Pipe {
    /// Go's `PipeNode.String()`: `$x := cmd | cmd`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(&v.name)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Command {
    /// Go's `CommandNode.String()`: operands separated by spaces, a
    /// parenthesized pipeline in parentheses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Arg {
    /// Go's `String()` of an operand: a string literal as written, a chain
    /// with its pipeline in parentheses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String(s) => f.write_str(&s.quoted),
            Arg::Field(c) => {
                for field in &c.fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Variable(v) => {
                f.write_str(&v.name)?;
                for field in &v.fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Identifier(i) => f.write_str(&i.name),
            Arg::Chain(c) => {
                write!(f, "({})", c.pipe)?;
                for field in &c.fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::fmt::Display for TemplateCall {
    /// Go's `TemplateNode.String()`: `{{template "name" pipe}}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{{template {}", go_quote(&self.name))?;
        if let Some(p) = &self.pipe {
            write!(f, " {p}")?;
        }
        f.write_str("}}")
    }
}

impl std::fmt::Display for ActionNode {
    /// Go's `ActionNode.String()`: `{{pipe}}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{{{}}}}}", self.pipe)
    }
}

// ---- literals (Go's strconv as text/template uses it) ----

fn unhex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Go's `strconv.UnquoteChar` on bytes: the value, whether it is a
/// multibyte rune (else a raw byte), and the number of bytes consumed.
fn unquote_char(s: &[u8], quote: u8) -> Option<(u32, bool, usize)> {
    let c = *s.first()?;
    if c == quote && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if c >= 0x80 {
        let st = std::str::from_utf8(&s[..s.len().min(4)]).ok().or_else(|| {
            (1..4)
                .rev()
                .find_map(|n| std::str::from_utf8(&s[..s.len().min(n)]).ok())
        })?;
        let ch = st.chars().next()?;
        return Some((ch as u32, true, ch.len_utf8()));
    }
    if c != b'\\' {
        return Some((c as u32, false, 1));
    }
    let e = *s.get(1)?;
    let rest = &s[2..];
    let simple = |v: u8| Some((v as u32, false, 2));
    match e {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            if rest.len() < n {
                return None;
            }
            let mut v: u32 = 0;
            for &b in &rest[..n] {
                v = (v << 4) | unhex(b)?;
            }
            if e == b'x' {
                return Some((v, false, 2 + n));
            }
            char::from_u32(v)?;
            Some((v, true, 2 + n))
        }
        b'0'..=b'7' => {
            let mut v = (e - b'0') as u32;
            if rest.len() < 2 {
                return None;
            }
            for &b in &rest[..2] {
                if !(b'0'..=b'7').contains(&b) {
                    return None;
                }
                v = (v << 3) | (b - b'0') as u32;
            }
            if v > 255 {
                return None;
            }
            Some((v, false, 4))
        }
        b'\\' => simple(b'\\'),
        b'\'' | b'"' => {
            if e != quote {
                return None;
            }
            simple(e)
        }
        _ => None,
    }
}

/// Go's `strconv.Unquote` for `"..."` and `` `...` `` literals (`None` is
/// Go's `invalid syntax`). Bytes that are not UTF-8 (from `\x` or octal
/// escapes) become U+FFFD.
pub fn go_unquote(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b[b.len() - 1] {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    match b[0] {
        b'`' => {
            if inner.contains('`') {
                return None;
            }
            Some(inner.replace('\r', ""))
        }
        b'"' => {
            if inner.contains('\n') {
                return None;
            }
            if !inner.contains('\\') && !inner.contains('"') {
                return Some(inner.to_string());
            }
            let mut out: Vec<u8> = Vec::with_capacity(inner.len());
            let mut rest = inner.as_bytes();
            while !rest.is_empty() {
                let (v, multibyte, n) = unquote_char(rest, b'"')?;
                rest = &rest[n..];
                if v < 0x80 || !multibyte {
                    out.push(v as u8);
                } else {
                    let ch = char::from_u32(v)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
            }
            Some(String::from_utf8_lossy(&out).into_owned())
        }
        _ => None,
    }
}

/// Go's `underscoreOK`.
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if !s.is_empty() && (s[0] == b'-' || s[0] == b'+') {
        s = &s[1..];
    }
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && (b'a'..=b'f').contains(&(c | 0x20))) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
fn parse_uint0(s0: &str) -> Option<u64> {
    if s0.is_empty() {
        return None;
    }
    let mut s = s0.as_bytes();
    let mut base = 10u64;
    if s[0] == b'0' {
        if s.len() >= 3 && s[1] | 0x20 == b'b' {
            base = 2;
            s = &s[2..];
        } else if s.len() >= 3 && s[1] | 0x20 == b'o' {
            base = 8;
            s = &s[2..];
        } else if s.len() >= 3 && s[1] | 0x20 == b'x' {
            base = 16;
            s = &s[2..];
        } else {
            base = 8;
            s = &s[1..];
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in s {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = (c as char).to_digit(36)? as u64;
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn parse_int0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint0(body)?;
    if neg {
        if u > 1u64 << 63 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the texts the lexer produces
/// (decimal and hexadecimal floats, `_` separators).
fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') {
        if !underscore_ok(s) {
            return None;
        }
        return parse_float(&s.replace('_', ""));
    }
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let v = if body.len() > 2 && body.as_bytes()[0] == b'0' && body.as_bytes()[1] | 0x20 == b'x' {
        parse_hex_float(&body[2..])?
    } else {
        if !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Mantissa `h.h` and a required `p` exponent.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

/// `f` as an int64 when it is integral and in range (Go's
/// `float64(int64(f)) == f`).
fn float_to_int(f: f64) -> Option<i64> {
    let two63 = (1u64 << 63) as f64;
    if f.fract() == 0.0 && (-two63..two63).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

fn number(pos: Pos, text: &str, int: Option<i64>, float: Option<f64>) -> NumberLit {
    let is_hex_int = text.len() > 2
        && text.as_bytes()[0] == b'0'
        && text.as_bytes()[1] | 0x20 == b'x'
        && !text.contains(['p', 'P']);
    let is_rune = text.starts_with('\'');
    NumberLit {
        pos,
        text: Arc::from(text),
        int,
        float,
        is_float_syntax: float.is_some()
            && !is_hex_int
            && !is_rune
            && text.contains(['.', 'e', 'E', 'p', 'P']),
    }
}

/// Go's `newNumber`: the interpretations of a number literal, or Go's error.
/// Complex constants keep only their real interpretations (none when the
/// imaginary part is non-zero).
fn new_number(pos: Pos, text: &str, kind: ItemKind) -> Result<NumberLit, String> {
    if kind == ItemKind::CharConstant {
        let b = text.as_bytes();
        let (v, _, n) = unquote_char(&b[1..], b'\'').ok_or("invalid syntax")?;
        if &text[1 + n..] != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        return Ok(number(pos, text, Some(v as i64), Some(v as f64)));
    }
    let complex_real = |re: f64, im: f64| {
        if im != 0.0 {
            number(pos, text, None, None)
        } else {
            number(pos, text, float_to_int(re), Some(re))
        }
    };
    if kind == ItemKind::Complex {
        let split = text
            .char_indices()
            .skip(1)
            .filter(|&(i, c)| {
                (c == '+' || c == '-') && !matches!(text.as_bytes()[i - 1] | 0x20, b'e' | b'p')
            })
            .map(|(i, _)| i)
            .last()
            .ok_or_else(|| "expected integer".to_string())?;
        let re = parse_float(&text[..split]).ok_or("expected integer")?;
        let im = parse_float(&text[split..text.len() - 1]).ok_or("expected integer")?;
        return Ok(complex_real(re, im));
    }
    if let Some(body) = text.strip_suffix('i') {
        if let Some(f) = parse_float(body) {
            return Ok(complex_real(0.0, f));
        }
    }
    let u = parse_uint0(text);
    let mut int = parse_int0(text);
    let mut float = None;
    if let Some(i) = int {
        float = Some(i as f64);
    } else if let Some(u) = u {
        float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", go_quote(text)));
        }
        float = Some(f);
        int = float_to_int(f);
    }
    if int.is_none() && u.is_none() && float.is_none() {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    Ok(number(pos, text, int, float))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::ast::Node;

    const FUNCS: &[&str] = &[
        "include", "quote", "list", "default", "printf", "len", "and", "eq", "not", "print",
    ];

    fn known(name: &str) -> bool {
        FUNCS.contains(&name)
    }

    /// Source text starting at `pos`, up to the end of the token there.
    fn tok(src: &str, pos: Pos) -> &str {
        let rest = &src[pos as usize..];
        let end = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| matches!(c, ' ' | '\t' | '\r' | '\n' | '{' | '}' | '|' | ')'))
            .map_or(rest.len(), |(i, _)| i);
        &rest[..end]
    }

    fn dump_list(src: &str, l: &List) -> String {
        let nodes: Vec<String> = l.nodes.iter().map(|n| dump_node(src, n)).collect();
        format!("[{}]", nodes.join(" "))
    }

    fn dump_node(src: &str, n: &Node) -> String {
        match n {
            Node::Text(t) => {
                let p = t.pos as usize;
                assert_eq!(&src[p..p + t.text.len()], &*t.text, "text node position");
                format!("{:?}", &*t.text)
            }
            Node::Action(a) => format!(
                "A@{:?}:{}{{{}}}",
                tok(src, a.pos),
                a.line,
                dump_pipe(src, &a.pipe)
            ),
            Node::Comment(p) => format!("C@{}", p),
            Node::If(b) => format!("If{}", dump_branch(src, b)),
            Node::With(b) => format!("With{}", dump_branch(src, b)),
            Node::Range(b) => format!("Range{}", dump_branch(src, b)),
            Node::Template(t) => format!(
                "Tpl@{:?}:{}{:?}({})",
                tok(src, t.pos),
                t.line,
                &*t.name,
                t.pipe
                    .as_ref()
                    .map(|p| dump_pipe(src, p))
                    .unwrap_or_default()
            ),
            Node::Break(p) => format!("Break@{:?}", tok(src, *p)),
            Node::Continue(p) => format!("Continue@{:?}", tok(src, *p)),
        }
    }

    fn dump_branch(src: &str, b: &BranchNode) -> String {
        let mut s = format!(
            "@{:?}:{}{{{}}}{}",
            tok(src, b.pos),
            b.line,
            dump_pipe(src, &b.pipe),
            dump_list(src, &b.list)
        );
        if let Some(e) = &b.else_list {
            s += &format!("else@{:?}{}", tok(src, e.pos), dump_list(src, e));
        }
        s
    }

    fn dump_pipe(src: &str, p: &Pipe) -> String {
        let mut s = String::new();
        if !p.decl.is_empty() {
            let d: Vec<String> = p
                .decl
                .iter()
                .map(|v| {
                    assert!(tok(src, v.pos).starts_with(&*v.name));
                    v.name.to_string()
                })
                .collect();
            s += &d.join(",");
            s += if p.is_assign { " = " } else { " := " };
        }
        let cmds: Vec<String> = p
            .cmds
            .iter()
            .map(|c| {
                let args: Vec<String> = c.args.iter().map(|a| dump_arg(src, a)).collect();
                format!("{}@{:?}", args.join(" "), tok(src, c.pos))
            })
            .collect();
        s + &cmds.join(" | ")
    }

    fn dump_arg(src: &str, a: &Arg) -> String {
        let at = tok(src, a.pos());
        match a {
            Arg::Dot(_) => format!(".@{at:?}"),
            Arg::Nil(_) => format!("nil@{at:?}"),
            Arg::Bool(_, b) => format!("{b}@{at:?}"),
            Arg::Number(n) => format!(
                "N({},{:?},{:?},{})@{at:?}",
                n.text, n.int, n.float, n.is_float_syntax
            ),
            Arg::String(s) => format!("S{:?}@{at:?}", &*s.text),
            Arg::Field(f) => format!("F{:?}@{at:?}", f.fields),
            Arg::Variable(v) => format!("V{}{:?}@{at:?}", v.name, v.fields),
            Arg::Identifier(i) => format!("I{}@{at:?}", i.name),
            Arg::Chain(c) => format!("Ch({}){:?}@{at:?}", dump_pipe(src, &c.pipe), c.fields),
        }
    }

    fn dump(src: &str) -> String {
        let f = match parse("t", src, &known) {
            Ok(f) => f,
            Err(e) => return format!("ERR {}", e),
        };
        let mut s = dump_list(src, &f.root);
        for d in &f.defines {
            s += &format!(
                " def{:?}@{:?}{}",
                &*d.name,
                tok(src, d.pos),
                dump_list(src, &d.body)
            );
        }
        s
    }

    /// Trees with Go's node positions: each `@"..."` is the source text at
    /// the node's `pos` (Go puts a field chain `.a.b` at its second field,
    /// an action and a branch at the first token of their pipeline).
    #[test]
    fn parse_table() {
        let cases: &[(&str, &str)] = &[
            ("abc", r#"["abc"]"#),
            ("a {{ .x }} b", r#"["a " A@".x":1{F["x"]@".x"@".x"} " b"]"#),
            ("a \n {{- .x -}} \n b", r#"["a" A@".x":2{F["x"]@".x"@".x"} "b"]"#),
            ("{{ .a.b.c }}", r#"[A@".a.b.c":1{F["a", "b", "c"]@".b.c"@".a.b.c"}]"#),
            (
                "{{ $.a }}{{ $x := 1 }}{{ $x.y.z }}",
                r#"[A@"$.a":1{V$["a"]@".a"@"$.a"} A@"$x":1{$x := N(1,Some(1),Some(1.0),false)@"1"@"1"} A@"$x.y.z":1{V$x["y", "z"]@".y.z"@"$x.y.z"}]"#,
            ),
            (
                "{{ (len .a).b }}",
                r#"[A@"(len":1{Ch(Ilen@"len" F["a"]@".a"@"len")["b"]@".b"@"(len"}]"#,
            ),
            ("{{ (.a) }}", r#"[A@"(.a":1{Ch(F["a"]@".a"@".a")[]@".a"@"(.a"}]"#),
            (
                "{{ .a | quote | printf \"%s\" }}",
                r#"[A@".a":1{F["a"]@".a"@".a" | Iquote@"quote"@"quote" | Iprintf@"printf" S"%s"@"\"%s\""@"printf"}]"#,
            ),
            (
                "{{ 1.5 0x1F 1e3 'a' -2 0o17 0b101 1_000 0x1p4 }}",
                r#"[A@"1.5":1{N(1.5,None,Some(1.5),true)@"1.5" N(0x1F,Some(31),Some(31.0),false)@"0x1F" N(1e3,Some(1000),Some(1000.0),true)@"1e3" N('a',Some(97),Some(97.0),false)@"'a'" N(-2,Some(-2),Some(-2.0),false)@"-2" N(0o17,Some(15),Some(15.0),false)@"0o17" N(0b101,Some(5),Some(5.0),false)@"0b101" N(1_000,Some(1000),Some(1000.0),false)@"1_000" N(0x1p4,Some(16),Some(16.0),true)@"0x1p4"@"1.5"}]"#,
            ),
            (
                "{{ \"a\\tb\\u00e9\\x41\\101\" `r\\n` nil true false . }}",
                r#"[A@"\"a\\tb\\u00e9\\x41\\101\"":1{S"a\tbéAA"@"\"a\\tb\\u00e9\\x41\\101\"" S"r\\n"@"`r\\n`" nil@"nil" true@"true" false@"false" .@"."@"\"a\\tb\\u00e9\\x41\\101\""}]"#,
            ),
            (
                "{{ if .a }}x{{ else if .b }}y{{ else }}z{{ end }}",
                r#"[If@".a":1{F["a"]@".a"@".a"}["x"]else@"if"[If@".b":1{F["b"]@".b"@".b"}["y"]else@"z"["z"]]]"#,
            ),
            (
                "{{ with $v := .a }}{{ $v }}{{ else with .b }}{{ end }}",
                r#"[With@"$v":1{$v := F["a"]@".a"@".a"}[A@"$v":1{V$v[]@"$v"@"$v"}]else@"with"[With@".b":1{F["b"]@".b"@".b"}[]]]"#,
            ),
            (
                "{{ range $i, $v := .l }}{{ if $i }}{{ break }}{{ end }}{{ continue }}{{ end }}",
                r#"[Range@"$i,":1{$i,$v := F["l"]@".l"@".l"}[If@"$i":1{V$i[]@"$i"@"$i"}[Break@"break"] Continue@"continue"]]"#,
            ),
            (
                "{{ range .l }}a{{ else }}b{{ end }}",
                r#"[Range@".l":1{F["l"]@".l"@".l"}["a"]else@"b"["b"]]"#,
            ),
            (
                "{{ $x := 1 }}{{ $x = 2 }}",
                r#"[A@"$x":1{$x := N(1,Some(1),Some(1.0),false)@"1"@"1"} A@"$x":1{$x = N(2,Some(2),Some(2.0),false)@"2"@"2"}]"#,
            ),
            ("a{{/* c */}}b{{- /* c */ -}} c", r#"["a" "b" "c"]"#),
            // Helm renders this as "axb y\r\n": CR and LF count as trim spaces.
            (
                "a \r\n{{-\r\n\"x\"\r-}}\r\n b {{ \"y\" }}\r\n",
                r#"["a" A@"\"x\"":3{S"x"@"\"x\""@"\"x\""} "b " A@"\"y\"":4{S"y"@"\"y\""@"\"y\""} "\r\n"]"#,
            ),
            (
                "{{ template \"x\" . }}{{ template `y` }}",
                r#"[Tpl@"\"x\"":1"x"(.@"."@".") Tpl@"`y`":1"y"()]"#,
            ),
            (
                "{{ define \"d\" }}D{{ end }}x{{ block \"b\" .a }}B{{ end }}",
                r#"["x" Tpl@"\"b\"":1"b"(F["a"]@".a"@".a")] def"d"@"{"["D"] def"b"@"{"["B"]"#,
            ),
            (
                "{{ define \"d\" }}  {{ end }}{{ define \"d\" }}D{{ end }}{{ define \"d\" }} {{ end }}",
                r#"[] def"d"@"{"["D"]"#,
            ),
            (
                "l1\n{{ .a\n  .b }}\n{{ if\n .c }}{{ end }}",
                r#"["l1\n" A@".a":2{F["a"]@".a" F["b"]@".b"@".a"} "\n" If@".c":5{F["c"]@".c"@".c"}[]]"#,
            ),
        ];
        for (src, want) in cases {
            assert_eq!(dump(src), *want, "template {src:?}");
        }
    }

    /// Messages confirmed with Helm v4.2.3 (`/work/shared/oracle/helm-render`)
    /// for a chart `mychart` whose templates/t.yaml holds the template.
    #[test]
    fn parse_error_table() {
        const P: &str = "parse error at (mychart/templates/t.yaml:";
        let cases: &[(&str, &str)] = &[
            ("x: {{ nofunc }}", "1): function \"nofunc\" not defined"),
            ("x: {{ .a", "1): unclosed action"),
            ("{{ end }}", "1): unexpected {{end}}"),
            ("{{ else }}", "1): unexpected {{else}}"),
            ("{{ if .a }}x", "1): unexpected EOF"),
            (
                "{{ if .a }}x{{ else }}y{{ else }}z{{ end }}",
                "1): expected end; found {{else}}",
            ),
            ("{{ 1x }}", "1): \"1x\""),
            ("{{ 0x }}", "1): \"0x\""),
            ("{{ \"abc }}", "1): unterminated quoted string"),
            ("{{ \"a\\qb\" }}", "1): invalid syntax"),
            ("{{ 'ab' }}", "1): 'ab'"),
            ("{{ '' }}", "1): invalid syntax"),
            ("{{ `abc }}", "1): unterminated raw quoted string"),
            ("{{ 99999999999999999999 }}", "1): \"99999999999999999999\""),
            ("{{ 1.2.3 }}", "1): unexpected \".3\" in operand"),
            ("{{ - }}", "1): \"-\""),
            ("{{ break }}", "1): {{break}} outside {{range}}"),
            ("{{ continue }}", "1): {{continue}} outside {{range}}"),
            (
                "{{ define \"x\" }}a{{ end }}{{ define \"x\" }}b{{ end }}",
                "1): multiple definition of template \"x\"",
            ),
            (
                "{{ define \"x\" }}a{{ else }}b{{ end }}",
                "1): unexpected {{else}} in define clause",
            ),
            ("{{ $x }}", "1): undefined variable \"$x\""),
            (
                "{{ .a | 1 }}",
                "1): non executable command in pipeline stage 2",
            ),
            ("{{ (1 }}", "1): unclosed left paren"),
            ("{{ 1) }}", "1): unexpected right paren"),
            ("{{ }}", "1): missing value for command"),
            ("{{ | }}", "1): unexpected \"|\" in command"),
            (
                "{{ range $a, $b, $c := . }}{{ end }}",
                "1): too many declarations in range",
            ),
            ("{{ $a, $b := . }}", "1): too many declarations in command"),
            (
                "{{ range $a, 1 }}{{ end }}",
                "1): range can only initialize variables",
            ),
            (
                "{{ template x }}",
                "1): unexpected \"x\" in template clause",
            ),
            ("{{ /* c */ }}", "1): unexpected \"/\" in command"),
            ("{{/* c */ }}", "1): comment ends before closing delimiter"),
            ("{{/* c", "1): unclosed comment"),
            ("{{ .a.b.c.1 }}", "1): unexpected \".1\" in operand"),
            ("{{ \"a\".x }}", "1): unexpected . after term \"\\\"a\\\"\""),
            ("{{ .a~ }}", "1): bad character U+007E '~'"),
            ("{{ .a é }}", "1): function \"é\" not defined"),
            ("{{ ..a }}", "1): unexpected . after term \".\""),
            ("{{ : }}", "1): expected :="),
            ("{{ . a }}", "1): function \"a\" not defined"),
            (
                "{{ block \"x\" . }}a{{ end }}{{ block \"x\" . }}b{{ end }}",
                "1): multiple definition of template \"x\"",
            ),
            ("{{ if }}{{ end }}", "1): missing value for if"),
            ("a\n\n{{ if .x }}\n\n{{ .a }}", "5): unexpected EOF"),
            (
                "a\n{{ .a\n.b\n\"abc }}",
                "4): unterminated quoted string in action started at mychart/templates/t.yaml:2",
            ),
            (
                "a\n{{ .a\n\n(1\n}}",
                "5): unclosed left paren in action started at mychart/templates/t.yaml:2",
            ),
            (
                "a\n{{ .a\n\n1)\n}}",
                "4): unexpected right paren in action started at mychart/templates/t.yaml:2",
            ),
            (
                "a\n{{ .a\n\n:\n}}",
                "4): expected := in action started at mychart/templates/t.yaml:2",
            ),
            (
                "a\n{{ .a\n\n nofunc \n}}",
                "4): function \"nofunc\" not defined",
            ),
            (
                "a\n{{ if .a\n\n}}\n\n{{ else }}\n{{ else }}{{end}}",
                "7): expected end; found {{else}}",
            ),
            (
                "a\n{{ if .a\n\n}}\n\n{{ end\n\n}}{{ end }}",
                "8): unexpected {{end}}",
            ),
            ("a\n{{ .a\n\n '\\q' \n}}", "4): invalid syntax"),
            (
                "{{ define \"x\" }}\na\n{{ end }}\n{{ define \"x\" }}\nb\n\n{{ end }}\n\nfoo",
                "7): multiple definition of template \"x\"",
            ),
            (
                "{{/* a\nb\nc */}}\n{{ nofunc }}",
                "4): function \"nofunc\" not defined",
            ),
            (
                "{{- /* a\nb\nc */ -}}\n{{ nofunc }}",
                "4): function \"nofunc\" not defined",
            ),
            (
                "{{ \"a\" }}\n{{ . a\n\nb }}",
                "2): function \"a\" not defined",
            ),
            (
                "{{ $x := 1 }}{{ if $x }}{{ $y := 2 }}{{ end }}{{ $y }}",
                "1): undefined variable \"$y\"",
            ),
            (
                "{{ range $i, $v := . }}{{ end }}{{ $i }}",
                "1): undefined variable \"$i\"",
            ),
            (
                "{{ define \"a\" }}{{ $x := 1 }}{{ end }}{{ $x }}",
                "1): undefined variable \"$x\"",
            ),
            ("{{ template \"x\" (1 }}", "1): unclosed left paren"),
            (
                "{{ define x }}{{ end }}",
                "1): unexpected \"x\" in define clause",
            ),
            (
                "{{ define \"x\" 1 }}{{ end }}",
                "1): unexpected \"1\" in define clause",
            ),
            ("{{ define \"x\" }}", "1): unexpected EOF"),
            (
                "{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}",
                "1): unexpected <define> in command",
            ),
            ("{{ else if 1 }}", "1): unexpected {{else}}"),
            (
                "{{ if 1 }}{{ else if }}{{ end }}",
                "1): missing value for if",
            ),
            (
                "{{ if 1 }}{{ else x }}{{ end }}",
                "1): unexpected \"x\" in else",
            ),
            ("{{ end 1 }}", "1): unexpected \"1\" in end"),
            ("{{ break 1 }}", "1): unexpected \"1\" in {{break}}"),
            ("{{ 089 }}", "1): \"089\""),
            // Go reports the line of the last token read: the `}}` here.
            ("{{ $y\n\n }}", "3): undefined variable \"$y\""),
            ("{{ nofunc\n\n }}", "1): function \"nofunc\" not defined"),
            ("{{ .a | \n\n $z }}", "3): undefined variable \"$z\""),
            (
                "{{ block \"x\" . }}\n\n{{ else }}{{ end }}",
                "1): unexpected {{else}} in block clause",
            ),
            (
                "{{ define \"x\" }}\n\n{{ else }}{{ end }}",
                "3): unexpected {{else}} in define clause",
            ),
            (
                "a\n{{ define \"x\n\" }}{{ end }}",
                "2): unterminated quoted string",
            ),
            (
                "a\n{{ block \"x\" .\n\n}}{{ .a \n\n\"x\n }}{{ end }}",
                "6): unterminated quoted string in action started at mychart/templates/t.yaml:4",
            ),
            ("{{ 1e400 }}", "1): \"1e400\""),
        ];
        for (src, want) in cases {
            let got = parse("mychart/templates/t.yaml", src, &known)
                .map(|_| ())
                .map_err(|e| e.to_string());
            assert_eq!(got, Err(format!("{P}{want}")), "template {src:?}");
        }
    }

    /// Templates Helm v4.2.3 parses without error (checked with the oracle).
    #[test]
    fn accepted_by_helm() {
        let ok = [
            "x: {{ .a\n}}",
            "{{ range .a }}{{ break }}{{ end }}",
            "{{ $x := 1 2 }}",
            "{{ template \"x\" }}",
            "{{ with .a }}{{ else with .b }}{{ end }}",
            "{{ nil }}",
            "{{ \"\\xff\" }}",
            "{{ 1+2i }}",
            "{{ $x := 1 }}{{ if $x }}{{ $y := 2 }}{{ else }}{{ $y }}{{ end }}",
            "{{ with $x := 1 }}{{ else }}{{ $x }}{{ end }}",
            "{{ if 1 }}{{ else if $z := 1 }}{{ else }}{{ $z }}{{ end }}",
            "{{ define \"x\" }}\n\n{{ end }}\n{{ define \"x\" }}\nb\n\n{{ end }}\n\nfoo",
        ];
        for src in ok {
            assert!(parse("t", src, &known).is_ok(), "template {src:?}");
        }
    }

    /// Go drops carriage returns from raw strings (Helm: `{{ `a\rb` | len }}` is 2).
    #[test]
    fn raw_string_drops_cr() {
        assert_eq!(go_unquote("`a\rb`").as_deref(), Some("ab"));
        assert_eq!(go_unquote("\"a\\'\""), None);
        assert_eq!(go_unquote("'a'"), None);
    }

    #[test]
    fn go_error_format() {
        let e = parse("t.yaml", "\n{{ 1x }}", &known).err();
        assert_eq!(
            e.map(|e| e.go_message()),
            Some("template: t.yaml:2: bad number syntax: \"1x\"".to_string())
        );
        // Helm's `tpl` parses under the name "gotpl" and quotes Go's message:
        // `error calling tpl: cannot parse template "{{ nofunc }}": template:
        // gotpl:1: function "nofunc" not defined` (oracle).
        let e = parse("gotpl", "{{ nofunc }}", &known).err();
        assert_eq!(
            e.map(|e| e.go_message()),
            Some("template: gotpl:1: function \"nofunc\" not defined".to_string())
        );
    }

    #[test]
    fn line_col_is_go_error_context() {
        let src = "x: {{ .Values.nope.deeper }}\nab{{ .c }}";
        assert_eq!(line_col(src, 13), (1, 13));
        assert_eq!(line_col(src, 34), (2, 5));
        assert_eq!(line_col(src, 0), (1, 0));
    }

    /// Go's String() of nodes, as Helm quotes them in errors
    /// (`at <.Values.nope.deeper>`, `at <{{template "x"}}>`).
    #[test]
    fn node_strings() {
        let f = parse(
            "t",
            "{{ $x := .Values.nope.deeper | default (list 1 \"a\" `b`) }}{{ template \"x\" $x.y }}{{ (len $).z }}",
            &known,
        )
        .map_err(|e| e.to_string());
        let Ok(f) = f else {
            panic!("{f:?}");
        };
        let strings: Vec<String> = f
            .root
            .nodes
            .iter()
            .map(|n| match n {
                Node::Action(a) => a.to_string(),
                Node::Template(t) => t.to_string(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            strings,
            [
                "{{$x := .Values.nope.deeper | default (list 1 \"a\" `b`)}}",
                "{{template \"x\" $x.y}}",
                "{{(len $).z}}"
            ]
        );
    }

    /// Number literals as Helm v4.2.3 takes them (oracle: what it prints or
    /// rejects).
    #[test]
    fn numbers_like_go() {
        let n = |t: &str| match new_number(0, t, ItemKind::Number) {
            Ok(n) => format!("{:?} {:?} {}", n.int, n.float, n.is_float_syntax),
            Err(e) => e,
        };
        assert_eq!(n("1_000.5"), "None Some(1000.5) true");
        assert_eq!(n("0x1.8p1"), "Some(3) Some(3.0) true");
        assert_eq!(n("0x_1p4"), "Some(16) Some(16.0) true");
        assert_eq!(n("1__0"), "illegal number syntax: \"1__0\"");
        assert_eq!(n("0b"), "illegal number syntax: \"0b\"");
        assert_eq!(n("0x1.8"), "illegal number syntax: \"0x1.8\"");
        assert_eq!(n("07"), "Some(7) Some(7.0) false");
        assert_eq!(n("0_7"), "Some(7) Some(7.0) false");
        assert_eq!(n("-0"), "Some(0) Some(0.0) false");
        assert_eq!(n("+5"), "Some(5) Some(5.0) false");
        assert_eq!(n("1."), "Some(1) Some(1.0) true");
        assert_eq!(n("1e-2"), "None Some(0.01) true");
        assert_eq!(
            n("9223372036854775807"),
            "Some(9223372036854775807) Some(9.223372036854776e18) false"
        );
        // Go: "overflows int" at execution (unsigned only).
        assert_eq!(
            n("9223372036854775808"),
            "None Some(9.223372036854776e18) false"
        );
        assert_eq!(
            n("-9223372036854775808"),
            "Some(-9223372036854775808) Some(-9.223372036854776e18) false"
        );
        assert_eq!(n("1e19"), "None Some(1e19) true");
        assert_eq!(n("089"), "integer overflow: \"089\"");
        let c = |t: &str| new_number(0, t, ItemKind::CharConstant).map(|n| n.int);
        assert_eq!(c("'\\x41'"), Ok(Some(65)));
        assert_eq!(c("'\\u00e9'"), Ok(Some(233)));
        assert_eq!(c("'\\377'"), Ok(Some(255)));
        assert_eq!(c("'\\''"), Ok(Some(39)));
        assert_eq!(c("'é'"), Ok(Some(233)));
    }

    #[test]
    fn break_is_a_function_when_defined() {
        assert!(parse("t", "{{ break }}", &|n: &str| n == "break").is_ok());
    }
}
