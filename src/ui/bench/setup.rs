//! Setting up each UI scenario through the user's actions, and reading the page back.

use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::core::{LayerKind, Preset, StackPattern, Vec2};
use crate::render::editor::{self, EditorQuery};
use crate::render::handles::LayerHandles;
use crate::render::ViewTransform;
use crate::session::bench_stats::{frame_fields, percentile};
use crate::state::{Config, Mode, PresetInfo};
use crate::ui::actions::layers::{self, Press};
use crate::ui::actions::{data, link, selection, training, view};
use crate::ui::browser::{now_ms, page};
use crate::ui::context::Ui;
use crate::ui::draw::thumbs;

use super::report::parts_json;

/// Layers of the UI scenarios.
pub(super) const K: usize = 32;
/// 1-based index of the layer the `drag` scenario moves.
pub(super) const DRAG_LAYER: usize = 16;
/// Seeds of the training and the fresh held-out moons.
const TRAIN_SEED: u64 = 1;
const HELDOUT_SEED: u64 = 2;
/// Points of the `train_spline` scenario.
pub(super) const SPLINE_POINTS: usize = 5000;
/// The pointer id the drag scenario uses.
pub(super) const POINTER: i32 = 7;

/// Per-scenario recording: tick timestamps and density resolutions seen.
#[derive(Default)]
pub(super) struct Rec {
    pub ticks: Vec<f64>,
    pub grid_n: Vec<usize>,
    /// When a new picture was drawn, at which resolution.
    pub drawn: Vec<(f64, usize)>,
    /// The main view's count of pictures drawn, as last seen.
    pictures: Option<String>,
}

impl Rec {
    pub fn tick(&mut self, now: f64) {
        self.ticks.push(now);
        if let Some(n) = grid_n() {
            self.grid_n.push(n);
            // A picture computed over several frames is counted once, when it is shown.
            let count = main_canvas_attr("data-pictures");
            if count != self.pictures {
                self.pictures = count;
                self.drawn.push((now, n));
            }
        }
    }

    /// The longest time (s) without a new picture at `n`² or finer (from the first frame to
    /// the last).
    pub fn longest_without(&self, n: usize) -> f64 {
        let (Some(first), Some(last)) = (self.ticks.first(), self.ticks.last()) else {
            return f64::INFINITY;
        };
        let mut prev = *first;
        let mut gap: f64 = 0.0;
        for &(t, m) in &self.drawn {
            if m >= n {
                gap = gap.max(t - prev);
                prev = t;
            }
        }
        gap.max(last - prev) / 1e3
    }
}

pub(super) enum Phase {
    WaitApp(usize),
    Engine(usize),
    Train {
        /// Spline coupling K = 4 (`train_spline`) instead of planar K = 32 (`train`).
        spline: bool,
        t0: f64,
        step0: u64,
        reached: Option<f64>,
        heldout: crate::core::Points,
        rec: Rec,
    },
    Scrub(Rec),
    Drag {
        i: usize,
        anchor: Vec2,
        tip: Vec2,
        rec: Rec,
    },
    Done,
}

/// The user's path: a link to planar K = 32 (or, `spline`, the spline coupling pattern at its
/// suggested depth, K = 4, with learning rate 1e-3, on `SPLINE_POINTS`) on 1,000 two-moons
/// points with the grid, particle and data overlays, then Train. All points train; 1,000 fresh
/// points are held out.
pub(super) fn start_train(ui: Ui, now: f64, spline: bool) -> Phase {
    view::set_reduced_motion(ui, false);
    let moons = Preset::TwoMoons;
    // The spline stack trains on 5,000 points: on the planar scenario's 1,000 its
    // 7,520 parameters overfit before the held-out NLL reaches 2.45 (README, "Performance").
    let info = PresetInfo {
        seed: TRAIN_SEED,
        n: if spline { SPLINE_POINTS } else { 1000 },
        ..PresetInfo::new(moons)
    };
    let mut cfg = Config {
        mode: Mode::Points(Some(info)),
        points: info.generate(),
        kinds: if spline {
            StackPattern::AllSpline.kinds(StackPattern::AllSpline.suggested_k())
        } else {
            vec![LayerKind::Planar; K]
        },
        seed: 1,
        ..Config::default()
    };
    if spline {
        cfg.train.lr = 1e-3;
    }
    let k = cfg.kinds.len();
    cfg.view.stage = k as f64;
    cfg.view.overlays.grid = true;
    cfg.view.overlays.particles = true;
    cfg.view.overlays.data = true;
    link::apply(ui, &cfg);
    let heldout = moons.generate(1000, moons.default_noise(), HELDOUT_SEED);
    data::fit_all_points(ui, heldout.clone());
    training::start(ui);
    ui.times.update_value(|t| t.clear());
    Phase::Train {
        spline,
        t0: now,
        step0: ui.session.with_value(|s| s.trainer().step_count()),
        reached: None,
        heldout,
        rec: Rec::default(),
    }
}

