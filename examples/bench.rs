//! Native benchmark: `cargo run --release --example bench -- --scenario
//! all|reverse|ml|grid|coupling_ml|spline_ml|spline_grid|fm_train|cnf_grid|cnf_nll [--steps N]`. Prints one JSON line per scenario with the JAX peer's fields plus
//! `"impl": "native"` (scenarios in `flow_playground::core::bench`).

use std::time::Instant;

use flow_playground::core::bench::{
    run_coupling_ml, run_grid, run_ml, run_reverse, run_spline_grid, run_spline_ml,
};
use flow_playground::core::cnf::bench::{run_cnf_grid, run_cnf_nll, run_fm_train};

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
        "all" => vec![
            "reverse",
            "ml",
            "grid",
            "coupling_ml",
            "spline_ml",
            "spline_grid",
            "fm_train",
            "cnf_grid",
            "cnf_nll",
        ],
        s @ ("reverse" | "ml" | "grid" | "coupling_ml" | "spline_ml" | "spline_grid"
        | "fm_train" | "cnf_grid" | "cnf_nll") => vec![s],
        other => {
            eprintln!(
                "unknown scenario {other:?}; use all, reverse, ml, grid, coupling_ml, spline_ml \
                 spline_grid, fm_train, cnf_grid or cnf_nll"
            );
            std::process::exit(2);
        }
    };
    for s in list {
        let results = match s {
            "reverse" => vec![run_reverse(steps, &now)],
            "ml" => vec![run_ml(steps, &now)],
            "coupling_ml" => vec![run_coupling_ml(steps, &now)],
            "spline_ml" => vec![run_spline_ml(steps, &now)],
            "spline_grid" => vec![
                run_spline_grid(64, 50, &now),
                run_spline_grid(128, 20, &now),
            ],
            "fm_train" => vec![run_fm_train(steps, &now)],
            "cnf_grid" => vec![run_cnf_grid(128, 20, 5, &now)],
            "cnf_nll" => vec![run_cnf_nll(50, 13, &now)],
            _ => vec![run_grid(256, 20, &now)],
        };
        for r in results {
            println!("{}", r.to_json("native"));
        }
    }
}
