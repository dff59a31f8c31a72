//! Helm's conventions on the command line: `template [NAME] [CHART]` with
//! `helm template`'s flags prints the stream `render` prints (and the stream
//! Helm's own rendered files make), the query commands take the same
//! positional form, `-f -` reads standard input, `HELM_NAMESPACE` (set by
//! Helm for plugins) is the default namespace, `--include-crds` prints the
//! `crds/` files first, a dependency missing from `charts/` is refused with
//! `helm template`'s message, the Helm plugin manifest runs the binary, and
//! completions and the man page come from the clap definitions.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{fixture_goldens, repo_dir, Expected};

/// Runs trace-value with `args`, `env` added, `stdin` piped in; gives
/// (exit code, stdout, stderr). `HELM_NAMESPACE` is removed unless `env`
/// sets it, so the caller's environment cannot change the default.
fn run_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trace-value"));
    cmd.args(args)
        .env_remove("HELM_NAMESPACE")
        .current_dir(repo_dir())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run trace-value");
    if let Some(text) = stdin {
        let mut input = child.stdin.take().unwrap();
        input.write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_with(args, &[], None)
}

/// Runs and expects success; gives stdout.
fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn fixture(name: &str) -> String {
    format!("charts-fixtures/{name}")
}

/// For every fixture and values file Helm rendered: `template NAME CHART -f
/// V` prints what `render --chart CHART --release-name NAME -f V` prints,
/// and that is the `helm template` stream of the files Helm rendered.
#[test]
fn template_stream_is_render_stream_and_helms() {
    let mut checked = 0;
    for golden in fixture_goldens() {
        let Expected::Files(files) = &golden.expected else {
            continue;
        };
        let chart = golden.chart.clone().unwrap();
        if chart == fixture("missing-dependency") {
            // Helm's engine renders it; helm template refuses it (below).
            continue;
        }
        let mut values_args: Vec<String> = Vec::new();
        if let Some(v) = &golden.values {
            values_args.push("-f".into());
            values_args.push(format!("{chart}/{v}"));
        }
        let values: Vec<&str> = values_args.iter().map(String::as_str).collect();
        let mut template = vec!["template", golden.release.as_str(), chart.as_str()];
        template.extend(&values);
        template.extend(["-n", golden.namespace.as_str()]);
        let mut render = vec![
            "render",
            "--chart",
            chart.as_str(),
            "--release-name",
            golden.release.as_str(),
            "--namespace",
            golden.namespace.as_str(),
        ];
        render.extend(&values);
        // A file that is not YAML (fixtures printing Go values) makes
        // `helm template` refuse the stream, naming the file: so must we.
        let helm = match trace_value::manifest::template_stream(files, &[]) {
            Ok(stream) => stream,
            Err(e) => {
                let (code, _, err) = run(&template);
                assert_eq!(
                    code, 2,
                    "{}: template renders a stream Helm refuses",
                    golden.name
                );
                assert!(
                    err.contains(&e.to_string()),
                    "{}: {err} is not {e}",
                    golden.name
                );
                assert_eq!(
                    run(&render).2,
                    err,
                    "{}: template and render differ",
                    golden.name
                );
                continue;
            }
        };
        let ours = ok(&template);
        assert_eq!(
            ours,
            ok(&render),
            "{}: template and render differ",
            golden.name
        );
        assert_eq!(ours, helm, "{}: not Helm's stream", golden.name);
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} renders compared");
}

