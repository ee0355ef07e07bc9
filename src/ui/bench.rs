//! The `#bench` page (`shared/bench/SCENARIOS.md`): the normal app is mounted, then a driver
//! running on its own animation frames runs, in order,
//!
//! 1. the engine scenarios `reverse`, `ml`, `grid` of [`crate::core::bench`] compiled to wasm
//!    (`"impl": "wasm"`, clock `performance.now()`), one per frame (each blocks the page while
//!    it runs, as a benchmark should);
//! 2. the UI scenarios, through the app's real animation-frame loop (`frame.rs`), timing each
//!    frame's own work with `FrameTimes::work_ms`:
//!    - `train`: planar K = 32 fitted to 1,000 two-moons points (FFJORD generator, default
//!      noise, seed 1; all 1,000 train), held-out NLL on 1,000 fresh points (seed 2, also the
//!      trainer's held-out set, so `seconds_to_2_55` comes from the app's periodic evaluation),
//!      visualizer on, for up to 30 s;
//!    - `scrub`: the trained model played through its 32 layers (8 layers/s, looping), with the
//!      density view and the grid, particle and data overlays on (volume off), 240 frames;
//!    - `drag`: 120 positions of layer 16's hyperplane (w rotated, b moved), one per frame,
//!      written straight into the raw parameters (the layer editor's handles end in the same
//!      parameter write + redraw).
//!
//! The driver sets what the scenarios need (overlays, speed, looping; reduced motion off) and
//! clears `work_ms` at each scenario's start. Each scenario's JSON line is appended to
//! `<pre id="bench-results">`; `data-done="true"` is set when all are written. `#bench&quick`
//! runs a reduced workload (for the e2e test).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::bench::{run_grid, run_ml, run_reverse};
use crate::core::objective::mean_nll;
use crate::core::{Eval, Objective, Points, Preset, StackPattern, Workspace};

use super::app;
use super::frame::{self, now_ms, FrameTimes, Parts};
use super::main_view::Overlays;
use super::state::{TargetChoice, Ui};
use super::thumbs;

/// Layers of the UI scenarios.
const K: usize = 32;
/// 1-based index of the layer the `drag` scenario moves.
const DRAG_LAYER: usize = 16;
/// Held-out NLL the `train` scenario times (nats; the generator's entropy is 2.393).
const NLL_TARGET: f64 = 2.55;
/// Seeds of the training and the fresh held-out moons.
const TRAIN_SEED: u64 = 1;
const HELDOUT_SEED: u64 = 2;

/// Workload sizes.
#[derive(Clone, Copy, Debug)]
struct Workload {
    engine_steps: usize,
    grid_reps: usize,
    train_ms: f64,
    scrub_frames: usize,
    drag_positions: usize,
}

impl Workload {
    fn new(quick: bool) -> Self {
        if quick {
            Workload {
                engine_steps: 100,
                grid_reps: 2,
                train_ms: 3_000.0,
                scrub_frames: 60,
                drag_positions: 30,
            }
        } else {
            Workload {
                engine_steps: 2000,
                grid_reps: 20,
                train_ms: 30_000.0,
                scrub_frames: 240,
                drag_positions: 120,
            }
        }
    }
}

/// `Some(quick)` if the page was opened as `#bench` or `#bench&…` (`quick` if `&quick` is
/// among the options). Read it before mounting: the app later rewrites the fragment.
pub fn requested() -> Option<bool> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let rest = hash.strip_prefix("#bench")?;
    if !(rest.is_empty() || rest.starts_with('&')) {
        return None;
    }
    Some(rest.split('&').any(|o| o == "quick"))
}

/// Starts the benchmark driver (call after mounting the app).
pub fn start(quick: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(pre) = doc.create_element("pre") else {
        return;
    };
    pre.set_id("bench-results");
    let _ = pre.set_attribute("data-done", "false");
    let _ = pre.set_attribute("aria-live", "polite");
    if let Some(body) = doc.body() {
        let _ = body.append_child(&pre);
    }
    let driver = Rc::new(RefCell::new(Driver {
        work: Workload::new(quick),
        pre,
        lines: String::new(),
        phase: Phase::WaitApp { frames: 0 },
    }));
    schedule(driver);
}

fn schedule(d: Rc<RefCell<Driver>>) {
    request_animation_frame(move || {
        let more = d.borrow_mut().tick();
        if more {
            schedule(d);
        }
    });
}

/// Per-scenario recording: tick timestamps and density resolutions seen.
#[derive(Default)]
struct Rec {
    ticks: Vec<f64>,
    grid_n: Vec<usize>,
}

