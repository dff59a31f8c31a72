//! `Chart.yaml` (and v1 `requirements.yaml`) metadata: parsing with saphyr
//! into a plain [`Value`] tree (no provenance needed), the [`Metadata`]
//! model, and Helm's metadata validation.

use saphyr::{LoadableYamlNode, ScalarOwned, YamlOwned};

use super::semver::Version;
use super::ChartError;
use crate::value::{MapData, Value};

/// A chart maintainer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Home page.
    pub url: String,
}

/// One entry of `dependencies:`.
#[derive(Clone, Debug, Default)]
pub struct Dependency {
    /// Chart name (replaced by the alias during dependency processing, as Helm does).
    pub name: String,
    /// Version constraint.
    pub version: String,
    /// Repository URL.
    pub repository: String,
    /// Comma-separated condition paths; the first that resolves to a bool wins.
    pub condition: String,
    /// Tags that enable or disable the subchart.
    pub tags: Vec<String>,
    /// Whether the subchart is enabled (set by dependency processing).
    pub enabled: bool,
    /// `import-values` entries: strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    /// Alias: the name the subchart gets in its parent.
    pub alias: String,
}

/// A chart's metadata, as Helm's `chart.Metadata`.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    /// Chart name.
    pub name: String,
    /// Home page.
    pub home: String,
    /// Source URLs.
    pub sources: Vec<String>,
    /// SemVer version.
    pub version: String,
    /// Description.
    pub description: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Maintainers.
    pub maintainers: Vec<Maintainer>,
    /// Icon URL.
    pub icon: String,
    /// `v1` or `v2`.
    pub api_version: String,
    /// Condition (unused by Helm v3+).
    pub condition: String,
    /// Tags (unused by Helm v3+).
    pub tags: String,
    /// Application version.
    pub app_version: String,
    /// Deprecated flag.
    pub deprecated: bool,
    /// Annotations (`None` when absent: Helm shows `null`).
    pub annotations: Option<Vec<(String, String)>>,
    /// Kubernetes version constraint.
    pub kube_version: String,
    /// Dependencies (`None` when the chart declares none).
    pub dependencies: Option<Vec<Dependency>>,
    /// `application` or `library`.
    pub chart_type: String,
}

/// Parse YAML text into a plain [`Value`] (numbers become float64 as after
/// Helm's YAML→JSON conversion). Used for metadata, which needs no origins.
pub fn yaml_to_plain(text: &str) -> Result<Value, String> {
    // Syntax errors in Helm's (libyaml's) words, line numbers included.
    let mut scratch = crate::origin::OriginTable::new();
    if let Err(e) = crate::yaml::load_values(
        text,
        std::rc::Rc::from("Chart.yaml"),
        crate::origin::Layer::Computed,
        &mut scratch,
    ) {
        // The JSON step's depth limit is the other refusal of the text
        // itself (not of its shape).
        if e.message.starts_with("error converting YAML to JSON")
            || e.message.ends_with("exceeded max depth")
        {
            return Err(e.message);
        }
    }
    let docs = YamlOwned::load_from_str(text).map_err(|e| {
        format!(
            "error converting YAML to JSON: yaml: line {}: {}",
            e.marker().line(),
            e.info()
        )
    })?;
    Ok(docs.first().map(plain).unwrap_or_default())
}

fn plain(y: &YamlOwned) -> Value {
    match y {
        YamlOwned::Value(s) => scalar(s),
        YamlOwned::Sequence(items) => Value::list(items.iter().map(plain).collect()),
        YamlOwned::Mapping(m) => {
            let mut data = MapData::new();
            for (k, v) in m {
                let key = match k {
                    YamlOwned::Value(s) => crate::gofmt::sprint_value(&scalar(s)),
                    other => format!("{other:?}"),
                };
                data.insert(key.into(), plain(v));
            }
            Value::map_from(data)
        }
        YamlOwned::Tagged(_, inner) => plain(inner),
        YamlOwned::Representation(s, _, _) => Value::str(s.as_str()),
        _ => Value::nil(),
    }
}

fn scalar(s: &ScalarOwned) -> Value {
    match s {
        ScalarOwned::Null => Value::nil(),
        ScalarOwned::Boolean(b) => Value::bool(*b),
        ScalarOwned::Integer(i) => Value::float(*i as f64),
        ScalarOwned::FloatingPoint(f) => Value::float(f.into_inner()),
        ScalarOwned::String(s) => Value::str(s.as_str()),
    }
}

fn get_str(m: &MapData, key: &str) -> String {
    match m.get(key) {
        Some(v) if !v.is_nil() => crate::gofmt::sprint_value(v),
        _ => String::new(),
    }
}

