//! The output contract: every command's `--format json` document validates
//! against docs/trace-value.schema.json (and carries data, not display
//! text), and the text output of every command at 80 and 120 columns equals
//! its snapshot under testdata/snapshots/ (`UPDATE_SNAPSHOTS=1` rewrites
//! them after a deliberate change of layout).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as Json;

fn fixture(name: &str) -> String {
    common::repo_dir()
        .join("charts-fixtures")
        .join(name)
        .display()
        .to_string()
}

/// Run the binary with `args` (and `COLUMNS`), giving exit code and stdout.
fn run(args: &[&str], columns: Option<usize>) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trace-value"));
    cmd.args(args)
        .current_dir(common::repo_dir())
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let out = cmd.output().expect("run trace-value");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 output"),
    )
}

/// Each command of the contract, on the fast fixtures: (name, args).
fn commands() -> Vec<(&'static str, Vec<String>)> {
    let mini = fixture("mini-monitoring");
    let dep = fixture("manifest-deployment");
    let mini_ci = format!("{mini}/ci");
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (
            "block",
            v(&["rel", &mini, "--block", r#"loki.process "pod_logs""#]),
        ),
        // The answer first: values printed into the block before gates and
        // contexts, the keys the user set before the chart's defaults.
        (
            "block-user-set",
            v(&[
                "rel",
                &mini,
                "-f",
                // Relative (the run's folder is the repository) so that the
                // SET AT column is the same on every machine.
                "charts-fixtures/mini-monitoring/ci/extra-stages.yaml",
                "--block",
                r#"loki.process "pod_logs""#,
                "--collector",
                "alloy-logs",
            ]),
        ),
        ("key-config", v(&["rel", &mini, "--key", "podLogs.enabled"])),
        // The key's own places before those of the keys below it.
        ("key-children", v(&["rel", &dep, "--key", "resources"])),
        ("key-manifest", v(&["rel", &dep, "--key", "image.tag"])),
        (
            "resource",
            v(&["rel", &dep, "--resource", "Deployment/rel-app"]),
        ),
        (
            "blame",
            v(&["blame", "rel", &mini, "--collector", "alloy-logs"]),
        ),
        (
            "blame-manifest",
            v(&["blame", "rel", &dep, "--file", "templates/deployment.yaml"]),
        ),
        ("docs", v(&["docs", "rel", &mini, "--values-dir", &mini_ci])),
        ("check", v(&["check", "rel", &mini])),
        // Relative, as the AT column names the values file from here.
        ("lint", v(&["lint", "rel", "charts-fixtures/misnamed-key"])),
        (
            "diff",
            v(&["diff", "rel", &dep, "--new-set", "image.tag=11.1.0"]),
        ),
    ]
}

fn schema() -> jsonschema::Validator {
    let path = common::repo_dir().join("docs/trace-value.schema.json");
    let text = std::fs::read_to_string(&path).expect("read the schema");
    let schema: Json = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn assert_valid(validator: &jsonschema::Validator, name: &str, doc: &Json) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: the JSON does not match docs/trace-value.schema.json:\n{}\n{doc:#}",
        errors.join("\n")
    );
}

#[test]
fn every_json_output_validates_against_the_schema() {
    let validator = schema();
    for (name, args) in commands() {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--format", "json"]);
        let (code, out) = run(&args, None);
        assert!(code == 0 || code == 1, "{name}: exit {code}\n{out}");
        let doc: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}\n{out}"));
        assert_eq!(doc["version"], 1, "{name}");
        assert_valid(&validator, name, &doc);
    }
    // migrate, on its fixture pair, whose keys have every outcome
    // (carried, decision, dropped).
    let (code, out) = run(
        &[
            "migrate",
            "rel",
            "charts-fixtures/migrate-v1",
            "-f",
            "charts-fixtures/migrate-v1/ci/user.yaml",
            "--new-chart",
            "charts-fixtures/migrate-v2",
            "--format",
            "json",
        ],
        None,
    );
    assert!(code == 0 || code == 1, "migrate: exit {code}\n{out}");
    let doc: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("migrate: {e}\n{out}"));
    assert_valid(&validator, "migrate", &doc);
    let outcomes: Vec<&str> = doc["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["outcome"].as_str())
        .collect();
    for o in ["carried", "decision", "dropped"] {
        assert!(outcomes.contains(&o), "migrate: no {o} key in the fixture");
    }
    // Errors: no match (exit 1), a template error (exit 2), a usage error.
    let mini = fixture("mini-monitoring");
    for (args, want) in [
        (vec!["rel", &mini, "--key", "podLogs.nope"], 1),
        (vec!["rel", &mini, "--block", "bad query\""], 2),
        (vec!["rel", &mini, "--no-such-flag"], 2),
    ] {
        let mut args = args.clone();
        args.extend(["--format", "json"]);
        let (code, out) = run(&args, None);
        assert_eq!(code, want, "{args:?}\n{out}");
        let doc: Json = serde_json::from_str(&out).expect("a JSON error");
        assert_valid(&validator, "error", &doc);
        assert!(doc["error"]["kind"].is_string());
    }
}