#[test]
fn name_and_chart_as_helm_template_takes_them() {
    let chart = fixture("builtin-objects");
    let release_line = |out: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with("release:"))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    // One argument is the chart; the release is `release-name`, as in Helm.
    let one = ok(&["template", &chart]);
    assert!(
        release_line(&one).starts_with("release: \"release-name|default|"),
        "{one}"
    );
    // Two are NAME and CHART; --chart makes a lone argument the NAME.
    let two = ok(&["template", "rel", &chart]);
    assert!(
        release_line(&two).starts_with("release: \"rel|default|"),
        "{two}"
    );
    assert_eq!(two, ok(&["template", "--chart", &chart, "rel"]));
    assert_eq!(two, ok(&["template", &chart, "--release-name", "rel"]));
    // --generate-name keeps `release-name` in helm template (its release
    // name is preset) and refuses a NAME, with Helm's message.
    assert_eq!(one, ok(&["template", "-g", &chart]));
    let (code, _, err) = run(&["template", "-g", "rel", &chart]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot set --generate-name and also specify a name"),
        "{err}"
    );
    for twice in [
        vec!["template", "rel", &chart, "--release-name", "other"],
        vec!["template", "rel", &chart, "--chart", &chart],
    ] {
        let (code, _, err) = run(&twice);
        assert_eq!(code, 2, "{twice:?}");
        assert!(err.contains("given twice"), "{err}");
    }
    // --name-template names the release (Helm's TemplateName: the text run
    // as a template with no data); with a NAME it is Helm's error.
    let named = ok(&["template", &chart, "--name-template", "rel-{{ add 1 2 }}"]);
    assert!(
        release_line(&named).starts_with("release: \"rel-3|default|"),
        "{named}"
    );
    let (code, _, err) = run(&["template", "rel", &chart, "--name-template", "x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot set --name-template and also specify a name"),
        "{err}"
    );
    // Release names Helm's ValidateReleaseName refuses (checked with the
    // oracle's SDK: the same message after `release name "NAME": `).
    for bad in ["BAD_Name", "x-", "a.", &"a".repeat(54)] {
        let (code, _, err) = run(&["template", bad, &chart]);
        assert_eq!(code, 2, "{bad}");
        assert_eq!(
            err,
            format!("Error: release name {bad:?}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53\n")
        );
    }
    assert_eq!(
        release_line(&ok(&["template", "a.b-1", &chart]))[..15].to_string(),
        "release: \"a.b-1"
    );
    // --set-literal takes the value as one string, commas and all.
    let mini = fixture("mini-monitoring");
    let lit = ok(&[
        "template",
        "rel",
        &mini,
        "--set-literal",
        "cluster.name=a,b\\c",
    ]);
    assert_eq!(
        lit,
        ok(&[
            "template",
            "rel",
            &mini,
            "--set-json",
            "cluster.name=\"a,b\\\\c\""
        ])
    );
    assert_ne!(lit, ok(&["template", "rel", &mini]));
    // --is-upgrade, -a lists split at commas (checked with Helm's engine:
    // IsInstall false, IsUpgrade true).
    let up = ok(&[
        "template",
        "rel",
        &chart,
        "--is-upgrade",
        "-a",
        "monitoring.coreos.com/v1,apps/v1/Deployment",
    ]);
    assert_eq!(
        release_line(&up),
        "release: \"rel|default|false|true|1|Helm\""
    );
    assert!(up.contains("hasDeployment: \"true\"") && up.contains("hasMonitoring: \"true\""));
}

#[test]
fn queries_take_the_positional_form() {
    let chart = fixture("mini-monitoring");
    let by_flags = ok(&[
        "--chart",
        &chart,
        "--release-name",
        "rel",
        "--key",
        "destinations[0].url",
    ]);
    assert_eq!(
        by_flags,
        ok(&["rel", &chart, "--key", "destinations[0].url"])
    );
    let block = ok(&["--chart", &chart, "--block", "loki.process \"pod_logs\""]);
    assert_eq!(block, ok(&[&chart, "--block", "loki.process \"pod_logs\""]));
    let blame = ok(&["blame", "--chart", &chart, "--collector", "alloy-logs"]);
    assert_eq!(blame, ok(&["blame", &chart, "--collector", "alloy-logs"]));
    let misnamed = fixture("misnamed-key");
    let check = ok(&["check", "--chart", &misnamed, "--format", "json"]);
    assert_eq!(check, ok(&["check", "rel", &misnamed, "--format", "json"]));
}

