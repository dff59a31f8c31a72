//! Tests of chart loading and preparation on tiny charts, with expected
//! results confirmed with the Helm oracle.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::*;
use crate::origin::{Layer, Origin, OriginTable};
use crate::value::{GoObject, Repr, Value};

/// Stand-in for `crate::yaml::load_values` in tests: saphyr, one origin per node.
fn test_loader(
    text: &str,
    file: Rc<str>,
    layer: Layer,
    origins: &mut OriginTable,
) -> Result<Value, crate::yaml::YamlError> {
    let v = metadata::yaml_to_plain(text).map_err(|message| crate::yaml::YamlError {
        file: file.to_string(),
        line: 1,
        column: 1,
        message,
    })?;
    Ok(tag(&v, &layer, origins))
}

fn tag(v: &Value, layer: &Layer, origins: &mut OriginTable) -> Value {
    let id = origins.add(Origin {
        path: String::new(),
        layer: layer.clone(),
        pos: None,
    });
    let out = match &v.repr {
        Repr::Map(m) => {
            let data = m
                .borrow()
                .iter()
                .map(|(k, x)| (k.clone(), tag(x, layer, origins)))
                .collect();
            Value::map_from(data)
        }
        Repr::List(l) => Value::list(l.iter().map(|x| tag(x, layer, origins)).collect()),
        _ => v.clone(),
    };
    out.with_origin(id)
}