pub(super) fn start_scrub(ui: Ui) -> Phase {
    view::set_reverse(ui, false);
    view::set_looping(ui, true);
    view::set_speed(ui, 8.0);
    view::set_stage(ui, 0.0);
    view::toggle_play(ui);
    ui.times.update_value(|t| t.clear());
    Phase::Scrub(Rec::default())
}

/// The overlay canvas and the view at its CSS size.
fn overlay_view(ui: Ui) -> Option<ViewTransform> {
    let el: HtmlElement = page::by_id("overlay-canvas")?;
    Some(ViewTransform {
        width: el.client_width() as f64,
        height: el.client_height() as f64,
        ..ui.window.get_untracked()
    })
}

/// Selects the dragged layer (the view jumps to its input stage) and finds its `w` handle.
pub(super) fn start_drag(ui: Ui) -> Phase {
    selection::select(ui, Some(DRAG_LAYER - 1), true);
    let handles = overlay_view(ui).and_then(|view| {
        let query = EditorQuery {
            edit_tool: true,
            ..ui.editor_query(ui.stage.get_untracked(), view.data_bounds())
        };
        ui.session.with_value(|s| editor::shown(s.flow(), &query))
    });
    let (anchor, tip) = match handles.map(|sh| sh.handles) {
        Some(LayerHandles::Planar(h)) => (h.anchor, h.normal_tip),
        _ => ([0.0; 2], [f64::NAN; 2]),
    };
    ui.times.update_value(|t| t.clear());
    Phase::Drag {
        i: 0,
        anchor,
        tip,
        rec: Rec::default(),
    }
}

/// Presses the pointer on the `w` handle at `tip`, as a mouse would.
pub(super) fn grab(ui: Ui, tip: Vec2) -> bool {
    let Some(view) = overlay_view(ui) else {
        return false;
    };
    let press = Press {
        pointer: POINTER,
        view,
        css: view.canvas_from_data(tip),
        radius: 14.0,
    };
    tip[0].is_finite() && layers::press(ui, press) && ui.dragging()
}

/// Times a full filmstrip refresh (all K + 1 thumbnails) on the trained model: the work between
/// a parameter change and the refreshed filmstrip, which the frame loop does on the next frame
/// when not training.
pub(super) fn thumbs_line(ui: Ui) -> String {
    let window = ui.window.get_untracked();
    let mut t = Vec::new();
    for _ in 0..10 {
        let a = now_ms();
        ui.session.with_value(|s| thumbs::draw_all(s, window));
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

/// The frame work recorded since the last clear, and its breakdown (both cleared).
pub(super) fn take_work(ui: Ui) -> Taken {
    ui.times
        .try_update_value(|t| {
            let parts = parts_json(t);
            let work = std::mem::take(&mut t.work_ms);
            let interval = std::mem::take(&mut t.interval_ms);
            t.clear();
            Taken {
                work,
                interval,
                parts,
            }
        })
        .unwrap_or_default()
}

/// The frames a scenario recorded.
#[derive(Default)]
pub(super) struct Taken {
    /// Each frame's work (ms).
    pub work: Vec<f64>,
    /// Each frame's animation-frame interval (ms).
    pub interval: Vec<f64>,
    /// Where the time went (JSON).
    pub parts: String,
}

impl Taken {
    /// The line's frame-time fields (`session::bench_stats::frame_fields`).
    pub fn fields(&self) -> String {
        frame_fields(&self.work, &self.interval)
    }
}

/// The density resolution the main view last drew with (`data-grid-n` of `#main-canvas`).
fn grid_n() -> Option<usize> {
    main_canvas_attr("data-grid-n")?.parse().ok()
}

/// An attribute of `#main-canvas`.
fn main_canvas_attr(name: &str) -> Option<String> {
    page::by_id::<web_sys::Element>("main-canvas")?.get_attribute(name)
}

/// CSS size of the overlay canvas, `"W×H"`.
pub(super) fn canvas_size() -> String {
    page::by_id::<HtmlElement>("overlay-canvas").map_or_else(
        || "?".to_string(),
        |e| format!("{}x{}", e.client_width(), e.client_height()),
    )
}
