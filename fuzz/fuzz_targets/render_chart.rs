//! Template execution on small random charts: the input is a template, a
//! NUL byte, and a `values.yaml`; the chart is packed in memory and
//! rendered with tracing. Every render ends in output or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn tgz(files: &[(&str, &[u8])]) -> Option<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    let mut tar = tar::Builder::new(gz);
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, format!("fuzz/{name}"), *data)
            .ok()?;
    }
    tar.into_inner().ok()?.finish().ok()
}

fuzz_target!(|data: &[u8]| {
    let (template, values) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Some(blob) = tgz(&[
        (
            "Chart.yaml",
            b"apiVersion: v2\nname: fuzz\nversion: 0.1.0\n",
        ),
        ("templates/t.yaml", template),
        (
            "templates/_helpers.tpl",
            b"{{ define \"h\" }}[{{ . }}]{{ end }}",
        ),
        ("values.yaml", values),
        ("files/a.txt", b"a: 1\nb: [x, y]\n"),
    ]) else {
        return;
    };
    let _ = trace_value::render::with_large_stack(move || {
        let chart = trace_value::chart::load_chart_archive(&blob, None)?;
        let loaded = trace_value::render::LoadedChart::new(chart);
        let req = trace_value::render::RenderRequest {
            release_name: "rel".to_string(),
            namespace: "default".to_string(),
            ..Default::default()
        };
        trace_value::render::render_loaded(&loaded, &req).map(|_| ())
    });
});
