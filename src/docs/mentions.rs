//! Which values fields the chart's templates name in their actions, by text:
//! every pair of neighbouring fields in a chain (`.Values.kubeDNS.maxCacheSize`
//! gives `Values›kubeDNS` and `kubeDNS›maxCacheSize`). `lint` asks it about
//! documented keys that no value set read: a key the templates name is read
//! under values no set gives (a coverage gap of the sets, not of the
//! documentation); a key they never name may be named differently.
//!
//! A field read through a variable (`$detectorValues.authType`, where the
//! map was picked with `index ... $detector`) has no parent in the text:
//! such a field counts as named under a parent whose name the actions of the
//! same template file quote (`"kubernetesNode"`). Dependency conditions (`crds.deployPodLogsCRD`
//! in `Chart.yaml`) are read by Helm itself, not by templates.

use std::collections::{BTreeMap, BTreeSet};

use crate::chart::Chart;

/// Field pairs the templates name, with where each file first names them.
/// Questions are asked for the chart that documents a key (`charts/sub/`,
/// or `""` for the top chart): only its own templates and its ancestors'
/// can read its values.
#[derive(Debug, Clone, Default)]
pub struct Mentions {
    pairs: BTreeMap<(String, String), Vec<String>>,
    /// Fields read right after a variable or a parenthesis, with the file.
    loose: BTreeSet<(String, String)>,
    /// Quoted strings of the actions, with the file.
    quoted: BTreeSet<(String, String)>,
    /// Neighbouring fields of dependency conditions.
    conditions: BTreeSet<(String, String)>,
}

impl Mentions {
    /// The pairs named in the templates of `chart` and all its subcharts;
    /// locations are chart-relative (`charts/sub/templates/x.tpl:12`).
    pub fn of(chart: &Chart) -> Self {
        let mut m = Mentions::default();
        let top = format!("{}/", chart.name());
        m.add_chart(chart, &top);
        m
    }

    fn add_chart(&mut self, chart: &Chart, top: &str) {
        let dir = chart
            .location
            .strip_prefix(top)
            .map(|d| format!("{d}/"))
            .unwrap_or_default();
        for t in &chart.templates {
            self.add_text(&format!("{dir}{}", t.name), t.text.as_str());
        }
        for dep in chart.metadata.dependencies.iter().flatten() {
            for path in dep
                .condition
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let mut chain = vec!["Values"];
                chain.extend(path.split('.'));
                for w in chain.windows(2) {
                    self.conditions.insert((w[0].to_string(), w[1].to_string()));
                }
            }
        }
        for sub in &chart.subcharts {
            self.add_chart(sub, top);
        }
    }

    /// Record the field chains inside the actions (`{{ ... }}`) of one text.
    fn add_text(&mut self, file: &str, text: &str) {
        let mut rest = text;
        let mut offset = 0;
        while let Some(open) = rest.find("{{") {
            let body_start = open + 2;
            let Some(len) = rest[body_start..].find("}}") else {
                break;
            };
            let body = &rest[body_start..body_start + len];
            let line = 1 + text[..offset + body_start].matches('\n').count();
            let found = field_chains(body);
            let with_file = |s: &&str| (s.to_string(), file.to_string());
            self.loose.extend(found.loose.iter().map(with_file));
            self.quoted.extend(found.quoted.iter().map(with_file));
            for chain in found.chains {
                for w in chain.windows(2) {
                    let at = self
                        .pairs
                        .entry((w[0].to_string(), w[1].to_string()))
                        .or_default();
                    if !at
                        .iter()
                        .any(|a| a.strip_prefix(file).is_some_and(|r| r.starts_with(':')))
                    {
                        at.push(format!("{file}:{line}"));
                    }
                }
            }
            let next = body_start + len + 2;
            offset += next;
            rest = &rest[next..];
        }
    }

    /// Where the templates that can read the values of the chart in
    /// folder `chart` name field `name` right after field `parent`
    /// (`Values` for a chart's top-level key), if they do.
    pub fn named(&self, chart: &str, parent: &str, name: &str) -> Option<&str> {
        self.pairs
            .get(&(parent.to_string(), name.to_string()))?
            .iter()
            .find(|at| in_scope(chart, at))
            .map(String::as_str)
    }

    /// Whether a template that can read the chart's values reads field
    /// `name` of a map it picks by the name `parent` (`$v.authType` after
    /// `index $.Values.x "kubernetesNode"`): one file reads the field
    /// through a variable and quotes the parent.
    pub fn named_loosely(&self, chart: &str, parent: &str, name: &str) -> bool {
        self.loose
            .range((name.to_string(), String::new())..)
            .take_while(|(field, _)| field == name)
            .any(|(_, file)| {
                in_scope(chart, file) && self.quoted.contains(&(parent.to_string(), file.clone()))
            })
    }

    /// Whether a chart's `Chart.yaml` names `parent.name` in a dependency
    /// condition (Helm reads it to enable the subchart).
    pub fn is_condition(&self, parent: &str, name: &str) -> bool {
        self.conditions
            .contains(&(parent.to_string(), name.to_string()))
    }

    /// Every field named right after `parent` in the templates that can
    /// read the chart's values, with where.
    pub fn after<'a>(
        &'a self,
        chart: &'a str,
        parent: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.pairs
            .range((parent.to_string(), String::new())..)
            .take_while(move |((p, _), _)| p == parent)
            .filter_map(move |((_, n), at)| {
                at.iter()
                    .find(|a| in_scope(chart, a))
                    .map(|a| (n.as_str(), a.as_str()))
            })
    }
}

