//! The `trace-value` command line.

fn main() {
    println!("trace-value: not yet");
}
