//! The objects templates see besides `.Values`: `.Capabilities` (with Helm
//! v4.2.3's defaults as the oracle reports them), `.Files` (Helm's
//! `pkg/engine/files.go`), and builders for `.Release` and `.Chart`, which
//! Helm's engine hands templates as plain maps.

use std::rc::Rc;

use super::dependencies::Node;
use super::glob::glob_match;
use super::ChartFile;
use crate::value::{GoObject, MapRef, Value};

/// Kubernetes API versions Helm assumes with no cluster (`chartutil.DefaultVersionSet`).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

fn strs(m: &[(&str, &str)]) -> MapRef {
    MapRef::from_data(
        m.iter()
            .map(|(k, v)| (crate::value::MapKey::from(*k), Value::str(*v)))
            .collect(),
    )
}

/// `.Capabilities.KubeVersion`.
#[derive(Clone, Debug)]
pub struct KubeVersion {
    /// `v1.36.0`.
    pub version: String,
    /// `1`.
    pub major: String,
    /// `36`.
    pub minor: String,
}

impl GoObject for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn kind(&self) -> &str {
        "struct"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "GitVersion" | "String" => Some(Value::str(self.version.as_str())),
            "Major" => Some(Value::str(self.major.as_str())),
            "Minor" => Some(Value::str(self.minor.as_str())),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if args.is_empty() {
            self.field(name).map(Ok)
        } else {
            None
        }
    }
    /// A copy prints as the struct: `Version`, the normalized version
    /// (the same here), `Major`, `Minor`.
    fn display(&self) -> String {
        format!(
            "{{{} {} {} {}}}",
            self.version, self.version, self.major, self.minor
        )
    }
    fn template_display(&self) -> String {
        self.version.clone()
    }
    fn to_map(&self) -> Option<MapRef> {
        Some(strs(&[
            ("Major", &self.major),
            ("Minor", &self.minor),
            ("Version", &self.version),
        ]))
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("Version", Value::str(self.version.as_str())),
            ("Major", Value::str(self.major.as_str())),
            ("Minor", Value::str(self.minor.as_str())),
        ])
    }
}

/// `.Capabilities.HelmVersion`.
#[derive(Clone, Debug)]
pub struct HelmVersion;

const HELM_VERSION: &str = "v4.2";
const GO_VERSION: &str = "go1.26.6";
const KUBE_CLIENT_VERSION: &str = "v1.36";

impl GoObject for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn kind(&self) -> &str {
        "struct"
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("version", Value::str(HELM_VERSION)),
            ("go_version", Value::str(GO_VERSION)),
            ("kube_client_version", Value::str(KUBE_CLIENT_VERSION)),
        ])
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::str(match name {
            "Version" => HELM_VERSION,
            "GitCommit" | "GitTreeState" => "",
            "GoVersion" => GO_VERSION,
            "KubeClientVersion" => KUBE_CLIENT_VERSION,
            _ => return None,
        }))
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if args.is_empty() {
            self.field(name).map(Ok)
        } else {
            None
        }
    }
    fn display(&self) -> String {
        format!("{{{HELM_VERSION}   {GO_VERSION} {KUBE_CLIENT_VERSION}}}")
    }
    fn to_map(&self) -> Option<MapRef> {
        Some(strs(&[
            ("go_version", GO_VERSION),
            ("kube_client_version", KUBE_CLIENT_VERSION),
            ("version", HELM_VERSION),
        ]))
    }
}

/// `.Capabilities.APIVersions`: a Go `[]string` of group/versions with `Has`.
#[derive(Clone, Debug)]
pub struct ApiVersions {
    names: Vec<String>,
    /// The same names as template values, for the list functions.
    items: Rc<Vec<Value>>,
}

impl ApiVersions {
    /// The set of these group/versions, in this order.
    pub fn new(names: Vec<String>) -> Self {
        let items = Rc::new(names.iter().map(|s| Value::str(s.as_str())).collect());
        ApiVersions { names, items }
    }

