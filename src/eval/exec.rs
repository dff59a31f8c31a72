//! The evaluator: executes parsed templates as Go's text/template does, with
//! Helm's options (`missingkey=zero`, `include`, `tpl`), writing traced text
//! and recording decisions and values reads.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::eval::error::{ExecError, Frame};
use crate::eval::template_set::{Named, TemplateSet};
use crate::funcs::{self, FuncCtx, Ty};
use crate::origin::Deps;
use crate::template::ast::{
    Arg, BranchNode, Chain, Command, FieldChain, List, Node, NumberLit, Pipe, TemplateCall,
    VariableRef,
};
use crate::traced::{Decision, DecisionKind, FileId, Source, TStr, TextBuilder, TplLoc};
use crate::value::{IntKind, Place, Repr, Value};

/// The render budget for a function's result: a string or list over the
/// limit is an error of that call (also what the Go formatter gave up on).
fn within_budget(v: Value) -> Result<Value, funcs::FuncError> {
    match &v.repr {
        Repr::Str(s) => crate::limits::check_string(s.len() as u128).map_err(funcs::FuncError)?,
        Repr::List(l) => crate::limits::check_list(l.len() as u128).map_err(funcs::FuncError)?,
        _ => {}
    }
    if let Some(msg) = crate::limits::take_tripped() {
        return Err(funcs::FuncError(msg));
    }
    Ok(v)
}

/// Go's limit on nested template calls.
const MAX_EXEC_DEPTH: u32 = 100_000;
/// Helm's limit on nested `include`s of one name.
const MAX_INCLUDE_NESTING: u32 = 1000;

/// One read of a values node by a template.
#[derive(Debug, Clone)]
pub struct Read {
    /// The origins of the value read.
    pub deps: Deps,
    /// Where the template read it.
    pub loc: TplLoc,
}

/// A template asked a values map for a key it does not have.
#[derive(Debug, Clone)]
pub struct MissingRead {
    /// The key asked for, at each place the map stands (see [`Place`]).
    pub places: Rc<[Place]>,
    /// Where.
    pub loc: TplLoc,
}

/// Parses `tpl` text; supplied by the caller so the evaluator does not
/// depend on the parser's entry point.
pub type TplParser = fn(name: &str, text: &str) -> Result<crate::template::ast::ParsedFile, String>;

/// Control flow out of a node: an error, or `break`/`continue` in a range.
enum Flow {
    Err(Box<ExecError>),
    Break,
    Continue,
}

impl From<Box<ExecError>> for Flow {
    fn from(e: Box<ExecError>) -> Self {
        Flow::Err(e)
    }
}

type Res<T> = Result<T, Flow>;
type VRes = Result<Value, Box<ExecError>>;

/// The result of evaluating an operand, with Go's distinction between a nil
/// interface found in a map (`from_map`) and no value at all.
#[derive(Clone)]
struct Operand {
    value: Value,
    from_map: bool,
}

impl Operand {
    fn plain(value: Value) -> Self {
        Operand {
            value,
            from_map: false,
        }
    }
}

/// A template variable.
struct Var {
    name: Arc<str>,
    value: Value,
    /// How many control conditions were active when it was declared.
    control_depth: usize,
}

impl Var {
    fn new(name: Arc<str>, value: Value, control_depth: usize) -> Self {
        Var {
            name,
            value,
            control_depth,
        }
    }
}

/// An `if`/`with`/`range` whose branch is executing.
#[derive(Clone)]
struct Control {
    kind: DecisionKind,
    loc: TplLoc,
    deps: Deps,
}

/// Per-execution state of one template (Go's `state`).
struct State {
    /// Name of the template being executed (for error messages).
    tmpl_name: Arc<str>,
    /// File the nodes being executed belong to.
    file: FileId,
    /// Variables in scope, innermost last.
    vars: Vec<Var>,
    /// Conditions whose branch is executing, outermost first: a value
    /// assigned to an outer variable inside a branch depends on them.
    control: Vec<Control>,
    /// Output.
    out: TextBuilder,
}

/// Executes templates of a [`TemplateSet`].
pub struct Evaluator {
    set: TemplateSet,
    include_counts: HashMap<Rc<str>, u32>,
    literal_sources: HashMap<TplLoc, Rc<Source>>,
    reads: Vec<Read>,
    missing_reads: Vec<MissingRead>,
    depth: u32,
    tpl_parser: Option<TplParser>,
    /// This render's cache of texts parsed by `fromYaml`.
    yaml_trees: Rc<crate::yaml::YamlTrees>,
    /// Keys the user's `null`s deleted from the values.
    deleted: Rc<crate::deletions::Deletions>,
    /// Record provenance: runs and decisions of the output, reads. Off
    /// only to measure what tracing costs (the text is the same).
    trace: bool,
}

impl Evaluator {
    /// An evaluator over a complete template set.
    pub fn new(set: TemplateSet, tpl_parser: Option<TplParser>) -> Self {
        Evaluator {
            set,
            include_counts: HashMap::new(),
            literal_sources: HashMap::new(),
            reads: Vec::new(),
            missing_reads: Vec::new(),
            depth: 0,
            tpl_parser,
            yaml_trees: Rc::default(),
            deleted: Rc::default(),
            trace: true,
        }
    }

    /// Record provenance (on by default) or not: with tracing off the
    /// output is the same text with no runs, decisions or reads.
    pub fn set_tracing(&mut self, on: bool) {
        self.trace = on;
    }

    /// The keys the user's `null`s deleted from this render's values: a
    /// lookup that finds one missing depends on its deletion.
    pub fn set_deletions(&mut self, deleted: crate::deletions::Deletions) {
        self.deleted = Rc::new(deleted);
    }

    /// The template set.
    pub fn set(&self) -> &TemplateSet {
        &self.set
    }

    /// Give the template set back (after rendering).
    pub fn into_set(self) -> TemplateSet {
        self.set
    }

    /// Values reads recorded so far.
    pub fn reads(&self) -> &[Read] {
        &self.reads
    }

    /// Take the recorded reads of keys that were not there.
    pub fn take_missing_reads(&mut self) -> Vec<MissingRead> {
        std::mem::take(&mut self.missing_reads)
    }

