//! The one animation-frame loop, as a scheduler of registered [`FrameJob`]s.
//!
//! Every frame runs the jobs in the order `app` registered them (training slices, playback, the
//! main view, the filmstrip, the link save, the chart, the comparison, the GIF recorder, the
//! bench driver). The loop polls cheap signals (`version`, `stage`, …) instead of subscribing to
//! them: at 60 frames a second that costs a few comparisons, and it keeps all drawing in one
//! place, after the frame's training.
//!
//! **Turn-taking while training on the page** (without the worker, `ui/worker`; with it the
//! page takes no steps and the main view draws every frame) (the frame budget, `FRAME_BUDGET_MS`): frames alternate
//! between redrawing the main view and one *periodic* job (the chart, the save, a slice of a
//! comparison panel or of the filmstrip — the first that is due, in registration order). Both are chosen before the
//! training slice, which gets what the budget leaves after their expected cost (moving averages
//! of what they took). When not training every job runs when it has something to do.
//!
//! This module imports no feature: jobs live in `jobs/` and are registered by `app`.

pub mod jobs;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::browser::{now_ms, report};
use crate::ui::context::{Parts, TrainPlace, Ui};

/// The app's whole work per frame while training (train + redraw + one periodic extra): the
/// training slice is what is left after the expected drawing (frame p95 ≤ 20 ms with margin).
pub const FRAME_BUDGET_MS: f64 = 11.0;
/// Most milliseconds of training per animation frame.
pub const TRAIN_BUDGET_MS: f64 = 9.0;
/// Fewest milliseconds of training per frame (training always moves on).
pub const TRAIN_MIN_MS: f64 = 1.5;

/// The periodic jobs that take turns with the main view while training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Periodic {
    /// The loss chart.
    Chart,
    /// The link and local storage.
    Save,
    /// A slice of the filmstrip.
    Thumbs,
    /// One of the comparison's panels (a slice of it).
    Compare,
}

/// Which part of the `#bench` breakdown a job's time counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Adam steps.
    Train,
    /// The main view.
    Draw,
    /// The filmstrip.
    Thumbs,
    /// The loss chart.
    Chart,
    /// The link and storage.
    Save,
    /// Anything else (not broken down).
    Other,
}

/// One frame, as the jobs see it.
pub struct Frame {
    /// The page's state.
    pub ui: Ui,
    /// When the frame began (ms).
    pub now: f64,
    /// Milliseconds since the previous frame (0 on the first, at most 100).
    pub dt: f64,
    /// Training was running when the frame began.
    pub training: bool,
    /// The page's worker trains (the page takes no steps: the main view draws every frame).
    pub worker: bool,
    /// The main view may redraw this frame.
    pub draw_turn: bool,
    /// The periodic job whose turn it is (training frames only).
    pub extra: Option<Periodic>,
    /// Milliseconds the training slices may take.
    pub train_budget_ms: f64,
    /// The main view redrew this frame.
    pub drew: bool,
    /// Where the frame's time went.
    pub parts: Parts,
}

/// A job the loop runs every frame.
pub trait FrameJob {
    /// Does this frame's work.
    fn run(&mut self, f: &mut Frame);
    /// Where its time counts.
    fn part(&self) -> Part {
        Part::Other
    }
    /// The turn it takes while training, if it is periodic.
    fn periodic(&self) -> Option<Periodic> {
        None
    }
    /// Whether a periodic job wants its turn now.
    fn due(&self, _f: &Frame) -> bool {
        false
    }
    /// The expected cost of its turn (ms), given the default when nothing was measured yet.
    fn expected_ms(&self, measured: Option<f64>) -> f64 {
        measured.unwrap_or(2.0)
    }
}

/// Exponential moving average of a cost in ms.
#[derive(Clone, Copy, Debug, Default)]
struct Ema(Option<f64>);

impl Ema {
    fn add(&mut self, x: f64) {
        self.0 = Some(self.0.map_or(x, |m| 0.8 * m + 0.2 * x));
    }
}