/// The JSON is data: values as JSON values, locations as objects; and the
/// schema is strict enough to refuse the old display-text shapes.
#[test]
fn json_carries_data_not_display_text() {
    let dep = fixture("manifest-deployment");
    let (code, out) = run(
        &["rel", &dep, "--key", "replicas", "--format", "json"],
        None,
    );
    assert_eq!(code, 0, "{out}");
    let doc: Json = serde_json::from_str(&out).expect("JSON");
    // charts-fixtures/manifest-deployment/values.yaml sets `replicas: 2`.
    assert_eq!(doc["value"], serde_json::json!(2), "{doc:#}");
    let read = &doc["read_at"][0];
    assert!(read["file"].as_str().is_some_and(|f| f.ends_with(".yaml")));
    assert!(read["line"].as_u64().is_some_and(|l| l >= 1), "{read}");
    let set = &doc["set_at"][0];
    assert_eq!(set["file"], "values.yaml", "{doc:#}");

    let validator = schema();
    assert_valid(&validator, "key", &doc);
    let mut old = doc.clone();
    old["read_at"][0] = Json::String("manifest-deployment/templates/deployment.yaml:7".into());
    assert!(
        !validator.is_valid(&old),
        "a file:line string must not validate"
    );
    let mut old = doc.clone();
    old.as_object_mut().expect("object").remove("version");
    assert!(
        !validator.is_valid(&old),
        "a document without version must not validate"
    );
}

fn snapshot_dir() -> PathBuf {
    common::repo_dir().join("testdata/snapshots")
}

/// Compare `actual` with the snapshot `name`, or write it when
/// `UPDATE_SNAPSHOTS` is set.
fn check_snapshot(name: &str, actual: &str) -> Option<String> {
    let path = snapshot_dir().join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot_dir()).expect("mkdir snapshots");
        std::fs::write(&path, actual).expect("write snapshot");
        return None;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    (want != actual).then(|| {
        let first = want
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(actual.lines().count()));
        format!(
            "{name}: differs from {} at line {} (UPDATE_SNAPSHOTS=1 rewrites it):\n{actual}",
            path.display(),
            first + 1
        )
    })
}

