//! From a loaded chart and user values to what rendering needs: the
//! dependency-processed chart tree, the coalesced values (Helm's
//! `ToRenderValues`), every values origin's key path, and for every enabled
//! chart its templates and the top-level context its templates see
//! (`.Values`, `.Chart`, `.Release`, `.Capabilities`, `.Files`,
//! `.Subcharts`), as Helm's engine builds it (`recAllTpls`).

use std::rc::Rc;

use super::coalesce::coalesce_values_recording;
use super::dependencies::{process_dependencies, Node};
pub use super::objects::ReleaseOptions;
use super::objects::{chart_map, release_map, Capabilities, Files};
use super::user::UserValues;
use super::{Chart, ChartError};
use crate::origin::{Layer, OriginTable};
use crate::value::{MapRef, Repr, Value};

/// One enabled chart, ready to render.
pub struct PreparedChart {
    /// The chart's full path (`k8s-monitoring/charts/podLogs`): template
    /// names start with it.
    pub path: String,
    /// Where the chart was loaded from, by folder (`k8s-monitoring/charts/feature-pod-logs`).
    pub location: String,
    /// Templates as (full Helm path, text): `k8s-monitoring/charts/podLogs/templates/x.yaml`.
    /// Library charts list only their partials (`_` files), as Helm renders them.
    pub templates: Vec<(String, crate::template::SourceText)>,
    /// The chart's `.Values` (shared with the parent's coalesced values).
    pub values: MapRef,
    /// The dot of the chart's templates: `Values`, `Chart`, `Release`,
    /// `Capabilities`, `Files`, `Subcharts` (the evaluator adds `Template`).
    pub context: MapRef,
}

/// The result of [`prepare`].
pub struct Prepared {
    /// Every enabled chart, the top chart first, then subcharts depth first.
    pub charts: Vec<PreparedChart>,
    /// The top-level coalesced values.
    pub values: MapRef,
    /// Keys the user's `null`s deleted while coalescing.
    pub deleted: crate::deletions::Deletions,
}

/// A values-document loader with [`crate::yaml::load_values`]'s signature.
pub type LoadValuesFn =
    fn(&str, Rc<str>, Layer, &mut OriginTable) -> Result<Value, crate::yaml::YamlError>;

/// A chart's default values (its parsed `values.yaml`) with fresh origins.
fn load_chart_values(chart: &Chart, origins: &mut OriginTable) -> Result<MapRef, ChartError> {
    let bad = |e: crate::yaml::YamlError| ChartError::BadValues {
        file: "values.yaml".to_string(),
        message: e.to_string(),
    };
    let Some(tree) = chart.values_tree().map_err(bad)? else {
        return Ok(MapRef::new());
    };
    let file: Rc<str> = Rc::from(chart.values_file().as_str());
    let v = crate::yaml::values_from_tree(
        tree,
        file,
        Layer::ChartDefault(Rc::from(chart.location.as_str())),
        origins,
    )
    .map_err(bad)?;
    match v.repr {
        Repr::Map(m) => Ok(m),
        Repr::Nil => Ok(MapRef::new()),
        _ => Err(ChartError::BadValues {
            file: "values.yaml".to_string(),
            message: "error unmarshaling JSON: json: cannot unmarshal array into Go value of type map[string]interface {}".to_string(),
        }),
    }
}

/// A chart's and its subcharts' default values, in [`Node::build`]'s order.
fn convert_defaults(
    chart: &Chart,
    origins: &mut OriginTable,
    out: &mut Vec<MapRef>,
) -> Result<(), ChartError> {
    out.push(load_chart_values(chart, origins)?);
    for sub in &chart.subcharts {
        convert_defaults(sub, origins, out)?;
    }
    Ok(())
}

/// The default values of every chart of a tree (each parsed `values.yaml`
/// with its origins), in [`Node::build`]'s order. A chart rendered with
/// several value sets converts them once (Helm's loader keeps them as maps
/// too); each render then starts from a copy.
pub struct ChartDefaults {
    origins: OriginTable,
    values: Vec<MapRef>,
}

