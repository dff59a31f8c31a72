//! Syntax tree of Go's text/template language, as the parser builds it.
//!
//! Mirrors Go's `text/template/parse` node types. Every node carries `pos`,
//! the byte offset in its file where the node starts (as Go's `Pos`), from
//! which line and column are computed for errors and traces.

use std::sync::Arc;

/// Byte offset into the template file's text.
pub type Pos = u32;

/// A sequence of nodes (a template body or a branch).
#[derive(Debug, Clone, Default)]
pub struct List {
    /// Start of the list.
    pub pos: Pos,
    /// The nodes in order.
    pub nodes: Vec<Node>,
}

/// A node of a template body.
#[derive(Debug, Clone)]
pub enum Node {
    /// Literal text, already trimmed by `{{-`/`-}}` markers.
    Text(TextNode),
    /// `{{ pipeline }}`: the pipeline's value is printed unless it declares variables.
    Action(ActionNode),
    /// `{{/* ... */}}` (the parser does not produce it: Helm parses without
    /// Go's `ParseComments` mode, so comments leave no node).
    Comment(Pos),
    /// `{{ if }} ... {{ else if }} ... {{ else }} ... {{ end }}`.
    If(Box<BranchNode>),
    /// `{{ with }} ... {{ else with }} ... {{ else }} ... {{ end }}`.
    With(Box<BranchNode>),
    /// `{{ range }} ... {{ else }} ... {{ end }}`.
    Range(Box<BranchNode>),
    /// `{{ template "name" pipeline }}` (also what `{{ block }}` leaves in place).
    Template(TemplateCall),
    /// `{{ break }}`.
    Break(Pos),
    /// `{{ continue }}`.
    Continue(Pos),
}

/// Literal text.
#[derive(Debug, Clone)]
pub struct TextNode {
    /// Offset of the first byte of `text` in the file (after trimming).
    pub pos: Pos,
    /// The text.
    pub text: Arc<str>,
}

/// An action that prints (or only assigns).
#[derive(Debug, Clone)]
pub struct ActionNode {
    /// Go's position: offset of the first token of the pipeline (after
    /// `{{` and spaces), which Go's error messages quote.
    pub pos: Pos,
    /// 1-based line of that token.
    pub line: u32,
    /// The pipeline.
    pub pipe: Pipe,
}

/// `if`, `with` or `range` with their branches. `else if`/`else with` chains
/// are nested: the `else_list` holds a single `If`/`With` node, as in Go.
#[derive(Debug, Clone)]
pub struct BranchNode {
    /// Go's position: offset of the first token of the pipeline (after
    /// `if`/`with`/`range`).
    pub pos: Pos,
    /// 1-based line of that token.
    pub line: u32,
    /// The condition / range pipeline (may declare `$i, $v :=` for range).
    pub pipe: Pipe,
    /// The body when the condition holds (or for each element).
    pub list: List,
    /// The `else` body, if present. Its `pos` is Go's: the first token after
    /// `{{ else }}`, or the `if`/`with` keyword of `{{ else if }}`.
    pub else_list: Option<List>,
}

/// `{{ template "name" pipe }}`.
#[derive(Debug, Clone)]
pub struct TemplateCall {
    /// Go's position: offset of the quoted template name.
    pub pos: Pos,
    /// 1-based line of the name.
    pub line: u32,
    /// The template name.
    pub name: Arc<str>,
    /// The data pipeline, if given.
    pub pipe: Option<Pipe>,
}

/// A pipeline: optional variable declarations and commands joined by `|`.
#[derive(Debug, Clone)]
pub struct Pipe {
    /// Offset of the pipeline's start.
    pub pos: Pos,
    /// True for `$x = ...` (assignment), false for `$x := ...` (declaration).
    pub is_assign: bool,
    /// Variables declared or assigned (`$x`, or `$i, $v` in range).
    pub decl: Vec<Variable>,
    /// The commands, in order; each result is passed as the last argument of the next.
    pub cmds: Vec<Command>,
}

/// A variable reference in a declaration (`$x`).
#[derive(Debug, Clone)]
pub struct Variable {
    /// Offset of the `$`.
    pub pos: Pos,
    /// Name including the `$`.
    pub name: Arc<str>,
}

