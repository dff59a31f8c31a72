//! Lexer for Go's text/template language (a port of Go's
//! `text/template/parse/lex.go`, Go 1.22+ semantics).
//!
//! The lexer is pulled by the parser one [`Item`] at a time. Literal text is
//! found with a substring search for `{{`, so template files that are mostly
//! text (CRD bodies) cost one scan. Trim markers (`{{- ` and ` -}}`, the
//! marker needs an ASCII space, tab, CR or LF beside it) are applied here:
//! the parser never sees trimmed whitespace. Comments are skipped.
//! Items carry byte positions and 1-based lines exactly as Go's items do,
//! since Go's error messages quote them.

/// The kind of a lexical item (Go's `itemType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A lexing error; the message is [`Lexer::error_message`].
    Error,
    /// `true` or `false`.
    Bool,
    /// A printable ASCII character not otherwise handled (`,` and friends).
    Char,
    /// A character constant such as `'a'`.
    CharConstant,
    /// A comment (only produced when comments are requested; Helm does not).
    Comment,
    /// A complex constant such as `1+2i`.
    Complex,
    /// `=`.
    Assign,
    /// `:=`.
    Declare,
    /// End of input.
    Eof,
    /// `.Name`.
    Field,
    /// A name not starting with `.` (a function name).
    Identifier,
    /// `{{`.
    LeftDelim,
    /// `(` inside an action.
    LeftParen,
    /// A number literal.
    Number,
    /// `|`.
    Pipe,
    /// A raw string literal including its backquotes.
    RawString,
    /// `}}`.
    RightDelim,
    /// `)` inside an action.
    RightParen,
    /// A run of spaces inside an action.
    Space,
    /// A quoted string literal including its quotes.
    String,
    /// Literal text outside actions.
    Text,
    /// `$` or `$name`.
    Variable,
    /// Keyword `block`.
    Block,
    /// Keyword `break`.
    Break,
    /// Keyword `continue`.
    Continue,
    /// `.` alone (the cursor).
    Dot,
    /// Keyword `define`.
    Define,
    /// Keyword `else`.
    Else,
    /// Keyword `end`.
    End,
    /// Keyword `if`.
    If,
    /// Keyword `nil`.
    Nil,
    /// Keyword `range`.
    Range,
    /// Keyword `template`.
    Template,
    /// Keyword `with`.
    With,
}

impl ItemKind {
    /// True for the kinds Go lists after `itemKeyword` (printed as `<val>`).
    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemKind::Block
                | ItemKind::Break
                | ItemKind::Continue
                | ItemKind::Dot
                | ItemKind::Define
                | ItemKind::Else
                | ItemKind::End
                | ItemKind::If
                | ItemKind::Nil
                | ItemKind::Range
                | ItemKind::Template
                | ItemKind::With
        )
    }
}

/// One lexical item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    /// What the item is.
    pub kind: ItemKind,
    /// Byte offset of the item's start in the input.
    pub pos: u32,
    /// 1-based line of the item's start.
    pub line: u32,
    /// The item's text as written (empty for errors and EOF).
    pub val: &'a str,
}

/// Lexer options (Go's `lexOptions`).
#[derive(Clone, Copy, Debug, Default)]
pub struct LexOptions {
    /// Emit [`ItemKind::Comment`] items instead of skipping comments.
    pub emit_comment: bool,
    /// `break` is a keyword (Go: unless a function named `break` exists).
    pub break_ok: bool,
    /// `continue` is a keyword (Go: unless a function named `continue` exists).
    pub continue_ok: bool,
}

#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

enum Step<'a> {
    Emit(Item<'a>),
    Go(State),
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const TRIM_MARKER_LEN: usize = 2;

/// The scanner state (Go's `lexer`).
pub struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i32,
    line: u32,
    start_line: u32,
    inside_action: bool,
    options: LexOptions,
    error: Option<String>,
    left_delim: memchr::memmem::Finder<'static>,
}

/// Go's `isSpace`: space, tab, CR, LF.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric`: `_`, a letter or a decimal digit.
fn is_alpha_numeric(c: char) -> bool {
    if c.is_ascii() {
        c == '_' || c.is_ascii_alphanumeric()
    } else {
        c.is_alphabetic() || c.is_numeric()
    }
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1] as char)
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0] as char) && s[1] == b'-'
}

