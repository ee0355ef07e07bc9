//! The benchmark scenarios of docs/benchmarks.md, runnable natively (`examples/bench.rs`)
//! and from the wasm app. Core has no clock: the caller passes `now()` in milliseconds.
//!
//! - `reverse`: K = 32 planar layers, base N(0, I), target U1, 512 base samples per step, Adam
//!   lr 1e−3 (no clipping, no annealing, constant lr), 20 warm-up + `steps` timed steps; free
//!   energy on 65 536 fresh samples.
//! - `ml`: K = 32 planar layers data → latent on the standardized two moons (2000 points,
//!   noise 0.05), minibatch 512 with replacement, Adam lr 5e−3, 20 warm-up + `steps` timed;
//!   NLL on all 2000 points.
//! - `grid`: log-density of a 256 × 256 grid (linspace over [−4, 4]², inclusive, as the peer)
//!   through K = 32 planar layers with random parameters, Normalizing direction; mean over `reps`.
//!
//! - `coupling_ml`: K = 8 affine coupling layers (keeping x, y, x, …), conditioner MLP
//!   1→32→32→2 with tanh, data → latent on the same moons, minibatch 512 with replacement, Adam
//!   lr 1e−3 (no schedule), 20 warm-up + `steps` timed; NLL on all 2000 points.
//! - `spline_ml`: the same with K = 4 rational-quadratic spline coupling layers (8 bins on
//!   [−3, 3], conditioner 1→32→32→23).
//! - `spline_grid`: log-density of a 64 × 64 and a 128 × 128 grid over [−4, 4]² through the
//!   `spline_ml` flow (raw parameters `0.3·N(0, 1)`): the density view of a spline flow.
//!
//! Initial parameters of the planar scenarios follow the JAX peer: every raw parameter
//! `0.1·N(0, 1)`. The coupling scenarios start as in docs/benchmarks.md ([`Init::Default`]:
//! hidden layers `U(±1/√fan_in)`, output layers zero, so the flow starts as the identity and the
//! initial NLL is `log 2π + 1 = 2.8379`).

use std::hint::black_box;

use rand::rngs::SmallRng;
use rand::SeedableRng;

use super::coupling::Keep;
use super::dataset::standardized_moons;
use super::energy::Energy;
use super::flow::{Direction, Flow, Workspace};
use super::layer::LayerKind;
use super::objective::{evaluate_energy, mean_nll, Annealing};
use super::points::Points;
use super::stack::{init_params, Init};
use super::train::{Hyper, LrSchedule, Objective, Trainer};

/// Layers in every scenario.
pub const K: usize = 32;
/// Batch size of the training scenarios.
pub const BATCH: usize = 512;
/// Warm-up steps before timing.
pub const WARMUP: usize = 20;