fn get_list(m: &MapData, key: &str) -> Vec<String> {
    m.get(key)
        .and_then(Value::as_list)
        .map(|l| l.iter().map(crate::gofmt::sprint_value).collect())
        .unwrap_or_default()
}

fn dependency(v: &Value) -> Option<Dependency> {
    let m = v.as_map()?.borrow();
    Some(Dependency {
        name: get_str(&m, "name"),
        version: get_str(&m, "version"),
        repository: get_str(&m, "repository"),
        condition: get_str(&m, "condition"),
        tags: get_list(&m, "tags"),
        enabled: m.get("enabled").map(Value::truthy).unwrap_or(false),
        import_values: m
            .get("import-values")
            .and_then(Value::as_list)
            .map(|l| l.to_vec())
            .unwrap_or_default(),
        alias: get_str(&m, "alias"),
    })
}

fn dependencies(m: &MapData) -> Option<Vec<Dependency>> {
    let list = m.get("dependencies")?.as_list()?;
    Some(list.iter().filter_map(dependency).collect())
}

impl Metadata {
    /// Parse `Chart.yaml` text.
    pub fn parse(text: &str, file: &str) -> Result<Metadata, ChartError> {
        let bad = |message: String| ChartError::BadMetadata {
            file: file.to_string(),
            message,
        };
        let doc = yaml_to_plain(text).map_err(bad)?;
        let Some(map) = doc.as_map() else {
            if doc.is_nil() {
                return Ok(Metadata::default());
            }
            return Err(bad(
                "error unmarshaling JSON: json: cannot unmarshal into Go value of type chart.Metadata"
                    .to_string(),
            ));
        };
        let m = map.borrow();
        let maintainers = m
            .get("maintainers")
            .and_then(Value::as_list)
            .map(|l| {
                l.iter()
                    .filter_map(|v| {
                        let mm = v.as_map()?.borrow();
                        Some(Maintainer {
                            name: get_str(&mm, "name"),
                            email: get_str(&mm, "email"),
                            url: get_str(&mm, "url"),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let annotations = m.get("annotations").and_then(Value::as_map).map(|a| {
            a.borrow()
                .iter()
                .map(|(k, v)| (k.to_string(), crate::gofmt::sprint_value(v)))
                .collect()
        });
        Ok(Metadata {
            name: get_str(&m, "name"),
            home: get_str(&m, "home"),
            sources: get_list(&m, "sources"),
            version: get_str(&m, "version"),
            description: get_str(&m, "description"),
            keywords: get_list(&m, "keywords"),
            maintainers,
            icon: get_str(&m, "icon"),
            api_version: get_str(&m, "apiVersion"),
            condition: get_str(&m, "condition"),
            tags: get_str(&m, "tags"),
            app_version: get_str(&m, "appVersion"),
            deprecated: m.get("deprecated").map(Value::truthy).unwrap_or(false),
            annotations,
            kube_version: get_str(&m, "kubeVersion"),
            dependencies: dependencies(&m),
            chart_type: get_str(&m, "type"),
        })
    }

    /// Read the `dependencies:` of a v1 `requirements.yaml` into this metadata.
    pub fn add_requirements(&mut self, text: &str, file: &str) -> Result<(), ChartError> {
        let doc = yaml_to_plain(text).map_err(|message| ChartError::BadMetadata {
            file: file.to_string(),
            message,
        })?;
        if let Some(map) = doc.as_map() {
            if let Some(deps) = dependencies(&map.borrow()) {
                self.dependencies = Some(deps);
            }
        }
        Ok(())
    }

    /// Helm's `Metadata.Validate` (the checks that matter for rendering).
    pub fn validate(&self) -> Result<(), ChartError> {
        let v = |m: &str| Err(ChartError::Validation(m.to_string()));
        if self.api_version.is_empty() {
            return v("chart.metadata.apiVersion is required");
        }
        if self.name.is_empty() {
            return v("chart.metadata.name is required");
        }
        if self.name.contains('/') || self.name.contains('\\') {
            return Err(ChartError::Validation(format!(
                "chart.metadata.name {:?} is invalid",
                self.name
            )));
        }
        if self.version.is_empty() {
            return v("chart.metadata.version is required");
        }
        if Version::parse(&self.version).is_none() {
            return Err(ChartError::Validation(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            )));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return v("chart.metadata.type must be application or library");
        }
        for d in self.dependencies.iter().flatten() {
            if d.name.is_empty() {
                return v("dependencies must not contain empty or null nodes");
            }
            if !d.alias.is_empty()
                && !d
                    .alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                return Err(ChartError::Validation(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    d.name
                )));
            }
        }
        Ok(())
    }

    /// True for `type: library` charts (only their partials are kept).
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }
}