impl ChartDefaults {
    /// Convert the default values of `chart` and its subcharts; the error is
    /// the first chart's whose values do not convert.
    pub fn convert(chart: &Chart) -> Result<Self, ChartError> {
        let mut origins = OriginTable::new();
        let mut values = Vec::new();
        convert_defaults(chart, &mut origins, &mut values)?;
        Ok(ChartDefaults { origins, values })
    }
}

/// Prepare a render: user values, dependency processing, coalescing, key
/// paths of every origin, and the per-chart render inputs. `defaults` are
/// the chart's converted defaults, if converted before; `origins` must be
/// empty: the chart defaults' origins come first, then the user's.
pub fn prepare(
    chart: &Chart,
    defaults: Option<&ChartDefaults>,
    user: &UserValues,
    opts: &ReleaseOptions,
    origins: &mut OriginTable,
) -> Result<Prepared, ChartError> {
    // Defaults kept for other renders are copied (lazily), never changed;
    // defaults converted for this render alone are used as they are.
    let mut defaults = match defaults {
        Some(d) => Ok((
            d.origins.clone(),
            d.values.iter().map(MapRef::deep_copy).collect::<Vec<_>>(),
        )),
        None => ChartDefaults::convert(chart).map(|d| (d.origins, d.values)),
    };
    if let Ok((table, _)) = &mut defaults {
        *origins = std::mem::take(table);
    }
    // Helm reads the user's values before it loads the chart: their errors come first.
    let user_vals = user.merge_with(origins, crate::yaml::load_values)?;
    let (_, values) = defaults?;
    let mut values = values.into_iter();
    let root = Node::build(chart, &mut values);
    prepare_tree(root, &user_vals, opts, origins)
}

/// [`prepare`] with user values already merged into one map (their origins
/// in `origins`); the chart defaults' origins come after them.
pub fn prepare_with_values(
    chart: &Chart,
    user_vals: &MapRef,
    opts: &ReleaseOptions,
    origins: &mut OriginTable,
) -> Result<Prepared, ChartError> {
    let mut values = Vec::new();
    convert_defaults(chart, origins, &mut values)?;
    let root = Node::build(chart, &mut values.into_iter());
    prepare_tree(root, user_vals, opts, origins)
}

/// Dependency processing, coalescing, key paths, schemas and contexts.
fn prepare_tree(
    mut root: Node<'_>,
    user_vals: &MapRef,
    opts: &ReleaseOptions,
    origins: &mut OriginTable,
) -> Result<Prepared, ChartError> {
    process_dependencies(&mut root, user_vals, origins)?;
    let mut deleted = crate::deletions::Deletions::new();
    let values = coalesce_values_recording(&root, user_vals, origins, &mut deleted)?;
    assign_paths(&values, &root, origins);
    // User nodes that a later layer overrode still get their key path.
    walk(&Value::map(user_vals.clone()), "", origins);
    let mut report = String::new();
    validate_schemas(&root, &values, &mut report)?;
    if !report.is_empty() {
        return Err(ChartError::Schema(report));
    }

    let release = Value::map(release_map(opts));
    let caps = Value::object(Rc::new(
        Capabilities::for_release(opts).map_err(ChartError::Options)?,
    ));
    let mut charts = Vec::new();
    build_contexts(&root, None, &values, &release, &caps, &mut charts);
    Ok(Prepared {
        charts,
        values,
        deleted,
    })
}

/// Helm's `ValidateAgainstSchema`: each chart's schema against its values,
/// recursively into subcharts that have values.
fn validate_schemas(
    node: &Node<'_>,
    values: &MapRef,
    report: &mut String,
) -> Result<(), ChartError> {
    if let Some(schema) = &node.chart.schema {
        match super::schema::validate(schema, values) {
            Ok(None) => {}
            Ok(Some(lines)) => {
                report.push_str(&format!("{}:\n{lines}", node.name));
            }
            Err(e) => return Err(ChartError::Schema(e)),
        }
    }
    for c in &node.children {
        if let Some(sub) = values.get(&c.name).and_then(|v| v.as_map().cloned()) {
            validate_schemas(c, &sub, report)?;
        }
    }
    Ok(())
}