fn is_space_byte(b: &u8) -> bool {
    matches!(*b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Number of newlines in `s`.
pub(crate) fn count_newlines(s: &str) -> u32 {
    memchr::memchr_iter(b'\n', s.as_bytes()).count() as u32
}

impl<'a> Lexer<'a> {
    /// A lexer over `input` with default delimiters.
    pub fn new(input: &'a str, options: LexOptions) -> Self {
        Lexer {
            input,
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            inside_action: false,
            options,
            error: None,
            left_delim: memchr::memmem::Finder::new(LEFT_DELIM),
        }
    }

    /// The message of the last [`ItemKind::Error`] item.
    pub fn error_message(&self) -> &str {
        self.error.as_deref().unwrap_or("")
    }

    fn bytes(&self) -> &'a [u8] {
        self.input.as_bytes()
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn next(&mut self) -> Option<char> {
        let bytes = self.bytes();
        if self.pos >= bytes.len() {
            self.at_eof = true;
            return None;
        }
        let b = bytes[self.pos];
        if b < 0x80 {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
            }
            return Some(b as char);
        }
        let c = self.rest().chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.next();
        self.backup();
        c
    }

    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            if let Some(c) = self.input[..self.pos].chars().next_back() {
                self.pos -= c.len_utf8();
                if c == '\n' {
                    self.line -= 1;
                }
            }
        }
    }

    fn this_item(&mut self, kind: ItemKind) -> Item<'a> {
        let item = Item {
            kind,
            pos: self.start as u32,
            line: self.start_line,
            val: &self.input[self.start..self.pos],
        };
        self.start = self.pos;
        self.start_line = self.line;
        item
    }

    fn emit(&mut self, kind: ItemKind) -> Step<'a> {
        Step::Emit(self.this_item(kind))
    }

    fn ignore(&mut self) {
        self.line += count_newlines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while let Some(c) = self.next() {
            if !valid.contains(c) {
                break;
            }
        }
        self.backup();
    }

    fn errorf(&mut self, msg: String) -> Step<'a> {
        let item = Item {
            kind: ItemKind::Error,
            pos: self.start as u32,
            line: self.start_line,
            val: "",
        };
        self.error = Some(msg);
        self.start = 0;
        self.pos = 0;
        self.input = &self.input[..0];
        Step::Emit(item)
    }

    /// The next item of the input.
    pub fn next_item(&mut self) -> Item<'a> {
        let mut state = if self.inside_action {
            State::InsideAction
        } else {
            State::Text
        };
        loop {
            let step = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::RightDelim => self.lex_right_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Space => self.lex_space(),
                State::Identifier => self.lex_identifier(),
                State::Field => self.lex_field_or_variable(ItemKind::Field),
                State::Variable => self.lex_variable(),
                State::Char => self.lex_char(),
                State::Number => self.lex_number(),
                State::Quote => self.lex_quote(),
                State::RawQuote => self.lex_raw_quote(),
            };
            match step {
                Step::Emit(item) => return item,
                Step::Go(next) => state = next,
            }
        }
    }

    fn lex_text(&mut self) -> Step<'a> {
        if let Some(x) = self.left_delim.find(self.rest().as_bytes()) {
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + LEFT_DELIM.len();
                let mut trim = 0;
                if has_left_trim_marker(&self.bytes()[delim_end..]) {
                    let text = &self.bytes()[self.start..self.pos];
                    trim = text.len()
                        - text
                            .iter()
                            .rposition(|b| !is_space_byte(b))
                            .map_or(0, |i| i + 1);
                }
                self.pos -= trim;
                self.line += count_newlines(&self.input[self.start..self.pos]);
                let item = self.this_item(ItemKind::Text);
                self.pos += trim;
                self.ignore();
                if !item.val.is_empty() {
                    return Step::Emit(item);
                }
            }
            return Step::Go(State::LeftDelim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += count_newlines(&self.input[self.start..self.pos]);
            return self.emit(ItemKind::Text);
        }
        self.emit(ItemKind::Eof)
    }

    fn left_trim_length(&self) -> usize {
        self.bytes()[self.pos..]
            .iter()
            .take_while(|b| is_space_byte(b))
            .count()
    }

    /// Whether the input is at `}}`, possibly preceded by a trim marker.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = &self.bytes()[self.pos..];
        if has_right_trim_marker(rest) && rest[TRIM_MARKER_LEN..].starts_with(b"}}") {
            return (true, true);
        }
        (rest.starts_with(b"}}"), false)
    }

    fn lex_left_delim(&mut self) -> Step<'a> {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(&self.bytes()[self.pos..]);
        let after = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.bytes()[self.pos + after..].starts_with(LEFT_COMMENT.as_bytes()) {
            self.pos += after;
            self.ignore();
            return Step::Go(State::Comment);
        }
        let item = self.this_item(ItemKind::LeftDelim);
        self.inside_action = true;
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        Step::Emit(item)
    }

    fn lex_comment(&mut self) -> Step<'a> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.rest().find(RIGHT_COMMENT) else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
        }
        self.line += count_newlines(&self.input[self.start..self.pos]);
        let item = self.this_item(ItemKind::Comment);
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += self.left_trim_length();
        }
        self.ignore();
        if self.options.emit_comment {
            return Step::Emit(item);
        }
        Step::Go(State::Text)
    }

    fn lex_right_delim(&mut self) -> Step<'a> {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        let item = self.this_item(ItemKind::RightDelim);
        if trim {
            self.pos += self.left_trim_length();
            self.ignore();
        }
        self.inside_action = false;
        Step::Emit(item)
    }

    fn lex_inside_action(&mut self) -> Step<'a> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Step::Go(State::RightDelim);
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.errorf("unclosed action".into());
        };
        match r {
            c if is_space(c) => {
                self.backup();
                Step::Go(State::Space)
            }
            '=' => self.emit(ItemKind::Assign),
            ':' => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(ItemKind::Declare)
            }
            '|' => self.emit(ItemKind::Pipe),
            '"' => Step::Go(State::Quote),
            '`' => Step::Go(State::RawQuote),
            '$' => Step::Go(State::Variable),
            '\'' => Step::Go(State::Char),
            '.' => {
                if let Some(&b) = self.bytes().get(self.pos) {
                    if !b.is_ascii_digit() {
                        return Step::Go(State::Field);
                    }
                }
                self.backup();
                Step::Go(State::Number)
            }
            '+' | '-' | '0'..='9' => {
                self.backup();
                Step::Go(State::Number)
            }
            c if is_alpha_numeric(c) => {
                self.backup();
                Step::Go(State::Identifier)
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(ItemKind::LeftParen)
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(ItemKind::RightParen)
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.emit(ItemKind::Char),
            c => self.errorf(format!(
                "unrecognized character in action: {}",
                go_sharp_u(c)
            )),
        }
    }

    fn lex_space(&mut self) -> Step<'a> {
        let mut num_spaces = 0;
        while let Some(c) = self.peek() {
            if !is_space(c) {
                break;
            }
            self.next();
            num_spaces += 1;
        }
        let b = self.bytes();
        if has_right_trim_marker(&b[self.pos - 1..])
            && b[self.pos - 1 + TRIM_MARKER_LEN..].starts_with(b"}}")
        {
            self.backup();
            if num_spaces == 1 {
                return Step::Go(State::RightDelim);
            }
        }
        self.emit(ItemKind::Space)
    }

    fn lex_identifier(&mut self) -> Step<'a> {
        loop {
            match self.next() {
                Some(c) if is_alpha_numeric(c) => {}
                r => {
                    self.backup();
                    let word = &self.input[self.start..self.pos];
                    if !self.at_terminator() {
                        return self.errorf(format!("bad character {}", go_sharp_u_opt(r)));
                    }
                    let kind = match word {
                        "block" => ItemKind::Block,
                        "break" if self.options.break_ok => ItemKind::Break,
                        "continue" if self.options.continue_ok => ItemKind::Continue,
                        "define" => ItemKind::Define,
                        "else" => ItemKind::Else,
                        "end" => ItemKind::End,
                        "if" => ItemKind::If,
                        "range" => ItemKind::Range,
                        "nil" => ItemKind::Nil,
                        "template" => ItemKind::Template,
                        "with" => ItemKind::With,
                        "true" | "false" => ItemKind::Bool,
                        _ => ItemKind::Identifier,
                    };
                    return self.emit(kind);
                }
            }
        }
    }

    fn lex_variable(&mut self) -> Step<'a> {
        if self.at_terminator() {
            return self.emit(ItemKind::Variable);
        }
        self.lex_field_or_variable(ItemKind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: ItemKind) -> Step<'a> {
        if self.at_terminator() {
            return if kind == ItemKind::Variable {
                self.emit(ItemKind::Variable)
            } else {
                self.emit(ItemKind::Dot)
            };
        }
        let r = loop {
            let r = self.next();
            match r {
                Some(c) if is_alpha_numeric(c) => {}
                _ => {
                    self.backup();
                    break r;
                }
            }
        };
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", go_sharp_u_opt(r)));
        }
        self.emit(kind)
    }

    fn at_terminator(&mut self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(_) => self.rest().starts_with(RIGHT_DELIM),
        }
    }

    fn lex_char(&mut self) -> Step<'a> {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    None | Some('\n') => {
                        return self.errorf("unterminated character constant".into())
                    }
                    Some(_) => {}
                },
                None | Some('\n') => return self.errorf("unterminated character constant".into()),
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemKind::CharConstant)
    }

    fn lex_number(&mut self) -> Step<'a> {
        if !self.scan_number() {
            let text = go_quote(&self.input[self.start..self.pos]);
            return self.errorf(format!("bad number syntax: {text}"));
        }
        if let Some('+' | '-') = self.peek() {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = go_quote(&self.input[self.start..self.pos]);
                return self.errorf(format!("bad number syntax: {text}"));
            }
            return self.emit(ItemKind::Complex);
        }
        self.emit(ItemKind::Number)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alpha_numeric) {
            self.next();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> Step<'a> {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                    Some(_) => {}
                },
                None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                Some('"') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemKind::String)
    }

    fn lex_raw_quote(&mut self) -> Step<'a> {
        loop {
            match self.next() {
                None => return self.errorf("unterminated raw quoted string".into()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemKind::RawString)
    }
}