    /// Take the recorded reads.
    pub fn take_reads(&mut self) -> Vec<Read> {
        std::mem::take(&mut self.reads)
    }

    /// Execute the named template with `data` as dot, returning its output.
    pub fn execute(&mut self, name: &str, data: Value) -> Result<TStr, Box<ExecError>> {
        let Some(named) = self.set.lookup(name).cloned() else {
            return Err(Box::new(ExecError::plain(
                name,
                format!("no template {name:?} associated with template \"gotpl\""),
            )));
        };
        self.execute_body(name, named, data)
    }

    /// Execute one body under a template name with `data` as dot.
    fn execute_body(
        &mut self,
        name: &str,
        named: Named,
        data: Value,
    ) -> Result<TStr, Box<ExecError>> {
        let mut st = State {
            tmpl_name: Arc::from(name),
            file: named.file,
            vars: vec![Var::new(Arc::from("$"), data.clone(), 0)],
            control: Vec::new(),
            out: self.out_builder(),
        };
        match self.walk_list(&mut st, &data, &named.body) {
            Ok(()) => Ok(st.out.finish()),
            Err(Flow::Err(e)) => Err(e),
            Err(Flow::Break) | Err(Flow::Continue) => Ok(st.out.finish()),
        }
    }

    /// A builder for a template's output, tracing as this render does.
    fn out_builder(&self) -> TextBuilder {
        if self.trace {
            TextBuilder::new()
        } else {
            TextBuilder::untraced()
        }
    }

    // ----- locations and errors -------------------------------------------

    fn loc(&self, st: &State, pos: u32) -> TplLoc {
        TplLoc {
            file: st.file,
            offset: pos,
        }
    }

    fn error(
        &self,
        st: &State,
        pos: u32,
        context: String,
        cause: impl Into<String>,
    ) -> Box<ExecError> {
        let file = self.set.file(st.file);
        let (line, col) = self.set.line_col(st.file, pos);
        Box::new(ExecError::new(Frame {
            location: format!("{}:{}:{}", file.name, line, col),
            template: st.tmpl_name.to_string(),
            context,
            cause: cause.into(),
        }))
    }

    // ----- walking ------------------------------------------------------------

    fn walk_list(&mut self, st: &mut State, dot: &Value, list: &List) -> Res<()> {
        for node in &list.nodes {
            self.walk(st, dot, node)?;
        }
        Ok(())
    }

    fn walk(&mut self, st: &mut State, dot: &Value, node: &Node) -> Res<()> {
        match node {
            Node::Text(t) => {
                self.write_text(st, t.pos, &t.text);
                self.check_output(st, t.pos)
            }
            Node::Action(a) => {
                let v = self.eval_pipeline(st, dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.print_value(st, a.pipe.pos, &v);
                    self.check_output(st, a.pipe.pos)?;
                }
                Ok(())
            }
            Node::Comment(_) => Ok(()),
            Node::If(b) => self.walk_if_with(st, dot, b, DecisionKind::If),
            Node::With(b) => self.walk_if_with(st, dot, b, DecisionKind::With),
            Node::Range(b) => self.walk_range(st, dot, b),
            Node::Template(t) => self.walk_template(st, dot, t),
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
        }
    }

    /// The render budget for one template's output (and anything the Go
    /// formatter gave up on while printing).
    fn check_output(&self, st: &State, pos: u32) -> Res<()> {
        let limit = crate::limits::get().output_bytes;
        if st.out.len() > limit {
            let msg = format!(
                "rendered output of {} bytes exceeds the render budget of {limit} bytes (raise it with {})",
                st.out.len(),
                crate::limits::ENV_OUTPUT
            );
            return Err(self.error(st, pos, st.tmpl_name.to_string(), msg).into());
        }
        if let Some(msg) = crate::limits::take_tripped() {
            return Err(self.error(st, pos, st.tmpl_name.to_string(), msg).into());
        }
        Ok(())
    }

    fn write_text(&mut self, st: &mut State, pos: u32, text: &str) {
        let loc = self.loc(st, pos);
        if let Some(src) = &self.set.file(st.file).tpl_source {
            // Text of a `tpl` string: bytes come from wherever the string came from.
            let start = pos as usize;
            let end = start + text.len();
            if end <= src.len() && &src.as_str()[start..end] == text {
                let fill = Rc::new(Source {
                    loc: Some(loc),
                    deps: Deps::none(),
                });
                st.out.push_slice_filling(src, start..end, &fill);
                return;
            }
        }
        let source = self
            .literal_sources
            .entry(loc)
            .or_insert_with(|| Rc::new(Source::literal(loc)))
            .clone();
        st.out.push_str(text, &source);
    }

    fn print_value(&mut self, st: &mut State, pos: u32, v: &Value) {
        let loc = self.loc(st, pos);
        let source = Rc::new(Source {
            loc: Some(loc),
            deps: v.deps.clone(),
        });
        match &v.repr {
            Repr::Str(s) => {
                // A string straight from values has no location: its bytes
                // were written here.
                let located;
                let s = if s.runs().iter().any(|r| r.source.loc.is_none()) {
                    located = s.map_sources(&mut |src| {
                        src.loc.is_none().then(|| Source {
                            loc: Some(loc),
                            deps: src.deps.clone(),
                        })
                    });
                    &located
                } else {
                    s
                };
                let start = st.out.len();
                if s.is_empty() && !v.deps.is_empty() {
                    // An empty value printed leaves no text, but the place
                    // is where its keys would write: an insertion point
                    // (a checksum of this text depends on them too).
                    st.out.push_decision(Decision {
                        kind: DecisionKind::Value,
                        loc,
                        deps: v.deps.clone(),
                        taken: false,
                        start: start as u32,
                        end: start as u32,
                    });
                    return;
                }
                st.out.push_slice_filling(s, 0..s.len(), &source);
                // Keys that chose this text without being part of it
                // (`.a | default .b` prints b's text, chosen because a was
                // empty) decided the printed range.
                if !v.deps.is_empty() && !s.is_untraced() {
                    let in_text = s.all_deps();
                    let chose: Deps = v.deps.iter().filter(|&id| !in_text.contains(id)).collect();
                    if !chose.is_empty() {
                        st.out.push_decision(Decision {
                            kind: DecisionKind::If,
                            loc,
                            deps: chose,
                            taken: true,
                            start: start as u32,
                            end: st.out.len() as u32,
                        });
                    }
                }
            }
            Repr::Nil => st.out.push_str("<no value>", &source),
            Repr::Object(o) => st.out.push_str(&o.template_display(), &source),
            _ => {
                let text = crate::gofmt::sprint_value(v);
                st.out.push_str(&text, &source);
            }
        }
    }

