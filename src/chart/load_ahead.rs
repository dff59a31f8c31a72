//! The part of loading a chart that a second thread does ahead (see
//! [`crate::prefetch`]): unpacking the `.tgz` subcharts of a chart's files
//! and parsing every `values.yaml`, while the loader reads the chart's
//! metadata. The loader takes each result when it gets to it and does
//! itself what the worker has not reached.
//!
//! The worker takes the items from the end (the last subcharts first), the
//! loader from the start, so that they meet in the middle. A `values.yaml`
//! is parsed under a placeholder file name: only a tree that parsed is
//! used, and a file that does not parse is parsed again by the loader, whose
//! error names the file.

use std::collections::HashMap;
use std::sync::Arc;

use super::{ChartError, ChartFile};
use crate::prefetch::Prefetch;
use crate::yaml::ValuesTree;

/// Stack of the worker: YAML parsing recurses once per nesting level, and
/// Helm reads values nested 10,000 deep (go-yaml's limit, see
/// `crate::yaml`); reserved address space, used only as deep as it goes.
const WORKER_STACK_BYTES: usize = crate::render::RENDER_STACK_BYTES;

/// One piece of work.
enum Job {
    /// A subchart archive.
    Unpack(Arc<Vec<u8>>),
    /// A chart's `values.yaml`.
    Values(Arc<Vec<u8>>),
}

/// An archive's files, and its `values.yaml` parsed when it parses.
pub(super) type Unpacked = Result<(Vec<ChartFile>, Option<ValuesTree>), ChartError>;

/// Its result.
enum Done {
    /// An unpacked archive.
    Unpacked(Unpacked),
    /// The tree of a `values.yaml` that parses.
    Values(Option<ValuesTree>),
}

fn values_tree(data: &[u8]) -> Option<ValuesTree> {
    crate::yaml::parse_values_tree(&super::load::lossy_text(data), "values.yaml").ok()
}

fn run(job: &Job) -> Done {
    match job {
        Job::Unpack(blob) => Done::Unpacked(super::load::archive_files(blob).map(|files| {
            let tree = files
                .iter()
                .find(|f| f.name == "values.yaml")
                .and_then(|f| values_tree(&f.data));
            (files, tree)
        })),
        Job::Values(data) => Done::Values(values_tree(data)),
    }
}

/// Whether `name` (a path in a chart's files) is a subchart archive the
/// loader unpacks: `charts/x.tgz`, also inside folder subcharts.
fn is_subchart_archive(name: &str) -> bool {
    let Some((dir, file)) = name.rsplit_once('/') else {
        return false;
    };
    file.ends_with(".tgz") && is_chart_dir(dir.strip_suffix("charts").unwrap_or("-"))
}

/// Whether `name` is the `values.yaml` of the chart or of a folder subchart.
fn is_values_file(name: &str) -> bool {
    name.strip_suffix("values.yaml").is_some_and(is_chart_dir)
}

/// `""` (the chart) or `charts/a/` (`charts/a/charts/b/`, ...): a chart's folder.
fn is_chart_dir(prefix: &str) -> bool {
    let mut rest = prefix;
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("charts/") else {
            return false;
        };
        let Some((folder, tail)) = after.split_once('/') else {
            return false;
        };
        if folder.is_empty() {
            return false;
        }
        rest = tail;
    }
    true
}

/// Archives and values files of one chart's files being processed ahead.
pub(super) struct LoadAhead {
    work: Prefetch<Job, Done>,
    /// Position of each item by its path among the chart's files.
    index: HashMap<String, usize>,
}

impl LoadAhead {
    /// Start on the subchart archives and values files among `files` (the
    /// files of a top-level chart, paths relative to its folder).
    pub(super) fn start(files: &[ChartFile]) -> Self {
        let archives = files.iter().filter(|f| is_subchart_archive(&f.name));
        let values = files.iter().filter(|f| is_values_file(&f.name));
        let mut jobs = Vec::new();
        let mut index = HashMap::new();
        // Archives are needed first (while loading), values after it.
        for (f, unpack) in archives
            .rev()
            .map(|f| (f, true))
            .chain(values.rev().map(|f| (f, false)))
        {
            index.insert(f.name.clone(), jobs.len());
            let data = f.data.clone();
            jobs.push(if unpack {
                Job::Unpack(data)
            } else {
                Job::Values(data)
            });
        }
        LoadAhead {
            work: Prefetch::start(jobs, run, WORKER_STACK_BYTES),
            index,
        }
    }

    fn take(&self, path: &str) -> Option<Done> {
        self.work.take(*self.index.get(path)?)
    }

    /// The files of the archive at `path` (and its parsed `values.yaml`),
    /// unless the caller must unpack it.
    pub(super) fn unpacked(&self, path: &str) -> Option<Unpacked> {
        match self.take(path)? {
            Done::Unpacked(r) => Some(r),
            Done::Values(_) => None,
        }
    }

    /// The parsed `values.yaml` at `path`, unless the caller must parse it.
    pub(super) fn values(&self, path: &str) -> Option<ValuesTree> {
        match self.take(path)? {
            Done::Values(tree) => tree,
            Done::Unpacked(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_files_are_worked_on() {
        for (name, archive, values) in [
            ("charts/a.tgz", true, false),
            ("charts/a/charts/b.tgz", true, false),
            ("charts/a/b.tgz", false, false),
            ("x/charts/b.tgz", false, false),
            ("charts.tgz", false, false),
            ("values.yaml", false, true),
            ("charts/a/values.yaml", false, true),
            ("charts/a/charts/b/values.yaml", false, true),
            ("charts/values.yaml", false, false),
            ("docs/examples/x/values.yaml", false, false),
            ("ci/values.yaml", false, false),
        ] {
            assert_eq!(is_subchart_archive(name), archive, "{name}");
            assert_eq!(is_values_file(name), values, "{name}");
        }
    }
}
