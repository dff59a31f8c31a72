//! `--set` parsing on arbitrary flag values, in every mode, into one map.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trace_value::chart::strvals::{parse_into, parse_literal_into, Mode};
use trace_value::origin::{Layer, Origin, OriginTable};
use trace_value::value::MapRef;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut origins = OriginTable::default();
    let mut fresh = || {
        origins.add(Origin {
            path: String::new(),
            layer: Layer::UserFile,
            pos: None,
        })
    };
    let dest = MapRef::new();
    let reader = |_: &str| -> Result<String, String> { Ok("file text".to_string()) };
    for line in text.lines() {
        let _ = parse_into(line, &dest, Mode::Typed, &mut fresh);
        let _ = parse_into(line, &dest, Mode::Str, &mut fresh);
        let _ = parse_into(line, &dest, Mode::Json, &mut fresh);
        let _ = parse_into(line, &dest, Mode::File(&reader), &mut fresh);
        let _ = parse_literal_into(line, &dest, &mut fresh);
    }
});