#[test]
fn text_output_of_every_command_at_80_and_120_columns() {
    let root = common::repo_dir().display().to_string();
    let mut failures = Vec::new();
    for (name, args) in commands() {
        for columns in [80, 120] {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, out) = run(&args, Some(columns));
            assert!(code == 0 || code == 1, "{name}: exit {code}\n{out}");
            // Piped: no colour codes.
            assert!(!out.contains('\u{1b}'), "{name}: colour when piped");
            if name != "docs" && name != "check" {
                for line in out.lines() {
                    assert!(
                        line.chars().count() <= columns,
                        "{name}: a line wider than {columns} columns:\n{line}"
                    );
                }
            }
            let out = out.replace(&root, "<repo>");
            if let Some(f) = check_snapshot(&format!("{name}-{columns}"), &out) {
                failures.push(f);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Split a README example's arguments: words, with `'...'` quoting.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            _ => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// The README's examples of text output (a `<!-- example: ARGS -->` line,
/// then a `sh` block with the command and a `text` block with its output)
/// are what the command prints at 80 columns, run in the repository.
#[test]
fn readme_examples_are_what_the_commands_print() {
    let root = common::repo_dir();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let lines: Vec<&str> = readme.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(args) = line
            .strip_prefix("<!-- example: ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
            continue;
        };
        let command = format!("trace-value {args}");
        let rest = &lines[i + 1..];
        let sh = rest.iter().position(|l| *l == "```sh").expect("a sh block");
        assert_eq!(
            rest.get(sh + 1),
            Some(&command.as_str()),
            "README line {}",
            i + 1
        );
        let open = rest
            .iter()
            .position(|l| *l == "```text")
            .expect("a text block");
        let close = open
            + 1
            + rest[open + 1..]
                .iter()
                .position(|l| *l == "```")
                .expect("```");
        let want: String = rest[open + 1..close]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_trace-value"))
            .args(words(args))
            .current_dir(&root)
            .env("COLUMNS", "80")
            .env_remove("NO_COLOR")
            .output()
            .expect("run trace-value");
        let got = String::from_utf8(out.stdout).expect("utf-8");
        assert_eq!(
            got,
            want,
            "README line {}: `{command}` prints otherwise",
            i + 1
        );
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} README examples are checked");
}

/// `--color always` colours roles, keys and headings even when piped;
/// `never` and a pipe with `auto` do not; the text is the same without the
/// colour codes.
#[test]
fn color_follows_the_flag() {
    let dep = fixture("manifest-deployment");
    let base = ["rel", dep.as_str(), "--key", "image.tag"];
    let with = |flag: &str| {
        let mut args = base.to_vec();
        args.extend(["--color", flag]);
        run(&args, Some(100)).1
    };
    let always = with("always");
    let never = with("never");
    let auto = with("auto");
    assert!(always.contains("\u{1b}["), "{always}");
    assert!(!never.contains('\u{1b}'), "{never}");
    assert_eq!(auto, never);
    let stripped = regex::Regex::new("\u{1b}\\[[0-9;]*m")
        .expect("regex")
        .replace_all(&always, "");
    assert_eq!(stripped, never);
}

/// Progress of `check --values-dir` on standard error: nothing when standard
/// error is not a terminal (as here, a pipe), and with
/// `TRACE_VALUE_PROGRESS=always` one line per value set redrawn with `\r`,
/// cleared at the end; standard output is the same either way.
#[test]
fn progress_shows_on_stderr_only_when_asked_or_a_terminal() {
    let mini = fixture("mini-monitoring");
    let ci = format!("{mini}/ci");
    let run_with = |progress: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_trace-value"));
        cmd.args(["check", "rel", mini.as_str(), "--values-dir", ci.as_str()])
            .env_remove("TRACE_VALUE_PROGRESS")
            .env("COLUMNS", "100");
        if let Some(p) = progress {
            cmd.env("TRACE_VALUE_PROGRESS", p);
        }
        let out = cmd.output().expect("run trace-value");
        (
            String::from_utf8(out.stdout).expect("utf-8"),
            String::from_utf8(out.stderr).expect("utf-8"),
        )
    };
    let (quiet_out, quiet_err) = run_with(None);
    assert_eq!(quiet_err, "", "no progress when stderr is a pipe");
    let (never_out, never_err) = run_with(Some("never"));
    assert_eq!(
        (never_out.as_str(), never_err.as_str()),
        (quiet_out.as_str(), "")
    );
    let (out, err) = run_with(Some("always"));
    assert_eq!(out, quiet_out);
    // The defaults and the four ci files: five sets.
    for n in 1..=5 {
        assert!(
            err.contains(&format!("\r\u{1b}[Krendering {n}/5 ")),
            "{err:?}"
        );
    }
    assert!(err.contains("rendering 1/5 default values"), "{err:?}");
    assert!(err.ends_with("\r\u{1b}[K"), "the line is cleared: {err:?}");
    assert!(!err.contains('\n'), "one line, redrawn: {err:?}");
}
