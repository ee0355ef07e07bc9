#![cfg(not(target_arch = "wasm32"))]
//! The memory budget of a link (`state/keys.rs`): training needs about
//! `batch · Σ point_layer_bytes(kind)` bytes, and no link or embed command can ask for more than
//! `TRAIN_BUDGET_BYTES`. Checked against measurement, not against the estimate itself: each case
//! runs in a child process (this test binary again) that builds a trainer and takes two steps,
//! and reports the growth of its peak resident memory (`VmHWM` in /proc/self/status, Linux).

use flow_playground::core::{Hyper, Init, Keep, LayerKind, Objective, Preset, Trainer};
use flow_playground::state::{self, TRAIN_BUDGET_BYTES};

fn status_kb(field: &str) -> usize {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

const KINDS: [LayerKind; 6] = [
    LayerKind::Planar,
    LayerKind::Radial,
    LayerKind::Sylvester,
    LayerKind::Scale,
    LayerKind::Affine(Keep::X),
    LayerKind::Spline(Keep::X),
];

/// The child: `BUDGET_CHILD=kind,k,batch` trains and prints `BYTES=<peak growth>`.
#[test]
fn child() {
    let Ok(spec) = std::env::var("BUDGET_CHILD") else {
        return;
    };
    let v: Vec<usize> = spec.split(',').map(|x| x.parse().unwrap()).collect();
    let (kind, k, batch) = (KINDS[v[0]], v[1], v[2]);
    let train = Preset::Checkerboard.generate(20_000, 0.0, 1);
    let heldout = Preset::Checkerboard.generate(100, 0.0, 2);
    let objective = Objective::MaxLikelihood { train, heldout };
    let mut h = Hyper::ml_default();
    h.batch = batch;
    h.eval_every = 0;
    let before = status_kb("VmRSS:");
    let mut t = Trainer::new(&vec![kind; k], Init::Default, objective, h, 1).unwrap();
    t.run_steps(2);
    let peak = status_kb("VmHWM:");
    println!("BYTES={}", (peak - before) * 1024);
}

/// Peak memory growth (bytes) of training `k` layers of `KINDS[kind]` on minibatches of `batch`.
fn measure(kind: usize, k: usize, batch: usize) -> usize {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env("BUDGET_CHILD", format!("{kind},{k},{batch}"))
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    s.split("BYTES=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("child printed no measurement: {s}"))
        .parse()
        .unwrap()
}

#[test]
fn the_per_kind_estimate_covers_what_training_measures() {
    for (i, &kind) in KINDS.iter().enumerate() {
        // The slope in the batch: (4 layers at 4,096) − (4 layers at 1,024), per point and layer.
        let small = measure(i, 4, 1024);
        let large = measure(i, 4, 4096);
        let measured = large.saturating_sub(small) as f64 / (3072.0 * 4.0);
        let estimate = state::ranges::point_layer_bytes(kind) as f64;
        assert!(
            estimate >= measured && estimate <= 1.6 * measured.max(40.0),
            "{kind:?}: estimate {estimate} B per point and layer, measured {measured:.1}"
        );
    }
}

#[test]
fn the_largest_state_a_link_can_ask_for_fits_the_budget() {
    let (c, warnings) = state::decode("v=1&mode=checkerboard&n=20000&K=64&layers=64n&batch=8192");
    assert!(
        warnings.iter().any(|w| w.key == "batch"),
        "the batch is cut, and the link says so: {warnings:?}"
    );
    assert!(
        c.train.batch < 8192 && c.train.batch >= 1000,
        "batch {}",
        c.train.batch
    );
    let bytes = measure(5, 64, c.train.batch);
    assert!(
        bytes <= TRAIN_BUDGET_BYTES,
        "64 spline layers at batch {} took {} MB",
        c.train.batch,
        bytes >> 20
    );
    // Without the cut the same stack takes several times the budget: the bound is real.
    let unbounded = measure(5, 64, 8192);
    assert!(unbounded > 2 * TRAIN_BUDGET_BYTES, "{} MB", unbounded >> 20);
}
