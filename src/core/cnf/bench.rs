//! The continuous-flow benchmark scenarios (docs/benchmarks.md, "Continuous flows"), clock
//! supplied by the caller:
//!
//! - `fm_train`: flow matching with the MLP field (SiLU) on the benchmark moons (2,000 points),
//!   batch 512, Adam 1e−3, through the app's trainer; 20 warm-up + `steps` timed steps;
//!   `final_loss` (mean of the last 100 minibatch losses) and `eval_loss` (the deterministic
//!   set `E`).
//! - `cnf_grid`: exact log-density of the 128 × 128 grid over `[−4, 4]²` through the field with
//!   the SplitMix parameters `P`, RK4 with 32 steps from 1 to 0; mean over `reps` after one
//!   warm-up; checksum `mean_logp`. Timed with the mixed-precision field ([`MlpFast`], `f32`
//!   inside as the peer) and with the `f64` one (`ms_per_grid_f64`, `mean_logp_f64`).
//! - `cnf_nll`: the same solver on the 2,000 moons; `nll` (and `ms_f64`, `nll_f64`).
//!
//! Natively, `cnf_grid` and `cnf_nll` are also timed with the points split over two threads
//! (`ms_per_grid_2_threads`, `ms_2_threads`), as the peer's XLA uses both cores.

use std::hint::black_box;

use super::density::log_density_threads;
use super::field::Field;
use super::fm::eval_set;
use super::fm32::{loss_grad32, FmWork32};
use super::layer::CnfSpec;
use super::mlp_fast::MlpFast;
use super::mlp_field::{splitmix_params, Act, MlpField};
use super::solve::{Method, SolveWork};
use crate::core::bench::{bench_hyper, BenchResult, BATCH, WARMUP};
use crate::core::dataset::standardized_moons;
use crate::core::layer::LayerKind;
use crate::core::points::Points;
use crate::core::stack::Init;
use crate::core::train::{Objective, StepOutcome, Trainer};

/// Native builds also time `cnf_grid` and `cnf_nll` with the points split over two threads
/// (`*_2_threads`), the peer's two cores; the page has one thread for them.
const NATIVE: bool = cfg!(not(target_arch = "wasm32"));

/// RK4 steps of `cnf_grid` and `cnf_nll`.
pub const ODE_STEPS: usize = 32;

/// The `fm_train` scenario, through the app's own trainer: a stack of one continuous layer with
/// the MLP field, trained by maximum likelihood, which such a stack does by flow matching
/// (`core::train`), with the trainer's divergence checks; the field's parameters drawn as the
/// app draws them for this seed.
pub fn run_fm_train(steps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    let data = standardized_moons(2000, 0.05, 0);
    let objective = Objective::MaxLikelihood {
        train: data.clone(),
        heldout: Points::default(),
    };
    let kinds = [LayerKind::Cnf(CnfSpec::MLP)];
    let mut t =
        Trainer::new(&kinds, Init::Default, objective, bench_hyper(1e-3), 0).expect("valid setup");
    t.run_steps(WARMUP);
    let mut losses = Vec::with_capacity(steps);
    let t0 = now();
    for _ in 0..steps {
        match t.step() {
            StepOutcome::Stepped { loss, .. } => losses.push(loss),
            StepOutcome::Diverged(_) => break,
        }
    }
    let dt = (now() - t0).max(1e-6) / 1e3;
    let tail = &losses[losses.len().saturating_sub(100)..];
    let final_loss = tail.iter().sum::<f64>() / tail.len().max(1) as f64;
    // The loss on `E` by the pass training uses (`f32`, summed in `f64`): the `f64` pass would
    // be linked into the page for this one number.
    let eval = loss_grad32(
        t.flow().params(),
        &eval_set(&data, 8192),
        None,
        &mut FmWork32::default(),
    );
    BenchResult::Fields {
        scenario: "fm_train",
        fields: vec![
            ("batch", BATCH as f64),
            ("steps", losses.len() as f64),
            ("steps_per_s", losses.len() as f64 / dt),
            ("final_loss", final_loss),
            ("eval_loss", eval),
        ],
    }
}

/// Milliseconds per `log_density` of the points on `threads` threads (mean of `reps` after one
/// warm-up), and the log-densities.
fn time_density(
    field: &(dyn Field + Sync),
    threads: usize,
    xs: &[f64],
    ys: &[f64],
    reps: usize,
    now: &dyn Fn() -> f64,
) -> (f64, Vec<f64>) {
    let mut out = vec![0.0; xs.len()];
    let mut w = vec![SolveWork::default(); threads.max(1)];
    let run = |xs: &[f64], ys: &[f64], out: &mut [f64], w: &mut [SolveWork]| {
        log_density_threads(field, threads, 1.0, Method::Rk4, ODE_STEPS, xs, ys, out, w);
    };
    run(xs, ys, &mut out, &mut w);
    let reps = reps.max(1);
    let t0 = now();
    for _ in 0..reps {
        run(black_box(xs), black_box(ys), &mut out, &mut w);
        black_box(&mut out);
    }
    ((now() - t0) / reps as f64, out)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// The `cnf_grid` scenario (`n × n`); `f64_reps` all-`f64` runs too (0: none).
pub fn run_cnf_grid(n: usize, reps: usize, f64_reps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    let field = MlpField::new(splitmix_params(), Act::Silu).expect("finite parameters");
    let step = 8.0 / (n.max(2) - 1) as f64;
    let (mut xs, mut ys) = (Vec::with_capacity(n * n), Vec::with_capacity(n * n));
    for j in 0..n {
        for i in 0..n {
            xs.push(-4.0 + i as f64 * step);
            ys.push(-4.0 + j as f64 * step);
        }
    }
    let fast = MlpFast::new(&field);
    let (ms, out) = time_density(&fast, 1, &xs, &ys, reps, now);
    let mut fields = vec![
        ("n", n as f64),
        ("ms_per_grid", ms),
        ("mean_logp", mean(&out)),
    ];
    if NATIVE {
        let (ms2, out2) = time_density(&fast, 2, &xs, &ys, reps, now);
        fields.extend([
            ("ms_per_grid_2_threads", ms2),
            ("mean_logp_2_threads", mean(&out2)),
        ]);
    }
    if f64_reps > 0 {
        let (ms64, out64) = time_density(&field, 1, &xs, &ys, f64_reps, now);
        fields.extend([("ms_per_grid_f64", ms64), ("mean_logp_f64", mean(&out64))]);
    }
    BenchResult::Fields {
        scenario: "cnf_grid",
        fields,
    }
}

/// The `cnf_nll` scenario; `f64_reps` all-`f64` runs too (0: none).
pub fn run_cnf_nll(reps: usize, f64_reps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    let field = MlpField::new(splitmix_params(), Act::Silu).expect("finite parameters");
    let data = standardized_moons(2000, 0.05, 0);
    let fast = MlpFast::new(&field);
    let (ms, out) = time_density(&fast, 1, &data.x, &data.y, reps, now);
    let mut fields = vec![("ms", ms), ("nll", -mean(&out))];
    if NATIVE {
        let (ms2, out2) = time_density(&fast, 2, &data.x, &data.y, reps, now);
        fields.extend([("ms_2_threads", ms2), ("nll_2_threads", -mean(&out2))]);
    }
    if f64_reps > 0 {
        let (ms64, out64) = time_density(&field, 1, &data.x, &data.y, f64_reps, now);
        fields.extend([("ms_f64", ms64), ("nll_f64", -mean(&out64))]);
    }
    BenchResult::Fields {
        scenario: "cnf_nll",
        fields,
    }
}
