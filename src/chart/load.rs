//! Loading a chart from a folder or a `.tgz` (read in memory; nothing is
//! ever written into a chart), recursively with its `charts/` subcharts, as
//! Helm's `pkg/chart/v2/loader` does, including `.helmignore` (best effort)
//! and the archive path checks.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::glob::glob_match;
use super::load_ahead::LoadAhead;
use super::metadata::Metadata;
use super::{Chart, ChartError, ChartFile, TemplateText};

/// Load a chart from a folder or a `.tgz` file.
pub fn load_chart(path: &Path) -> Result<Chart, ChartError> {
    let meta =
        std::fs::metadata(path).map_err(|_| ChartError::NotFound(path.display().to_string()))?;
    if meta.is_dir() {
        load_dir(path)
    } else {
        if !meta.is_file() {
            return Err(irregular(path));
        }
        // The archive itself is held to the decompressed chart size: it
        // cannot be larger than what it unpacks to, short of a bomb.
        let data = read_limited(path, crate::limits::get().chart_bytes).map_err(|source| {
            ChartError::Io {
                path: path.display().to_string(),
                source,
            }
        })?;
        let Some(data) = data else {
            return Err(ChartError::Refused(format!(
                "chart archive {:?} is larger than the maximum size {} (raise it with {})",
                path.display().to_string(),
                crate::limits::get().chart_bytes,
                crate::limits::ENV_CHART_SIZE
            )));
        };
        if !data.starts_with(&[0x1f, 0x8b]) {
            return Err(ChartError::Archive(format!(
                "file '{}' does not appear to be a gzipped archive; got '{}'",
                path.display(),
                mime_guess(&data)
            )));
        }
        load_chart_archive(&data, None)
    }
}

/// Helm's refusal of a FIFO, a device or a socket among a chart's files.
fn irregular(path: &Path) -> ChartError {
    ChartError::Refused(format!(
        "cannot load irregular file {} as it has file mode type bits set",
        path.display()
    ))
}

/// The bytes of a file, or `None` when it holds more than `limit` bytes
/// (read at most `limit + 1` bytes, so a file that grows is still bounded).
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let f = std::fs::File::open(path)?;
    let hint = f.metadata().map(|m| m.len()).unwrap_or(0).min(limit);
    let mut data = Vec::with_capacity(hint as usize);
    f.take(limit.saturating_add(1)).read_to_end(&mut data)?;
    if data.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(data))
}

fn mime_guess(data: &[u8]) -> &'static str {
    if std::str::from_utf8(data).is_ok() {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

/// Load a chart from the bytes of a `.tgz`. `parent` is the location of the
/// chart that holds it in `charts/`, if any.
pub fn load_chart_archive(data: &[u8], parent: Option<&str>) -> Result<Chart, ChartError> {
    let files = archive_files(data)?;
    let ahead = LoadAhead::start(&files);
    let chart = load_files(files, parent, None, Place::top(&ahead))?;
    parse_all_values(&chart);
    Ok(chart)
}

/// Parse the `values.yaml` of every chart of the tree that the worker did
/// not: Helm's loader parses them with the chart, and so renders of a
/// loaded chart never do (an error is kept for the render to report).
fn parse_all_values(chart: &Chart) {
    let _ = chart.values_tree();
    for sub in &chart.subcharts {
        parse_all_values(sub);
    }
}

/// Where the chart being loaded sits among the files of the chart given
/// to the loader, for taking what [`LoadAhead`] did.
#[derive(Clone, Copy)]
struct Place<'a> {
    ahead: Option<&'a LoadAhead>,
    /// The chart's folder in those files: `""`, `charts/a/`, ...
    folder: &'a str,
}

impl<'a> Place<'a> {
    fn top(ahead: &'a LoadAhead) -> Self {
        Place {
            ahead: Some(ahead),
            folder: "",
        }
    }

    /// Inside an unpacked archive: nothing was done ahead.
    fn none() -> Self {
        Place {
            ahead: None,
            folder: "",
        }
    }
}

