//! Hostile and huge input: every case runs the command line on a chart
//! made at test time (small on disk) under a memory limit and a time limit,
//! and asserts either a clean refusal (exit 2, a short message naming what
//! and where, no panic or abort text) or Helm's own output for that input
//! (checked with `../shared/oracle/helm-render`, noted at each case).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Address space given to one run (ulimit -v, KiB): far more than any case
/// needs when limits work, far less than the machine has.
const MEMORY_KIB: u64 = 3 * 1024 * 1024;
/// Wall time for one run (debug build, shared machine).
const TIME_LIMIT: Duration = Duration::from_secs(60);

use common::{assert_no_crash_text, assert_refused, head, write, Run};

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = env!("CARGO_BIN_EXE_trace-value");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn trace-value");
    let start = Instant::now();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).ok();
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let mut stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    // With `--json`, an error is a JSON document on stdout: read its
    // message where a plain run prints it, on stderr.
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&stdout) {
        if let Some(message) = doc["error"]["message"].as_str() {
            stderr = format!("Error: {message}\n{stderr}");
            stdout.clear();
        }
    }
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

fn run(args: &[&str]) -> Run {
    run_env(args, &[])
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("hostile", name)
}

/// A chart `c` in a fresh folder with one template and a values file.
fn chart(name: &str, template: &str, values: impl AsRef<[u8]>) -> PathBuf {
    let dir = scratch(name).join("c");
    write(
        &dir.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    );
    write(&dir.join("templates/t.yaml"), template);
    write(&dir.join("values.yaml"), values);
    dir
}