    fn walk_if_with(
        &mut self,
        st: &mut State,
        dot: &Value,
        b: &BranchNode,
        kind: DecisionKind,
    ) -> Res<()> {
        let mark = st.vars.len();
        let result = (|| {
            let mut val = self.eval_pipeline(st, dot, &b.pipe)?;
            // A map emptied by the user's `null`s is false because of them.
            if let Repr::Map(m) = &val.repr {
                if !self.deleted.is_empty() && m.is_empty() {
                    let deps = val.deps.union(&self.deleted.of_map(m));
                    val.deps = deps;
                }
            }
            let truth = val.truthy();
            let start = st.out.len();
            st.control.push(Control {
                kind,
                loc: self.loc(st, b.pos),
                deps: val.deps.clone(),
            });
            let branch = if truth {
                if kind == DecisionKind::With {
                    self.walk_list(st, &val, &b.list)
                } else {
                    self.walk_list(st, dot, &b.list)
                }
            } else if let Some(else_list) = &b.else_list {
                self.walk_list(st, dot, else_list)
            } else {
                Ok(())
            };
            st.control.pop();
            branch?;
            let end = st.out.len();
            st.out.push_decision(Decision {
                kind,
                loc: self.loc(st, b.pos),
                deps: val.deps.clone(),
                taken: truth,
                start: start as u32,
                end: end as u32,
            });
            Ok(())
        })();
        st.vars.truncate(mark);
        result
    }

    fn walk_range(&mut self, st: &mut State, dot: &Value, b: &BranchNode) -> Res<()> {
        let mark = st.vars.len();
        let result = self.walk_range_inner(st, dot, b);
        st.vars.truncate(mark);
        match result {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn walk_range_inner(&mut self, st: &mut State, dot: &Value, b: &BranchNode) -> Res<()> {
        let val = self.eval_pipeline(st, dot, &b.pipe)?;
        let inner_mark = st.vars.len();
        let start = st.out.len();
        let items: Vec<(Value, Value)> = match &val.repr {
            Repr::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::int(i as i64), v.clone()))
                .collect(),
            Repr::Map(m) => m
                .borrow()
                .iter()
                .map(|(k, v)| (Value::str(k.clone()), v.clone()))
                .collect(),
            Repr::Int(n, _) => (0..*n).map(|i| (Value::int(i), Value::int(i))).collect(),
            Repr::Nil => Vec::new(),
            Repr::Object(o) if o.range_entries().is_some() => o.range_entries().unwrap_or_default(),
            Repr::Object(o) if o.slice_items().is_some() => o
                .slice_items()
                .map(|l| {
                    l.iter()
                        .enumerate()
                        .map(|(i, v)| (Value::int(i as i64), v.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            _ => {
                let shown = crate::gofmt::sprint_value(&val);
                return Err(self
                    .error(
                        st,
                        b.pos,
                        pipe_string(&b.pipe),
                        format!("range can't iterate over {shown}"),
                    )
                    .into());
            }
        };
        let taken = !items.is_empty();
        let range_loc = self.loc(st, b.pos);
        for (_, elem) in &items {
            if !elem.deps.is_empty() {
                self.reads.push(Read {
                    deps: elem.deps.clone(),
                    loc: range_loc,
                });
            }
        }
        let mut outcome = Ok(());
        st.control.push(Control {
            kind: DecisionKind::Range,
            loc: range_loc,
            deps: val.deps.clone(),
        });
        for (index, elem) in items {
            let decl = &b.pipe.decl;
            if !decl.is_empty() {
                if b.pipe.is_assign {
                    if decl.len() > 1 {
                        self.set_var(st, &decl[0].name, index.clone());
                        self.set_var(st, &decl[1].name, elem.clone());
                    } else {
                        self.set_var(st, &decl[0].name, elem.clone());
                    }
                } else {
                    let n = st.vars.len();
                    if decl.len() > 1 {
                        st.vars[n - 1].value = elem.clone();
                        st.vars[n - 2].value = index.clone();
                    } else {
                        st.vars[n - 1].value = elem.clone();
                    }
                }
            }
            let r = self.walk_list(st, &elem, &b.list);
            st.vars.truncate(inner_mark);
            match r {
                Ok(()) | Err(Flow::Continue) => {}
                Err(Flow::Break) => break,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        st.control.pop();
        outcome?;
        if !taken {
            if let Some(else_list) = &b.else_list {
                self.walk_list(st, dot, else_list)?;
            }
        }
        let end = st.out.len();
        // A key the user's `null` deleted from the map is an item the
        // range did not visit because of that `null`.
        let deps = match &val.repr {
            Repr::Map(m) if !self.deleted.is_empty() => val.deps.union(&self.deleted.of_map(m)),
            _ => val.deps.clone(),
        };
        st.out.push_decision(Decision {
            kind: DecisionKind::Range,
            loc: self.loc(st, b.pos),
            deps,
            taken,
            start: start as u32,
            end: end as u32,
        });
        Ok(())
    }

    fn walk_template(&mut self, st: &mut State, dot: &Value, t: &TemplateCall) -> Res<()> {
        let Some(named) = self.set.lookup(&t.name).cloned() else {
            return Err(self
                .error(
                    st,
                    t.pos,
                    template_call_string(t),
                    format!("template {:?} not defined", t.name.as_ref()),
                )
                .into());
        };
        if self.depth >= MAX_EXEC_DEPTH {
            return Err(self
                .error(
                    st,
                    t.pos,
                    template_call_string(t),
                    format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})"),
                )
                .into());
        }
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(st, dot, p)?,
            None => Value::nil(),
        };
        let mut inner = State {
            tmpl_name: t.name.clone(),
            file: named.file,
            vars: vec![Var::new(Arc::from("$"), new_dot.clone(), 0)],
            control: Vec::new(),
            out: std::mem::take(&mut st.out),
        };
        self.depth += 1;
        let r = self.walk_list(&mut inner, &new_dot, &named.body);
        self.depth -= 1;
        st.out = std::mem::take(&mut inner.out);
        match r {
            Ok(()) | Err(Flow::Break) | Err(Flow::Continue) => Ok(()),
            Err(e) => Err(e),
        }
    }

    // ----- variables ------------------------------------------------------------

    fn set_var(&self, st: &mut State, name: &str, value: Value) {
        let Some(i) = st.vars.iter().rposition(|v| &*v.name == name) else {
            return;
        };
        let depth = st.vars[i].control_depth;
        let value = if depth < st.control.len() {
            with_control(&st.vars[i].value, value, &st.control[depth..])
        } else {
            value
        };
        st.vars[i].value = value;
    }

    fn var_value(&self, st: &State, pos: u32, name: &str) -> VRes {
        match st.vars.iter().rev().find(|v| &*v.name == name) {
            Some(v) => Ok(v.value.clone()),
            None => Err(self.error(
                st,
                pos,
                name.to_string(),
                format!("undefined variable: {name}"),
            )),
        }
    }

    // ----- pipelines and commands --------------------------------------------------

    fn eval_pipeline(&mut self, st: &mut State, dot: &Value, pipe: &Pipe) -> VRes {
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(st, dot, cmd, value.take())?;
            value = Some(v.value);
        }
        let value = value.unwrap_or_default();
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(st, &var.name, value.clone());
            } else {
                let depth = st.control.len();
                st.vars
                    .push(Var::new(var.name.clone(), value.clone(), depth));
            }
        }
        Ok(value)
    }

