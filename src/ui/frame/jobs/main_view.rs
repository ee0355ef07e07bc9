//! The main view: redrawn when something it shows changed. What a frame draws — the density,
//! the overlays or both, which overlays are pushed through the flow again, and at which density
//! resolution — is decided by the pure `render::view_plan::decide` (turn-taking while training
//! a heavy stack, its hysteresis, adaptive resolution while animating and refinement at rest);
//! this job measures, asks, draws what the plan says and feeds the costs back.

use leptos::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::render::progressive;
use crate::render::view_plan::{self, Change, Costs, Inputs, PlanState};
use crate::render::{DensityScale, ViewTransform};
use crate::ui::browser::{now_ms, page, report};
use crate::ui::context::{EditorKey, Legend, Overlays, Ui};
use crate::ui::draw::main_view::MainView as Painter;
use crate::ui::draw::{canvas, handles};
use crate::ui::frame::{Frame, FrameJob, Part};

/// Milliseconds of a frame a heavy stack's picture may take at rest (or playing, or dragging).
const REFINE_MS: f64 = 8.0;
/// The same while the worker trains: the frame also adopts the worker's snapshot, draws the
/// overlays and gives one periodic job (chart, filmstrip, comparison) its turn, all within one
/// refresh (with 8 ms here a flow-matching field's frames took 13.7 ms of work at the median and
/// one frame in ten missed its refresh).
const REFINE_WORKER_TRAINING_MS: f64 = 5.0;
/// The same while training on the page (the frame's steps need the rest).
const REFINE_PAGE_TRAINING_MS: f64 = 4.0;

/// Everything a picture shows but the density's resolution (that is the plan's).
#[derive(Clone, PartialEq)]
struct DrawKey {
    version: u64,
    stage: f64,
    overlays: Overlays,
    log_scale: bool,
    /// A one-layer continuous flow's trace estimator (0: exact).
    trace_probes: u8,
    window: ViewTransform,
    probe: Option<[f64; 2]>,
    css: (u32, u32, u32),
    /// The warped grid is the coarse one (while training): stopping redraws it finely.
    coarse: bool,
    editor: EditorKey,
}

impl DrawKey {
    /// What changed since `last` (the density's resolution aside).
    fn change(&self, last: Option<&DrawKey>) -> Change {
        match last {
            Some(l) if l == self => Change::Nothing,
            Some(l) if self.same_but(l, false) => Change::ParamsOnly,
            _ => Change::More,
        }
    }

    /// Equal to `last` but for the parameters' version (and, with `editor`, the editor's key).
    fn same_but(&self, last: &DrawKey, editor: bool) -> bool {
        let mut l = last.clone();
        l.version = self.version;
        if editor {
            l.editor = self.editor;
        }
        l == *self
    }
}

/// The main view job: its canvases, buffers, the key of what it last drew, and the plan's state.
pub struct MainView {
    heat: HtmlCanvasElement,
    overlay: HtmlCanvasElement,
    painter: Painter,
    last: Option<DrawKey>,
    /// The turn-taking and resolution state the plan carries from frame to frame.
    plan: PlanState,
    /// What the last density and overlay drawings took.
    costs: Costs,
    /// Densities drawn so far.
    pictures: u64,
}

impl MainView {
    /// The job for the density canvas `heat` and the overlay canvas above it.
    pub fn new(heat: HtmlCanvasElement, overlay: HtmlCanvasElement) -> Self {
        MainView {
            heat,
            overlay,
            painter: Painter::new(),
            last: None,
            plan: PlanState::default(),
            costs: Costs::default(),
            pictures: 0,
        }
    }
}

/// Overlay line widths and dot sizes follow the stylesheet's root size, which grows on big
/// screens (`assets/style.css`: 18/24/30 px from 1800/2400/3200 CSS px wide), so lines stay as
/// visible on a 4K projector as the text.
fn line_scale() -> f64 {
    match page::inner_width() {
        w if w >= 3200.0 => 30.0 / 16.0,
        w if w >= 2400.0 => 1.5,
        w if w >= 1800.0 => 18.0 / 16.0,
        _ => 1.0,
    }
}

