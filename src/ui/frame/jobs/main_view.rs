//! The main view: redrawn when something it shows changed. While training, only on its turn,
//! and a redraw asked for by new parameters alone waits for that turn. While anything animates
//! (playback, training, a handle drag) the density's resolution adapts to keep its cost near
//! `DENSITY_BUDGET_MS`, never below `GRID_PLAY_MIN` while the timeline plays (the issue-4 bar:
//! playback shows at least 192² pixels); at rest it refines to full resolution, as far as a
//! one-off budget allows. While training a heavy stack (density and overlays together above
//! `SPLIT_DRAW_MS`, e.g. spline coupling layers, whose overlays push every point through the
//! conditioners), its turns alternate between the density and the overlays, so no frame pays for
//! both; and its overlay turns alternate between pushing the grid and the particles through the
//! flow (the other drawn where it was), so no frame pays for both passes of inverses either.

use leptos::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::render::{DensityScale, ViewTransform};
use crate::ui::browser::{now_ms, page};
use crate::ui::draw::main_view::{MainView as Painter, Refresh, GRID_MAX, GRID_MIN};
use crate::ui::draw::{canvas, handles};
use crate::ui::frame::{Frame, FrameJob, Part};
use crate::ui::model::{EditorKey, Overlays};

/// Target milliseconds for the density grid while animating.
const DENSITY_BUDGET_MS: f64 = 5.0;
/// Most milliseconds one refinement of the picture at rest may take.
const IDLE_HEAT_MS: f64 = 150.0;
/// Lowest density resolution while the timeline plays.
const GRID_PLAY_MIN: usize = 192;
/// Above this cost of density + overlays while training, turns draw one of them at a time.
const SPLIT_DRAW_MS: f64 = 9.0;
/// A split stays on until density + overlays cost less than this fraction of
/// [`SPLIT_DRAW_MS`]. The costs it adds are the last measured ones, and a split makes them
/// cheaper (the overlay turns push the grid or the particles, not both): without hysteresis
/// the sum of two cheap split turns ended the split, and the next turn drew everything (a
/// spline stack: draw p95 14–15.7 ms against 7.1–7.5 with it).
const SPLIT_HYSTERESIS: f64 = 0.6;

#[derive(Clone, PartialEq)]
struct DrawKey {
    version: u64,
    stage: f64,
    overlays: Overlays,
    log_scale: bool,
    window: ViewTransform,
    probe: Option<[f64; 2]>,
    css: (u32, u32, u32),
    grid_n: usize,
    /// The warped grid is the coarse one (while training): stopping redraws it finely.
    coarse: bool,
    editor: EditorKey,
}

/// The main view job: its canvases, buffers and the key of what it last drew.
pub struct MainView {
    heat: HtmlCanvasElement,
    overlay: HtmlCanvasElement,
    painter: Painter,
    last: Option<DrawKey>,
    /// What the last density drawing took (ms).
    heat_ms: f64,
    /// What the last overlay drawing took (ms).
    overlay_ms: f64,
    /// Density and overlays are drawn on alternate turns while training ([`SPLIT_DRAW_MS`]).
    heavy: bool,
    /// While split: this turn draws the overlays (else the density).
    overlay_turn: bool,
    /// While split, with both the grid and the particles on: this overlay turn pushes the grid
    /// (else the particles) through the flow; the other is drawn where it was.
    grid_turn: bool,
}

impl MainView {
    /// The job for the density canvas `heat` and the overlay canvas above it.
    pub fn new(heat: HtmlCanvasElement, overlay: HtmlCanvasElement) -> Self {
        MainView {
            heat,
            overlay,
            painter: Painter::new(),
            last: None,
            heat_ms: 0.0,
            overlay_ms: 0.0,
            overlay_turn: false,
            heavy: false,
            grid_turn: false,
        }
    }
}