/// Whether a template at `at` (`charts/a/templates/x.tpl:3`) belongs to the
/// chart in folder `chart` (`charts/a/charts/b/`) or to one of its ancestors;
/// [`ANY_CHART`] for a global, which every chart reads.
fn in_scope(chart: &str, at: &str) -> bool {
    chart == ANY_CHART
        || at
            .find("templates/")
            .is_some_and(|i| chart.starts_with(&at[..i]))
}

/// The scope of a `global.*` key: Helm copies globals into every subchart.
pub const ANY_CHART: &str = "*";

/// What one template action names.
#[derive(Debug, Default, PartialEq)]
struct Found<'a> {
    /// Chains of two or more fields: `.a.b.c`, `$x.a.b` (the variable is
    /// not a field).
    chains: Vec<Vec<&'a str>>,
    /// Fields read right after a variable or a `)`: `$v.authType`.
    loose: Vec<&'a str>,
    /// Quoted strings.
    quoted: Vec<&'a str>,
}

/// The fields and quoted names of one template action.
fn field_chains(body: &str) -> Found<'_> {
    let bytes = body.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Found::default();
    let mut i = 0;
    let mut string_start = None;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some((q, start)) = string_start {
            if b == b'\\' && q == b'"' {
                i += 2;
                continue;
            }
            if b == q {
                found.quoted.push(&body[start..i]);
                string_start = None;
            }
            i += 1;
            continue;
        }
        if b == b'"' || b == b'`' {
            string_start = Some((b, i + 1));
            i += 1;
            continue;
        }
        if b == b'.'
            && bytes
                .get(i + 1)
                .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
        {
            let after_value = i > 0 && (is_ident(bytes[i - 1]) || bytes[i - 1] == b')');
            let mut chain = Vec::new();
            while i < bytes.len() && bytes[i] == b'.' {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && is_ident(bytes[end]) {
                    end += 1;
                }
                if end == start {
                    break;
                }
                chain.push(&body[start..end]);
                i = end;
            }
            if after_value {
                found.loose.extend(chain.first());
            }
            if chain.len() > 1 {
                found.chains.push(chain);
            }
            continue;
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_of_fields_not_strings_or_variables() {
        let f =
            field_chains(r#" .Values.kubeDNS.maxCacheSize | default $.Values.global.x "a.b.c" "#);
        assert_eq!(
            f.chains,
            vec![
                vec!["Values", "kubeDNS", "maxCacheSize"],
                vec!["Values", "global", "x"]
            ]
        );
        assert_eq!(f.quoted, vec!["a.b.c"]);
        let f = field_chains(" $dest.auth.type ");
        assert_eq!(
            (f.chains, f.loose),
            (vec![vec!["auth", "type"]], vec!["auth"])
        );
        let f = field_chains(r#" (index $.Values.x "kubernetesNode").authType "#);
        assert_eq!(f.loose, vec!["authType"]);
        assert_eq!(f.quoted, vec!["kubernetesNode"]);
        assert!(field_chains(" .name | quote ").chains.is_empty());
    }

    #[test]
    fn only_actions_count_with_their_line() {
        let mut m = Mentions::default();
        m.add_text(
            "templates/x.tpl",
            "otelcol.receiver.otlp {\n  port = {{ .Values.otlp.port }}\n}\n",
        );
        assert_eq!(m.named("", "otlp", "port"), Some("templates/x.tpl:2"));
        assert_eq!(m.named("", "receiver", "otlp"), None);
        assert_eq!(
            m.after("charts/sub/", "otlp").collect::<Vec<_>>(),
            vec![("port", "templates/x.tpl:2")]
        );
    }

    #[test]
    fn a_chart_reads_its_own_and_its_subcharts_values() {
        assert!(in_scope("charts/a/", "templates/x.tpl:1"));
        assert!(in_scope("charts/a/", "charts/a/templates/x.tpl:1"));
        assert!(in_scope("charts/a/charts/b/", "charts/a/templates/x.tpl:1"));
        assert!(!in_scope("charts/a/", "charts/b/templates/x.tpl:1"));
        assert!(!in_scope("", "charts/a/templates/x.tpl:1"));
    }
}