/// The whole decompressed content of a single-member gzip stream (as Helm's
/// packager writes), with libdeflate; `None` when that does not work (several
/// members, a wrong size in the trailer), to fall back to streaming.
fn gunzip_whole(data: &[u8]) -> Option<Vec<u8>> {
    let n = data.len();
    if n < 18 {
        return None;
    }
    // ISIZE: the uncompressed size modulo 2^32, in the last four bytes.
    let size = u32::from_le_bytes([data[n - 4], data[n - 3], data[n - 2], data[n - 1]]) as usize;
    // Beyond the chart size limit (plus tar headers) the streaming reader
    // finds the entry that is too large.
    let limit = crate::limits::get().chart_bytes.saturating_mul(2);
    if size as u64 > limit.min(1 << 30) {
        return None;
    }
    let mut out = vec![0u8; size];
    let mut d = libdeflater::Decompressor::new();
    match d.gzip_decompress(data, &mut out) {
        Ok(written) if written == size => Some(out),
        _ => None,
    }
}

pub(super) fn archive_files(data: &[u8]) -> Result<Vec<ChartFile>, ChartError> {
    match gunzip_whole(data) {
        Some(tar_bytes) => archive_entries(tar::Archive::new(tar_bytes.as_slice())),
        None => archive_entries(tar::Archive::new(flate2::read::GzDecoder::new(data))),
    }
}

/// The files of a tar stream (see [`archive_files`]).
fn archive_entries<R: Read>(mut archive: tar::Archive<R>) -> Result<Vec<ChartFile>, ChartError> {
    let entries = archive
        .entries()
        .map_err(|e| ChartError::Archive(e.to_string()))?;
    let mut files = Vec::new();
    let limits = crate::limits::get();
    let mut remaining = limits.chart_bytes;
    for entry in entries {
        let mut entry = entry.map_err(|e| ChartError::Archive(e.to_string()))?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let delim = if raw.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw.split(delim).collect();
        let joined = parts[1..].join("/");
        if joined.starts_with('/') {
            return Err(ChartError::Archive(
                "chart illegally contains absolute paths".to_string(),
            ));
        }
        let n = clean_path(&joined);
        if n == "." {
            return Err(ChartError::Archive(format!(
                "chart illegally contains content outside the base directory: {raw:?}"
            )));
        }
        if n.starts_with("..") {
            return Err(ChartError::Archive(
                "chart illegally references parent directory".to_string(),
            ));
        }
        let b = n.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return Err(ChartError::Archive(
                "chart contains illegally named files".to_string(),
            ));
        }
        if parts[0] == "Chart.yaml" {
            return Err(ChartError::Archive(
                "chart yaml not in base directory".to_string(),
            ));
        }
        if !kind.is_file() {
            continue;
        }
        // Helm's MaxDecompressedChartSize and MaxDecompressedFileSize,
        // checked on the header before reading, then on what was read.
        let too_big = || {
            ChartError::Refused(format!(
                "decompressed chart is larger than the maximum size {} (raise it with {})",
                limits.chart_bytes,
                crate::limits::ENV_CHART_SIZE
            ))
        };
        let size = entry.size();
        if size > remaining {
            return Err(too_big());
        }
        if size > limits.file_bytes {
            return Err(ChartError::Refused(format!(
                "decompressed chart file {raw:?} is larger than the maximum file size {} (raise it with {})",
                limits.file_bytes,
                crate::limits::ENV_FILE_SIZE
            )));
        }
        let mut buf = Vec::with_capacity(size as usize);
        (&mut entry)
            .take(remaining)
            .read_to_end(&mut buf)
            .map_err(|e| ChartError::Archive(e.to_string()))?;
        remaining -= buf.len() as u64;
        if (buf.len() as u64) < size || remaining == 0 {
            return Err(too_big());
        }
        files.push(ChartFile {
            name: n,
            data: Arc::new(buf),
        });
    }
    if files.is_empty() {
        return Err(ChartError::Archive("no files in chart archive".to_string()));
    }
    Ok(files)
}

/// File bytes as text, invalid UTF-8 replaced (checked on the fast path first).
pub(crate) fn lossy_text(data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(s) => s.to_string(),
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    }
}

/// Go's `path.Clean` for relative slash paths.
fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(s) if *s != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