enum Phase {
    WaitApp {
        frames: usize,
    },
    Engine(usize),
    Train {
        t0: f64,
        step0: u64,
        reached: Option<f64>,
        heldout: Points,
        rec: Rec,
    },
    Scrub {
        rec: Rec,
    },
    Drag {
        i: usize,
        base: [f64; 5],
        rec: Rec,
    },
    Done,
}

struct Driver {
    work: Workload,
    pre: web_sys::Element,
    lines: String,
    phase: Phase,
}

impl Driver {
    fn emit(&mut self, line: &str) {
        self.lines.push_str(line);
        self.lines.push('\n');
        self.pre.set_text_content(Some(&self.lines));
    }

    /// One animation frame of the driver; false when finished.
    fn tick(&mut self) -> bool {
        let Some((ui, times)) = frame::running() else {
            return true; // the app's loop has not started yet
        };
        let now = now_ms();
        match &mut self.phase {
            Phase::WaitApp { frames } => {
                // Let the app draw its first picture(s) before loading the page with work.
                *frames += 1;
                if *frames >= 3 {
                    let _ = self.pre.set_attribute("data-phase", "engine");
                    self.phase = Phase::Engine(0);
                }
            }
            Phase::Engine(i) => {
                let i = *i;
                let clock = now_ms;
                let w = self.work;
                let r = match i {
                    0 => run_reverse(w.engine_steps, &clock),
                    1 => run_ml(w.engine_steps, &clock),
                    _ => run_grid(256, w.grid_reps, &clock),
                };
                self.emit(&r.to_json("wasm"));
                self.phase = if i < 2 {
                    Phase::Engine(i + 1)
                } else {
                    let _ = self.pre.set_attribute("data-phase", "train");
                    self.start_train(ui, &times, now)
                };
            }
            Phase::Train {
                t0,
                step0,
                reached,
                heldout,
                rec,
            } => {
                rec.ticks.push(now);
                if let Some(n) = grid_n() {
                    rec.grid_n.push(n);
                }
                if reached.is_none() {
                    let eval = ui.session.with_value(|s| s.trainer.last_eval());
                    if matches!(eval, Some(Eval::HeldOutNll(v)) if v <= NLL_TARGET) {
                        *reached = Some((now - *t0) / 1e3);
                    }
                }
                if now - *t0 >= self.work.train_ms {
                    ui.training.set(false);
                    let (steps, nll) = ui.session.with_value(|s| {
                        let mut ws = Workspace::default();
                        (
                            s.trainer.step_count() - *step0,
                            mean_nll(s.trainer.flow(), &heldout.x, &heldout.y, &mut ws),
                        )
                    });
                    let secs = (now - *t0) / 1e3;
                    let parts = parts_json(&times);
                    let work = take_work(&times);
                    let mut ns = rec.grid_n.clone();
                    ns.sort_unstable();
                    let grid_median = ns.get(ns.len() / 2).copied().unwrap_or(0);
                    let reached = reached.map_or("null".to_string(), |s| format!("{s:.2}"));
                    let line = format!(
                        "{{\"scenario\": \"train\", \"impl\": \"wasm\", \"k\": {K}, \"points\": 1000, \"frames\": {}, \
                         \"frame_ms_p50\": {:.2}, \"frame_ms_p95\": {:.2}, \"steps\": {steps}, \"seconds\": {secs:.2}, \
                         \"steps_per_s\": {:.1}, \"heldout_nll\": {nll:.4}, \"seconds_to_2_55\": {reached}, \
                         \"grid_n\": {grid_median}, \"parts_ms_p50_p95\": {parts}, \"note\": \"planar K=32 on 1000 FFJORD moons (noise 0.2, seed 1), held-out: 1000 fresh points (seed 2); app defaults (Adam lr 5e-3 cosine, batch 512), visualizer at the last stage with grid, particles and data overlays\"}}",
                        work.len(),
                        percentile(&work, 0.5),
                        percentile(&work, 0.95),
                        steps as f64 / secs.max(1e-9),
                    );
                    self.emit(&line);
                    let line = thumbs_line(ui);
                    self.emit(&line);
                    let _ = self.pre.set_attribute("data-phase", "scrub");
                    self.phase = start_scrub(ui, &times);
                }
            }
            Phase::Scrub { rec } => {
                rec.ticks.push(now);
                if let Some(n) = grid_n() {
                    rec.grid_n.push(n);
                }
                if rec.ticks.len() > self.work.scrub_frames {
                    ui.playing.set(false);
                    let work = take_work(&times);
                    let mut ns = rec.grid_n.clone();
                    ns.sort_unstable();
                    let median = ns.get(ns.len() / 2).copied().unwrap_or(0);
                    let line = format!(
                        "{{\"scenario\": \"scrub\", \"impl\": \"wasm\", \"k\": {K}, \"frames\": {}, \
                         \"frame_ms_p50\": {:.2}, \"frame_ms_p95\": {:.2}, \"grid_n\": {median}, \
                         \"grid_n_min\": {}, \"grid_n_max\": {}, \"frames_per_s\": {:.1}, \"canvas\": \"{}\", \
                         \"overlays\": \"grid+particles+data (volume off)\", \
                         \"note\": \"the trained model of the train scenario played 0 to K at 8 layers/s, looping\"}}",
                        work.len(),
                        percentile(&work, 0.5),
                        percentile(&work, 0.95),
                        ns.first().copied().unwrap_or(0),
                        ns.last().copied().unwrap_or(0),
                        rate(&rec.ticks),
                        canvas_size(),
                    );
                    self.emit(&line);
                    let _ = self.pre.set_attribute("data-phase", "drag");
                    self.phase = start_drag(ui, &times);
                }
            }
            Phase::Drag { i, base, rec } => {
                rec.ticks.push(now);
                let n = self.work.drag_positions;
                if *i < n {
                    let p = drag_params(*base, *i, n);
                    ui.session.update_value(|s| {
                        let r = s.trainer.flow().param_range(DRAG_LAYER - 1);
                        s.trainer.params_mut()[r].copy_from_slice(&p);
                    });
                    ui.bump();
                    *i += 1;
                } else {
                    // This frame drew the last position.
                    let parts = parts_json(&times);
                    let work = take_work(&times);
                    let line = format!(
                        "{{\"scenario\": \"drag\", \"impl\": \"wasm\", \"k\": {K}, \"positions\": {n}, \"frames\": {}, \
                         \"frames_per_s\": {:.1}, \"frame_ms_p50\": {:.2}, \"frame_ms_p95\": {:.2}, \
                         \"parts_ms_p50_p95\": {parts}, \"note\": \"drives layer {DRAG_LAYER}'s raw parameters directly (w rotated a full turn, b moved along a sine), one position per animation frame, then a redraw through the app's frame loop; not through pointer events\"}}",
                        work.len(),
                        rate(&rec.ticks),
                        percentile(&work, 0.5),
                        percentile(&work, 0.95),
                    );
                    self.emit(&line);
                    let _ = self.pre.set_attribute("data-phase", "done");
                    let _ = self.pre.set_attribute("data-done", "true");
                    self.phase = Phase::Done;
                }
            }
            Phase::Done => return false,
        }
        true
    }

