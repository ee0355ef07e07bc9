//! Native benchmark: `cargo run --release --example bench -- --scenario all|reverse|ml|grid
//! [--steps N]`. Prints one JSON line per scenario with the JAX peer's fields plus
//! `"impl": "native"` (scenarios in `flow_playground::core::bench`).

use std::time::Instant;

use flow_playground::core::bench::{run_grid, run_ml, run_reverse};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let scenario = arg("--scenario").unwrap_or_else(|| "all".to_string());
    let steps = arg("--steps").and_then(|s| s.parse().ok()).unwrap_or(2000);
    let start = Instant::now();
    let now = move || start.elapsed().as_secs_f64() * 1e3;
    let list: Vec<&str> = match scenario.as_str() {
        "all" => vec!["reverse", "ml", "grid"],
        s @ ("reverse" | "ml" | "grid") => vec![s],
        other => {
            eprintln!("unknown scenario {other:?}; use all, reverse, ml or grid");
            std::process::exit(2);
        }
    };
    for s in list {
        let r = match s {
            "reverse" => run_reverse(steps, &now),
            "ml" => run_ml(steps, &now),
            _ => run_grid(256, 20, &now),
        };
        println!("{}", r.to_json("native"));
    }
}
