//! The template lexer and parser on arbitrary text: an error or a tree,
//! never a panic or a hang. Parsing runs on a thread with the render's
//! large stack, as everywhere in trace-value: the parser recurses a few
//! frames per nested parenthesis, and Go allows 10,000 of them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_string();
    let _ = trace_value::render::with_large_stack(move || {
        let is_func = |name: &str| {
            trace_value::funcs::lookup(name).is_some()
                || trace_value::funcs::EVALUATOR_FUNCS.contains(&name)
        };
        let _ = trace_value::template::parse("fuzz/templates/t.yaml", &text, &is_func);
        Ok(())
    });
});