    /// The group/versions, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

impl GoObject for ApiVersions {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn kind(&self) -> &str {
        "slice"
    }
    fn slice_items(&self) -> Option<&Rc<Vec<Value>>> {
        Some(&self.items)
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if name != "Has" {
            return None;
        }
        let [arg] = args else {
            return Some(Err(format!(
                "wrong number of args for Has: want 1 got {}",
                args.len()
            )));
        };
        let want = crate::gofmt::sprint_value(arg);
        Some(Ok(Value::bool(self.names.contains(&want))))
    }
    fn display(&self) -> String {
        format!("[{}]", self.names.join(" "))
    }
}

/// `.Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    /// Kubernetes version.
    pub kube: KubeVersion,
    /// API versions.
    pub api_versions: ApiVersions,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            kube: KubeVersion {
                version: "v1.36.0".to_string(),
                major: "1".to_string(),
                minor: "36".to_string(),
            },
            api_versions: ApiVersions::new(
                DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect(),
            ),
        }
    }
}

impl GoObject for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("KubeVersion", Value::object(Rc::new(self.kube.clone()))),
            (
                "APIVersions",
                Value::object(Rc::new(self.api_versions.clone())),
            ),
            ("HelmVersion", Value::object(Rc::new(HelmVersion))),
        ])
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::object(Rc::new(self.kube.clone()))),
            "APIVersions" => Some(Value::object(Rc::new(self.api_versions.clone()))),
            "HelmVersion" => Some(Value::object(Rc::new(HelmVersion))),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if args.is_empty() {
            self.field(name).map(Ok)
        } else {
            None
        }
    }
    fn display(&self) -> String {
        format!(
            "{{{{{} {} {} {}}} {} {}}}",
            self.kube.version,
            self.kube.version,
            self.kube.major,
            self.kube.minor,
            self.api_versions.display(),
            HelmVersion.display()
        )
    }
    fn to_map(&self) -> Option<MapRef> {
        let m = crate::value::map_data([
            (
                "APIVersions".to_string(),
                Value::list(self.api_versions.items.as_ref().clone()),
            ),
            (
                "HelmVersion".to_string(),
                Value::map(HelmVersion.to_map().unwrap_or_default()),
            ),
            (
                "KubeVersion".to_string(),
                Value::map(self.kube.to_map().unwrap_or_default()),
            ),
        ]);
        Some(MapRef::from_data(m))
    }
}

/// `.Files`: a chart's non-template files, by path.
#[derive(Clone, Debug, Default)]
pub struct Files(pub Rc<Vec<ChartFile>>);