impl FrameJob for MainView {
    fn part(&self) -> Part {
        Part::Draw
    }
    fn expected_ms(&self, measured: Option<f64>) -> f64 {
        view_plan::expected_ms(&self.plan, self.costs, measured)
    }

    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let dpr = page::dpr(4.0);
        let css_w = self.overlay.client_width().max(1) as u32;
        let css_h = self.overlay.client_height().max(1) as u32;
        let key = DrawKey {
            version: ui.version.get_untracked(),
            stage: ui.stage.get_untracked(),
            overlays: ui.overlays.get_untracked(),
            log_scale: ui.log_scale.get_untracked(),
            trace_probes: ui.trace_probes.get_untracked(),
            window: ui.window.get_untracked(),
            probe: ui.probe.get_untracked(),
            css: (css_w, css_h, (dpr * 100.0) as u32),
            coarse: f.training,
            editor: ui.editor_key(),
        };
        // A dragged layer that acts after the stage shown leaves its density as it was.
        let keeps = ui
            .editor
            .with_value(|e| e.drag_keeps_density(key.stage, key.overlays.volume));
        let inputs = Inputs {
            playing: ui.playing.get_untracked(),
            training: f.training,
            dragging: ui.dragging(),
            draw_turn: f.draw_turn,
            change: key.change(self.last.as_ref()),
            density_kept: keeps && self.last.as_ref().is_some_and(|l| key.same_but(l, true)),
            grid_and_particles: key.overlays.grid && key.overlays.particles,
        };
        let mut plan = view_plan::decide(&self.plan, &inputs, self.costs);
        self.plan = plan.next;
        // A heavy stack's density is computed a slice per frame (playback keeps drawing at
        // one go, at the resolution its bar asks for, except through a continuous layer: an ODE
        // solve per pixel held a frame for 0.5–1 s at the playback's 192²; sliced, playing shows
        // a coarse exact picture of every stage instead).
        let heavy = ui.session.with_value(|s| {
            let f = s.flow();
            progressive::heavy(f)
                && (!inputs.playing || f.kinds().iter().any(|k| k.is_continuous()))
        });
        if heavy {
            plan.heat = false;
        }
        let p = &mut self.painter;
        p.density.grid_n = plan.grid_n;
        p.density.probes = key.trace_probes;
        p.coarse = key.coarse;
        let scale = if key.log_scale {
            DensityScale::Log { range: 12.0 }
        } else {
            DensityScale::Linear
        };
        let t_heat = now_ms();
        let mut legend = None;
        let mut drawn_n = None;
        if heavy {
            // Training on the page leaves the picture less of the frame.
            let slice = match (f.training, f.worker) {
                (true, false) => REFINE_PAGE_TRAINING_MS,
                (true, true) => REFINE_WORKER_TRAINING_MS,
                (false, _) => REFINE_MS,
            };
            let moving = inputs.training || inputs.dragging;
            // The overlays' pushes first (half the slice at most), then the density. Not while
            // playing (heavy then means a continuous layer): the stage moves on every frame, so
            // no push of an ODE's grid or particles would finish, and the half slice they took
            // left the density too little to finish either (two pictures in 6 s of play).
            let fresh = !inputs.playing
                && ui.session.with_value(|s| {
                    p.advance_pushes(
                        s,
                        key.stage,
                        key.version,
                        key.overlays,
                        t_heat + slice / 2.0,
                    )
                });
            if fresh {
                plan.draw = true;
                plan.overlays = true;
            }
            if let Some((l, n)) = ui.session.with_value(|s| {
                p.density.refine(
                    s,
                    &self.heat,
                    key.window,
                    key.stage,
                    scale,
                    key.overlays.volume,
                    key.version,
                    moving,
                    t_heat + slice,
                )
            }) {
                legend = Some(l);
                drawn_n = Some(n);
                f.drew = true;
            }
        }
        if !plan.draw {
            self.mark(f.ui, legend, drawn_n, &key);
            return;
        }
        f.drew = true;
        if plan.heat {
            ui.session.with_value(|s| {
                legend = Some(p.density.draw(
                    s,
                    &self.heat,
                    key.window,
                    key.stage,
                    scale,
                    key.overlays.volume,
                ));
                drawn_n = Some(plan.grid_n);
            });
        }
        let heat_ms = now_ms() - t_heat;
        if plan.heat {
            ui.session.with_value(|s| p.density.observe(s, heat_ms));
        }
        f.parts.heat = heat_ms;
        self.plan = view_plan::adapt(&plan, &inputs, heat_ms);
        canvas::ensure_size(
            &self.overlay,
            (css_w as f64 * dpr).round() as u32,
            (css_h as f64 * dpr).round() as u32,
        );
        let t_overlay = now_ms();
        if plan.overlays {
            ui.session.with_value(|s| {
                let probe = key.probe.and_then(|z0| {
                    let flow = s.flow();
                    let (mut x, mut y) = ([z0[0]], [z0[1]]);
                    p.push_point(flow, &mut x, &mut y);
                    flow.probe([x[0], y[0]])
                });
                p.draw_overlays(
                    s,
                    &self.overlay,
                    key.window,
                    dpr * line_scale(),
                    key.stage,
                    key.overlays,
                    probe.as_ref(),
                    plan.refresh,
                    heavy,
                );
                // The layer editor's handles, over the overlays.
                handles::draw(ui, s, &self.overlay, key.window, dpr, key.stage);
            });
        }
        self.costs = view_plan::record(self.costs, &plan, heat_ms, now_ms() - t_overlay);
        self.mark(f.ui, legend, drawn_n, &key);
        self.last = Some(key);
    }
}

impl MainView {
    /// Drawn: marks the main canvas with the legend, and, when a density was drawn, its side
    /// (`data-grid-n`), a count of the densities drawn (`data-pictures`, by which the bench
    /// tells a new picture from one still shown) and the stage it shows (`data-stage`), so a
    /// test (or an embed) can wait for the picture itself rather than for animation frames.
    fn mark(&mut self, ui: Ui, legend: Option<Legend>, drawn_n: Option<usize>, key: &DrawKey) {
        if let Some(l) = legend {
            if ui.legend.get_untracked() != l {
                ui.legend.set(l);
            }
        }
        let Some(n) = drawn_n else {
            return;
        };
        self.pictures += 1;
        let stage = format!("{:.4}", key.stage);
        for (name, value) in [
            ("data-drawn", "true"),
            ("data-grid-n", &n.to_string()),
            ("data-pictures", &self.pictures.to_string()),
            ("data-stage", &stage),
        ] {
            report::warn_once(
                "marking the main canvas as drawn",
                self.heat.set_attribute(name, value),
            );
        }
    }
}