/// One scenario's result (fields as in the peers' JSON).
#[derive(Clone, Debug, PartialEq)]
pub enum BenchResult {
    /// A training scenario.
    Train {
        /// `"reverse"`, `"ml"`, `"coupling_ml"` or `"spline_ml"`.
        scenario: &'static str,
        /// Layers.
        k: usize,
        /// Batch size.
        batch: usize,
        /// Timed steps.
        steps: usize,
        /// Timed steps per second.
        steps_per_s: f64,
        /// `("free_energy" | "nll", value)`.
        metric: (&'static str, f64),
    },
    /// A density-grid scenario.
    Grid {
        /// `"grid"` or `"spline_grid"`.
        scenario: &'static str,
        /// Layers.
        k: usize,
        /// Grid side.
        n: usize,
        /// Milliseconds per grid.
        ms_per_grid: f64,
    },
    /// A continuous-flow scenario (`cnf::bench`): named numbers in the peer's field names.
    Fields {
        /// `"fm_train"`, `"cnf_grid"` or `"cnf_nll"`.
        scenario: &'static str,
        /// `(field, value)` in output order.
        fields: Vec<(&'static str, f64)>,
    },
}

impl BenchResult {
    /// One JSON line with the peers' field names plus `"impl"`.
    pub fn to_json(&self, implementation: &str) -> String {
        match self {
            BenchResult::Train { scenario, k, batch, steps, steps_per_s, metric } => format!(
                "{{\"scenario\": \"{scenario}\", \"impl\": \"{implementation}\", \"k\": {k}, \"batch\": {batch}, \
                 \"steps\": {steps}, \"steps_per_s\": {steps_per_s:.1}, \"{}\": {:.6}}}",
                metric.0, metric.1
            ),
            BenchResult::Grid { scenario, k, n, ms_per_grid } => format!(
                "{{\"scenario\": \"{scenario}\", \"impl\": \"{implementation}\", \"k\": {k}, \"n\": {n}, \"ms_per_grid\": {ms_per_grid:.3}}}"
            ),
            BenchResult::Fields { scenario, fields } => {
                let mut line = format!("{{\"scenario\": \"{scenario}\", \"impl\": \"{implementation}\"");
                for (name, v) in fields {
                    line.push_str(&format!(", \"{name}\": {v:.6}"));
                }
                line.push('}');
                line
            }
        }
    }
}

pub(crate) fn bench_hyper(lr: f64) -> Hyper {
    Hyper {
        lr,
        batch: BATCH,
        clip: None,
        schedule: LrSchedule::Constant,
        eval_every: 0,
        eval_samples: 0,
    }
}

/// `(steps run, steps/s)` of `steps` timed steps after the warm-up. A run stops at a
/// divergence (nothing here halves the rate), so the steps actually run are reported: a
/// diverging scenario shows in its `"steps"` field instead of inflating `steps_per_s`.
fn timed_steps(t: &mut Trainer, steps: usize, now: &dyn Fn() -> f64) -> (usize, f64) {
    t.run_steps(WARMUP);
    let t0 = now();
    let done = t.run_steps(steps).steps;
    let dt = (now() - t0).max(1e-6) / 1e3;
    (done, done as f64 / dt)
}

/// The `reverse` scenario.
pub fn run_reverse(steps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    let kinds = vec![LayerKind::Planar; K];
    let objective = Objective::Energy {
        energy: Energy::U1.into(),
        annealing: Annealing::Off,
    };
    let mut t = Trainer::new(
        &kinds,
        Init::SmallNormal(0.1),
        objective,
        bench_hyper(1e-3),
        0,
    )
    .expect("valid setup");
    let (steps, steps_per_s) = timed_steps(&mut t, steps, now);
    let mut rng = SmallRng::seed_from_u64(7);
    let e = evaluate_energy(
        t.flow(),
        Energy::U1,
        1 << 16,
        &mut rng,
        &mut Workspace::default(),
    );
    BenchResult::Train {
        scenario: "reverse",
        k: K,
        batch: BATCH,
        steps,
        steps_per_s,
        metric: ("free_energy", e.free_energy),
    }
}

/// The `ml` scenario.
pub fn run_ml(steps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    let kinds = vec![LayerKind::Planar; K];
    let data = standardized_moons(2000, 0.05, 0);
    let objective = Objective::MaxLikelihood {
        train: data.clone(),
        heldout: Points::default(),
    };
    let mut t = Trainer::new(
        &kinds,
        Init::SmallNormal(0.1),
        objective,
        bench_hyper(5e-3),
        0,
    )
    .expect("valid setup");
    let (steps, steps_per_s) = timed_steps(&mut t, steps, now);
    let nll = mean_nll(t.flow(), &data.x, &data.y, &mut Workspace::default());
    BenchResult::Train {
        scenario: "ml",
        k: K,
        batch: BATCH,
        steps,
        steps_per_s,
        metric: ("nll", nll),
    }
}

/// Layers of the `coupling_ml` scenario.
pub const K_COUPLING: usize = 8;
/// Layers of the `spline_ml` scenario.
pub const K_SPLINE: usize = 4;

/// A maximum-likelihood scenario on the benchmark moons: `kinds` from `init`, Adam at `lr`.
fn run_ml_with(
    scenario: &'static str,
    kinds: &[LayerKind],
    init: Init,
    lr: f64,
    steps: usize,
    now: &dyn Fn() -> f64,
) -> BenchResult {
    let data = standardized_moons(2000, 0.05, 0);
    let objective = Objective::MaxLikelihood {
        train: data.clone(),
        heldout: Points::default(),
    };
    let mut t = Trainer::new(kinds, init, objective, bench_hyper(lr), 0).expect("valid setup");
    let (steps, steps_per_s) = timed_steps(&mut t, steps, now);
    let nll = mean_nll(t.flow(), &data.x, &data.y, &mut Workspace::default());
    BenchResult::Train {
        scenario,
        k: kinds.len(),
        batch: BATCH,
        steps,
        steps_per_s,
        metric: ("nll", nll),
    }
}

/// The `coupling_ml` scenario's kinds: `K_COUPLING` affine coupling layers keeping x, y, x, …
/// (listed explicitly: the app's [`super::stack::StackPattern::AllAffine`] leads with a scale
/// layer, which the benchmark scenarios of docs/benchmarks.md do not have).
pub fn coupling_ml_kinds() -> Vec<LayerKind> {
    (0..K_COUPLING)
        .map(|i| LayerKind::Affine(Keep::at_position(i)))
        .collect()
}

/// The `spline_ml` scenario's kinds: `K_SPLINE` spline coupling layers keeping x, y, x, …
/// (explicit, without the patterns' scale layer, as [`coupling_ml_kinds`]).
pub fn spline_ml_kinds() -> Vec<LayerKind> {
    (0..K_SPLINE)
        .map(|i| LayerKind::Spline(Keep::at_position(i)))
        .collect()
}

/// The `coupling_ml` scenario.
pub fn run_coupling_ml(steps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    run_ml_with(
        "coupling_ml",
        &coupling_ml_kinds(),
        Init::Default,
        1e-3,
        steps,
        now,
    )
}

/// The `spline_ml` scenario.
pub fn run_spline_ml(steps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    run_ml_with(
        "spline_ml",
        &spline_ml_kinds(),
        Init::Default,
        1e-3,
        steps,
        now,
    )
}

/// The `grid` scenario (`n × n`, mean over `reps` after one warm-up evaluation).
pub fn run_grid(n: usize, reps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    let kinds = vec![LayerKind::Planar; K];
    let params = init_params(&kinds, Init::SmallNormal(0.1), 3);
    let flow = Flow::with_params(&kinds, &params, Direction::Normalizing).expect("sizes match");
    time_grid("grid", &flow, n, reps, now)
}

/// The `spline_grid` scenario: the exact density the app draws for a spline flow, i.e. the
/// log-density of an `n × n` grid over `[−4, 4]²` through the `spline_ml` flow (K = 4 spline
/// coupling layers, Normalizing as trained: each point through every layer's conditioner and
/// spline). Raw parameters `0.3·N(0, 1)`, so that every spline bends; mean over `reps` after
/// one warm-up evaluation.
pub fn run_spline_grid(n: usize, reps: usize, now: &dyn Fn() -> f64) -> BenchResult {
    let kinds = spline_ml_kinds();
    let params = init_params(&kinds, Init::SmallNormal(0.3), 3);
    let flow = Flow::with_params(&kinds, &params, Direction::Normalizing).expect("sizes match");
    time_grid("spline_grid", &flow, n, reps, now)
}

/// Milliseconds per `log_density` of the `n × n` grid over `[−4, 4]²` (linspace, inclusive, as
/// the peer) at the flow's last stage.
fn time_grid(
    scenario: &'static str,
    flow: &Flow,
    n: usize,
    reps: usize,
    now: &dyn Fn() -> f64,
) -> BenchResult {
    let k = flow.len();
    let step = if n > 1 { 8.0 / (n - 1) as f64 } else { 0.0 };
    let (mut xs, mut ys) = (Vec::with_capacity(n * n), Vec::with_capacity(n * n));
    for j in 0..n {
        for i in 0..n {
            xs.push(-4.0 + i as f64 * step);
            ys.push(-4.0 + j as f64 * step);
        }
    }
    let mut out = vec![0.0; n * n];
    let mut ws = Workspace::default();
    flow.log_density(k as f64, &xs, &ys, &mut out, &mut ws);
    let reps = reps.max(1);
    let t0 = now();
    for _ in 0..reps {
        // Inputs and output through `black_box`: nothing reads `out`, and without it the
        // optimiser could hoist the evaluation out of the loop or drop it.
        flow.log_density(k as f64, black_box(&xs), black_box(&ys), &mut out, &mut ws);
        black_box(&mut out);
    }
    let ms = (now() - t0) / reps as f64;
    BenchResult::Grid {
        scenario,
        k,
        n,
        ms_per_grid: ms,
    }
}
