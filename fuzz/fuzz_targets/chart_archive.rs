//! Chart archive loading on arbitrary bytes: a gzip stream of a tar of
//! chart files, refused or loaded, never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Raw bytes as an archive, and the bytes as a tar wrapped in gzip.
    let _ = trace_value::chart::load_chart_archive(data, None);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    if std::io::Write::write_all(&mut gz, data).is_ok() {
        if let Ok(blob) = gz.finish() {
            let _ = trace_value::chart::load_chart_archive(&blob, None);
        }
    }
});
