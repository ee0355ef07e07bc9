//! The one animation-frame loop: training time slices, timeline playback, and redraws.
//!
//! Each frame: (1) if training, run Adam steps until the frame's training budget is spent;
//! (2) advance the timeline if playing; (3) redraw the main view only if something it shows
//! changed; (4) refresh thumbnails and the loss chart at a lower rate. The loop lives for the
//! page; a frame where nothing changed costs a few comparisons.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::core::Eval;
use crate::render::{DensityScale, ViewTransform};

use super::canvas;
use super::main_view::{MainView, GRID_MAX, GRID_MIN};
use super::state::{NoticeKind, Stats, Ui};
use super::{chart, thumbs};

/// Most milliseconds of training per animation frame.
pub const TRAIN_BUDGET_MS: f64 = 9.0;
/// Fewest milliseconds of training per frame (training always moves on).
const TRAIN_MIN_MS: f64 = 1.5;
/// The app's whole work per frame while training (train + redraw + one periodic extra): the
/// training slice is what is left after the expected drawing (frame p95 ≤ 20 ms with margin).
const FRAME_BUDGET_MS: f64 = 11.0;
/// Milliseconds of thumbnail drawing per frame while training (round-robin over the stages).
const THUMB_SLICE_MS: f64 = 2.5;
/// Target milliseconds for the density grid while animating.
const DENSITY_BUDGET_MS: f64 = 5.0;

/// Where one frame's work went (ms), for the `#bench` page's breakdown.
#[derive(Clone, Copy, Debug, Default)]
pub struct Parts {
    /// Adam steps.
    pub train: f64,
    /// Main view: density and overlays.
    pub draw: f64,
    /// The density part of `draw`.
    pub heat: f64,
    /// Filmstrip thumbnails.
    pub thumbs: f64,
    /// Loss chart.
    pub chart: f64,
    /// Link and local storage.
    pub save: f64,
}

/// Frame timing record (kept for the `#bench` page).
#[derive(Default)]
pub struct FrameTimes {
    /// Work per frame in ms (training + drawing), most recent last.
    pub work_ms: Vec<f64>,
    /// The same frames' breakdown.
    pub parts: Vec<Parts>,
}

/// Exponential moving average of a cost in ms.
#[derive(Clone, Copy, Debug, Default)]
struct Ema(Option<f64>);

impl Ema {
    fn add(&mut self, x: f64) {
        self.0 = Some(self.0.map_or(x, |m| 0.8 * m + 0.2 * x));
    }
    fn get(self, default: f64) -> f64 {
        self.0.unwrap_or(default)
    }
}

/// The one periodic job a training frame does besides drawing (they take turns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Extra {
    Chart,
    Save,
    Thumbs,
}

thread_local! {
    /// The running loop's signals and frame times, for the `#bench` driver (`bench.rs`).
    static RUNNING: RefCell<Option<(Ui, Rc<RefCell<FrameTimes>>)>> = const { RefCell::new(None) };
}

/// The running loop's signals and frame times (`None` before [`start`]).
pub(crate) fn running() -> Option<(Ui, Rc<RefCell<FrameTimes>>)> {
    RUNNING.with(|r| r.borrow().clone())
}

#[derive(Clone, PartialEq)]
struct DrawKey {
    version: u64,
    stage: f64,
    overlays: super::main_view::Overlays,
    log_scale: bool,
    window: ViewTransform,
    probe: Option<[f64; 2]>,
    css: (u32, u32, u32),
    grid_n: usize,
    /// The warped grid is the coarse one (while training): stopping redraws it finely.
    coarse: bool,
    editor: super::editor::EditorKey,
}