fn load_dir(dir: &Path) -> Result<Chart, ChartError> {
    let mut rules = IgnoreRules::default();
    let ignore_file = dir.join(".helmignore");
    if std::fs::metadata(&ignore_file).is_ok_and(|m| m.is_file()) {
        if let Ok(Some(data)) = read_limited(&ignore_file, crate::limits::get().file_bytes) {
            rules = IgnoreRules::parse(&String::from_utf8_lossy(&data));
        }
    }
    rules.add("templates/.?*");
    let mut files = Vec::new();
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(|e| ChartError::Io {
            path: dir.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        if name.is_empty() {
            continue;
        }
        let is_dir = entry.file_type().is_dir();
        if rules.ignore(&name, is_dir) {
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            // Helm's sympath.Walk follows links and says so.
            let resolved = std::fs::canonicalize(entry.path())
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            eprintln!(
                "warning: found symbolic link in path: {} resolves to {resolved}. Contents of linked file included and used",
                entry.path().display()
            );
        }
        if is_dir {
            continue;
        }
        if !entry.file_type().is_file() {
            return Err(irregular(entry.path()));
        }
        let limit = crate::limits::get().file_bytes;
        let too_big = || {
            ChartError::Refused(format!(
                "chart file {:?} is larger than the maximum file size {limit} (raise it with {})",
                entry.file_name().to_string_lossy(),
                crate::limits::ENV_FILE_SIZE
            ))
        };
        if entry.metadata().map(|m| m.len()).unwrap_or(0) > limit {
            return Err(too_big());
        }
        let data = read_limited(entry.path(), limit)
            .map_err(|source| ChartError::Io {
                path: entry.path().display().to_string(),
                source,
            })?
            .ok_or_else(too_big)?;
        files.push(ChartFile {
            name,
            data: Arc::new(data),
        });
    }
    let ahead = LoadAhead::start(&files);
    let chart = load_files(files, None, None, Place::top(&ahead))?;
    parse_all_values(&chart);
    Ok(chart)
}

/// Helm's `LoadFiles`: sort the files of one chart into metadata, values,
/// templates, other files and subcharts. `folder` is the chart's folder name
/// inside its parent's `charts/` (for the location), if it has one.
fn load_files(
    files: Vec<ChartFile>,
    parent: Option<&str>,
    folder: Option<&str>,
    place: Place<'_>,
) -> Result<Chart, ChartError> {
    let mut metadata: Option<Metadata> = None;
    let mut requirements: Option<ChartFile> = None;
    let mut values_text = None;
    let mut schema = None;
    let mut templates = Vec::new();
    let mut other = Vec::new();
    let mut sub_files: Vec<(String, Vec<ChartFile>)> = Vec::new();
    let mut values_bad_utf8 = None;
    for f in files {
        let name = f.name.as_str();
        if name == "Chart.yaml" {
            let mut md = Metadata::parse(&String::from_utf8_lossy(&f.data), "Chart.yaml")?;
            if md.api_version.is_empty() {
                md.api_version = "v1".to_string();
            }
            metadata = Some(md);
        } else if name == "Chart.lock" {
            continue;
        } else if name == "values.yaml" {
            values_bad_utf8 = crate::yaml::utf8_error(&f.data);
            values_text = Some(lossy_text(&f.data));
        } else if name == "values.schema.json" {
            schema = Some(lossy_text(&f.data));
        } else if name == "requirements.yaml" || name == "requirements.lock" {
            requirements = if name == "requirements.yaml" {
                Some(f.clone())
            } else {
                requirements
            };
            other.push(f);
        } else if name.starts_with("templates/") {
            // The file's bytes become its text without a copy when valid.
            let bytes = Arc::try_unwrap(f.data).unwrap_or_else(|shared| (*shared).clone());
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            templates.push(TemplateText {
                name: f.name,
                text: Arc::new(text),
            });
        } else if let Some(rest) = name.strip_prefix("charts/") {
            if rest.ends_with(".prov") {
                other.push(f);
                continue;
            }
            let (cname, inner) = rest.split_once('/').unwrap_or((rest, rest));
            let cname = cname.to_string();
            let inner_name = if rest.contains('/') { inner } else { rest }.to_string();
            let entry = ChartFile {
                name: inner_name,
                data: f.data.clone(),
            };
            match sub_files.iter_mut().find(|(n, _)| *n == cname) {
                Some((_, v)) => v.push(entry),
                None => sub_files.push((cname, vec![entry])),
            }
        } else {
            other.push(f);
        }
    }
    let mut metadata = metadata.ok_or(ChartError::MissingChartYaml)?;
    if let Some(req) = requirements {
        metadata.add_requirements(&String::from_utf8_lossy(&req.data), "requirements.yaml")?;
    }
    // requirements files only count as `.Files` for v1 charts.
    if metadata.api_version != "v1" {
        other.retain(|f| f.name != "requirements.yaml" && f.name != "requirements.lock");
    }
    metadata.validate()?;
    let location = match parent {
        Some(p) => format!("{p}/charts/{}", folder.unwrap_or(&metadata.name)),
        None => metadata.name.clone(),
    };
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    other.sort_by(|a, b| a.name.cmp(&b.name));
    sub_files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut subcharts = Vec::new();
    for (n, files) in sub_files {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let wrap = |e: ChartError| {
            ChartError::Archive(format!(
                "error unpacking subchart {n} in {}: {e}",
                metadata.name
            ))
        };
        let sc = if n.ends_with(".tgz") {
            let Some(file) = files.first() else { continue };
            if file.name != n {
                return Err(ChartError::Archive(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    metadata.name, file.name
                )));
            }
            let path = format!("{}charts/{n}", place.folder);
            let (inner, tree) = match place.ahead.and_then(|a| a.unpacked(&path)) {
                Some(done) => done.map_err(wrap)?,
                None => (archive_files(&file.data).map_err(wrap)?, None),
            };
            let sc = load_files(inner, Some(&location), None, Place::none()).map_err(wrap)?;
            if let Some(tree) = tree {
                let _ = sc.values_tree.set(Ok(tree));
            }
            sc
        } else {
            let inner: Vec<ChartFile> = files.into_iter().filter(|f| f.name != n).collect();
            let folder = format!("{}charts/{n}/", place.folder);
            let place = Place {
                ahead: place.ahead,
                folder: &folder,
            };
            load_files(inner, Some(&location), Some(&n), place).map_err(wrap)?
        };
        subcharts.push(sc);
    }
    let values_tree = std::cell::OnceCell::new();
    if let Some(msg) = values_bad_utf8 {
        let _ = values_tree.set(Err(crate::yaml::YamlError {
            file: format!("{location}/values.yaml"),
            line: 1,
            column: 1,
            message: format!("error converting YAML to JSON: {msg}"),
        }));
    }
    if values_text.is_some() {
        let path = format!("{}values.yaml", place.folder);
        if let Some(tree) = place.ahead.and_then(|a| a.values(&path)) {
            let _ = values_tree.set(Ok(tree));
        }
    }
    Ok(Chart {
        metadata,
        location,
        templates,
        files: other,
        values_text,
        values_tree,
        schema,
        subcharts,
    })
}