fn render(chart: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["render", "--json", "--chart", chart.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

/// The rendered text of the chart's one template.
fn rendered(r: &Run) -> String {
    assert_eq!(r.code, 0, "stderr:\n{}", head(&r.stderr));
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    j["files"]["c/templates/t.yaml"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Cases that used to abort the process (stack overflow).
mod aborts {
    use super::*;

    #[test]
    fn include_recursion_through_tpl_meets_helms_limit() {
        // Oracle: the 1001st nested include of "a" fails, through tpl too.
        let c = chart(
            "tpl-include",
            r#"{{ define "a" }}{{ tpl "{{ include \"a\" . }}" . }}{{ end }}{{ include "a" . }}"#,
            "",
        );
        let r = render(&c, &[]);
        assert_eq!(r.code, 2);
        assert!(r
            .stderr
            .trim_end()
            .ends_with("error calling include: rendering template has a nested reference name: a: unable to execute template"));
        assert!(!r.stderr.contains("overflowed"));
    }

    #[test]
    fn schema_ref_to_itself_is_a_cycle() {
        // Oracle: jsonschema's "causing reference cycle".
        let c = chart("schema-ref", "x", "a: 1\n");
        write(&c.join("values.schema.json"), r##"{"$ref":"#"}"##);
        let r = render(&c, &[]);
        assert_refused(
            &r,
            r#"- at '': both /$ref and  resolve to "file:///values.schema.json#" causing reference cycle"#,
        );
        write(
            &c.join("values.schema.json"),
            r##"{"$defs":{"x":{"$ref":"#/$defs/x"}},"$ref":"#/$defs/x"}"##,
        );
        let r = render(&c, &[]);
        assert_refused(
            &r,
            r#"- at '': both /$ref/$ref and /$ref resolve to "file:///values.schema.json#/$defs/x" causing reference cycle"#,
        );
    }

    #[test]
    fn self_containing_dict_encodes_as_empty() {
        // Oracle: toJson and toYaml of a map that contains itself give "".
        let c = chart(
            "self-dict",
            r#"{{ $d := dict }}{{ $_ := set $d "a" $d }}j={{ toJson $d }} y={{ toYaml $d }} p={{ toPrettyJson $d }}"#,
            "",
        );
        assert_eq!(rendered(&render(&c, &[])), "j= y= p=");
    }

    #[test]
    fn self_containing_dict_in_must_to_json_is_an_error() {
        let c = chart(
            "self-dict-must",
            r#"{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ mustToJson $d }}"#,
            "",
        );
        assert_refused(
            &render(&c, &[]),
            "encountered a cycle via map[string]interface {}",
        );
    }

    #[test]
    fn printing_a_self_containing_dict_is_an_error() {
        // Helm itself dies of a stack overflow here.
        let c = chart(
            "self-dict-print",
            r#"{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ $d }}"#,
            "",
        );
        assert_refused(&render(&c, &[]), "does a map contain itself?");
        let c = chart(
            "self-dict-printf",
            r#"{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ printf "%v" $d }}"#,
            "",
        );
        assert_refused(&render(&c, &[]), "templates/t.yaml:1:");
    }

    #[test]
    fn nested_tpl_of_empty_text() {
        // Oracle: renders "x".
        let c = chart("tpl-empty", r#"{{ tpl (tpl "" .) . }}x"#, "");
        assert_eq!(rendered(&render(&c, &[])), "x");
    }
}

/// Cases that used to die of an allocation failure: the render budget.
mod budget {
    use super::*;

    #[test]
    fn huge_lists() {
        for (name, t) in [
            ("until", "{{ len (until 10000000000) }}"),
            ("range-until", "{{ range until 100000000 }}x{{ end }}"),
            ("seq", "{{ seq 1 100000000 | len }}"),
            ("untilstep", "{{ untilStep 0 9000000000000000000 1 | len }}"),
        ] {
            let c = chart(name, t, "");
            let r = render(&c, &[]);
            assert_refused(&r, "exceeds the render budget");
            assert_refused(&r, "TRACE_VALUE_MAX_LIST");
            assert_refused(&r, "templates/t.yaml:1:");
        }
    }

    #[test]
    fn huge_strings() {
        for (name, t) in [
            ("repeat", r#"{{ repeat 1000000000 "xx" | len }}"#),
            ("indent", r#"{{ indent 1000000000 "x" | len }}"#),
            ("nindent", r#"{{ nindent 100000000 "a\nb\nc" | len }}"#),
            (
                "printf-doubling",
                r#"{{ $s := "x" }}{{ range until 64 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ len $s }}"#,
            ),
            (
                "include-doubling",
                r#"{{ define "d" }}{{ if lt .n 64 }}{{ include "d" (dict "n" (add1 .n) "s" (cat .s .s)) }}{{ else }}{{ len .s }}{{ end }}{{ end }}{{ include "d" (dict "n" 0 "s" "x") }}"#,
            ),
        ] {
            let c = chart(name, t, "");
            let r = render(&c, &[]);
            assert_refused(&r, "exceeds the render budget");
            assert_refused(&r, "templates/t.yaml:1:");
        }
    }

    #[test]
    fn output_budget_can_be_lowered_and_raised() {
        let c = chart("output", "{{ range until 100 }}0123456789{{ end }}", "");
        let chart = c.to_str().unwrap();
        let args = ["render", "--json", "--chart", chart];
        let r = run_env(&args, &[("TRACE_VALUE_MAX_OUTPUT", "500")]);
        assert_refused(&r, "exceeds the render budget of 500 bytes");
        assert_refused(&r, "TRACE_VALUE_MAX_OUTPUT");
        let r = run_env(&args, &[("TRACE_VALUE_MAX_OUTPUT", "5000")]);
        assert_eq!(rendered(&r).len(), 1000);
    }

    #[test]
    fn string_budget_can_be_raised() {
        let c = chart("repeat-ok", r#"{{ repeat 1000 "x" | len }}"#, "");
        let chart = c.to_str().unwrap();
        let args = ["render", "--json", "--chart", chart];
        let r = run_env(&args, &[("TRACE_VALUE_MAX_STRING", "100")]);
        assert_refused(
            &r,
            "a string of 1000 bytes exceeds the render budget of 100 bytes",
        );
        let r = run_env(&args, &[("TRACE_VALUE_MAX_STRING", "1000")]);
        assert_eq!(rendered(&r), "1000");
    }
}

/// YAML that expands without bound.
mod yaml {
    use super::*;

    fn billion_laughs() -> String {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            s.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        s
    }

    #[test]
    fn alias_bomb_in_values_yaml() {
        // Oracle: "yaml: document contains excessive aliasing".
        let c = chart("bomb", "x", billion_laughs());
        assert_refused(
            &render(&c, &[]),
            "yaml: document contains excessive aliasing",
        );
    }

    #[test]
    fn alias_bomb_in_a_values_file() {
        let c = chart("bomb-f", "x", "");
        let f = c.parent().unwrap().join("bomb.yaml");
        write(&f, billion_laughs());
        assert_refused(
            &render(&c, &["-f", f.to_str().unwrap()]),
            "yaml: document contains excessive aliasing",
        );
    }

    #[test]
    fn alias_bomb_in_from_yaml() {
        let c = chart(
            "bomb-fromyaml",
            "{{ .Files.Get \"bomb.yaml\" | fromYaml | toJson }}",
            "",
        );
        write(&c.join("bomb.yaml"), billion_laughs());
        assert!(rendered(&render(&c, &[])).contains("excessive aliasing"));
    }

    #[test]
    fn modest_aliasing_is_fine() {
        let c = chart(
            "aliases",
            "{{ toJson .Values }}",
            "a: &a {x: 1}\nb: *a\nc: *a\n",
        );
        assert_eq!(
            rendered(&render(&c, &[])),
            r#"{"a":{"x":1},"b":{"x":1},"c":{"x":1}}"#
        );
    }

    #[test]
    fn anchor_that_contains_itself() {
        // Oracle: "yaml: anchor 'a' value contains itself".
        let c = chart("anchor-self", "x", "a: &a [*a]\n");
        assert_refused(&render(&c, &[]), "yaml: anchor 'a' value contains itself");
    }

    #[test]
    fn deep_flow_nesting_is_refused_cleanly() {
        let depth = 100_000;
        let v = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let c = chart("deep-flow", "x", v);
        let r = render(&c, &[]);
        assert_eq!(r.code, 2, "{}", head(&r.stderr));
        assert_refused(&r, "values.yaml");
    }
}

/// Reading a chart as Helm's loader does.
mod loading {
    use super::*;

    #[test]
    fn fifo_in_templates_is_refused_not_waited_on() {
        // Oracle: "cannot load irregular file … as it has file mode type bits set".
        let c = chart("fifo", "x", "");
        let fifo = c.join("templates/f.yaml");
        let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(ok.success());
        assert_refused(
            &render(&c, &[]),
            "templates/f.yaml as it has file mode type bits set",
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_to_a_device_is_refused() {
        let c = chart("devzero", "x", "");
        std::os::unix::fs::symlink("/dev/zero", c.join("templates/z.yaml")).unwrap();
        let r = render(&c, &[]);
        assert_refused(&r, "cannot load irregular file");
        assert!(r.stderr.contains("found symbolic link in path"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_of_the_chart_is_followed_with_a_warning() {
        // Oracle: Helm includes the linked file and logs the link.
        let c = chart("link-out", "x", "");
        let outside = c.parent().unwrap().join("outside.txt");
        write(&outside, "secret");
        std::os::unix::fs::symlink(&outside, c.join("files.txt")).unwrap();
        let r = render(&c, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("found symbolic link in path"));
        assert!(r.stderr.contains("outside.txt"));
    }

    #[test]
    fn file_over_helms_size_limit() {
        // Oracle: chart file "big.txt" is larger than the maximum file size 5242880.
        let c = chart("big-file", "x", "");
        let f = std::fs::File::create(c.join("big.txt")).unwrap();
        f.set_len(5 * 1024 * 1024 + 1).unwrap();
        assert_refused(
            &render(&c, &[]),
            "chart file \"big.txt\" is larger than the maximum file size 5242880",
        );
        let r = run_env(
            &["render", "--json", "--chart", c.to_str().unwrap()],
            &[("TRACE_VALUE_MAX_FILE_SIZE", "6000000")],
        );
        assert_eq!(r.code, 0, "{}", head(&r.stderr));
    }

    /// A `.tgz` of a small chart plus one entry of `size` zero bytes.
    fn archive_with(name: &str, size: u64) -> PathBuf {
        let path = scratch(name).join("c.tgz");
        let f = std::fs::File::create(&path).unwrap();
        let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        let mut add = |p: &str, data: &[u8]| {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, p, data).unwrap();
        };
        add("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
        add("c/templates/t.yaml", b"x");
        let mut h = tar::Header::new_gnu();
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, "c/zeros.bin", std::io::repeat(0).take(size))
            .unwrap();
        tar.into_inner().unwrap().finish().unwrap().flush().unwrap();
        path
    }

    use std::io::Read;

    #[test]
    fn gzip_bomb_entry_over_the_file_limit() {
        // 64 MiB of zeros: a few dozen KiB compressed.
        let tgz = archive_with("bomb-tgz", 64 << 20);
        assert!(std::fs::metadata(&tgz).unwrap().len() < 1 << 20);
        assert_refused(
            &render(&tgz, &[]),
            "decompressed chart file \"c/zeros.bin\" is larger than the maximum file size 5242880",
        );
    }

    #[test]
    fn archive_over_the_chart_limit() {
        let tgz = archive_with("big-tgz", 4000);
        let args = ["render", "--json", "--chart", tgz.to_str().unwrap()];
        let r = run_env(&args, &[("TRACE_VALUE_MAX_CHART_SIZE", "3000")]);
        assert_refused(
            &r,
            "decompressed chart is larger than the maximum size 3000",
        );
        let r = run_env(&args, &[("TRACE_VALUE_MAX_CHART_SIZE", "100000")]);
        assert_eq!(r.code, 0, "{}", head(&r.stderr));
    }

    #[test]
    fn chart_path_that_is_a_fifo() {
        let dir = scratch("chart-fifo");
        let fifo = dir.join("c.tgz");
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert_refused(&render(&fifo, &[]), "cannot load irregular file");
    }
}

/// Reading `-f` files: Go's error for what went wrong.
mod values_files {
    use super::*;

    #[test]
    fn directory() {
        let c = chart("f-dir", "x", "");
        let d = c.parent().unwrap().join("adir");
        std::fs::create_dir_all(&d).unwrap();
        let shown = d.to_str().unwrap();
        assert_refused(
            &render(&c, &["-f", shown]),
            &format!("read {shown}: is a directory"),
        );
    }

    #[test]
    fn missing() {
        let c = chart("f-missing", "x", "");
        assert_refused(
            &render(&c, &["-f", "/nonexistent/v.yaml"]),
            "open /nonexistent/v.yaml: no such file or directory",
        );
    }

    #[test]
    fn invalid_utf8() {
        // Oracle (values.yaml): "yaml: invalid leading UTF-8 octet".
        let c = chart("f-utf8", "x", "");
        let f = c.parent().unwrap().join("bad.yaml");
        write(&f, b"a: \"\xff\xfe\"\n");
        assert_refused(
            &render(&c, &["-f", f.to_str().unwrap()]),
            "error converting YAML to JSON: yaml: invalid leading UTF-8 octet",
        );
        let c = chart("values-utf8", "x", b"a: \"\xff\xfe\"\n");
        assert_refused(&render(&c, &[]), "yaml: invalid leading UTF-8 octet");
        let c = chart("values-utf8-trail", "x", b"a: \"\xc3(\"\n");
        assert_refused(&render(&c, &[]), "yaml: invalid trailing UTF-8 octet");
    }

    #[test]
    fn endless_device_is_bounded() {
        let c = chart("f-zero", "x", "");
        let r = run_env(
            &[
                "render",
                "--json",
                "--chart",
                c.to_str().unwrap(),
                "-f",
                "/dev/zero",
            ],
            &[("TRACE_VALUE_MAX_VALUES_SIZE", "1000000")],
        );
        assert_refused(
            &r,
            "values file /dev/zero is larger than the maximum size 1000000",
        );
    }
}

/// Values read as Helm 4 reads them.
mod values_like_go {
    use super::*;

    #[test]
    fn several_documents_in_values_yaml_are_merged() {
        // Oracle: {"a":{"true":2,"x":3},"b":1,"c":2,"d":4,"l":[3]}.
        let c = chart(
            "multidoc",
            "{{ toJson .Values }}",
            "a: {x: 1, y: 2}\nb: 1\nl: [1,2]\n---\na: {x: 3}\nc: 2\nl: [3]\n---\n---\nd: 4\n",
        );
        assert_eq!(
            rendered(&render(&c, &[])),
            r#"{"a":{"true":2,"x":3},"b":1,"c":2,"d":4,"l":[3]}"#
        );
    }

    #[test]
    fn values_file_reads_its_first_document_only() {
        // Oracle: -f with "a: 1\n---\nb: 2" over chart values b: 1 gives a=1, b=1.
        let c = chart("multidoc-f", "{{ toJson .Values }}", "b: 1\n");
        let f = c.parent().unwrap().join("v.yaml");
        write(&f, "a: 1\n---\nb: 2\n");
        assert_eq!(
            rendered(&render(&c, &["-f", f.to_str().unwrap()])),
            r#"{"a":1,"b":1}"#
        );
    }

    #[test]
    fn document_errors_read_like_helm() {
        // Oracle: "error reading yaml document: invalid Yaml document separator: {x: 1}",
        // and a syntax error's line counts from its own document.
        let c = chart("multidoc-sep", "x", "a: 1\n--- {x: 1}\nb: 2\n");
        assert_refused(
            &render(&c, &[]),
            "error reading yaml document: invalid Yaml document separator: {x: 1}",
        );
        let c = chart("multidoc-line", "x", "a: 1\n---\nb: 2\n  c: [\n");
        assert_refused(
            &render(&c, &[]),
            "yaml: line 2: mapping values are not allowed in this context",
        );
    }
}

/// Inputs the fuzz targets found to crash, hang or exhaust memory
/// (`scripts/fuzz.sh` copies them to `fuzz/regressions/<target>/`),
/// replayed through the command line: each ends in output or a clean error.
mod fuzz_regressions {
    use super::*;

    fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions")
            .join(target);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut out: Vec<(String, Vec<u8>)> = rd
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    fn assert_clean(what: &str, r: &Run) {
        assert!(
            r.code == 0 || r.code == 2,
            "{what}: exit {}\n{}",
            r.code,
            head(&r.stderr)
        );
        assert_no_crash_text(&format!("{what}: "), r);
    }

    #[test]
    fn templates_and_renders() {
        for target in ["template_parse", "render_chart"] {
            for (name, data) in inputs(target) {
                let (t, v) = match data.iter().position(|&b| b == 0) {
                    Some(i) if target == "render_chart" => (&data[..i], &data[i + 1..]),
                    _ => (&data[..], &b""[..]),
                };
                let c = chart(&format!("fz-{target}-{name}"), "", v);
                write(&c.join("templates/t.yaml"), t);
                assert_clean(&name, &render(&c, &[]));
            }
        }
    }

    #[test]
    fn values() {
        for (name, data) in inputs("yaml_values") {
            let c = chart(&format!("fz-yaml-{name}"), "{{ toYaml .Values }}", &data);
            assert_clean(&name, &render(&c, &[]));
            let f = c.parent().unwrap().join("f.yaml");
            write(&f, &data);
            let c2 = chart(&format!("fz-yaml-f-{name}"), "{{ toJson .Values }}", "");
            assert_clean(&name, &render(&c2, &["-f", f.to_str().unwrap()]));
        }
    }

    #[test]
    fn set_flags() {
        for (name, data) in inputs("set_flags") {
            let c = chart(&format!("fz-set-{name}"), "{{ toJson .Values }}", "");
            for line in String::from_utf8_lossy(&data).lines() {
                for flag in ["--set", "--set-string", "--set-json"] {
                    let arg = format!("{flag}={line}");
                    assert_clean(&name, &render(&c, &[&arg]));
                }
            }
        }
    }

    #[test]
    fn archives() {
        for (name, data) in inputs("chart_archive") {
            let p = scratch(&format!("fz-tgz-{name}")).join("c.tgz");
            write(&p, &data);
            assert_clean(&name, &render(&p, &[]));
        }
    }
}

/// Number literals and conversions at the edges of int64, as Go does them.
mod numbers {
    use super::*;

    #[test]
    fn integer_literal_beyond_int64_overflows_int() {
        // Oracle: "9223372036854775808 overflows int" (and for 2^64-1).
        for lit in ["9223372036854775808", "18446744073709551615"] {
            let c = chart(&format!("lit-{lit}"), &format!("{{{{ {lit} }}}}"), "");
            assert_refused(&render(&c, &[]), &format!("{lit} overflows int"));
        }
        // Oracle: a literal beyond uint64 does not parse.
        let c = chart("lit-huge", "{{ 99999999999999999999 }}", "");
        assert_refused(&render(&c, &[]), "parse error at (c/templates/t.yaml:1)");
    }

    #[test]
    fn int64_arithmetic_wraps_like_go() {
        // Oracle: -9223372036854775808 -2 -9223372036854775808 0.
        let c = chart(
            "wrap",
            "{{ add 9223372036854775807 1 }} {{ mul 9223372036854775807 2 }} {{ div -9223372036854775808 -1 }} {{ mod -9223372036854775808 -1 }}",
            "",
        );
        assert_eq!(
            rendered(&render(&c, &[])),
            "-9223372036854775808 -2 -9223372036854775808 0"
        );
    }
}

/// Nesting as deep as Helm reads it: go-yaml's 10,000 nested collections of
/// one style, then the JSON step's 10,000 levels in all. Each case is
/// Helm's output or message (oracle: `x: {{ toJson .Values | len }}` over a
/// values.yaml `a: [[...]]`, `a: {a: {...}}`, `a:\n- - ...1`).
mod yaml_nesting {
    use super::*;

    const LEN: &str = "{{ toJson .Values | len }}";
    const JSON_DEPTH: &str =
        "error unmarshaling JSON: while decoding JSON: invalid character '[' exceeded max depth";

    fn flow_seq(n: usize) -> String {
        format!("a: {}{}\n", "[".repeat(n), "]".repeat(n))
    }

    fn flow_map(n: usize) -> String {
        format!("a: {}1{}\n", "{a: ".repeat(n), "}".repeat(n))
    }

    fn block_seq(n: usize) -> String {
        format!("a:\n{}1\n", "- ".repeat(n))
    }

    fn block_map(n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        s.push_str(&" ".repeat(n));
        s.push_str("a: 1\n");
        s
    }

    #[test]
    fn flow_sequences_up_to_helms_limit() {
        for (n, len) in [(255, "516"), (256, "518"), (300, "606"), (9999, "20004")] {
            let c = chart(&format!("flow-seq-{n}"), LEN, flow_seq(n));
            assert_eq!(rendered(&render(&c, &[])), len, "depth {n}");
        }
        let c = chart("flow-seq-10000", LEN, flow_seq(10_000));
        assert_refused(&render(&c, &[]), JSON_DEPTH);
        let c = chart("flow-seq-10001", LEN, flow_seq(10_001));
        assert_refused(
            &render(&c, &[]),
            "error converting YAML to JSON: yaml: exceeded max depth of 10000",
        );
    }

    #[test]
    fn flow_mappings_up_to_helms_limit() {
        // Oracle: 1537 (255), 1807 (300), 60001 (9999); '{' at 10000.
        for (n, len) in [(255, "1537"), (300, "1807")] {
            let c = chart(&format!("flow-map-{n}"), LEN, flow_map(n));
            assert_eq!(rendered(&render(&c, &[])), len, "depth {n}");
        }
        let c = chart("flow-map-10001", LEN, flow_map(10_001));
        assert_refused(
            &render(&c, &[]),
            "error converting YAML to JSON: yaml: exceeded max depth of 10000",
        );
    }

    #[test]
    fn block_collections_up_to_helms_limit() {
        for (n, len) in [(255, "517"), (300, "607"), (9999, "20005")] {
            let c = chart(&format!("block-seq-{n}"), LEN, block_seq(n));
            assert_eq!(rendered(&render(&c, &[])), len, "depth {n}");
        }
        let c = chart("block-seq-10000", LEN, block_seq(10_000));
        assert_refused(&render(&c, &[]), JSON_DEPTH);
        // The line is the one where the limit is met, as yaml.v2 prints it.
        let c = chart("block-seq-10001", LEN, block_seq(10_001));
        assert_refused(
            &render(&c, &[]),
            "error converting YAML to JSON: yaml: line 2: exceeded max depth of 10000",
        );
        // Block maps (one space of indentation each): 3,000 levels is about
        // as deep as a values.yaml under Helm's 5 MiB file limit goes.
        for (n, len) in [(300, "1807"), (3000, "18007")] {
            let c = chart(&format!("block-map-{n}"), LEN, block_map(n));
            assert_eq!(rendered(&render(&c, &[])), len, "depth {n}");
        }
    }

    #[test]
    fn values_files_from_yaml_and_chart_yaml_nest_alike() {
        // Oracle: the same limits in a -f file, in fromYaml (its Error
        // key) and in Chart.yaml (an unknown field).
        let c = chart("nest-f", LEN, "");
        let dir = c.parent().unwrap();
        for (n, expected) in [
            (10_000, JSON_DEPTH),
            (
                10_001,
                "error converting YAML to JSON: yaml: exceeded max depth of 10000",
            ),
        ] {
            let f = dir.join(format!("deep-{n}.yaml"));
            write(&f, flow_seq(n));
            assert_refused(&render(&c, &["-f", f.to_str().unwrap()]), expected);
        }
        let f = dir.join("deep-9999.yaml");
        write(&f, flow_seq(9999));
        assert_eq!(rendered(&render(&c, &["-f", f.to_str().unwrap()])), "20004");

        let t = r#"x: {{ $x := fromYaml (.Files.Get "deep.yaml") }}{{ $x.Error | default "ok" | quote }}"#;
        for (n, expected) in [
            (9999, "x: \"ok\"".to_string()),
            (10_000, format!("x: \"{JSON_DEPTH}\"")),
            (
                10_001,
                "x: \"error converting YAML to JSON: yaml: exceeded max depth of 10000\""
                    .to_string(),
            ),
        ] {
            let c = chart(&format!("nest-fromyaml-{n}"), t, "");
            write(&c.join("deep.yaml"), flow_seq(n));
            assert_eq!(rendered(&render(&c, &[])), expected, "depth {n}");
        }

        for (n, expected) in [
            (10_000, format!("cannot load Chart.yaml: {JSON_DEPTH}")),
            (
                10_001,
                "cannot load Chart.yaml: error converting YAML to JSON: yaml: line 4: exceeded max depth of 10000"
                    .to_string(),
            ),
        ] {
            let c = chart(&format!("nest-chart-{n}"), "x", "");
            write(
                &c.join("Chart.yaml"),
                format!(
                    "apiVersion: v2\nname: c\nversion: 0.1.0\nx: {}{}\n",
                    "[".repeat(n),
                    "]".repeat(n)
                ),
            );
            assert_refused(&render(&c, &[]), &expected);
        }
    }
}

/// `--set-json` reads JSON as Go's decoder does, 10,000 levels deep
/// (serde_json's own limit is 128; the oracle has no `--set-json`, so this
/// follows encoding/json's `maxNestingDepth`, and Helm's message, which
/// names the flag's text only).
#[test]
fn set_json_nests_as_deep_as_go() {
    let c = chart("set-json-deep", "{{ toJson .Values | len }}", "");
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let arg = format!("a={}", deep(9999));
    assert_eq!(rendered(&render(&c, &["--set-json", &arg])), "20004");
    let arg = format!("{{\"a\":{}}}", deep(9999));
    assert_eq!(rendered(&render(&c, &["--set-json", &arg])), "20004");
    let r = render(&c, &["--set-json", &format!("a={}", deep(10_001))]);
    assert_refused(&r, "failed parsing --set-json data a=[[[");
    let r = render(&c, &["--set-json", &format!("{{\"a\":{}}}", deep(10_000))]);
    assert_refused(&r, "failed parsing --set-json data JSON: {\"a\":[[[");
}

/// yaml.v2's reader refuses control characters, in values and in a
/// rendered manifest (oracle: values.yaml with \x1a; a template printing
/// `printf "%c" 27`, through `helm install --dry-run=client`). Found by the
/// yaml_values fuzz target (fuzz/regressions/yaml_values/crash-0709...).
#[test]
fn control_characters_are_refused_like_yaml_v2() {
    let c = chart("ctl-values", "{{ toYaml .Values }}", "a: x\x1ay\n");
    assert_refused(
        &render(&c, &[]),
        "error converting YAML to JSON: yaml: control characters are not allowed",
    );
    let c = chart("ctl-out", "x: a{{ printf \"%c\" 27 }}b\n", "");
    let r = run(&["template", "rel", c.to_str().unwrap()]);
    assert_refused(
        &r,
        "YAML parse error on c/templates/t.yaml: error converting YAML to JSON: yaml: control characters are not allowed",
    );
}

/// Go's template parser nests 10,000 parenthesized pipelines (oracle:
/// 10,000 render `x: 1`, 10,001 fail with this message).
#[test]
fn parenthesized_pipelines_nest_as_deep_as_go() {
    let deep = |n: usize| format!("x: {{{{ {}1{} }}}}\n", "(".repeat(n), ")".repeat(n));
    let c = chart("parens-10000", &deep(10_000), "");
    assert_eq!(rendered(&render(&c, &[])), "x: 1\n");
    let c = chart("parens-10001", &deep(10_001), "");
    assert_refused(
        &render(&c, &[]),
        "parse error at (c/templates/t.yaml:1): max expression depth exceeded",
    );
}

/// Strings that are not UTF-8 printed into a manifest: Helm's engine writes
/// the bytes, and `helm template` then refuses the manifest in its YAML
/// reader (oracle: `helm install --dry-run=client` through the Go SDK, which
/// runs `SortManifests` as `helm template` does). The functions that read
/// the bytes without printing them are in the fixture
/// `charts-fixtures/non-utf8-bytes`.
mod non_utf8_output {
    use super::*;

    #[test]
    fn raw_bytes_in_a_manifest_are_refused_like_helm() {
        let message = "YAML parse error on c/templates/t.yaml: error converting YAML to JSON: yaml: invalid leading UTF-8 octet";
        for (i, expr) in [
            r#".Files.Get "bin.dat""#,
            r#".Files.Get "bin.dat" | trim"#,
            r#".Files.Get "bin.dat" | indent 2"#,
            r#"cat "x" (.Files.Get "bin.dat")"#,
            r#"printf "%s" (.Files.Get "bin.dat")"#,
            r#".Files.Get "bin.dat" | replace "a" "b""#,
            r#"include "h" (.Files.Get "bin.dat")"#,
            r#""/w==" | b64dec"#,
        ]
        .iter()
        .enumerate()
        {
            let c = chart(
                &format!("raw-out-{i}"),
                &format!("x: {{{{ {expr} }}}}\n"),
                "",
            );
            write(&c.join("bin.dat"), b"a\xff\xfeb\x80c\n");
            write(
                &c.join("templates/_h.tpl"),
                r#"{{ define "h" }}[{{ . }}]{{ end }}"#,
            );
            let r = run(&["template", "rel", c.to_str().unwrap()]);
            assert_refused(&r, message);
        }
        // Through `upper`, Go writes U+FFFD for each byte: a valid manifest.
        let c = chart(
            "raw-out-upper",
            r#"x: {{ .Files.Get "bin.dat" | upper }}"#,
            "",
        );
        write(&c.join("bin.dat"), b"a\xff\xfeb\x80c\n");
        let r = run(&["template", "rel", c.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", head(&r.stderr));
        assert!(
            r.stdout.contains("x: A\u{fffd}\u{fffd}B\u{fffd}C"),
            "{}",
            r.stdout
        );
    }
}