    fn start_train(&self, ui: Ui, times: &Rc<RefCell<FrameTimes>>, now: f64) -> Phase {
        ui.playing.set(false);
        ui.reduced_motion.set(false);
        ui.overlays.set(Overlays {
            grid: true,
            particles: true,
            data: true,
            volume: false,
        });
        ui.session.update_value(|s| {
            s.spec.k = K;
            s.spec.pattern = StackPattern::AllPlanar;
            s.spec.seed = 1;
        });
        // The user's path: two moons, 1,000 points (rebuilds a fresh K = 32 model).
        let moons = Preset::TwoMoons;
        app::set_target(ui, TargetChoice::Preset(moons), 1000, None, TRAIN_SEED);
        // All 1,000 points train; 1,000 fresh points are the held-out set.
        let heldout = moons.generate(1000, moons.default_noise(), HELDOUT_SEED);
        ui.session.update_value(|s| {
            let train = Points::from_pairs(&s.points);
            let _ = s.trainer.set_objective(Objective::MaxLikelihood {
                train,
                heldout: heldout.clone(),
            });
        });
        ui.bump();
        app::toggle_training(ui);
        times.borrow_mut().work_ms.clear();
        let step0 = ui.session.with_value(|s| s.trainer.step_count());
        Phase::Train {
            t0: now,
            step0,
            reached: None,
            heldout,
            rec: Rec::default(),
        }
    }
}

fn start_scrub(ui: Ui, times: &Rc<RefCell<FrameTimes>>) -> Phase {
    ui.reverse.set(false);
    ui.looping.set(true);
    ui.speed.set(8.0);
    ui.stage.set(0.0);
    ui.playing.set(true);
    times.borrow_mut().work_ms.clear();
    Phase::Scrub {
        rec: Rec::default(),
    }
}