struct LoopState {
    view: MainView,
    last_key: Option<DrawKey>,
    last_ts: Option<f64>,
    /// Version the thumbnails last showed in full (`u64::MAX`: stale).
    last_thumbs: u64,
    last_chart: (u64, f64),
    last_stats: f64,
    steps_window: Vec<(f64, u64)>,
    last_reduced_step: f64,
    saver: super::persist::Saver,
    last_save: f64,
    /// Whether the last training frame redrew the main view (training frames alternate between
    /// redrawing and a periodic extra job).
    drew_last: bool,
    /// Next thumbnail (page order) the training round-robin draws.
    thumb_cursor: usize,
    /// Expected costs while training: main redraw, chart, save.
    cost_draw: Ema,
    cost_chart: Ema,
    cost_save: Ema,
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// Milliseconds since page load.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Canvas elements the loop draws on.
#[derive(Clone)]
pub struct Canvases {
    /// Density canvas (grid resolution, CSS-scaled).
    pub heat: HtmlCanvasElement,
    /// Overlay canvas (device pixels).
    pub overlay: HtmlCanvasElement,
}

/// Start the loop. `times` collects per-frame work for the bench page.
pub fn start(ui: Ui, canvases: Canvases, times: Rc<RefCell<FrameTimes>>) {
    RUNNING.with(|r| *r.borrow_mut() = Some((ui, times.clone())));
    let st = Rc::new(RefCell::new(LoopState {
        view: MainView::new(),
        last_key: None,
        last_ts: None,
        last_thumbs: u64::MAX,
        last_chart: (u64::MAX, 0.0),
        last_stats: 0.0,
        steps_window: Vec::new(),
        last_reduced_step: 0.0,
        saver: super::persist::Saver::default(),
        last_save: 0.0,
        drew_last: false,
        thumb_cursor: 0,
        cost_draw: Ema::default(),
        cost_chart: Ema::default(),
        cost_save: Ema::default(),
    }));
    let cb: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let cb2 = cb.clone();
    *cb2.borrow_mut() = Some(Closure::new(move |ts: f64| {
        let t0 = now_ms();
        let parts = frame(ui, &canvases, &mut st.borrow_mut(), ts);
        let work = now_ms() - t0;
        {
            let mut t = times.borrow_mut();
            t.work_ms.push(work);
            t.parts.push(parts);
            if t.work_ms.len() > 4096 {
                t.work_ms.drain(..2048);
                t.parts.drain(..2048);
            }
        }
        if let (Some(w), Some(f)) = (web_sys::window(), cb.borrow().as_ref()) {
            let _ = w.request_animation_frame(f.as_ref().unchecked_ref());
        }
    }));
    if let (Some(w), Some(f)) = (web_sys::window(), cb2.borrow().as_ref()) {
        let _ = w.request_animation_frame(f.as_ref().unchecked_ref());
    }
    // The closure lives as long as the page.
    std::mem::forget(cb2);
}

/// Run one frame of work.
fn frame(ui: Ui, cv: &Canvases, st: &mut LoopState, ts: f64) -> Parts {
    let dt = st.last_ts.map_or(0.0, |p| (ts - p).clamp(0.0, 100.0));
    st.last_ts = Some(ts);
    let now = now_ms();
    let mut parts = Parts::default();
    let version0 = ui.version.get_untracked();

    // 0. While training, frames take turns: one redraws the main view (30 pictures a second),
    //    the next does one periodic job (the chart and the link take turns, thumbnails fill the
    //    other frames). Both are chosen before the training slice so it can leave room for them.
    let training = ui.training.get_untracked();
    let draw_turn = !training || !st.drew_last;
    let extra = if !training || draw_turn {
        None
    } else if st.last_chart.0 != version0 && now - st.last_chart.1 > 250.0 {
        Some(Extra::Chart)
    } else if now - st.last_save > 400.0 {
        Some(Extra::Save)
    } else {
        Some(Extra::Thumbs)
    };

    // 1. Training slice: what the frame budget leaves after the expected drawing.
    if ui.training.get_untracked() {
        if ui.data_problem.get_untracked().is_some() {
            ui.training.set(false);
        } else {
            let extra_ms = match extra {
                Some(Extra::Chart) => st.cost_chart.get(3.0),
                Some(Extra::Save) => st.cost_save.get(1.0),
                Some(Extra::Thumbs) => THUMB_SLICE_MS,
                None => 0.0,
            };
            let draw_ms = if draw_turn {
                st.cost_draw.get(8.0)
            } else {
                0.0
            };
            let mut budget =
                (FRAME_BUDGET_MS - draw_ms - extra_ms).clamp(TRAIN_MIN_MS, TRAIN_BUDGET_MS);
            if ui.compare_training.get_untracked() {
                budget /= 2.0; // the comparison's flows get the other half
            }
            let deadline = now + budget;
            let summary = ui
                .session
                .try_update_value(|s| s.trainer.run_while(1, || now_ms() < deadline));
            if let Some(summary) = summary {
                if summary.steps > 0 {
                    ui.bump();
                }
                if let Some(reason) = summary.diverged {
                    let lr = ui
                        .session
                        .try_update_value(|s| s.trainer.halve_lr())
                        .unwrap_or(0.0);
                    ui.lr.set(lr);
                    ui.notify(
                        NoticeKind::Warn,
                        format!(
                            "Training diverged ({reason}). The last good parameters were restored and the learning rate halved to {}.",
                            fmt_lr(lr)
                        ),
                    );
                    if !(lr.is_finite() && lr > 1e-12) {
                        ui.training.set(false);
                    }
                }
            }
        }
    }
    // 1b. The comparison's flows: their own slice (a small one while the main flow trains).
    if ui.compare_training.get_untracked() {
        let slice = if ui.training.get_untracked() {
            now_ms() - now // as long as the main flow's half
        } else {
            TRAIN_BUDGET_MS
        };
        super::compare::train(ui, now_ms() + slice);
    }
    parts.train = now_ms() - now;
    let step_now = ui.session.with_value(|s| s.trainer.step_count());
    // A reset or a rebuild moves the step count back: restart the rate window.
    if st.steps_window.last().is_some_and(|(_, s)| *s > step_now) {
        st.steps_window.clear();
    }
    st.steps_window.push((now, step_now));
    st.steps_window.retain(|(t, _)| now - *t < 1500.0);
    if now - st.last_stats > 200.0 {
        st.last_stats = now;
        let rate = match (st.steps_window.first(), st.steps_window.last()) {
            (Some((t0, s0)), Some((t1, s1))) if t1 - t0 > 200.0 => {
                s1.saturating_sub(*s0) as f64 / ((t1 - t0) / 1000.0)
            }
            _ => 0.0,
        };
        let stats = ui.session.with_value(|s| {
            let tr = &s.trainer;
            let mut out = Stats {
                step: tr.step_count(),
                loss: tr.history().last().map(|h| h.loss),
                steps_per_s: if ui.training.get_untracked() {
                    rate
                } else {
                    0.0
                },
                lr: tr.hyper().lr_at(tr.step_count()),
                beta: tr.beta(),
                ..Stats::default()
            };
            match tr.last_eval() {
                Some(Eval::HeldOutNll(v)) => out.heldout = Some(v),
                Some(Eval::Energy(e)) => out.free_energy = Some((e.free_energy, e.ess)),
                None => {}
            }
            out
        });
        if ui.stats.get_untracked() != stats {
            ui.stats.set(stats);
        }
    }

    // 2. Timeline playback.
    let k = ui.k.get_untracked() as f64;
    if ui.playing.get_untracked() && k > 0.0 {
        let dir = if ui.reverse.get_untracked() {
            -1.0
        } else {
            1.0
        };
        let s = ui.stage.get_untracked();
        let next = if ui.reduced_motion.get_untracked() {
            // Whole layers, one step per 0.8 s: no continuous motion.
            if now - st.last_reduced_step > 800.0 {
                st.last_reduced_step = now;
                (s + dir).round()
            } else {
                s
            }
        } else {
            s + dir * ui.speed.get_untracked() * dt / 1000.0
        };
        let (lo, hi) = (0.0, k);
        let next = if next > hi || next < lo {
            if ui.looping.get_untracked() {
                if dir > 0.0 {
                    lo
                } else {
                    hi
                }
            } else {
                ui.playing.set(false);
                next.clamp(lo, hi)
            }
        } else {
            next
        };
        if next != s {
            ui.stage.set(next);
        }
    }

    // 3. Main view.
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0);
    let css_w = cv.overlay.client_width().max(1) as u32;
    let css_h = cv.overlay.client_height().max(1) as u32;
    let animating =
        ui.playing.get_untracked() || ui.training.get_untracked() || super::editor::dragging();
    if !animating && st.view.grid_n < GRID_MAX {
        st.view.grid_n = GRID_MAX;
    }
    let key = DrawKey {
        version: ui.version.get_untracked(),
        stage: ui.stage.get_untracked(),
        overlays: ui.overlays.get_untracked(),
        log_scale: ui.log_scale.get_untracked(),
        window: ui.window.get_untracked(),
        probe: ui.probe.get_untracked(),
        css: (css_w, css_h, (dpr * 100.0) as u32),
        grid_n: st.view.grid_n,
        coarse: training,
        editor: super::editor::draw_key(ui),
    };
    // A training frame off its turn skips a redraw that only new parameters asked for.
    let only_version = st.last_key.as_ref().is_some_and(|l| {
        DrawKey {
            version: key.version,
            ..l.clone()
        } == key
    });
    let skip = training && !draw_turn && only_version;
    st.view.coarse = key.coarse;
    st.drew_last = false;
    if st.last_key.as_ref() != Some(&key) && !skip {
        st.drew_last = true;
        let t_draw = now_ms();
        let scale = if key.log_scale {
            DensityScale::Log { range: 12.0 }
        } else {
            DensityScale::Linear
        };
        let t_heat = now_ms();
        // A dragged layer that acts after the stage shown leaves its density as it was.
        let heat_same = super::editor::drag_keeps_density(key.stage, key.overlays.volume)
            && st.last_key.as_ref().is_some_and(|l| {
                let only_params = DrawKey {
                    version: key.version,
                    editor: key.editor,
                    ..l.clone()
                };
                only_params == key
            });
        let legend = if heat_same {
            None
        } else {
            ui.session.try_update_value(|s| {
                st.view.draw_heat(
                    s,
                    &cv.heat,
                    key.window,
                    key.stage,
                    scale,
                    key.overlays.volume,
                )
            })
        };
        let heat_ms = now_ms() - t_heat;
        parts.heat = heat_ms;
        if animating && !heat_same {
            // Adapt the density resolution to the frame budget (restored when idle).
            if heat_ms > DENSITY_BUDGET_MS * 1.4 && st.view.grid_n > GRID_MIN {
                st.view.grid_n -= 32;
            } else if heat_ms < DENSITY_BUDGET_MS * 0.5 && st.view.grid_n < GRID_MAX {
                st.view.grid_n += 32;
            }
        }
        canvas::ensure_size(
            &cv.overlay,
            (css_w as f64 * dpr).round() as u32,
            (css_h as f64 * dpr).round() as u32,
        );
        ui.session.update_value(|s| {
            let probe = key.probe.and_then(|z0| {
                let flow = s.trainer.flow();
                let (mut x, mut y) = ([z0[0]], [z0[1]]);
                flow.push_to_stage(flow.len() as f64, &mut x, &mut y, &mut s.ws);
                flow.probe([x[0], y[0]])
            });
            st.view.draw_overlays(
                s,
                &cv.overlay,
                key.window,
                dpr * line_scale(),
                key.stage,
                key.overlays,
                probe.as_ref(),
            );
            // The layer editor's handles, over the overlays.
            super::handles_draw::draw(ui, s, &cv.overlay, key.window, dpr, key.stage);
        });
        if let Some(l) = legend {
            if ui.legend.get_untracked() != l {
                ui.legend.set(l);
            }
        }
        let _ = cv.heat.set_attribute("data-drawn", "true");
        let _ = cv
            .heat
            .set_attribute("data-grid-n", &st.view.grid_n.to_string());
        st.last_key = Some(key.clone());
        parts.draw = now_ms() - t_draw;
        if ui.training.get_untracked() {
            st.cost_draw.add(parts.draw);
        }
    }

