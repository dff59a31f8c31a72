//! What `check` and `lint` report, and how: one finding (a rule, a key, a
//! place in a values file, a hint) and its text, JSON and SARIF 2.1.0 forms.

use serde_json::{json, Value as Json};

use crate::location::ErrorLocation;

/// The problems `check` and `lint` find; each is a SARIF rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Set by the user, read by no template.
    UnusedUserKey,
    /// Set by the user under a feature or subchart these values turn off.
    DisabledUserKey,
    /// Set by the user and read, but nothing it produced or decided reached the output.
    ReadWithoutEffect,
    /// Documented in values.yaml, read by no template under any value set.
    UnreadDocumentedKey,
    /// Documented, but templates read a sibling of another name instead.
    ReadUnderAnotherName,
    /// Read by a template, documented nowhere in values.yaml.
    UndocumentedKey,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 6] = [
        Rule::UnusedUserKey,
        Rule::DisabledUserKey,
        Rule::ReadWithoutEffect,
        Rule::UnreadDocumentedKey,
        Rule::ReadUnderAnotherName,
        Rule::UndocumentedKey,
    ];

    /// Short label for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::UnusedUserKey => "set but never read",
            Rule::DisabledUserKey => "set under a disabled feature",
            Rule::ReadWithoutEffect => "read but no effect",
            Rule::UnreadDocumentedKey => "documented but never read",
            Rule::ReadUnderAnotherName => "read under another name",
            Rule::UndocumentedKey => "read but not documented",
        }
    }

    /// The SARIF rule id.
    pub fn id(self) -> &'static str {
        match self {
            Rule::UnusedUserKey => "TV001",
            Rule::DisabledUserKey => "TV002",
            Rule::ReadWithoutEffect => "TV003",
            Rule::UnreadDocumentedKey => "TV101",
            Rule::ReadUnderAnotherName => "TV102",
            Rule::UndocumentedKey => "TV103",
        }
    }

    /// The SARIF rule name.
    pub fn name(self) -> &'static str {
        match self {
            Rule::UnusedUserKey => "unused-user-key",
            Rule::DisabledUserKey => "key-under-disabled-feature",
            Rule::ReadWithoutEffect => "read-without-effect",
            Rule::UnreadDocumentedKey => "unread-documented-key",
            Rule::ReadUnderAnotherName => "read-under-another-name",
            Rule::UndocumentedKey => "undocumented-key",
        }
    }

    /// One sentence on what the rule means.
    pub fn description(self) -> &'static str {
        match self {
            Rule::UnusedUserKey => "A key set in the values no template reads: it changes nothing (often a typo).",
            Rule::DisabledUserKey => "A key set under a feature or subchart that these values turn off: it changes nothing until the feature is enabled.",
            Rule::ReadWithoutEffect => "A key set in the values that templates read, but nothing it produced or decided reached the output.",
            Rule::UnreadDocumentedKey => "A key documented in values.yaml that no template reads under any of the value sets rendered.",
            Rule::ReadUnderAnotherName => "A documented key no template reads, while a template reads a sibling key of a close name that values.yaml does not define.",
            Rule::UndocumentedKey => "A key templates read that values.yaml does not document.",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// What kind of problem.
    pub kind: Rule,
    /// The key.
    pub key: String,
    /// Where it is set or documented (`file:line` or `file:line:column`).
    pub at: String,
    /// A suggestion (nearest read key, or the name a template used).
    pub hint: Option<String>,
}

impl Finding {
    /// Where the finding points, as file, line and column.
    pub fn location(&self) -> ErrorLocation {
        ErrorLocation::parse_go(&self.at)
    }
}

/// The findings as a text table (`PROBLEM KEY AT HINT`) and a count line.
pub fn text(findings: &[Finding], none: &str) -> String {
    if findings.is_empty() {
        return format!("{none}\n");
    }
    let head = ["PROBLEM", "KEY", "AT", "HINT"];
    let rows: Vec<[String; 4]> = findings
        .iter()
        .map(|f| {
            [
                f.kind.as_str().to_string(),
                f.key.clone(),
                f.at.clone(),
                f.hint.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = head.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i == 3 {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(head);
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3]]));
    }
    let n = findings.len();
    out.push_str(&format!(
        "\n{n} problem{} found.\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// The findings as JSON: `{"findings": [{rule, problem, key, location, hint}]}`.
pub fn json(findings: &[Finding]) -> Json {
    let arr: Vec<Json> = findings
        .iter()
        .map(|f| {
            let loc = f.location();
            json!({
                "rule": f.kind.id(),
                "problem": f.kind.as_str(),
                "key": f.key,
                "location": {"file": loc.file, "line": loc.line, "column": loc.column},
                "hint": f.hint,
            })
        })
        .collect();
    json!({ "findings": arr })
}

/// The findings as a SARIF 2.1.0 log with one run of `tool` (`trace-value
/// check`, `trace-value lint`): every rule in the driver, one result per
/// finding located on its line of the values file.
pub fn sarif(findings: &[Finding], tool: &str) -> Json {
    let rules: Vec<Json> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": r.name(),
                "shortDescription": {"text": r.as_str()},
                "fullDescription": {"text": r.description()},
                "defaultConfiguration": {"level": "warning"},
            })
        })
        .collect();
    let results: Vec<Json> = findings
        .iter()
        .map(|f| {
            let loc = f.location();
            let mut region = json!({"startLine": loc.line.unwrap_or(1)});
            if let Some(c) = loc.column {
                region["startColumn"] = json!(c);
            }
            let mut text = format!("`{}`: {}", f.key, f.kind.as_str());
            if let Some(h) = &f.hint {
                text.push_str(&format!(" ({h})"));
            }
            json!({
                "ruleId": f.kind.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.kind),
                "level": "warning",
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file_uri(&loc.file)},
                        "region": region,
                    }
                }],
                "partialFingerprints": {"key": format!("{}:{}", f.kind.id(), f.key)},
            })
        })
        .collect();
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {
                "name": "trace-value",
                "fullName": tool,
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A path as a URI: a relative one stays a reference (GitHub code scanning
/// resolves it against the repository root), an absolute one is `file://`.
fn file_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p);
    let escaped = p.replace('%', "%25").replace(' ', "%20");
    if escaped.starts_with('/') {
        format!("file://{escaped}")
    } else {
        escaped
    }
}