fn text(f: &ChartFile) -> String {
    super::load::lossy_text(&f.data)
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A minimal yaml.v2-style emitter for a flat `map[string]string`
/// (what `AsConfig`/`AsSecrets` marshal): literal blocks for multi-line
/// strings, double quotes where a plain scalar would not read back.
fn flat_yaml(entries: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in entries {
        out.push_str(&scalar_yaml(k));
        out.push(':');
        if v.contains('\n') {
            let trailing = v.len() - v.trim_end_matches('\n').len();
            let chomp = match trailing {
                0 => "-",
                1 => "",
                _ => "+",
            };
            out.push_str(&format!(" |{chomp}\n"));
            let body = if trailing == 1 {
                &v[..v.len() - 1]
            } else {
                v.as_str()
            };
            for line in body.split('\n') {
                if !line.is_empty() {
                    out.push_str("  ");
                    out.push_str(line);
                }
                out.push('\n');
            }
            if trailing > 1 {
                out.pop();
            }
        } else {
            out.push(' ');
            out.push_str(&scalar_yaml(v));
            out.push('\n');
        }
    }
    out.trim_end_matches('\n').to_string()
}

fn scalar_yaml(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"',
            '%', '@', '`',
        ])
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && s.chars().all(|c| !c.is_control())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "y" | "n" | "on" | "off" | "null" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain_ok {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

impl Files {
    fn find(&self, name: &str) -> Option<&ChartFile> {
        self.0.iter().find(|f| f.name == name)
    }
}

impl GoObject for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn kind(&self) -> &str {
        "map"
    }
    fn map_len(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn map_index(&self, key: &str) -> Option<Value> {
        Some(Bytes::value(self.find(key).map(|f| f.data.clone())))
    }
    fn range_entries(&self) -> Option<Vec<(Value, Value)>> {
        let mut entries: Vec<(Value, Value)> = self
            .0
            .iter()
            .map(|f| {
                (
                    Value::str(f.name.as_str()),
                    Bytes::value(Some(f.data.clone())),
                )
            })
            .collect();
        entries.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
        Some(entries)
    }
    fn truthy(&self) -> bool {
        !self.0.is_empty()
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let arg = || {
            args.first()
                .map(crate::gofmt::sprint_value)
                .unwrap_or_default()
        };
        let want = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "wrong number of args for {name}: want {n} got {}",
                    args.len()
                ))
            }
        };
        Some(match name {
            "Get" => {
                // A Go string: binary files (compressed CRDs) keep their bytes.
                want(1).map(|()| {
                    Value::tstr(
                        self.find(&arg())
                            .map(|f| crate::traced::TStr::from_bytes(&f.data))
                            .unwrap_or_default(),
                    )
                })
            }
            "GetBytes" => want(1).map(|()| Bytes::value(self.find(&arg()).map(|f| f.data.clone()))),
            "Glob" => want(1).map(|()| {
                let pat = arg();
                let picked: Vec<ChartFile> = self
                    .0
                    .iter()
                    .filter(|f| glob_match(&pat, &f.name, true))
                    .cloned()
                    .collect();
                Value::object(Rc::new(Files(Rc::new(picked))))
            }),
            "Lines" => want(1).map(|()| {
                let Some(f) = self.find(&arg()) else {
                    return Value::list(vec![]);
                };
                let s = text(f);
                let s = s.strip_suffix('\n').unwrap_or(&s);
                Value::list(s.split('\n').map(Value::str).collect())
            }),
            "AsConfig" => want(0).map(|()| {
                let mut e: Vec<(String, String)> = self
                    .0
                    .iter()
                    .map(|f| (f.name.rsplit('/').next().unwrap_or("").to_string(), text(f)))
                    .collect();
                e.sort();
                e.dedup_by(|a, b| a.0 == b.0);
                Value::str(flat_yaml(&e))
            }),
            "AsSecrets" => want(0).map(|()| {
                let mut e: Vec<(String, String)> = self
                    .0
                    .iter()
                    .map(|f| {
                        (
                            f.name.rsplit('/').next().unwrap_or("").to_string(),
                            base64(&f.data),
                        )
                    })
                    .collect();
                e.sort();
                e.dedup_by(|a, b| a.0 == b.0);
                Value::str(flat_yaml(&e))
            }),
            _ => return None,
        })
    }
    fn display(&self) -> String {
        let items: Vec<String> = self
            .0
            .iter()
            .map(|f| {
                let bytes: Vec<String> = f.data.iter().map(|b| b.to_string()).collect();
                format!("{}:[{}]", f.name, bytes.join(" "))
            })
            .collect();
        format!("map[{}]", items.join(" "))
    }
    fn to_map(&self) -> Option<MapRef> {
        Some(MapRef::from_data(
            self.0
                .iter()
                .map(|f| (f.name.as_str().into(), Value::str(base64(&f.data))))
                .collect(),
        ))
    }
}