#[test]
fn values_from_standard_input() {
    let chart = fixture("mini-monitoring");
    let dir = repo_dir().join(&chart).join("ci");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let file = files.first().expect("a values file");
    let text = std::fs::read_to_string(file).unwrap();
    let from_file = ok(&["template", "rel", &chart, "-f", file.to_str().unwrap()]);
    let (code, from_stdin, err) =
        run_with(&["template", "rel", &chart, "-f", "-"], &[], Some(&text));
    assert_eq!(code, 0, "{err}");
    assert_eq!(from_stdin, from_file);
    assert_ne!(
        from_file,
        ok(&["template", "rel", &chart]),
        "the values file changes nothing"
    );
    // Queries name the values' origin `<stdin>`.
    let (code, out, err) = run_with(
        &["--chart", &chart, "--key", "cluster.name", "-f", "-"],
        &[],
        Some("cluster:\n  name: from-stdin\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"from-stdin\"") && out.contains("<stdin>:2"),
        "{out}"
    );
}

#[test]
fn namespace_from_helm_environment() {
    let chart = fixture("builtin-objects");
    let (code, out, err) = run_with(
        &["template", "rel", &chart],
        &[("HELM_NAMESPACE", "observability")],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  namespace: observability\n"), "{out}");
    assert!(out.contains("release: \"rel|observability|"), "{out}");
    // The flag wins over the environment.
    let (_, out, _) = run_with(
        &["template", "rel", &chart, "-n", "flag"],
        &[("HELM_NAMESPACE", "observability")],
        None,
    );
    assert!(out.contains("  namespace: flag\n"), "{out}");
}

/// `helm template` refuses a chart whose Chart.yaml lists a dependency that
/// `charts/` lacks, even a disabled one (Helm v4.2.3's install action,
/// through the oracle's SDK, ends with the same
/// `found in Chart.yaml, but missing in charts/ directory: absent`); Helm's
/// engine alone renders it (the fixture's golden).
#[test]
fn missing_dependency_is_refused_with_helms_message() {
    let chart = fixture("missing-dependency");
    let golden = fixture_goldens()
        .into_iter()
        .find(|g| g.chart.as_deref() == Some(chart.as_str()) && g.values.is_none())
        .expect("the fixture's golden");
    assert!(
        matches!(golden.expected, Expected::Files(_)),
        "Helm's engine renders it"
    );
    let helm_template = "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: absent";
    for args in [
        vec!["template", "rel", chart.as_str()],
        vec!["--chart", chart.as_str(), "--key", "greeting"],
        vec!["check", chart.as_str()],
        vec!["lint", chart.as_str()],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}");
        // `check` names the value set that failed before Helm's message.
        assert!(err.starts_with("Error: "), "{err}");
        assert!(
            err.ends_with(&format!("{helm_template}\n")),
            "{args:?}: {err}"
        );
        assert!(out.is_empty(), "{out}");
    }
}

#[test]
fn include_crds_prints_the_crd_files_first() {
    let chart = fixture("crds");
    let plain = ok(&["template", "rel", &chart]);
    assert!(!plain.contains("CustomResourceDefinition"), "{plain}");
    let read = |p: &str| std::fs::read_to_string(repo_dir().join(&chart).join(p)).unwrap();
    // Helm's CRDObjects: the chart's own crds/ files, then each enabled
    // subchart's under its alias; other extensions and disabled subcharts
    // are left out; each printed as `---\n# Source: PATH\nTEXT\n`.
    let crds = format!(
        "---\n# Source: crds/crds/widgets.yaml\n{}\n---\n# Source: crds/charts/op/crds/gadgets.yml\n{}\n",
        read("crds/widgets.yaml"),
        read("charts/operator/crds/gadgets.yml")
    );
    let with = ok(&["template", "rel", &chart, "--include-crds"]);
    assert_eq!(with, format!("{crds}{plain}"));
    assert!(!with.contains("README") && !with.contains("extras.example.com"));
    let values = format!("{chart}/ci/extra-enabled.yaml");
    let enabled = ok(&["template", "rel", &chart, "--include-crds", "-f", &values]);
    assert!(enabled.contains(&format!(
        "# Source: crds/charts/extra/crds/extras.json\n{}",
        read("charts/extra/crds/extras.json")
    )));
    // --show-only selects CRD documents too, by path without the chart name.
    let shown = ok(&[
        "template",
        "rel",
        &chart,
        "--include-crds",
        "-s",
        "crds/widgets.yaml",
    ]);
    assert_eq!(
        shown,
        format!(
            "---\n# Source: crds/crds/widgets.yaml\n{}\n",
            read("crds/widgets.yaml").trim_end()
        )
    );
    // --skip-crds is accepted, as helm template accepts it.
    assert_eq!(plain, ok(&["template", "rel", &chart, "--skip-crds"]));
}