/// The jobs and the turn-taking state.
struct Scheduler {
    ui: Ui,
    jobs: Vec<Box<dyn FrameJob>>,
    costs: Vec<Ema>,
    last_ts: Option<f64>,
    drew_last: bool,
}

impl Scheduler {
    fn frame(&mut self, ts: f64) {
        let t0 = now_ms();
        // The interval between animation frames, as the bench reports it (unclamped).
        let interval = self.last_ts.map_or(f64::NAN, |p| ts - p);
        let dt = self.last_ts.map_or(0.0, |p| (ts - p).clamp(0.0, 100.0));
        self.last_ts = Some(ts);
        let training = self.ui.training.get_untracked();
        // Turns are taken only when the steps are taken here, between frames.
        let worker = self.ui.train_place.get_untracked() == TrainPlace::Worker;
        let on_page = training && !worker;
        let draw_turn = !on_page || !self.drew_last;
        let mut f = Frame {
            ui: self.ui,
            now: t0,
            dt,
            training,
            worker,
            draw_turn,
            extra: None,
            train_budget_ms: TRAIN_BUDGET_MS,
            drew: false,
            parts: Parts::default(),
        };
        // Who takes this training frame's turn, and what it is expected to cost. With the
        // worker the main view draws every frame, and one periodic job that is due beside it.
        let mut reserved = 0.0;
        if training {
            for (job, cost) in self.jobs.iter().zip(&self.costs) {
                let mine = job.expected_ms(cost.0);
                match (job.part(), job.periodic()) {
                    (Part::Draw, _) if draw_turn => reserved += mine,
                    (_, Some(p)) if (worker || !draw_turn) && f.extra.is_none() && job.due(&f) => {
                        f.extra = Some(p);
                        reserved += mine;
                    }
                    _ => {}
                }
            }
            f.train_budget_ms = (FRAME_BUDGET_MS - reserved).clamp(TRAIN_MIN_MS, TRAIN_BUDGET_MS);
        }
        for (job, cost) in self.jobs.iter_mut().zip(self.costs.iter_mut()) {
            let t = now_ms();
            job.run(&mut f);
            let spent = now_ms() - t;
            let slot = match job.part() {
                Part::Train => Some(&mut f.parts.train),
                Part::Draw => Some(&mut f.parts.draw),
                Part::Thumbs => Some(&mut f.parts.thumbs),
                Part::Chart => Some(&mut f.parts.chart),
                Part::Save => Some(&mut f.parts.save),
                Part::Other => None,
            };
            if let Some(slot) = slot {
                *slot += spent;
            }
            // Costs are learnt from the turns the jobs really took while training.
            let took_turn = match job.part() {
                Part::Draw => f.drew,
                _ => job.periodic().is_some() && job.periodic() == f.extra,
            };
            if f.training && took_turn {
                cost.add(spent);
            }
        }
        self.drew_last = f.drew;
        let work = now_ms() - t0;
        self.ui
            .times
            .update_value(|t| t.push(work, interval, f.parts));
    }
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// Starts the loop with `jobs` (run in this order every frame). It lives as long as the page.
pub fn start(ui: Ui, jobs: Vec<Box<dyn FrameJob>>) {
    let n = jobs.len();
    let mut sched = Scheduler {
        ui,
        jobs,
        costs: vec![Ema::default(); n],
        last_ts: None,
        drew_last: false,
    };
    let cb: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let again = cb.clone();
    *cb.borrow_mut() = Some(Closure::new(move |ts: f64| {
        sched.frame(ts);
        if let (Some(w), Some(f)) = (web_sys::window(), again.borrow().as_ref()) {
            report::warn_once(
                "scheduling the next animation frame",
                w.request_animation_frame(f.as_ref().unchecked_ref()),
            );
        }
    }));
    if let (Some(w), Some(f)) = (web_sys::window(), cb.borrow().as_ref()) {
        report::warn(
            "scheduling the first animation frame",
            w.request_animation_frame(f.as_ref().unchecked_ref()),
        );
    }
    // The closure refers to itself through `again`: it lives for the page.
    std::mem::forget(cb);
}