/// One command of a pipeline: a function call, a field chain or an operand.
#[derive(Debug, Clone)]
pub struct Command {
    /// Offset of the command's start.
    pub pos: Pos,
    /// Operands: the first may be a function identifier or a method-bearing field chain.
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.` (dot).
    Dot(Pos),
    /// `nil`.
    Nil(Pos),
    /// `true`/`false`.
    Bool(Pos, bool),
    /// A number literal.
    Number(NumberLit),
    /// A string literal (quoted or raw), unquoted.
    String(StringLit),
    /// `.A.B.C` on dot.
    Field(FieldChain),
    /// `$x.A.B`, or `$` / `$x` with no fields.
    Variable(VariableRef),
    /// A function name.
    Identifier(Identifier),
    /// `( pipeline )` with optional `.A.B` after it (Go's ChainNode over a PipeNode).
    Chain(Box<Chain>),
}

/// A number literal, with the interpretations Go's parser found valid.
/// A number that is neither `int` nor float syntax but has a `float` is an
/// unsigned value too large for int64 (Go: "overflows int"). Complex
/// constants (`1+2i`, `2i`) keep only their real interpretations: none
/// when the imaginary part is non-zero.
#[derive(Debug, Clone)]
pub struct NumberLit {
    /// Offset of the literal.
    pub pos: Pos,
    /// The literal as written.
    pub text: Arc<str>,
    /// Value as an integer, if it is one (also for char constants like `'a'`).
    pub int: Option<i64>,
    /// Value as a float, if representable.
    pub float: Option<f64>,
    /// True when the text says float (`.`, `e`, `p` and not hex int/char).
    pub is_float_syntax: bool,
}

/// A string literal.
#[derive(Debug, Clone)]
pub struct StringLit {
    /// Offset of the opening quote.
    pub pos: Pos,
    /// The unquoted string.
    pub text: Arc<str>,
    /// The literal as written, quotes included (Go's `StringNode.Quoted`,
    /// what Go prints for the node in error messages).
    pub quoted: Arc<str>,
}

/// `.A.B.C`.
#[derive(Debug, Clone)]
pub struct FieldChain {
    /// Go's position: offset of the `.` of the first field, or, for a chain
    /// of several fields (`.a.b.c`), of the second field (`.b`).
    pub pos: Pos,
    /// Field names without dots.
    pub fields: Vec<Arc<str>>,
}

/// `$x.A.B`.
#[derive(Debug, Clone)]
pub struct VariableRef {
    /// Go's position: offset of the `$`, or of the first field after the
    /// variable when there are fields (`$x.a.b` is at `.a`).
    pub pos: Pos,
    /// Variable name including `$` (just `$` for the root).
    pub name: Arc<str>,
    /// Field names after the variable.
    pub fields: Vec<Arc<str>>,
}

/// A function name.
#[derive(Debug, Clone)]
pub struct Identifier {
    /// Offset of the name.
    pub pos: Pos,
    /// The function name.
    pub name: Arc<str>,
}

/// A parenthesized pipeline, optionally followed by field accesses. A
/// function name followed by fields (`now.Unix`, Go's ChainNode over an
/// identifier) is a chain whose pipe is the single command `now`.
#[derive(Debug, Clone)]
pub struct Chain {
    /// Go's position: offset of the first field after `)`; without fields,
    /// the pipeline's position (its first token inside the parentheses).
    pub pos: Pos,
    /// The pipeline inside the parentheses.
    pub pipe: Pipe,
    /// Field names after `)`.
    pub fields: Vec<Arc<str>>,
}

/// One parsed template file: its top-level body and the `define`s (and
/// `block`s) it contains, in source order.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// The file's name as Helm knows it (`mychart/templates/x.yaml`).
    pub name: Arc<str>,
    /// The body outside any `define`.
    pub root: List,
    /// Named templates defined in the file, in order of appearance.
    pub defines: Vec<Define>,
}

/// `{{ define "name" }} ... {{ end }}` or the body of `{{ block "name" }}`.
#[derive(Debug, Clone)]
pub struct Define {
    /// The template name.
    pub name: Arc<str>,
    /// Offset of the `{{` of the define action.
    pub pos: Pos,
    /// The body.
    pub body: List,
}

impl Pipe {
    /// The operand Go's executor visits last while evaluating this pipeline
    /// (the last argument of the last command, or its first word when it has
    /// none, looking into parenthesized pipelines): Go reports a type error on
    /// the pipeline's result at that node.
    pub fn last_visited(&self) -> Option<&Arg> {
        let cmd = self.cmds.last()?;
        let arg = if cmd.args.len() > 1 {
            cmd.args.last()
        } else {
            cmd.args.first()
        }?;
        match arg {
            Arg::Chain(c) => c.pipe.last_visited().or(Some(arg)),
            _ => Some(arg),
        }
    }
}

impl Arg {
    /// Offset of the operand.
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Dot(p) | Arg::Nil(p) | Arg::Bool(p, _) => *p,
            Arg::Number(n) => n.pos,
            Arg::String(s) => s.pos,
            Arg::Field(f) => f.pos,
            Arg::Variable(v) => v.pos,
            Arg::Identifier(i) => i.pos,
            Arg::Chain(c) => c.pos,
        }
    }
}
