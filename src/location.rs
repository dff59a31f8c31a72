//! Where an error points, for tools: a file and, when the error knows them,
//! a line and a column (the `file`, `line`, `column` of `--format json`
//! errors).

/// Where an error points: the file (a template name, a values file, a
/// chart path) and, when known, the 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorLocation {
    /// The file, as the message names it.
    pub file: String,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
}

impl ErrorLocation {
    /// Go's `file:line:col` (or `file:line`) text of an execution frame.
    pub fn parse_go(text: &str) -> Self {
        let mut parts = text.rsplitn(3, ':');
        let (last, mid, first) = (parts.next(), parts.next(), parts.next());
        let num = |s: Option<&str>| s.and_then(|s| s.parse::<u32>().ok());
        match (num(last), num(mid), first) {
            (Some(col), Some(line), Some(file)) => ErrorLocation {
                file: file.to_string(),
                line: Some(line),
                column: Some(col),
            },
            (Some(line), None, _) => ErrorLocation {
                file: text[..text.len() - last.map_or(0, |l| l.len() + 1)].to_string(),
                line: Some(line),
                column: None,
            },
            _ => ErrorLocation {
                file: text.to_string(),
                line: None,
                column: None,
            },
        }
    }
}