/// A `plugin.yaml` scalar or list item at `path` (keys, or `[index]`).
fn yaml_at<'a>(doc: &'a saphyr::YamlOwned, path: &[&str]) -> Option<&'a saphyr::YamlOwned> {
    let mut node = doc;
    for key in path {
        node = match key.parse::<usize>() {
            Ok(i) => node.as_sequence_get(i)?,
            Err(_) => node.as_mapping_get(key)?,
        };
    }
    Some(node)
}

/// Expands `${VAR}` and `$VAR` as Go's `os.ExpandEnv`, which Helm applies
/// to a plugin's command.
fn expand_env(text: &str, env: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (k, v) in env {
        out = out
            .replace(&format!("${{{k}}}"), v)
            .replace(&format!("${k}"), v);
    }
    out
}

/// The plugin manifest loads as Helm's legacy plugin.yaml (name, version,
/// usage, one of platformCommand/command, one of platformHooks/hooks), runs
/// `bin/trace-value` of the plugin folder, which the install hook builds;
/// run with the variables Helm sets for a plugin, the binary renders in
/// `HELM_NAMESPACE`.
#[test]
fn helm_plugin_runs_the_binary_with_helms_environment() {
    use saphyr::LoadableYamlNode;
    let repo = repo_dir();
    let text = std::fs::read_to_string(repo.join("plugin.yaml")).unwrap();
    let docs = saphyr::YamlOwned::load_from_str(&text).expect("plugin.yaml is YAML");
    let doc = &docs[0];
    let str_at = |path: &[&str]| {
        yaml_at(doc, path)
            .and_then(|y| y.as_str())
            .map(str::to_string)
    };
    assert_eq!(str_at(&["name"]).as_deref(), Some("trace-value"));
    let name = str_at(&["name"]).unwrap();
    assert!(name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(
        str_at(&["version"]).as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert!(str_at(&["usage"]).is_some_and(|u| !u.is_empty()));
    assert!(
        yaml_at(doc, &["apiVersion"]).is_none(),
        "legacy format: Helm 3 and 4 load it"
    );
    assert!(
        yaml_at(doc, &["command"]).is_none(),
        "both platformCommand and command are set"
    );
    assert!(
        yaml_at(doc, &["hooks"]).is_none(),
        "both platformHooks and hooks are set"
    );
    let command = str_at(&["platformCommand", "0", "command"]).expect("platformCommand");
    assert_eq!(command, "${HELM_PLUGIN_DIR}/bin/trace-value");
    for event in ["install", "update"] {
        let hook = str_at(&["platformHooks", event, "0", "command"]).expect("a hook");
        assert_eq!(hook, "${HELM_PLUGIN_DIR}/scripts/helm-plugin-install.sh");
    }
    let script = repo.join("scripts/helm-plugin-install.sh");
    let body = std::fs::read_to_string(&script).unwrap();
    assert!(
        body.contains("cargo install") && body.contains("--root \"$dir\""),
        "{body}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "the hook is executable");
    }

    // A plugin folder as the hook leaves it: bin/trace-value.
    let plugin_dir =
        std::env::temp_dir().join(format!("trace-value-plugin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&plugin_dir);
    std::fs::create_dir_all(plugin_dir.join("bin")).unwrap();
    let bin = plugin_dir.join("bin/trace-value");
    // A link, not a copy: a copy's file still open for writing in a process
    // another test forks meanwhile cannot be run ("text file busy").
    #[cfg(unix)]
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_trace-value"), &bin).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(env!("CARGO_BIN_EXE_trace-value"), &bin).unwrap();
    let dir = plugin_dir.to_str().unwrap();
    // What Helm v4 sets for a plugin (`helm env` plus HELM_PLUGIN_*), with
    // `helm -n observability trace-value ...` turned into HELM_NAMESPACE.
    let helm_env = [
        ("HELM_PLUGIN_DIR", dir),
        ("HELM_PLUGIN_NAME", "trace-value"),
        ("HELM_BIN", "helm"),
        ("HELM_DEBUG", "false"),
        ("HELM_NAMESPACE", "observability"),
        ("HELM_KUBECONTEXT", ""),
        ("HELM_PLUGINS", "/nonexistent/helm/plugins"),
        ("HELM_REGISTRY_CONFIG", "/nonexistent/registry/config.json"),
        ("HELM_REPOSITORY_CACHE", "/nonexistent/repository"),
        ("HELM_REPOSITORY_CONFIG", "/nonexistent/repositories.yaml"),
        ("HELM_MAX_HISTORY", "10"),
    ];
    let program = expand_env(&command, &helm_env);
    assert_eq!(Path::new(&program), bin.as_path());
    let chart = repo.join("charts-fixtures/builtin-objects");
    let out = Command::new(&program)
        .args(["template", "rel", chart.to_str().unwrap()])
        .envs(helm_env)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("  namespace: observability\n"), "{out}");
    assert!(
        out.contains("release: \"rel|observability|true|false|1|Helm\""),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&plugin_dir);
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let subcommands = [
        "template",
        "render",
        "blame",
        "docs",
        "check",
        "lint",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let script = ok(&["completions", shell]);
        assert!(script.contains("trace-value"), "{shell}");
        for sub in subcommands {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        for flag in ["namespace", "include-crds", "show-only", "values", "block"] {
            let written = match shell {
                "fish" => format!("-l {flag}"),
                _ => format!("--{flag}"),
            };
            assert!(
                script.contains(&written),
                "{shell} completion lacks {written}"
            );
        }
    }
    let man = ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH trace-value"),
        "{man}"
    );
    assert!(man.contains(".TH trace-value"));
    for sub in subcommands {
        assert!(man.contains(sub), "man page lacks {sub}");
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
    // `man --dir`: one page per command, each naming itself.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("man-pages");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(ok(&["man", "--dir", dir.to_str().unwrap()]), "");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let mut want: Vec<String> = ["", "-blame", "-check", "-completions", "-diff", "-docs"]
        .iter()
        .chain(&["-lint", "-man", "-migrate", "-render"])
        .map(|s| format!("trace-value{s}.1"))
        .collect();
    want.sort();
    assert_eq!(pages, want);
    let check = std::fs::read_to_string(dir.join("trace-value-check.1")).unwrap();
    assert!(check.contains(".TH trace-value-check"), "{check}");
    assert!(check.contains("strict"), "{check}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--skip-tests` leaves out the hooks on the `test` event (`test`, and
/// Helm 2's `test-success`, any case and spacing, as Helm's SortManifests
/// reads them) and nothing else.
#[test]
fn skip_tests_leaves_out_test_hooks() {
    let chart = fixture("test-hooks");
    let full = ok(&["template", "rel", &chart]);
    let docs: Vec<&str> = full
        .split("---\n# Source: ")
        .filter(|d| !d.is_empty())
        .collect();
    assert_eq!(docs.len(), 4, "{full}");
    let kept: String = docs
        .iter()
        .filter(|d| !d.starts_with("test-hooks/templates/tests/"))
        .map(|d| format!("---\n# Source: {d}"))
        .collect();
    assert_eq!(ok(&["template", "rel", &chart, "--skip-tests"]), kept);
    assert!(kept.contains("rel-migrate") && kept.contains("rel-svc"));
}

/// `cargo install --path .` installs the binaries of the package: only
/// `trace-value` (the benchmark is `examples/bench.rs`, which
/// `scripts/bench.sh` builds with `--example bench`).
#[test]
fn cargo_install_installs_one_binary() {
    let repo = repo_dir();
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap();
    assert_eq!(manifest.matches("[[bin]]").count(), 1, "{manifest}");
    assert!(manifest.contains("name = \"trace-value\"\npath = \"src/main.rs\""));
    // Cargo would find more binaries here on its own.
    assert!(!repo.join("src/bin").exists());
    assert!(repo.join("examples/bench.rs").is_file());
    let bench = std::fs::read_to_string(repo.join("scripts/bench.sh")).unwrap();
    assert!(bench.contains("--example bench") && bench.contains("target/release/examples/bench"));
}