    fn eval_command(
        &mut self,
        st: &mut State,
        dot: &Value,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> Result<Operand, Box<ExecError>> {
        let Some(first) = cmd.args.first() else {
            return Ok(Operand::plain(Value::nil()));
        };
        match first {
            Arg::Field(f) => self.eval_field_chain_node(st, dot, f, cmd, final_arg),
            Arg::Chain(c) => self.eval_chain(st, dot, c, cmd, final_arg),
            Arg::Identifier(id) => self
                .eval_function(st, dot, &id.name, id.pos, cmd, final_arg)
                .map(Operand::plain),
            Arg::Variable(v) => self.eval_variable(st, dot, v, cmd, final_arg),
            _ => {
                let operand = || arg_string(first);
                self.not_a_function(st, first.pos(), cmd, &final_arg, &operand, &operand)?;
                self.eval_constant(st, dot, first).map(Operand::plain)
            }
        }
    }

    fn eval_constant(&mut self, st: &mut State, dot: &Value, arg: &Arg) -> VRes {
        match arg {
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(p) => Err(self.error(st, *p, "nil".into(), "nil is not a command")),
            Arg::Bool(_, b) => Ok(Value::bool(*b)),
            Arg::Number(n) => self.ideal_constant(st, n),
            Arg::String(s) => Ok(Value::str(&*s.text)),
            _ => Ok(Value::nil()),
        }
    }

    fn ideal_constant(&self, st: &State, n: &NumberLit) -> VRes {
        if n.is_float_syntax {
            if let Some(f) = n.float {
                return Ok(Value::float(f));
            }
        }
        if let Some(i) = n.int {
            return Ok(Value::int(i));
        }
        // An integer literal beyond int64 (Go's IsUint constant) is an error
        // where it is used, not a float.
        Err(self.error(
            st,
            n.pos,
            n.text.to_string(),
            format!("{} overflows int", n.text),
        ))
    }

    /// Go's `notAFunction`: an operand that is not a function takes no
    /// arguments, neither written after it nor piped into it.
    /// Go reports the fault at the node it was evaluating (`context` at
    /// `pos`) and names the operand as Go prints it (`what`).
    fn not_a_function(
        &self,
        st: &State,
        pos: u32,
        cmd: &Command,
        final_arg: &Option<Value>,
        context: &dyn Fn() -> String,
        what: &dyn Fn() -> String,
    ) -> Result<(), Box<ExecError>> {
        if final_arg.is_some() || cmd.args.len() > 1 {
            return Err(self.error(
                st,
                pos,
                context(),
                format!("can't give argument to non-function {}", what()),
            ));
        }
        Ok(())
    }

    fn eval_variable(
        &mut self,
        st: &mut State,
        dot: &Value,
        v: &VariableRef,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> Result<Operand, Box<ExecError>> {
        let base = self.var_value(st, v.pos, &v.name)?;
        if v.fields.is_empty() {
            let operand = || v.name.to_string();
            self.not_a_function(st, v.pos, cmd, &final_arg, &operand, &operand)?;
            return Ok(Operand::plain(base));
        }
        let args = &cmd.args[1..];
        self.eval_fields(st, dot, v.pos, base, &v.fields, args, final_arg, &|| {
            var_ref_string(v)
        })
    }

    fn eval_field_chain_node(
        &mut self,
        st: &mut State,
        dot: &Value,
        f: &FieldChain,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> Result<Operand, Box<ExecError>> {
        let args = &cmd.args[1..];
        self.eval_fields(
            st,
            dot,
            f.pos,
            dot.clone(),
            &f.fields,
            args,
            final_arg,
            &|| field_string(f),
        )
    }

    fn eval_chain(
        &mut self,
        st: &mut State,
        dot: &Value,
        c: &Chain,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> Result<Operand, Box<ExecError>> {
        if c.fields.is_empty() {
            self.not_a_function(
                st,
                cmd.pos,
                cmd,
                &final_arg,
                &|| command_string(cmd),
                &|| pipe_string(&c.pipe),
            )?;
            return self.eval_pipeline(st, dot, &c.pipe).map(Operand::plain);
        }
        let base = self.eval_pipeline(st, dot, &c.pipe)?;
        let args = &cmd.args[1..];
        self.eval_fields(st, dot, c.pos, base, &c.fields, args, final_arg, &|| {
            chain_string(c)
        })
    }

    /// Walk `.a.b.c` from `receiver`; the last field may be a method called with args.
    #[allow(clippy::too_many_arguments)]
    fn eval_fields(
        &mut self,
        st: &mut State,
        dot: &Value,
        pos: u32,
        receiver: Value,
        fields: &[Arc<str>],
        args: &[Arg],
        final_arg: Option<Value>,
        context: &dyn Fn() -> String,
    ) -> Result<Operand, Box<ExecError>> {
        let mut cur = Operand::plain(receiver);
        let n = fields.len();
        for (i, name) in fields.iter().enumerate() {
            let last = i + 1 == n;
            let has_args = last && (!args.is_empty() || final_arg.is_some());
            cur = match &cur.value.repr {
                Repr::Nil => {
                    if cur.from_map {
                        return Err(self.error(
                            st,
                            pos,
                            context(),
                            format!("nil pointer evaluating interface {{}}.{name}"),
                        ));
                    }
                    // A key below a key that is not set (`index` or
                    // `default` gave the nil) is read all the same.
                    let places = match &cur.value.at {
                        Some(_) => cur.value.child_places(name),
                        None => Rc::from([]),
                    };
                    if !places.is_empty() {
                        self.missing_reads.push(MissingRead {
                            places: Rc::clone(&places),
                            loc: self.loc(st, pos),
                        });
                    }
                    Operand::plain(Value::nil().standing_at(places))
                }
                Repr::Map(m)
                    if name.as_ref() == "AsMap" && !has_args && m.get("AsMap").is_none() =>
                {
                    // chartutil.Values.AsMap: `.Values` is a map type with methods.
                    Operand::plain(cur.value.clone())
                }
                Repr::Map(m) => {
                    if has_args {
                        return Err(self.error(
                            st,
                            pos,
                            context(),
                            format!("{name} is not a method but has arguments"),
                        ));
                    }
                    let found = m.get(name);
                    let loc = self.loc(st, pos);
                    match found {
                        Some(v) => {
                            if !v.deps.is_empty() && self.trace {
                                self.reads.push(Read {
                                    deps: v.deps.clone(),
                                    loc,
                                });
                            }
                            Operand {
                                value: v,
                                from_map: true,
                            }
                        }
                        None => {
                            let places = cur.value.child_places(name);
                            let deleted = self.deleted.of(m, name).cloned();
                            let mut value = Value::nil().standing_at(Rc::clone(&places));
                            if let Some(deps) = deleted {
                                // Missing because the user's `null` deleted
                                // it: what the template does with its absence
                                // is that `null`'s doing.
                                if self.trace {
                                    self.reads.push(Read {
                                        deps: deps.clone(),
                                        loc,
                                    });
                                }
                                value.deps = deps;
                            } else if !places.is_empty() {
                                self.missing_reads.push(MissingRead {
                                    places: Rc::clone(&places),
                                    loc,
                                });
                            }
                            Operand {
                                value,
                                from_map: true,
                            }
                        }
                    }
                }
                Repr::Object(o) => {
                    let o = o.clone();
                    if has_args {
                        let mut argv = Vec::new();
                        for a in args {
                            argv.push(self.eval_arg(st, dot, a, Ty::Any)?);
                        }
                        if let Some(f) = final_arg.clone() {
                            argv.push(f);
                        }
                        match o.call(name, &argv) {
                            Some(Ok(v)) => Operand::plain(v),
                            Some(Err(msg)) => {
                                return Err(self.error(
                                    st,
                                    pos,
                                    context(),
                                    format!("error calling {name}: {msg}"),
                                ))
                            }
                            None => {
                                return Err(self.error(
                                    st,
                                    pos,
                                    context(),
                                    format!(
                                        "can't evaluate field {name} in type {}",
                                        o.type_name()
                                    ),
                                ))
                            }
                        }
                    } else if let Some(mut v) = o.field(name) {
                        // A field of a computed struct (Sprig's certificate)
                        // depends on what the struct was computed from.
                        if v.deps.is_empty() {
                            v.deps = cur.value.deps.clone();
                        }
                        Operand::plain(v)
                    } else if let Some(r) = o.call(name, &[]) {
                        match r {
                            Ok(v) => Operand::plain(v),
                            Err(msg) => {
                                return Err(self.error(
                                    st,
                                    pos,
                                    context(),
                                    format!("error calling {name}: {msg}"),
                                ))
                            }
                        }
                    } else {
                        return Err(self.error(
                            st,
                            pos,
                            context(),
                            format!("can't evaluate field {name} in type {}", o.type_name()),
                        ));
                    }
                }
                _ => {
                    return Err(self.error(
                        st,
                        pos,
                        context(),
                        format!(
                            "can't evaluate field {name} in type {}",
                            if cur.from_map {
                                "interface {}"
                            } else {
                                cur.value.type_name()
                            }
                        ),
                    ))
                }
            };
            if last && has_args && !matches!(cur.value.repr, Repr::Object(_)) {
                // handled above for maps; objects consumed args in the call
            }
        }
        Ok(cur)
    }

    // ----- functions -----------------------------------------------------------------

    fn eval_function(
        &mut self,
        st: &mut State,
        dot: &Value,
        name: &str,
        pos: u32,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> VRes {
        let args = &cmd.args[1..];
        match name {
            "and" | "or" => return self.eval_and_or(st, dot, name == "and", cmd, final_arg),
            "include" => return self.eval_include(st, dot, cmd, final_arg),
            "tpl" => return self.eval_tpl(st, dot, cmd, final_arg),
            _ => {}
        }
        let Some(def) = funcs::lookup(name) else {
            return Err(self.error(
                st,
                pos,
                command_string(cmd),
                format!("function {name:?} not defined"),
            ));
        };
        let nparams = def.params.len();
        let total = args.len() + usize::from(final_arg.is_some());
        let ok_count = match def.variadic {
            Some(_) => total >= nparams,
            None => total == nparams,
        };
        if !ok_count {
            let msg = if def.variadic.is_some() {
                format!("wrong number of args for {name}: want at least {nparams} got {total}")
            } else {
                format!("wrong number of args for {name}: want {nparams} got {total}")
            };
            return Err(self.error(st, pos, name.to_string(), msg));
        }
        let mut argv = Vec::with_capacity(total);
        for (i, a) in args.iter().enumerate() {
            let ty = param_type(def.params, def.variadic, i);
            argv.push(self.eval_arg(st, dot, a, ty)?);
        }
        if let Some(f) = final_arg {
            let ty = param_type(def.params, def.variadic, total - 1);
            let f = self.validate_final(st, cmd, f, ty)?;
            argv.push(f);
        }
        let deps = Deps::union_all(argv.iter().map(|v| &v.deps));
        let loc = self.loc(st, cmd.pos);
        let mut ctx = FuncCtx::in_render(loc, Rc::clone(&self.yaml_trees));
        if !self.deleted.is_empty() {
            ctx.deleted = Rc::clone(&self.deleted);
        }
        match (def.body)(&ctx, argv).and_then(within_budget) {
            Ok(v) => {
                if is_lookup(name) && self.trace {
                    // `index`, `dig`, `first`, ... read a values node as a
                    // field chain does: the node found is read here.
                    let found: Deps = v.deps.iter().filter(|&id| !deps.contains(id)).collect();
                    if !found.is_empty() {
                        self.reads.push(Read { deps: found, loc });
                    }
                }
                Ok(attach_provenance(name, v, deps, loc))
            }
            Err(e) => {
                let mut err = self.error(
                    st,
                    cmd.pos,
                    command_string(cmd),
                    format!("error calling {name}: {e}"),
                );
                if name == "fail" || name == "required" {
                    err.user_message = Some(e.0);
                }
                Err(err)
            }
        }
    }

    fn eval_and_or(
        &mut self,
        st: &mut State,
        dot: &Value,
        is_and: bool,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> VRes {
        let args = &cmd.args[1..];
        let total = args.len() + usize::from(final_arg.is_some());
        if total == 0 {
            let name = if is_and { "and" } else { "or" };
            return Err(self.error(
                st,
                cmd.pos,
                name.to_string(),
                format!("wrong number of args for {name}: want at least 1 got 0"),
            ));
        }
        let mut deps = Deps::none();
        let mut last = Value::nil();
        for a in args {
            let v = self.eval_arg(st, dot, a, Ty::Any)?;
            deps = deps.union(&v.deps);
            let t = v.truthy();
            last = v;
            if t != is_and {
                return Ok(last.with_deps(deps));
            }
        }
        if let Some(f) = final_arg {
            deps = deps.union(&f.deps);
            last = f;
        }
        Ok(last.with_deps(deps))
    }

    fn string_arg(
        &mut self,
        st: &mut State,
        dot: &Value,
        cmd: &Command,
        idx: usize,
        final_arg: &Option<Value>,
    ) -> VRes {
        let args = &cmd.args[1..];
        if idx < args.len() {
            self.eval_arg(st, dot, &args[idx], Ty::Str)
        } else if let Some(f) = final_arg {
            self.validate_final(st, cmd, f.clone(), Ty::Str)
        } else {
            Ok(Value::nil())
        }
    }

    fn check_arity(
        &self,
        st: &State,
        cmd: &Command,
        name: &str,
        want: usize,
        final_arg: &Option<Value>,
    ) -> Result<(), Box<ExecError>> {
        let total = cmd.args.len() - 1 + usize::from(final_arg.is_some());
        if total != want {
            return Err(self.error(
                st,
                cmd.pos,
                name.to_string(),
                format!("wrong number of args for {name}: want {want} got {total}"),
            ));
        }
        Ok(())
    }

    /// The `(string, data)` arguments of `include` and `tpl`, checked as Go
    /// checks a `func(string, interface{})`.
    fn string_and_data_args(
        &mut self,
        st: &mut State,
        dot: &Value,
        cmd: &Command,
        name: &str,
        final_arg: Option<Value>,
    ) -> Result<(Value, Value), Box<ExecError>> {
        self.check_arity(st, cmd, name, 2, &final_arg)?;
        let first = self.string_arg(st, dot, cmd, 0, &final_arg)?;
        let data = if cmd.args.len() > 2 {
            self.eval_arg(st, dot, &cmd.args[2], Ty::Any)?
        } else {
            final_arg.unwrap_or_default()
        };
        Ok((first, data))
    }

    fn eval_include(
        &mut self,
        st: &mut State,
        dot: &Value,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> VRes {
        let (name_v, data) = self.string_and_data_args(st, dot, cmd, "include", final_arg)?;
        let name: Rc<str> = Rc::from(name_v.as_str().unwrap_or(""));
        let count = self.include_counts.entry(name.clone()).or_insert(0);
        if *count > MAX_INCLUDE_NESTING {
            return Err(self.error(
                st,
                cmd.pos,
                command_string(cmd),
                format!(
                    "error calling include: rendering template has a nested reference name: {name}: unable to execute template"
                ),
            ));
        }
        *count += 1;
        let r = self.execute(&name, data);
        if let Some(c) = self.include_counts.get_mut(&name) {
            *c -= 1;
        }
        let r = r.and_then(
            |text| match crate::limits::check_string(text.len() as u128) {
                Ok(()) => Ok(text),
                Err(msg) => Err(Box::new(ExecError::plain(&name, msg))),
            },
        );
        match r {
            Ok(text) => {
                let deps = text.all_deps().union(&name_v.deps);
                Ok(Value::tstr(text).with_deps(deps))
            }
            Err(inner) => {
                let mut e = self.error(st, cmd.pos, command_string(cmd), "error calling include: ");
                e.push_inner(*inner);
                Err(e)
            }
        }
    }

    fn eval_tpl(
        &mut self,
        st: &mut State,
        dot: &Value,
        cmd: &Command,
        final_arg: Option<Value>,
    ) -> VRes {
        let (text_v, data) = self.string_and_data_args(st, dot, cmd, "tpl", final_arg)?;
        let text = text_v.as_tstr().cloned().unwrap_or_default();
        let quoted = crate::template::lexer::go_quote(text.as_str());
        let Some(parser) = self.tpl_parser else {
            return Err(self.error(
                st,
                cmd.pos,
                command_string(cmd),
                "error calling tpl: tpl is not available",
            ));
        };
        let parsed = match parser("gotpl", text.as_str()) {
            Ok(p) => p,
            Err(msg) => {
                return Err(self.error(
                    st,
                    cmd.pos,
                    command_string(cmd),
                    format!("error calling tpl: cannot parse template {quoted}: {msg}"),
                ))
            }
        };
        let snapshot = self.set.names_snapshot();
        let id = self.set.add(
            Arc::new(text.as_str().to_string()),
            parsed.into(),
            Some(text.clone()),
        );
        let call = self.loc(st, cmd.pos);
        self.set.set_tpl_call(id, call);
        // Go executes the template `tpl` just parsed, not whatever the name
        // "gotpl" resolves to: an empty text does not replace an outer `tpl`'s
        // tree in the name table (Go's `associate`), yet it is what runs.
        // Helm's `tpl` shares the include counts of the render (one
        // `includedNames` map), so recursion through `tpl` meets the limit.
        let named = Named {
            file: id,
            body: self.set.file(id).root.clone(),
        };
        let r = self.execute_body("gotpl", named, data);
        self.set.restore_names(snapshot);
        match r {
            Ok(out) => {
                let deps = out.all_deps().union(&text_v.deps);
                Ok(Value::tstr(out).with_deps(deps))
            }
            Err(inner) => {
                let mut e = self.error(
                    st,
                    cmd.pos,
                    command_string(cmd),
                    format!(
                        "error calling tpl: error during tpl function execution for {quoted}: "
                    ),
                );
                e.push_inner(*inner);
                Err(e)
            }
        }
    }

    // ----- arguments ---------------------------------------------------------------------

    fn eval_arg(&mut self, st: &mut State, dot: &Value, arg: &Arg, ty: Ty) -> VRes {
        let op = match arg {
            Arg::Dot(_) => Operand::plain(dot.clone()),
            Arg::Nil(p) => {
                if can_be_nil(ty) {
                    return Ok(Value::nil());
                }
                return Err(self.error(
                    st,
                    *p,
                    "nil".into(),
                    format!("cannot assign nil to {}", ty.go_name()),
                ));
            }
            Arg::Field(f) => {
                self.eval_fields(st, dot, f.pos, dot.clone(), &f.fields, &[], None, &|| {
                    field_string(f)
                })?
            }
            Arg::Variable(v) => {
                let base = self.var_value(st, v.pos, &v.name)?;
                if v.fields.is_empty() {
                    Operand::plain(base)
                } else {
                    self.eval_fields(st, dot, v.pos, base, &v.fields, &[], None, &|| {
                        var_ref_string(v)
                    })?
                }
            }
            Arg::Chain(c) => {
                if c.fields.is_empty() {
                    Operand::plain(self.eval_pipeline(st, dot, &c.pipe)?)
                } else {
                    let base = self.eval_pipeline(st, dot, &c.pipe)?;
                    self.eval_fields(st, dot, c.pos, base, &c.fields, &[], None, &|| {
                        chain_string(c)
                    })?
                }
            }
            Arg::Identifier(id) => {
                let cmd = Command {
                    pos: id.pos,
                    args: vec![arg.clone()],
                };
                Operand::plain(self.eval_function(st, dot, &id.name, id.pos, &cmd, None)?)
            }
            Arg::Bool(p, b) => {
                return match ty {
                    Ty::Any | Ty::Bool => Ok(Value::bool(*b)),
                    _ => Err(self.error(
                        st,
                        *p,
                        b.to_string(),
                        format!("expected {}; found {b}", expected_word(ty)),
                    )),
                }
            }
            Arg::String(s) => {
                return match ty {
                    Ty::Any | Ty::Str => Ok(Value::str(&*s.text)),
                    _ => Err(self.error(
                        st,
                        s.pos,
                        s.quoted.to_string(),
                        format!("expected {}; found {}", expected_word(ty), s.quoted),
                    )),
                }
            }
            Arg::Number(n) => return self.number_arg(st, n, ty),
        };
        // Go reports a wrong type at the node it visited last, which for a
        // parenthesized pipeline is inside it.
        let at = match arg {
            Arg::Chain(c) => c.pipe.last_visited().unwrap_or(arg),
            _ => arg,
        };
        self.validate_type(st, at.pos(), &|| arg_string(at), op, ty)
    }

    fn number_arg(&self, st: &State, n: &NumberLit, ty: Ty) -> VRes {
        match ty {
            Ty::Any => self.ideal_constant(st, n),
            // Go's evalInteger takes any constant with an integer value
            // (`2.0`, `1e3`), float spelling or not.
            Ty::Int | Ty::Int64 => match n.int {
                Some(i) => Ok(Value::int(i)),
                None => Err(self.error(
                    st,
                    n.pos,
                    n.text.to_string(),
                    format!("expected integer; found {}", n.text),
                )),
            },
            // Go sets the constant with SetUint: it truncates to 32 bits.
            Ty::Uint32 => match (n.int, n.float) {
                (Some(i), _) if i >= 0 => Ok(Value::int(i64::from(i as u32))),
                (_, Some(f))
                    if f >= 0.0 && f.fract() == 0.0 && f < 18_446_744_073_709_551_616.0 =>
                {
                    Ok(Value::int(i64::from(f as u64 as u32)))
                }
                _ => Err(self.error(
                    st,
                    n.pos,
                    n.text.to_string(),
                    format!("expected unsigned integer; found {}", n.text),
                )),
            },
            Ty::Float => match n.float {
                Some(f) => Ok(Value::float(f)),
                None => Err(self.error(
                    st,
                    n.pos,
                    n.text.to_string(),
                    format!("expected float; found {}", n.text),
                )),
            },
            _ => Err(self.error(
                st,
                n.pos,
                n.text.to_string(),
                format!("expected {}; found {}", expected_word(ty), n.text),
            )),
        }
    }

    fn validate_final(&self, st: &State, cmd: &Command, v: Value, ty: Ty) -> VRes {
        self.validate_type(st, cmd.pos, &|| command_string(cmd), Operand::plain(v), ty)
    }

    fn validate_type(
        &self,
        st: &State,
        pos: u32,
        context: &dyn Fn() -> String,
        op: Operand,
        ty: Ty,
    ) -> VRes {
        let v = op.value;
        let ok = match (&v.repr, ty) {
            (_, Ty::Any) => true,
            (Repr::Nil, t) if can_be_nil(t) => true,
            (Repr::Nil, t) => {
                let msg = if op.from_map {
                    format!(
                        "wrong type for value; expected {}; got interface {{}}",
                        t.go_name()
                    )
                } else {
                    format!("invalid value; expected {}", t.go_name())
                };
                return Err(self.error(st, pos, context(), msg));
            }
            (Repr::Str(_), Ty::Str) => true,
            // An int64 (Sprig's math) does not fill an int parameter, nor the reverse.
            (Repr::Int(_, IntKind::Int), Ty::Int) => true,
            (Repr::Int(_, IntKind::Int64), Ty::Int64) => true,
            (Repr::Float(_), Ty::Float) => true,
            (Repr::Bool(_), Ty::Bool) => true,
            (Repr::List(_), Ty::List) => true,
            (Repr::List(l), Ty::StrList) => l.iter().all(|x| matches!(x.repr, Repr::Str(_))),
            (Repr::Map(_), Ty::Map) => true,
            (Repr::Object(o), Ty::Certificate) => {
                o.type_name() == crate::funcs::certs::CERTIFICATE_TYPE
            }
            _ => false,
        };
        if ok {
            Ok(v)
        } else {
            Err(self.error(
                st,
                pos,
                context(),
                format!(
                    "wrong type for value; expected {}; got {}",
                    ty.go_name(),
                    v.type_name()
                ),
            ))
        }
    }
}

/// Functions that give back a value stored in their arguments.
fn is_lookup(name: &str) -> bool {
    matches!(
        name,
        "index" | "get" | "dig" | "first" | "last" | "mustFirst" | "mustLast"
    )
}

/// Give a function result the provenance of its arguments when it has none
/// of its own: scalars get the union of argument deps, untraced strings are
/// attributed to the call site with those deps.
fn attach_provenance(name: &str, mut v: Value, deps: Deps, loc: TplLoc) -> Value {
    let scalar = matches!(
        v.repr,
        Repr::Nil | Repr::Bool(_) | Repr::Int(_, _) | Repr::Float(_) | Repr::Str(_)
    );
    // Constructors and in-place map updates give back containers whose shape
    // the template wrote; every other function computed its result from its
    // arguments (`uniq`, `append`, `splitList`, ...).
    let computed_container = !scalar
        && !matches!(
            name,
            "dict" | "list" | "merge" | "mergeOverwrite" | "set" | "unset" | "deepCopy"
        );
    if (scalar || computed_container) && v.deps.is_empty() {
        v.deps = deps;
    }
    if let Repr::Str(s) = &v.repr {
        if s.is_untraced() && !s.is_empty() {
            let src = Rc::new(Source {
                loc: Some(loc),
                deps: v.deps.clone(),
            });
            v.repr = Repr::Str(TStr::with_source(s.text_rc().clone(), src));
        }
    }
    v
}

fn can_be_nil(ty: Ty) -> bool {
    matches!(ty, Ty::Any | Ty::List | Ty::Map | Ty::StrList)
}

fn expected_word(ty: Ty) -> &'static str {
    match ty {
        Ty::Str => "string",
        Ty::Int | Ty::Int64 => "integer",
        Ty::Uint32 => "unsigned integer",
        Ty::Float => "float",
        Ty::Bool => "bool",
        _ => ty.go_name(),
    }
}

fn param_type(params: &[Ty], variadic: Option<Ty>, i: usize) -> Ty {
    if i < params.len() {
        params[i]
    } else {
        variadic.unwrap_or(Ty::Any)
    }
}

/// Implicit flow: a value assigned to an outer variable inside a branch
/// depends on the branch's conditions. A string gets a decision over the
/// text the assignment added (past what it shares with the old value), so
/// the condition follows that text into the output; other values get the
/// conditions' deps.
fn with_control(old: &Value, new: Value, controls: &[Control]) -> Value {
    let deps = Deps::union_all(controls.iter().map(|c| &c.deps));
    if deps.is_empty() {
        return new;
    }
    let Repr::Str(text) = &new.repr else {
        return new.add_deps(&deps);
    };
    let old_text = old.as_str().unwrap_or("");
    let shared = old_text
        .bytes()
        .zip(text.as_str().bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let mut start = shared;
    while !text.as_str().is_char_boundary(start) {
        start -= 1;
    }
    let mut b = TextBuilder::with_capacity(text.len());
    b.push_tstr(text);
    for c in controls.iter().filter(|c| !c.deps.is_empty()) {
        b.push_decision(Decision {
            kind: c.kind,
            loc: c.loc,
            deps: c.deps.clone(),
            taken: true,
            start: start as u32,
            end: text.len() as u32,
        });
    }
    Value::tstr(b.finish()).with_deps(new.deps.union(&deps))
}

// Go's String() of nodes, for error contexts: the parser's `Display`.
fn field_string(f: &FieldChain) -> String {
    Arg::Field(f.clone()).to_string()
}

fn var_ref_string(v: &VariableRef) -> String {
    Arg::Variable(v.clone()).to_string()
}

fn chain_string(c: &Chain) -> String {
    Arg::Chain(Box::new(c.clone())).to_string()
}

fn arg_string(a: &Arg) -> String {
    a.to_string()
}

fn command_string(c: &Command) -> String {
    c.to_string()
}

fn pipe_string(p: &Pipe) -> String {
    p.to_string()
}

fn template_call_string(t: &TemplateCall) -> String {
    t.to_string()
}