/// Release options (`.Release`).
#[derive(Clone, Debug)]
pub struct ReleaseOptions {
    /// Release name (`release-name` by default, as `helm template`).
    pub name: String,
    /// Namespace (`default`).
    pub namespace: String,
    /// Revision (1).
    pub revision: i64,
    /// True for an install (`helm template` renders as an install).
    pub is_install: bool,
    /// True for an upgrade.
    pub is_upgrade: bool,
    /// `--kube-version` (`1.29`, `v1.29.3`); Helm's default when `None`.
    pub kube_version: Option<String>,
    /// `--api-versions`: added to Helm's default API versions.
    pub api_versions: Vec<String>,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            name: "release-name".to_string(),
            namespace: "default".to_string(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
            kube_version: None,
            api_versions: Vec::new(),
        }
    }
}

impl Capabilities {
    /// Helm's defaults with the release options' `--kube-version` and
    /// `--api-versions` applied (Helm's `ParseKubeVersion`: a semantic
    /// version, `v` optional, missing parts zero).
    pub fn for_release(o: &ReleaseOptions) -> Result<Capabilities, String> {
        let mut caps = Capabilities::default();
        if let Some(v) = &o.kube_version {
            let bad = |why: &str| format!("invalid kube version '{v}': {why}");
            let plain = v.strip_prefix('v').unwrap_or(v);
            let (core, pre) = match plain.split_once(['-', '+']) {
                Some((c, _)) => (c, &plain[c.len()..]),
                None => (plain, ""),
            };
            let parts: Vec<&str> = core.split('.').collect();
            if parts.is_empty()
                || parts.len() > 3
                || parts
                    .iter()
                    .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(bad("Invalid Semantic Version"));
            }
            let num = |i: usize| parts.get(i).map_or(0, |p| p.parse::<u64>().unwrap_or(0));
            let (major, minor, patch) = (num(0), num(1), num(2));
            caps.kube = KubeVersion {
                version: format!("v{major}.{minor}.{patch}{pre}"),
                major: major.to_string(),
                minor: minor.to_string(),
            };
        }
        if !o.api_versions.is_empty() {
            let mut names = caps.api_versions.names;
            names.extend(o.api_versions.iter().cloned());
            caps.api_versions = ApiVersions::new(names);
        }
        Ok(caps)
    }
}

/// `.Release` as the template sees it.
pub fn release_map(o: &ReleaseOptions) -> MapRef {
    MapRef::from_data(crate::value::map_data([
        ("IsInstall".to_string(), Value::bool(o.is_install)),
        ("IsUpgrade".to_string(), Value::bool(o.is_upgrade)),
        ("Name".to_string(), Value::str(o.name.as_str())),
        ("Namespace".to_string(), Value::str(o.namespace.as_str())),
        ("Revision".to_string(), Value::int(o.revision)),
        ("Service".to_string(), Value::str("Helm")),
    ]))
}

fn str_list(v: &[String]) -> Value {
    Value::list(v.iter().map(|s| Value::str(s.as_str())).collect())
}

fn s(v: &str) -> Value {
    Value::str(v)
}