/// Go's `toJson` for plain values (sorted keys, integral floats without `.0`).
fn json(v: &Value) -> String {
    match &v.repr {
        Repr::Nil => "null".into(),
        Repr::Bool(b) => b.to_string(),
        Repr::Int(i, _) => i.to_string(),
        Repr::Float(f) => format!("{f}"),
        Repr::Str(s) => serde_json::to_string(s.as_str()).unwrap(),
        Repr::List(l) => format!("[{}]", l.iter().map(json).collect::<Vec<_>>().join(",")),
        Repr::Map(m) => format!(
            "{{{}}}",
            m.borrow()
                .iter()
                .map(|(k, x)| format!("{}:{}", serde_json::to_string(&**k).unwrap(), json(x)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Repr::Object(o) => o.display(),
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p =
            std::env::temp_dir().join(format!("trace-value-chart-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The chart of /tmp/t1 in the notes: two aliases of one subchart, a tag.
fn alias_chart() -> TempDir {
    let d = TempDir::new("alias");
    d.write(
        "Chart.yaml",
        "apiVersion: v2\nname: par\nversion: 0.1.0\ndependencies:\n  - name: sub\n    alias: first\n    version: \">=0.1.0\"\n    condition: first.enabled,missing.enabled\n  - name: sub\n    alias: second\n    version: 0.2.0\n    condition: second.enabled\n  - name: other\n    version: 1.0.0\n    tags: [backend]\n",
    );
    d.write(
        "values.yaml",
        "first:\n  enabled: true\n  keep: 1\nsecond:\n  enabled: false\ntags:\n  backend: false\nglobal:\n  g: parent\n  m:\n    a: 1\ndrop: x\nnested:\n  a: 1\n  b: 2\n",
    );
    d.write("templates/x.yaml", "v: {{ toJson .Values }}\n");
    d.write(
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
    );
    d.write(
        "charts/sub/values.yaml",
        "x: 1\nenabled: false\nlist: [1, 2]\nglobal:\n  g: child\n  m:\n    b: 2\n  h: 3\n",
    );
    d.write("charts/sub/templates/s.yaml", "v: {{ toJson .Values }}\n");
    d.write(
        "charts/other/Chart.yaml",
        "apiVersion: v2\nname: other\nversion: 1.0.0\n",
    );
    d.write("charts/other/templates/o.yaml", "v: {{ toJson .Values }}\n");
    d
}

fn run(dir: &Path, user: &UserValues) -> (Prepared, OriginTable) {
    let chart = load_chart(dir).unwrap();
    let mut origins = OriginTable::new();
    let user_vals = user.merge_with(&mut origins, test_loader).unwrap();
    let p =
        prepare::prepare_with_values(&chart, &user_vals, &ReleaseOptions::default(), &mut origins)
            .unwrap();
    (p, origins)
}

fn summary(p: &Prepared) -> Vec<(String, String)> {
    p.charts
        .iter()
        .map(|c| (c.path.clone(), json(&Value::map(c.values.clone()))))
        .collect()
}

#[test]
fn alias_condition_tags_globals_and_null_deletion() {
    let d = alias_chart();
    let user_file = d.0.join("user.yaml");
    std::fs::write(
        &user_file,
        "drop: null\nnested:\n  a: null\nfirst:\n  x: null\n",
    )
    .unwrap();
    let user = UserValues {
        value_files: vec![user_file],
        ..Default::default()
    };
    let (p, _) = run(&d.0, &user);
    // Oracle: helm-render /tmp/t1 -f user.yaml
    assert_eq!(
        summary(&p),
        vec![
            ("par".to_string(), r#"{"first":{"enabled":true,"global":{"g":"parent","h":3,"m":{"a":1,"b":2}},"keep":1,"list":[1,2]},"global":{"g":"parent","m":{"a":1}},"nested":{"b":2},"second":{"enabled":false},"tags":{"backend":false}}"#.to_string()),
            ("par/charts/first".to_string(), r#"{"enabled":true,"global":{"g":"parent","h":3,"m":{"a":1,"b":2}},"keep":1,"list":[1,2]}"#.to_string()),
        ]
    );
    assert_eq!(
        p.charts[1].templates[0].0,
        "par/charts/first/templates/s.yaml"
    );
    // The subchart's .Values is the parent's map (shared, not a copy).
    let first = p.values.get("first").unwrap();
    assert!(first.as_map().unwrap().ptr_eq(&p.charts[1].values));
}

#[test]
fn set_flags_enable_tagged_and_conditioned_subcharts() {
    let d = alias_chart();
    let user = UserValues {
        set: vec!["tags.backend=true".into(), "second.enabled=true".into()],
        ..Default::default()
    };
    let (p, origins) = run(&d.0, &user);
    // Oracle: helm-render /tmp/t1 --set tags.backend=true --set second.enabled=true
    assert_eq!(
        summary(&p),
        vec![
            ("par".to_string(), r#"{"drop":"x","first":{"enabled":true,"global":{"g":"parent","h":3,"m":{"a":1,"b":2}},"keep":1,"list":[1,2],"x":1},"global":{"g":"parent","m":{"a":1}},"nested":{"a":1,"b":2},"other":{"global":{"g":"parent","m":{"a":1}}},"second":{"enabled":true,"global":{"g":"parent","h":3,"m":{"a":1,"b":2}},"list":[1,2],"x":1},"tags":{"backend":true}}"#.to_string()),
            ("par/charts/first".to_string(), r#"{"enabled":true,"global":{"g":"parent","h":3,"m":{"a":1,"b":2}},"keep":1,"list":[1,2],"x":1}"#.to_string()),
            ("par/charts/second".to_string(), r#"{"enabled":true,"global":{"g":"parent","h":3,"m":{"a":1,"b":2}},"list":[1,2],"x":1}"#.to_string()),
            ("par/charts/other".to_string(), r#"{"global":{"g":"parent","m":{"a":1}}}"#.to_string()),
        ]
    );
    // Provenance: key paths from the top chart, globals stay global.
    let path_of = |v: &Value| origins.get(v.deps.iter().next().unwrap()).path.clone();
    let second = p.charts[2].values.clone();
    assert_eq!(path_of(&second.get("x").unwrap()), "second.x");
    let list = second.get("list").unwrap();
    assert_eq!(path_of(&list.as_list().unwrap()[1]), "second.list[1]");
    let g = second.get("global").unwrap();
    assert_eq!(path_of(&g.as_map().unwrap().get("g").unwrap()), "global.g");
    assert_eq!(
        path_of(&g.as_map().unwrap().get("h").unwrap()),
        "second.global.h"
    );
    let tag = p
        .values
        .get("tags")
        .unwrap()
        .as_map()
        .unwrap()
        .get("backend")
        .unwrap();
    let o = origins.get(tag.deps.iter().next().unwrap());
    assert_eq!(o.layer, Layer::SetFlag);
    assert_eq!(o.path, "tags.backend");
    assert_eq!(
        o.pos.as_ref().map(|p| (p.file.to_string(), p.line)),
        Some(("--set".to_string(), 1))
    );
    // .Chart of an aliased subchart carries the alias as name.
    let chart = p.charts[1].context.get("Chart").unwrap();
    let chart = chart.as_map().unwrap();
    assert_eq!(chart.get("Name").unwrap().as_str(), Some("first"));
    assert!(!chart.get("IsRoot").unwrap().truthy());
}

#[test]
fn set_syntax_table() {
    // Expected JSON from helm-render /tmp/t2 --set EXPR (toJson .Values).
    let cases = [
        ("a=1", r#"{"a":1}"#),
        ("a.b=x,c=true", r#"{"a":{"b":"x"},"c":true}"#),
        ("a[0]=x,a[2]=y", r#"{"a":["x",null,"y"]}"#),
        ("a={x,y,z}", r#"{"a":["x","y","z"]}"#),
        ("a=x\\,y", r#"{"a":"x,y"}"#),
        ("a\\.b=1", r#"{"a.b":1}"#),
        ("a=null", r#"{"a":null}"#),
        ("a=TRUE", r#"{"a":true}"#),
        ("a=007", r#"{"a":"007"}"#),
        ("a=-5", r#"{"a":-5}"#),
        ("a=1.5", r#"{"a":"1.5"}"#),
        ("a=", r#"{"a":""}"#),
        ("a[0].b=1,a[0].c=2", r#"{"a":[{"b":1,"c":2}]}"#),
        ("a[1][0]=z", r#"{"a":[null,["z"]]}"#),
        ("name=a=b", r#"{"name":"a=b"}"#),
        ("a.b.c=1,a.b.d=2", r#"{"a":{"b":{"c":1,"d":2}}}"#),
        ("a={}", r#"{"a":[""]}"#),
        ("a=x,b=,c=y", r#"{"a":"x","b":"","c":"y"}"#),
    ];
    for (expr, want) in cases {
        let mut origins = OriginTable::new();
        let user = UserValues {
            set: vec![expr.to_string()],
            ..Default::default()
        };
        let m = user.merge_with(&mut origins, test_loader).unwrap();
        assert_eq!(json(&Value::map(m)), want, "--set {expr}");
    }
    // Helm's --set gives int64 (the oracle shows float64 only because its
    // Python wrapper passes values through JSON).
    let mut origins = OriginTable::new();
    let m = strvals_map("a=1", &mut origins);
    assert!(matches!(m.get("a").unwrap().repr, Repr::Int(1, _)));
}

fn strvals_map(expr: &str, origins: &mut OriginTable) -> crate::value::MapRef {
    let user = UserValues {
        set: vec![expr.to_string()],
        ..Default::default()
    };
    user.merge_with(origins, test_loader).unwrap()
}

#[test]
fn set_errors_read_like_helm() {
    let mut origins = OriginTable::new();
    for (expr, want) in [
        ("a", "failed parsing --set data: key \"a\" has no value"),
        (
            "a,b=1",
            "failed parsing --set data: key \"a\" has no value (cannot end with ,)",
        ),
        (
            "a={x",
            "failed parsing --set data: list must terminate with '}'",
        ),
    ] {
        let user = UserValues {
            set: vec![expr.to_string()],
            ..Default::default()
        };
        let err = user.merge_with(&mut origins, test_loader).err().unwrap();
        assert_eq!(err.to_string(), want, "{expr}");
    }
}

#[test]
fn set_json_string_and_literal() {
    let mut origins = OriginTable::new();
    let user = UserValues {
        set_json: vec![r#"a={"b":[1,2]},c=null"#.into(), r#"{"d":true}"#.into()],
        set_string: vec!["e=1".into()],
        set_literal: vec!["f=x,y={z}".into()],
        ..Default::default()
    };
    let m = user.merge_with(&mut origins, test_loader).unwrap();
    assert_eq!(
        json(&Value::map(m)),
        r#"{"a":{"b":[1,2]},"c":null,"d":true,"e":"1","f":"x,y={z}"}"#
    );
}

#[test]
fn missing_chart_yaml_and_bad_version() {
    let d = TempDir::new("bad");
    d.write("values.yaml", "a: 1\n");
    assert_eq!(
        load_chart(&d.0).unwrap_err().to_string(),
        "Chart.yaml file is missing"
    );
    d.write("Chart.yaml", "apiVersion: v2\nname: c3\n");
    assert_eq!(
        load_chart(&d.0).unwrap_err().to_string(),
        "validation: chart.metadata.version is required"
    );
    d.write("Chart.yaml", "apiVersion: v2\nname: c3\nversion: abc\n");
    assert_eq!(
        load_chart(&d.0).unwrap_err().to_string(),
        "validation: chart.metadata.version \"abc\" is invalid"
    );
}

fn tgz(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (name, text) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        {
            let gnu = h.as_gnu_mut().unwrap();
            gnu.name[..name.len()].copy_from_slice(name.as_bytes());
        }
        h.set_cksum();
        builder.append(&h, text.as_bytes()).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

#[test]
fn tgz_loading_and_escaping_entries() {
    let good = tgz(&[
        ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"),
        ("c/templates/a.yaml", "a: 1\n"),
        ("c/files/x.txt", "x"),
    ]);
    let c = load_chart_archive(&good, None).unwrap();
    assert_eq!(c.name(), "c");
    assert_eq!(c.templates[0].name, "templates/a.yaml");
    assert_eq!(c.files[0].name, "files/x.txt");
    let bad = tgz(&[
        ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"),
        ("c/../../evil.yaml", "x"),
    ]);
    assert_eq!(
        load_chart_archive(&bad, None).unwrap_err().to_string(),
        "chart illegally references parent directory"
    );
}

#[test]
fn files_object() {
    let d = TempDir::new("files");
    d.write("Chart.yaml", "apiVersion: v2\nname: par\nversion: 0.1.0\n");
    d.write("files/a.txt", "hello\n");
    d.write("files/b.txt", "l1\nl2\n");
    d.write("templates/x.yaml", "x\n");
    let (p, _) = run(&d.0, &UserValues::default());
    let files = p.charts[0].context.get("Files").unwrap();
    let Repr::Object(f) = &files.repr else {
        panic!()
    };
    let call = |n: &str, a: &[Value]| f.call(n, a).unwrap().unwrap();
    assert_eq!(
        call("Get", &[Value::str("files/a.txt")]).as_str(),
        Some("hello\n")
    );
    assert_eq!(call("Get", &[Value::str("Chart.yaml")]).as_str(), Some(""));
    assert_eq!(
        call("Get", &[Value::str("templates/x.yaml")]).as_str(),
        Some("")
    );
    assert_eq!(
        json(&call("Lines", &[Value::str("files/b.txt")])),
        r#"["l1","l2"]"#
    );
    let g = call("Glob", &[Value::str("files/*")]);
    let Repr::Object(g) = &g.repr else { panic!() };
    // Oracle: (.Files.Glob "files/*").AsConfig / AsSecrets
    assert_eq!(
        g.call("AsConfig", &[]).unwrap().unwrap().as_str(),
        Some("a.txt: |\n  hello\nb.txt: |\n  l1\n  l2")
    );
    assert_eq!(
        g.call("AsSecrets", &[]).unwrap().unwrap().as_str(),
        Some("a.txt: aGVsbG8K\nb.txt: bDEKbDIK")
    );
    assert_eq!(
        f.display(),
        "map[files/a.txt:[104 101 108 108 111 10] files/b.txt:[108 49 10 108 50 10]]"
    );
}

#[test]
fn capabilities_defaults() {
    let caps = objects::Capabilities::default();
    let kv = caps.field("KubeVersion").unwrap();
    // Oracle: `print` gets a copy, which prints as the struct; a template
    // action prints its `String()`.
    assert_eq!(crate::gofmt::sprint_value(&kv), "{v1.36.0 v1.36.0 1 36}");
    let crate::value::Repr::Object(kv) = &kv.repr else {
        panic!("KubeVersion is an object")
    };
    assert_eq!(kv.template_display(), "v1.36.0");
    let hv = caps.field("HelmVersion").unwrap();
    assert_eq!(crate::gofmt::sprint_value(&hv), "{v4.2   go1.26.6 v1.36}");
    // Oracle: {{ .Capabilities }} prints the struct.
    let shown = caps.display();
    assert!(shown.starts_with("{{v1.36.0 v1.36.0 1 36} [v1 admissionregistration.k8s.io/v1 "));
    assert!(shown.ends_with(" apiextensions.k8s.io/v1] {v4.2   go1.26.6 v1.36}}"));
    assert_eq!(caps.type_name(), "*common.Capabilities");
    let api = caps.field("APIVersions").unwrap();
    let Repr::Object(api) = &api.repr else {
        panic!()
    };
    assert!(api
        .call("Has", &[Value::str("apps/v1")])
        .unwrap()
        .unwrap()
        .truthy());
    assert!(!api
        .call("Has", &[Value::str("apps/v1/Deployment")])
        .unwrap()
        .unwrap()
        .truthy());
}

#[test]
fn k8s_monitoring_pod_logs_enabled_subcharts() {
    let chart_dir = Path::new("/work/shared/charts/k8s-monitoring-3.5.2");
    let golden =
        Path::new("/work/shared/goldens/k8s-monitoring-3.5.2/features__pod-logs__default.json");
    if !chart_dir.exists() || !golden.exists() {
        return;
    }
    let user = UserValues {
        value_files: vec![chart_dir.join("docs/examples/features/pod-logs/default/values.yaml")],
        ..Default::default()
    };
    let (p, origins) = run(chart_dir, &user);
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden).unwrap()).unwrap();
    let mut want: Vec<String> = g["files"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|k| k.strip_prefix("k8s-monitoring/charts/"))
        .map(|k| format!("k8s-monitoring/charts/{}", k.split('/').next().unwrap()))
        .collect();
    want.dedup();
    want.sort();
    let mut got: Vec<String> = p
        .charts
        .iter()
        .filter(|c| {
            c.templates
                .iter()
                .any(|(n, _)| !n.rsplit('/').next().unwrap().starts_with('_'))
        })
        .map(|c| c.path.clone())
        .filter(|c| c != "k8s-monitoring")
        .collect();
    got.sort();
    assert_eq!(got, want);
    // Every rendered golden file is a template of an enabled chart.
    let all: Vec<&str> = p
        .charts
        .iter()
        .flat_map(|c| c.templates.iter().map(|(n, _)| n.as_str()))
        .collect();
    for k in g["files"].as_object().unwrap().keys() {
        assert!(all.contains(&k.as_str()), "{k}");
    }
    // Subchart values report the parent path.
    let pod_logs = p
        .charts
        .iter()
        .find(|c| c.path == "k8s-monitoring/charts/podLogs")
        .unwrap();
    let v = pod_logs.values.get("extraLogProcessingStages").unwrap();
    let o = origins.get(v.deps.iter().next().unwrap());
    assert_eq!(o.path, "podLogs.extraLogProcessingStages");
    assert_eq!(
        o.layer,
        Layer::ChartDefault("k8s-monitoring/charts/feature-pod-logs".into())
    );
}

#[test]
fn import_values_nulls_and_type_conflicts() {
    let d = TempDir::new("import");
    d.write(
        "Chart.yaml",
        "apiVersion: v2\nname: par\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.2.0\n    import-values:\n      - data\n      - child: deep.inner\n        parent: imported.here\n",
    );
    d.write(
        "values.yaml",
        "myint: 5\nimported:\n  here:\n    over: parent\nscalarmap: 3\nmapscalar:\n  a: 1\ntopnull: null\nsub:\n  nulled: null\n  subnull: 1\n",
    );
    d.write("templates/x.yaml", "x\n");
    d.write(
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
    );
    d.write(
        "charts/sub/values.yaml",
        "exports:\n  data:\n    myint: 99\n    fromchild: yes-really\ndeep:\n  inner:\n    over: child\n    extra: 1\nnulled: 1\nsubnull: null\nnested:\n  n: null\n  k: 1\n",
    );
    d.write("charts/sub/templates/s.yaml", "x\n");
    let user_file = d.0.join("user.yaml");
    std::fs::write(&user_file, "scalarmap:\n  a: 1\nmapscalar: 7\n").unwrap();
    let user = UserValues {
        value_files: vec![user_file],
        ..Default::default()
    };
    let (p, _) = run(&d.0, &user);
    // Oracle: helm-render /tmp/t3 -f user.yaml
    assert_eq!(
        summary(&p),
        vec![
            ("par".to_string(), r#"{"fromchild":"yes-really","imported":{"here":{"extra":1,"over":"parent"}},"mapscalar":7,"myint":5,"scalarmap":{"a":1},"sub":{"deep":{"inner":{"extra":1,"over":"child"}},"exports":{"data":{"fromchild":"yes-really","myint":99}},"global":{},"nested":{"k":1},"nulled":1,"subnull":1}}"#.to_string()),
            ("par/charts/sub".to_string(), r#"{"deep":{"inner":{"extra":1,"over":"child"}},"exports":{"data":{"fromchild":"yes-really","myint":99}},"global":{},"nested":{"k":1},"nulled":1,"subnull":1}"#.to_string()),
        ]
    );
}

#[test]
fn helmignore_files_and_type_mismatch() {
    let d = TempDir::new("ignore");
    d.write("Chart.yaml", "apiVersion: v2\nname: par\nversion: 0.1.0\n");
    d.write(".helmignore", "ignored.txt\n");
    d.write("ignored.txt", "x\n");
    d.write("kept.txt", "y\n");
    d.write("templates/.hidden", "h\n");
    d.write("templates/x.yaml", "x\n");
    d.write(
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
    );
    d.write("charts/sub/files/s.txt", "sf\n");
    d.write("charts/sub/templates/s.yaml", "x\n");
    let (p, _) = run(&d.0, &UserValues::default());
    // Oracle (/tmp/t4): .Files.Glob "**" lists `.helmignore,kept.txt,` in the
    // parent and `files/s.txt,` in the subchart; templates/.hidden is skipped.
    let names = |i: usize| {
        let f = p.charts[i].context.get("Files").unwrap();
        let Repr::Object(f) = &f.repr else { panic!() };
        let g = f.call("Glob", &[Value::str("**")]).unwrap().unwrap();
        crate::gofmt::sprint_value(&g)
    };
    assert_eq!(
        names(0),
        "map[.helmignore:[105 103 110 111 114 101 100 46 116 120 116 10] kept.txt:[121 10]]"
    );
    assert_eq!(names(1), "map[files/s.txt:[115 102 10]]");
    let tpls: Vec<&str> = p.charts[0].templates.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(tpls, vec!["par/templates/x.yaml"]);
    // .Subcharts.sub.Values is the subchart's values.
    let subs = p.charts[0].context.get("Subcharts").unwrap();
    let sub = subs.as_map().unwrap().get("sub").unwrap();
    let sub_values = sub.as_map().unwrap().get("Values").unwrap();
    assert_eq!(json(&sub_values), r#"{"global":{}}"#);
    // Oracle: --set sub=str → "type mismatch on sub: %!t(string=str)".
    let chart = load_chart(&d.0).unwrap();
    let mut origins = OriginTable::new();
    let user = UserValues {
        set: vec!["sub=str".into()],
        ..Default::default()
    };
    let vals = user.merge_with(&mut origins, test_loader).unwrap();
    let err = prepare::prepare_with_values(&chart, &vals, &ReleaseOptions::default(), &mut origins)
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "type mismatch on sub: %!t(string=str)");
}

#[test]
fn v1_chart_with_requirements() {
    let d = TempDir::new("v1");
    d.write("Chart.yaml", "apiVersion: v1\nname: par\nversion: 0.1.0\n");
    d.write(
        "requirements.yaml",
        "dependencies:\n  - name: sub\n    version: \"~0.2\"\n    alias: renamed\n    condition: renamed.enabled\n",
    );
    d.write("values.yaml", "renamed:\n  enabled: true\n");
    d.write("templates/x.yaml", "x\n");
    d.write("charts/sub/Chart.yaml", "name: sub\nversion: 0.2.5\n");
    d.write("charts/sub/templates/s.yaml", "x\n");
    // Oracle (/tmp/t6): the subchart renders as par/charts/renamed with
    // .Chart.Name "renamed" and APIVersion "v1"; requirements.yaml is in
    // .Files (98 bytes); .Chart.Dependencies lists renamed/renamed/true.
    let (p, _) = run(&d.0, &UserValues::default());
    let paths: Vec<&str> = p.charts.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, vec!["par", "par/charts/renamed"]);
    let chart = p.charts[1].context.get("Chart").unwrap();
    let chart = chart.as_map().unwrap();
    assert_eq!(chart.get("Name").unwrap().as_str(), Some("renamed"));
    assert_eq!(chart.get("APIVersion").unwrap().as_str(), Some("v1"));
    let top = p.charts[0].context.get("Chart").unwrap();
    let deps = top.as_map().unwrap().get("Dependencies").unwrap();
    let dep = deps.as_list().unwrap()[0].as_map().unwrap().clone();
    assert_eq!(dep.get("Name").unwrap().as_str(), Some("renamed"));
    assert!(dep.get("Enabled").unwrap().truthy());
    let files = p.charts[0].context.get("Files").unwrap();
    let Repr::Object(f) = &files.repr else {
        panic!()
    };
    let req = f
        .call("Get", &[Value::str("requirements.yaml")])
        .unwrap()
        .unwrap();
    assert_eq!(req.as_str().map(str::len), Some(98));
    // --set renamed.enabled=false removes it (and its .Chart.Dependencies entry).
    let user = UserValues {
        set: vec!["renamed.enabled=false".into()],
        ..Default::default()
    };
    let (p, _) = run(&d.0, &user);
    assert_eq!(p.charts.len(), 1);
    let top = p.charts[0].context.get("Chart").unwrap();
    let deps = top.as_map().unwrap().get("Dependencies").unwrap();
    assert_eq!(deps.as_list().map(|l| l.len()), Some(0));
}

#[test]
fn schema_errors_read_like_helm() {
    let d = TempDir::new("schema");
    d.write("Chart.yaml", "apiVersion: v2\nname: par\nversion: 0.1.0\n");
    d.write("templates/x.yaml", "x\n");
    d.write(
        "values.schema.json",
        r##"{"type":"object","properties":{"a":{"anyOf":[{"type":"integer"},{"type":"null"}]},"b":{"type":["integer","null"]},"c":{"minimum":5},"d":{"pattern":"^x"},"e":{"$ref":"#/definitions/E"},"f":{"oneOf":[{"type":"string"},{"type":"string","minLength":1}]},"g":{"const":"k"},"h":{"enum":[1,"x",true]},"i":{"minLength":3,"maxItems":1}}, "definitions":{"E":{"type":"object","required":["p","q"]}}}"##,
    );
    let chart = load_chart(&d.0).unwrap();
    let mut origins = OriginTable::new();
    let user = UserValues {
        set: vec!["a=s,b=s,c=1,d=y,e.z=1,f=abc,g=j,h=2,i=ab".into()],
        ..Default::default()
    };
    let vals = user.merge_with(&mut origins, test_loader).unwrap();
    let err = prepare::prepare_with_values(&chart, &vals, &ReleaseOptions::default(), &mut origins)
        .err()
        .unwrap();
    // Oracle (/tmp/t5) prints the same lines in a random order.
    let mut got: Vec<String> = err.to_string().lines().map(String::from).collect();
    let mut want: Vec<String> =
        "values don't meet the specifications of the schema(s) in the following chart(s):
par:
- at '/g': value must be 'k'
- at '/f': 'oneOf' failed, subschemas 0, 1 matched
- at '/b': got string, want null or integer
- at '/d': 'y' does not match pattern '^x'
- at '/e': missing properties 'p', 'q'
- at '/h': value must be one of 1, 'x', true
- at '/i': minLength: got 2, want 3
- at '/a': 'anyOf' failed
  - at '/a': got string, want integer
  - at '/a': got string, want null
- at '/c': minimum: got 1, want 5"
            .lines()
            .map(String::from)
            .collect();
    // The anyOf causes must follow their parent line.
    let any = got
        .iter()
        .position(|l| l.contains("'anyOf' failed"))
        .unwrap();
    assert!(got[any + 1].starts_with("  - at '/a'") && got[any + 2].starts_with("  - at '/a'"));
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn broken_subcharts_read_like_helm() {
    let d = TempDir::new("broken");
    d.write("Chart.yaml", "apiVersion: v2\nname: par\nversion: 0.1.0\n");
    d.write("templates/x.yaml", "x\n");
    d.write("charts/bad/templates/y.yaml", "y\n");
    // Oracle (/tmp/t7).
    assert_eq!(
        load_chart(&d.0).unwrap_err().to_string(),
        "error unpacking subchart bad in par: Chart.yaml file is missing"
    );
    std::fs::remove_dir_all(d.0.join("charts/bad")).unwrap();
    d.write("charts/README.md", "not a chart\n");
    assert_eq!(
        load_chart(&d.0).unwrap_err().to_string(),
        "error unpacking subchart README.md in par: Chart.yaml file is missing"
    );
}
