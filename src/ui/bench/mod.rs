//! The `#bench` page (docs/benchmarks.md): the normal app, plus a frame job that runs, in order,
//!
//! 1. the engine scenarios `reverse`, `ml`, `grid`, `coupling_ml`, `spline_ml`, then the
//!    continuous `fm_train`, `cnf_nll`, `cnf_grid` of [`crate::core::bench`] and
//!    [`crate::core::cnf::bench`], compiled to wasm (`"impl": "wasm"`, clock `performance.now()`), one
//!    per frame (each blocks the page while it runs, as a benchmark should);
//! 2. the UI scenarios, through the app's real frame loop, timing each frame's work
//!    (`FrameTimes::work_ms`, every job of the frame: `frame_ms_p50/p95`) and the interval
//!    between animation frames (`FrameTimes::interval_ms`, the callback and the browser's own
//!    rendering: `frame_interval_ms_p50/p95`), and driving the app only through the actions
//!    the user's events call:
//!    - `train`: planar K = 32 fitted to 1,000 two-moons points (opened as a link: FFJORD
//!      generator, default noise, seed 1; all 1,000 train), held-out NLL on 1,000 fresh points
//!      (seed 2, also the trainer's held-out set, so `seconds_to_2_55` comes from the app's
//!      periodic evaluation), visualizer on, for up to 30 s;
//!    - `scrub`: the trained model played through its 32 layers (8 layers/s, looping), with the
//!      density view and the grid, particle and data overlays on (volume off), 240 frames;
//!    - `drag`: layer 16 selected (the view jumps to its input stage), its `w` handle grabbed
//!      and carried once around its anchor in 120 pointer positions, one per frame, through
//!      the editor's pointer path (`actions::layers::{press, drag_to, release}`).
//!
//! Each scenario's JSON line is appended to `<pre id="bench-results">`; `data-done="true"` is set
//! when all are written. `#bench&quick` runs a reduced workload (for the e2e test);
//! `#bench&spline` runs the `train_spline` scenario alone (to reproduce that line quickly).

mod options;
mod report;
mod scenarios;
mod setup;

pub use options::{requested, Options};
pub use scenarios::Bench;