impl MainView {
    /// Density and overlays together cost more than a training turn may spend on both (with
    /// hysteresis, [`SPLIT_HYSTERESIS`]).
    fn heavy(&self) -> bool {
        let limit = if self.heavy {
            SPLIT_DRAW_MS * SPLIT_HYSTERESIS
        } else {
            SPLIT_DRAW_MS
        };
        self.heat_ms + self.overlay_ms > limit
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
        // Split turns alternate, so the next one costs what its kind last cost.
        if self.heavy() {
            if self.overlay_turn {
                self.heat_ms
            } else {
                self.overlay_ms
            }
        } else {
            measured.unwrap_or(8.0)
        }
    }

    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let dpr = page::dpr(4.0);
        let css_w = self.overlay.client_width().max(1) as u32;
        let css_h = self.overlay.client_height().max(1) as u32;
        let playing = ui.playing.get_untracked();
        let animating = playing || f.training || ui.dragging();
        let heavy = self.heavy();
        self.heavy = heavy;
        let p = &mut self.painter;
        // At rest the picture refines: to full resolution if its expected cost (the last
        // drawing's, scaled by the pixel count) fits a one-off budget — a planar stack always
        // does — else to the finest halving of it that fits (a heavy coupling stack).
        if !animating && p.grid_n < GRID_MAX {
            let n = p.grid_n as f64;
            let cost = |m: usize| self.heat_ms * (m * m) as f64 / (n * n);
            let mut next = GRID_MAX;
            while next > p.grid_n && cost(next) > IDLE_HEAT_MS {
                next /= 2;
            }
            p.grid_n = next.max(p.grid_n);
        }
        if playing && p.grid_n < GRID_PLAY_MIN {
            p.grid_n = GRID_PLAY_MIN;
        }
        let key = DrawKey {
            version: ui.version.get_untracked(),
            stage: ui.stage.get_untracked(),
            overlays: ui.overlays.get_untracked(),
            log_scale: ui.log_scale.get_untracked(),
            window: ui.window.get_untracked(),
            probe: ui.probe.get_untracked(),
            css: (css_w, css_h, (dpr * 100.0) as u32),
            grid_n: p.grid_n,
            coarse: f.training,
            editor: ui.editor_key(),
        };
        // A training frame off its turn skips a redraw that only new parameters asked for.
        let only_version = self.last.as_ref().is_some_and(|l| {
            DrawKey {
                version: key.version,
                ..l.clone()
            } == key
        });
        p.coarse = key.coarse;
        if self.last.as_ref() == Some(&key) || (f.training && !f.draw_turn && only_version) {
            return;
        }
        f.drew = true;
        // A heavy stack in training: this turn draws the density or the overlays, not both (the
        // other canvas keeps its picture, one training slice old).
        let split = f.training && self.last.is_some() && heavy;
        self.overlay_turn = split && !self.overlay_turn;
        let (do_heat, do_overlays) = (!self.overlay_turn, !split || self.overlay_turn);
        // A split overlay turn after new parameters only: the grid and the particles (each a
        // pass of inverses through the whole stack) take turns too.
        let both = key.overlays.grid && key.overlays.particles;
        let refresh = if split && do_overlays && both && only_version {
            self.grid_turn = !self.grid_turn;
            Refresh {
                grid: self.grid_turn,
                particles: !self.grid_turn,
            }
        } else {
            Refresh::ALL
        };
        let scale = if key.log_scale {
            DensityScale::Log { range: 12.0 }
        } else {
            DensityScale::Linear
        };
        let t_heat = now_ms();
        // A dragged layer that acts after the stage shown leaves its density as it was.
        let keeps = ui
            .editor
            .with_value(|e| e.drag_keeps_density(key.stage, key.overlays.volume));
        let heat_same = keeps
            && self.last.as_ref().is_some_and(|l| {
                DrawKey {
                    version: key.version,
                    editor: key.editor,
                    ..l.clone()
                } == key
            });
        let legend = if heat_same || !do_heat {
            None
        } else {
            ui.session.with_value(|s| {
                Some(p.draw_heat(
                    s,
                    &self.heat,
                    key.window,
                    key.stage,
                    scale,
                    key.overlays.volume,
                ))
            })
        };
        let heat_ms = now_ms() - t_heat;
        f.parts.heat = heat_ms;
        let drew_heat = !heat_same && do_heat;
        if drew_heat {
            self.heat_ms = heat_ms;
        }
        if animating && drew_heat {
            let floor = if playing { GRID_PLAY_MIN } else { GRID_MIN };
            if heat_ms > DENSITY_BUDGET_MS * 1.4 && p.grid_n > floor {
                p.grid_n = (p.grid_n - 32).max(floor);
            } else if heat_ms < DENSITY_BUDGET_MS * 0.5 && p.grid_n < GRID_MAX {
                p.grid_n += 32;
            }
        }
        canvas::ensure_size(
            &self.overlay,
            (css_w as f64 * dpr).round() as u32,
            (css_h as f64 * dpr).round() as u32,
        );
        let t_overlay = now_ms();
        ui.session.with_value(|s| {
            if !do_overlays {
                return;
            }
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
                refresh,
            );
            // The layer editor's handles, over the overlays.
            handles::draw(ui, s, &self.overlay, key.window, dpr, key.stage);
        });
        if do_overlays {
            self.overlay_ms = now_ms() - t_overlay;
        }
        if let Some(l) = legend {
            if ui.legend.get_untracked() != l {
                ui.legend.set(l);
            }
        }
        let _ = self.heat.set_attribute("data-drawn", "true");
        let _ = self
            .heat
            .set_attribute("data-grid-n", &p.grid_n.to_string());
        // The stage this picture shows, so a test (or an embed) can wait for the picture itself
        // rather than for a number of animation frames.
        let _ = self
            .heat
            .set_attribute("data-stage", &format!("{:.4}", key.stage));
        self.last = Some(key);
    }
}