/// Helm's `recAllTpls`: the context of `node` and, recursively, of its subcharts.
fn build_contexts(
    node: &Node<'_>,
    parent: Option<(&str, &MapRef)>,
    top_values: &MapRef,
    release: &Value,
    caps: &Value,
    out: &mut Vec<PreparedChart>,
) -> MapRef {
    let is_root = parent.is_none();
    let path = match parent {
        Some((p, _)) => format!("{p}/charts/{}", node.name),
        None => node.name.clone(),
    };
    let values = match parent {
        None => top_values.clone(),
        Some((_, parent_values)) => parent_values
            .get(&node.name)
            .and_then(|v| v.as_map().cloned())
            .unwrap_or_default(),
    };
    let subcharts = MapRef::new();
    let context = MapRef::from_data(crate::value::map_data([
        ("Chart".to_string(), Value::map(chart_map(node, is_root))),
        (
            "Files".to_string(),
            Value::object(Rc::new(Files(Rc::new(node.chart.files.clone())))),
        ),
        ("Release".to_string(), release.clone()),
        ("Capabilities".to_string(), caps.clone()),
        ("Values".to_string(), Value::map(values.clone())),
        ("Subcharts".to_string(), Value::map(subcharts.clone())),
    ]));
    let library = node.chart.metadata.is_library();
    let templates = node
        .chart
        .templates
        .iter()
        .filter(|t| {
            !library
                || t.name
                    .rsplit('/')
                    .next()
                    .is_some_and(|b| b.starts_with('_'))
        })
        .map(|t| (format!("{path}/{}", t.name), t.text.clone()))
        .collect();
    let index = out.len();
    out.push(PreparedChart {
        path: path.clone(),
        location: node.chart.location.clone(),
        templates,
        values: values.clone(),
        context: context.clone(),
    });
    let _ = index;
    for child in &node.children {
        let sub = build_contexts(
            child,
            Some((&path, &values)),
            top_values,
            release,
            caps,
            out,
        );
        subcharts.insert(child.name.clone(), Value::map(sub));
    }
    context
}

/// Escape a key for Helm `--set` notation.
pub fn escape_key(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    for c in k.chars() {
        if matches!(c, '.' | ',' | '[' | '=' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn set_path(v: &Value, path: &str, origins: &mut OriginTable) {
    for id in v.deps.iter() {
        let o = origins.get_mut(id);
        if o.path.is_empty() {
            o.path = path.to_string();
        }
    }
}

/// Give the origins of `v` and of everything under it the key paths below
/// `path` (origins that have one keep it).
pub(crate) fn walk(v: &Value, path: &str, origins: &mut OriginTable) {
    set_path(v, path, origins);
    match &v.repr {
        Repr::Map(m) => {
            let entries: Vec<(crate::value::MapKey, Value)> = m
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, child) in entries {
                let p = if path.is_empty() {
                    escape_key(&k)
                } else {
                    format!("{path}.{}", escape_key(&k))
                };
                walk(&child, &p, origins);
            }
        }
        Repr::List(l) => {
            for (i, child) in l.iter().enumerate() {
                walk(child, &format!("{path}[{i}]"), origins);
            }
        }
        _ => {}
    }
}

/// Give every origin in the final values its key path from the top chart
/// (root `global` first, so globals copied into subcharts keep `global.*`),
/// then the chart defaults that the user overrode (under the chart's key).
fn assign_paths(values: &MapRef, root: &Node<'_>, origins: &mut OriginTable) {
    if let Some(g) = values.get("global") {
        walk(&g, "global", origins);
    }
    walk(&Value::map(values.clone()), "", origins);
    assign_default_paths(root, "", origins);
}

fn assign_default_paths(node: &Node<'_>, prefix: &str, origins: &mut OriginTable) {
    walk(&Value::map(node.values.clone()), prefix, origins);
    for c in &node.children {
        let p = if prefix.is_empty() {
            escape_key(&c.name)
        } else {
            format!("{prefix}.{}", escape_key(&c.name))
        };
        assign_default_paths(c, &p, origins);
    }
}
