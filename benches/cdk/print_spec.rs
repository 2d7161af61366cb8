//! Prints the benchmark workload of `benches/support/specgen.rs` for N services (the only
//! argument), so that compare.sh times aprc on exactly the text the Rust benches use, from the
//! generator itself rather than a port of it. compare.sh compiles this with plain `rustc`;
//! it is no Cargo target.

#[path = "../support/specgen.rs"]
mod specgen;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let services: usize = arg
        .parse()
        .unwrap_or_else(|_| panic!("usage: print_spec N (services), not {arg:?}"));
    print!("{}", specgen::spec(services));
}
