//! Parser for Go's text/template language (a port of Go's
//! `text/template/parse/parse.go` and the literal handling of `node.go`).
//!
//! [`parse`] turns one template file into a [`ParsedFile`]: its body and the
//! `define`/`block` templates it contains. Grammar, variable scoping, the
//! parse-time function check, node positions and error messages follow Go
//! exactly (Go 1.22+); [`ParseError`] displays as Helm v4 prints a parse
//! error (`parse error at (file:line): message`).

use std::collections::HashMap;
use std::rc::Rc;

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

/// Go's `maxStackDepth`: nesting limit of parenthesized pipelines.
const MAX_STACK_DEPTH: u32 = 10000;
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
    name: Rc<str>,
    pos: Pos,
    body: List,
}

struct Parser<'a, 'f> {
    name: &'a str,
    lex: Lexer<'a>,
    is_func: &'f dyn Fn(&str) -> bool,
    st: TreeState<'a>,
    set: Vec<Entry>,
    set_index: HashMap<Rc<str>, usize>,
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
    let file_name: Rc<str> = Rc::from(name);
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

    fn add(&mut self, name: Rc<str>, pos: Pos, body: List) -> PResult<()> {
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
        self.add(Rc::from(self.name), 0, root)
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
        self.add(Rc::from(name), delim_pos, body)
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
                text: Rc::from(t.val),
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

    fn parse_template_name(&mut self, t: Item<'a>, context: &str) -> PResult<Rc<str>> {
        match t.kind {
            ItemKind::String | ItemKind::RawString => match go_unquote(t.val) {
                Some(s) => Ok(Rc::from(s)),
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
        let outer = std::mem::replace(&mut self.st, TreeState::new());
        let r = self.block_body(name.clone(), delim_pos);
        let inner = std::mem::replace(&mut self.st, outer);
        match r? {
            Some(()) => {}
            None => {
                drop(inner);
                return self.errorf(format!("unexpected {{{{else}}}} in {CONTEXT}"));
            }
        }
        Ok(Parsed::Node(Node::Template(TemplateCall {
            pos: t.pos,
            line: t.line,
            name,
            pipe: Some(pipe),
        })))
    }

    /// Parses a block's body with the block's own tree state; `None` when
    /// it ended with `{{else}}` (reported with the outer tree's line).
    fn block_body(&mut self, name: Rc<str>, delim_pos: Pos) -> PResult<Option<()>> {
        let (body, end) = self.item_list()?;
        if let Parsed::Else(_) = end {
            return Ok(None);
        }
        self.add(name, delim_pos, body)?;
        Ok(Some(()))
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
                    name: Rc::from(v.val),
                });
                self.st.vars.push(v.val);
            } else if next.kind == ItemKind::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(Variable {
                    pos: v.pos,
                    name: Rc::from(v.val),
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
        let mut fields: Vec<Rc<str>> = Vec::new();
        while self.peek().kind == ItemKind::Field {
            let f = self.next();
            fields.push(Rc::from(&f.val[1..]));
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
                    name: Rc::from(t.val),
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
                    name: Rc::from(t.val),
                    fields: Vec::new(),
                })
            }
            ItemKind::Field => Arg::Field(FieldChain {
                pos: t.pos,
                fields: vec![Rc::from(&t.val[1..])],
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
                    text: Rc::from(s),
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
        text: Rc::from(text),
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
mod tests {}