fn start_drag(ui: Ui, times: &Rc<RefCell<FrameTimes>>) -> Phase {
    ui.playing.set(false);
    ui.stage.set(K as f64);
    let base = ui.session.with_value(|s| {
        let flow = s.trainer.flow();
        let mut p = [0.0; 5];
        p.copy_from_slice(&flow.params()[flow.param_range(DRAG_LAYER - 1)]);
        p
    });
    times.borrow_mut().work_ms.clear();
    Phase::Drag {
        i: 0,
        base,
        rec: Rec::default(),
    }
}

/// Layer parameters `u₀, u₁, w₀, w₁, b` at position `i` of `n` along the drag path: `w`
/// rotated by `2π·i/n` (at least unit length, so the hyperplane visibly turns), `b` moved by
/// `sin`.
fn drag_params(base: [f64; 5], i: usize, n: usize) -> [f64; 5] {
    let th = std::f64::consts::TAU * i as f64 / n.max(1) as f64;
    let (s, c) = th.sin_cos();
    let [u0, u1, w0, w1, b] = base;
    let norm = (w0 * w0 + w1 * w1).sqrt();
    let scale = if norm < 1.0 {
        1.0 / norm.max(1e-3)
    } else {
        1.0
    };
    let (w0, w1) = (w0 * scale, w1 * scale);
    [u0, u1, c * w0 - s * w1, s * w0 + c * w1, b + 0.75 * s]
}

/// Times a full filmstrip refresh (all K + 1 thumbnails) on the trained model: the work
/// between a parameter change and the refreshed filmstrip, which the frame loop does on the
/// next animation frame when not training.
fn thumbs_line(ui: Ui) -> String {
    let window = ui.window.get_untracked();
    let mut t = Vec::new();
    for _ in 0..10 {
        let a = now_ms();
        ui.session.update_value(|s| thumbs::draw_all(s, window));
        t.push(now_ms() - a);
    }
    format!(
        "{{\"scenario\": \"thumbs\", \"impl\": \"wasm\", \"k\": {K}, \"stages\": {}, \"n\": {}, \
         \"ms_p50\": {:.2}, \"ms_max\": {:.2}, \"note\": \"all K+1 filmstrip thumbnails redrawn, 10 runs\"}}",
        K + 1,
        thumbs::THUMB_N,
        percentile(&t, 0.5),
        percentile(&t, 1.0),
    )
}

/// The frame work recorded since the last clear (cleared again).
fn take_work(times: &Rc<RefCell<FrameTimes>>) -> Vec<f64> {
    times.borrow_mut().parts.clear();
    std::mem::take(&mut times.borrow_mut().work_ms)
}

/// Where the recorded frames' time went: a JSON object of each part's p50 and p95 (ms).
fn parts_json(times: &Rc<RefCell<FrameTimes>>) -> String {
    let parts = times.borrow().parts.clone();
    let field = |name: &str, f: fn(&Parts) -> f64| {
        let v: Vec<f64> = parts.iter().map(f).collect();
        format!(
            "\"{name}\": [{:.2}, {:.2}]",
            percentile(&v, 0.5),
            percentile(&v, 0.95)
        )
    };
    format!(
        "{{{}, {}, {}, {}, {}, {}}}",
        field("train", |p| p.train),
        field("draw", |p| p.draw),
        field("heat", |p| p.heat),
        field("thumbs", |p| p.thumbs),
        field("chart", |p| p.chart),
        field("save", |p| p.save),
    )
}

/// Nearest-rank percentile (`q ∈ (0, 1]`); 0 for an empty sample.
fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return 0.0;
    }
    s.sort_by(f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

/// Animation frames per second over the recorded ticks.
fn rate(ticks: &[f64]) -> f64 {
    match (ticks.first(), ticks.last()) {
        (Some(a), Some(b)) if b > a => (ticks.len() - 1) as f64 / ((b - a) / 1e3),
        _ => 0.0,
    }
}

/// The density resolution the main view last drew with (`data-grid-n` of `#main-canvas`).
fn grid_n() -> Option<usize> {
    let doc = web_sys::window()?.document()?;
    doc.get_element_by_id("main-canvas")?
        .get_attribute("data-grid-n")?
        .parse()
        .ok()
}

/// CSS size of the overlay canvas, `"W×H"`.
fn canvas_size() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("overlay-canvas"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .map_or_else(
            || "?".to_string(),
            |e| format!("{}x{}", e.client_width(), e.client_height()),
        )
}
