//! The YAML loader on arbitrary text: as a chart's `values.yaml` (every
//! document), as a `-f` file, and through `fromYaml`; then `toYaml` and
//! `toJson` of what it read.
#![no_main]

use std::rc::Rc;

use libfuzzer_sys::fuzz_target;
use trace_value::origin::{Layer, OriginTable};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        let _ = trace_value::yaml::utf8_error(data);
        return;
    };
    let mut origins = OriginTable::default();
    if let Ok(tree) = trace_value::yaml::parse_values_tree(text, "values.yaml") {
        if let Ok(v) = trace_value::yaml::values_from_tree(
            &tree,
            Rc::from("values.yaml"),
            Layer::UserFile,
            &mut origins,
        ) {
            let _ = trace_value::yaml::try_to_yaml(&v, None);
            let _ = trace_value::json::encode_string(
                &v,
                trace_value::json::EncodeOpts {
                    escape_html: true,
                    pretty: false,
                },
            );
        }
    }
    let _ = trace_value::yaml::load_values(text, Rc::from("f.yaml"), Layer::UserFile, &mut origins);
    let _ = trace_value::yaml::parse_yaml_value(&trace_value::traced::TStr::plain(text));
});