/// `.Chart` as the template sees it: the metadata after dependency
/// processing (name = alias), Helm's capitalised field names, plus `IsRoot`.
pub fn chart_map(node: &Node<'_>, is_root: bool) -> MapRef {
    let md = &node.chart.metadata;
    let deps = node
        .deps
        .iter()
        .flatten()
        .map(|d| {
            Value::map_from(crate::value::map_data([
                ("Alias".to_string(), s(&d.alias)),
                ("Condition".to_string(), s(&d.condition)),
                ("Enabled".to_string(), Value::bool(d.enabled)),
                (
                    "ImportValues".to_string(),
                    Value::list(d.import_values.clone()),
                ),
                ("Name".to_string(), s(&d.name)),
                ("Repository".to_string(), s(&d.repository)),
                ("Tags".to_string(), str_list(&d.tags)),
                ("Version".to_string(), s(&d.version)),
            ]))
        })
        .collect();
    let maintainers = md
        .maintainers
        .iter()
        .map(|m| {
            Value::map_from(crate::value::map_data([
                ("Email".to_string(), s(&m.email)),
                ("Name".to_string(), s(&m.name)),
                ("URL".to_string(), s(&m.url)),
            ]))
        })
        .collect();
    let annotations = match &md.annotations {
        Some(a) => Value::map_from(crate::value::map_data(
            a.iter().map(|(k, v)| (k.as_str(), s(v))),
        )),
        None => Value::object(Rc::new(NilStringMap)),
    };
    MapRef::from_data(crate::value::map_data([
        ("APIVersion".to_string(), s(&md.api_version)),
        ("Annotations".to_string(), annotations),
        ("AppVersion".to_string(), s(&md.app_version)),
        ("Condition".to_string(), s(&md.condition)),
        ("Dependencies".to_string(), Value::list(deps)),
        ("Deprecated".to_string(), Value::bool(md.deprecated)),
        ("Description".to_string(), s(&md.description)),
        ("Home".to_string(), s(&md.home)),
        ("Icon".to_string(), s(&md.icon)),
        ("IsRoot".to_string(), Value::bool(is_root)),
        ("Keywords".to_string(), str_list(&md.keywords)),
        ("KubeVersion".to_string(), s(&md.kube_version)),
        ("Maintainers".to_string(), Value::list(maintainers)),
        ("Name".to_string(), s(&node.name)),
        ("Sources".to_string(), str_list(&md.sources)),
        ("Tags".to_string(), s(&md.tags)),
        ("Type".to_string(), s(&md.chart_type)),
        ("Version".to_string(), s(&md.version)),
    ]))
}

/// A Go `[]byte` (`.Files.GetBytes`, the values of `.Files`): prints as its
/// numbers, marshals as base64, converts to a string with `toString`.
#[derive(Clone, Debug)]
pub struct Bytes {
    data: Option<std::sync::Arc<Vec<u8>>>,
    /// The bytes as template integers, for the list functions.
    items: Rc<Vec<Value>>,
}

impl Bytes {
    /// A `[]byte` value; `None` is Go's nil slice (a missing file).
    pub fn value(data: Option<std::sync::Arc<Vec<u8>>>) -> Value {
        let items = Rc::new(
            data.iter()
                .flat_map(|d| d.iter())
                .map(|&b| Value::int(i64::from(b)))
                .collect(),
        );
        Value::object(Rc::new(Bytes { data, items }))
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        self.data.as_deref().map_or(&[], |d| d.as_slice())
    }
}

impl GoObject for Bytes {
    fn type_name(&self) -> &str {
        "[]uint8"
    }
    fn kind(&self) -> &str {
        "slice"
    }
    fn slice_items(&self) -> Option<&Rc<Vec<Value>>> {
        Some(&self.items)
    }
    fn truthy(&self) -> bool {
        !self.bytes().is_empty()
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn display(&self) -> String {
        let numbers: Vec<String> = self.bytes().iter().map(|b| b.to_string()).collect();
        format!("[{}]", numbers.join(" "))
    }
    fn string_conversion(&self) -> Option<String> {
        Some(String::from_utf8_lossy(self.bytes()).into_owned())
    }
    fn json_value(&self) -> Option<Value> {
        Some(match &self.data {
            Some(d) => Value::str(base64(d)),
            None => Value::nil(),
        })
    }
}

/// A nil Go `map[string]string` (`.Chart.Annotations` when Chart.yaml has
/// none): prints `map[]`, marshals as `null`, is empty.
#[derive(Clone, Debug)]
pub struct NilStringMap;

impl GoObject for NilStringMap {
    fn type_name(&self) -> &str {
        "map[string]string"
    }
    fn kind(&self) -> &str {
        "map"
    }
    fn map_len(&self) -> Option<usize> {
        Some(0)
    }
    fn map_index(&self, _key: &str) -> Option<Value> {
        Some(Value::str(""))
    }
    fn range_entries(&self) -> Option<Vec<(Value, Value)>> {
        Some(Vec::new())
    }
    fn truthy(&self) -> bool {
        false
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn display(&self) -> String {
        "map[]".to_string()
    }
    fn json_value(&self) -> Option<Value> {
        Some(Value::nil())
    }
}