/// Go's `fmt.Sprintf("%#U", r)`: `U+007E '~'`.
pub fn go_sharp_u(c: char) -> String {
    if crate::gofmt::is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

fn go_sharp_u_opt(c: Option<char>) -> String {
    match c {
        Some(c) => go_sharp_u(c),
        None => "U+FFFFFFFFFFFFFFFF".into(),
    }
}

/// Go's `strconv.Quote` (what `%q` prints for a string).
pub fn go_quote(s: &str) -> String {
    crate::gofmt::go_quote(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> LexOptions {
        LexOptions {
            emit_comment: false,
            break_ok: true,
            continue_ok: true,
        }
    }

    /// Lexes `input` and renders each item as `Kind@line:"covered source"`.
    fn lex_all(input: &str) -> Vec<String> {
        let mut l = Lexer::new(input, opts());
        let mut out = Vec::new();
        loop {
            let it = l.next_item();
            let s = match it.kind {
                ItemKind::Error => format!("Error@{}:{}", it.line, l.error_message()),
                _ => format!("{:?}@{}:{:?}", it.kind, it.line, it.val),
            };
            // The item's text is exactly the source at its position.
            if it.kind != ItemKind::Error {
                assert_eq!(
                    &input[it.pos as usize..it.pos as usize + it.val.len()],
                    it.val
                );
            }
            out.push(s);
            if matches!(it.kind, ItemKind::Eof | ItemKind::Error) {
                break;
            }
        }
        out
    }

    #[test]
    fn lexer_table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &["Eof@1:\"\""]),
            ("abc", &["Text@1:\"abc\"", "Eof@1:\"\""]),
            (
                "a {{ .x }} b",
                &[
                    "Text@1:\"a \"",
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "Field@1:\".x\"",
                    "Space@1:\" \"",
                    "RightDelim@1:\"}}\"",
                    "Text@1:\" b\"",
                    "Eof@1:\"\"",
                ],
            ),
            (
                "a \n {{- 3 -}} \n b",
                &[
                    "Text@1:\"a\"",
                    "LeftDelim@2:\"{{\"",
                    "Number@2:\"3\"",
                    "RightDelim@2:\"}}\"",
                    "Text@3:\"b\"",
                    "Eof@3:\"\"",
                ],
            ),
            (
                "{{-3}}",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Number@1:\"-3\"",
                    "RightDelim@1:\"}}\"",
                    "Eof@1:\"\"",
                ],
            ),
            (
                "x\n{{- /* c\n */ -}}\n y",
                &["Text@1:\"x\"", "Text@4:\"y\"", "Eof@4:\"\""],
            ),
            (
                "{{ $x := .a.b | f 1.5e3 0x1F 'a' \"s\\\"\" `r` nil true (.c) }}",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "Variable@1:\"$x\"",
                    "Space@1:\" \"",
                    "Declare@1:\":=\"",
                    "Space@1:\" \"",
                    "Field@1:\".a\"",
                    "Field@1:\".b\"",
                    "Space@1:\" \"",
                    "Pipe@1:\"|\"",
                    "Space@1:\" \"",
                    "Identifier@1:\"f\"",
                    "Space@1:\" \"",
                    "Number@1:\"1.5e3\"",
                    "Space@1:\" \"",
                    "Number@1:\"0x1F\"",
                    "Space@1:\" \"",
                    "CharConstant@1:\"'a'\"",
                    "Space@1:\" \"",
                    "String@1:\"\\\"s\\\\\\\"\\\"\"",
                    "Space@1:\" \"",
                    "RawString@1:\"`r`\"",
                    "Space@1:\" \"",
                    "Nil@1:\"nil\"",
                    "Space@1:\" \"",
                    "Bool@1:\"true\"",
                    "Space@1:\" \"",
                    "LeftParen@1:\"(\"",
                    "Field@1:\".c\"",
                    "RightParen@1:\")\"",
                    "Space@1:\" \"",
                    "RightDelim@1:\"}}\"",
                    "Eof@1:\"\"",
                ],
            ),
            (
                "{{ range $i, $v = $ }}{{break}}{{continue}}",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "Range@1:\"range\"",
                    "Space@1:\" \"",
                    "Variable@1:\"$i\"",
                    "Char@1:\",\"",
                    "Space@1:\" \"",
                    "Variable@1:\"$v\"",
                    "Space@1:\" \"",
                    "Assign@1:\"=\"",
                    "Space@1:\" \"",
                    "Variable@1:\"$\"",
                    "Space@1:\" \"",
                    "RightDelim@1:\"}}\"",
                    "LeftDelim@1:\"{{\"",
                    "Break@1:\"break\"",
                    "RightDelim@1:\"}}\"",
                    "LeftDelim@1:\"{{\"",
                    "Continue@1:\"continue\"",
                    "RightDelim@1:\"}}\"",
                    "Eof@1:\"\"",
                ],
            ),
            (
                "{{ .a\n  .b }}",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "Field@1:\".a\"",
                    "Space@1:\"\\n  \"",
                    "Field@2:\".b\"",
                    "Space@2:\" \"",
                    "RightDelim@2:\"}}\"",
                    "Eof@2:\"\"",
                ],
            ),
            (
                "{{ .a~ }}",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "Error@1:bad character U+007E '~'",
                ],
            ),
            (
                "{{ 1x }}",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "Error@1:bad number syntax: \"1x\"",
                ],
            ),
            (
                "a\n{{/* x",
                &["Text@1:\"a\\n\"", "Error@2:unclosed comment"],
            ),
            (
                "{{ \"ab",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "Error@1:unterminated quoted string",
                ],
            ),
            (
                "{{ (1 }}",
                &[
                    "LeftDelim@1:\"{{\"",
                    "Space@1:\" \"",
                    "LeftParen@1:\"(\"",
                    "Number@1:\"1\"",
                    "Space@1:\" \"",
                    "Error@1:unclosed left paren",
                ],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(lex_all(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("a\"b\\\n\u{1}é"), "\"a\\\"b\\\\\\n\\x01é\"");
        assert_eq!(go_sharp_u('~'), "U+007E '~'");
    }
}