    // 4. Thumbnails: every change when idle; round-robin slices while training; while a layer
    //    handle is dragged, the stages it changes, a few per frame within a time budget.
    let t_thumbs = now_ms();
    let training = ui.training.get_untracked();
    if super::editor::dragging() {
        ui.session
            .update_value(|s| super::editor::live_thumbs(s, key.window));
    } else if let Some(extra) = extra {
        if extra == Extra::Thumbs {
            let deadline = t_thumbs + THUMB_SLICE_MS;
            st.thumb_cursor = ui
                .session
                .try_update_value(|s| {
                    thumbs::draw_slice(s, key.window, st.thumb_cursor, || now_ms() > deadline)
                })
                .unwrap_or(0);
            st.last_thumbs = u64::MAX;
        }
    } else if !training && st.last_thumbs != key.version {
        ui.session.update_value(|s| thumbs::draw_all(s, key.window));
        st.last_thumbs = key.version;
    }
    parts.thumbs = now_ms() - t_thumbs;
    // 5. Link and local storage, a few times a second (cheap when nothing changed); while
    //    training, only on the frame whose turn it is.
    let run_save = if training {
        extra == Some(Extra::Save)
    } else {
        now - st.last_save > 400.0 && !ui.playing.get_untracked()
    };
    if run_save {
        let t = now_ms();
        st.last_save = now;
        super::persist::save(ui, &mut st.saver);
        parts.save = now_ms() - t;
        st.cost_save.add(parts.save);
    }
    // 6. Loss chart.
    let run_chart = if training {
        extra == Some(Extra::Chart)
    } else {
        st.last_chart.0 != key.version
    };
    if run_chart {
        let t = now_ms();
        ui.session.with_value(chart::draw);
        st.last_chart = (key.version, now);
        parts.chart = now_ms() - t;
        st.cost_chart.add(parts.chart);
    }
    // 7. The comparison's panels (a few times a second while they train; while the main flow
    //    trains, only on frames that did not redraw the main view).
    if super::compare::active() && !(training && st.drew_last) {
        super::compare::draw(ui, key.window);
    }
    // 8. A GIF being recorded takes what this frame drew.
    super::gif_export::tick(ui);
    parts
}

/// Overlay line widths and dot sizes follow the stylesheet's root size, which grows on big
/// screens (`assets/style.css`: 18/24/30 px from 1800/2400/3200 CSS px wide), so lines stay
/// as visible on a 4K projector as the text.
fn line_scale() -> f64 {
    let w = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    match w {
        w if w >= 3200.0 => 30.0 / 16.0,
        w if w >= 2400.0 => 1.5,
        w if w >= 1800.0 => 18.0 / 16.0,
        _ => 1.0,
    }
}

/// A learning rate for display.
pub fn fmt_lr(lr: f64) -> String {
    if lr >= 0.01 {
        format!("{lr:.3}")
    } else {
        format!("{lr:.1e}")
    }
}