/// `.helmignore` rules (best effort): `#` comments, `!` negation, trailing
/// `/` for folders, patterns without `/` matched against the base name.
#[derive(Default)]
struct IgnoreRules {
    rules: Vec<(String, bool, bool)>,
}

impl IgnoreRules {
    fn parse(text: &str) -> Self {
        let mut r = IgnoreRules::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            r.add(line);
        }
        r
    }

    fn add(&mut self, rule: &str) {
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (dir_only, rule) = match rule.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let rule = rule.strip_prefix('/').unwrap_or(rule);
        self.rules.push((rule.to_string(), negate, dir_only));
    }

    fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for (pattern, negate, dir_only) in &self.rules {
            if *dir_only && !is_dir && !*negate {
                continue;
            }
            let target = if pattern.contains('/') {
                path
            } else {
                path.rsplit('/').next().unwrap_or(path)
            };
            // Helm's quirk kept: a negated rule ignores everything it does not match.
            if *negate {
                if (*dir_only && !is_dir) || !glob_match(pattern, target, false) {
                    return true;
                }
                continue;
            }
            if glob_match(pattern, target, false) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths_like_go() {
        assert_eq!(clean_path("a/../../b"), "../b");
        assert_eq!(clean_path("a/./b/"), "a/b");
        assert_eq!(clean_path(""), ".");
    }

    #[test]
    fn ignore_rules() {
        let r = IgnoreRules::parse("# c\n*.tmp\nci/\n");
        assert!(r.ignore("a/b.tmp", false));
        assert!(r.ignore("ci", true));
        assert!(!r.ignore("ci", false));
        assert!(!r.ignore("values.yaml", false));
    }
}
