//! The view: the stage and its playback, overlays, colour scale, zoom and pan, the pointer tool,
//! the probe.

use leptos::prelude::*;

use crate::core::Vec2;
use crate::render::ViewTransform;
use crate::ui::browser::{page, storage};
use crate::ui::context::{NoticeCause, NoticeKind, Overlays, Panel, Tool, Ui};

fn k(ui: Ui) -> f64 {
    ui.session.with_value(|s| s.k()) as f64
}

/// Shows stage `s` (clamped to `[0, K]`), stopping playback.
pub fn set_stage(ui: Ui, s: f64) {
    ui.playing.set(false);
    if s.is_finite() {
        ui.stage.set(s.clamp(0.0, k(ui)));
    }
}

/// One whole layer forward (`+1`) or back (`−1`).
pub fn step_layer(ui: Ui, dir: i32) {
    let kk = k(ui);
    ui.stage.update(|s| {
        *s = if dir > 0 {
            (s.floor() + 1.0).min(kk)
        } else {
            (s.ceil() - 1.0).max(0.0)
        }
    });
}

/// Plays or pauses the layer animation; playing from the end starts over.
pub fn toggle_play(ui: Ui) {
    if ui.playing.get_untracked() {
        ui.playing.set(false);
        return;
    }
    let kk = k(ui);
    let s = ui.stage.get_untracked();
    if !ui.reverse.get_untracked() && s >= kk {
        ui.stage.set(0.0);
    } else if ui.reverse.get_untracked() && s <= 0.0 {
        ui.stage.set(kk);
    }
    ui.playing.set(true);
}

/// Advances playback by `dt` ms at time `now` (the frame loop's playback job).
pub fn advance(ui: Ui, now: f64, dt: f64, last_step: &mut f64) {
    let kk = k(ui);
    if !ui.playing.get_untracked() || kk <= 0.0 {
        return;
    }
    let dir = if ui.reverse.get_untracked() {
        -1.0
    } else {
        1.0
    };
    let s = ui.stage.get_untracked();
    let next = if ui.reduced_motion.get_untracked() {
        // Whole layers, one step per 0.8 s: no continuous motion.
        if now - *last_step > 800.0 {
            *last_step = now;
            (s + dir).round()
        } else {
            s
        }
    } else {
        s + dir * ui.speed.get_untracked() * dt / 1000.0
    };
    let next = if next > kk || next < 0.0 {
        if ui.looping.get_untracked() {
            if dir > 0.0 {
                0.0
            } else {
                kk
            }
        } else {
            ui.playing.set(false);
            next.clamp(0.0, kk)
        }
    } else {
        next
    };
    if next != s {
        ui.stage.set(next);
    }
}

/// Playback speed in layers per second.
pub fn set_speed(ui: Ui, v: f64) {
    if v.is_finite() && v > 0.0 {
        ui.speed.set(v);
    }
}

/// Loop at the end of the timeline.
pub fn set_looping(ui: Ui, on: bool) {
    ui.looping.set(on);
}

/// Play data → base (`true`) or base → model.
pub fn set_reverse(ui: Ui, on: bool) {
    ui.reverse.set(on);
}

/// One overlay on or off.
pub fn set_overlay(ui: Ui, set: fn(&mut Overlays, bool), on: bool) {
    ui.overlays.update(|o| set(o, on));
}

/// Log (true) or linear density scale.
pub fn set_log_scale(ui: Ui, on: bool) {
    ui.log_scale.set(on);
}

/// The trace estimator of a one-layer continuous flow's picture (0: exact; 1 or 10 probes).
pub fn set_trace_probes(ui: Ui, probes: u8) {
    ui.trace_probes.set(probes);
}

/// Zooms about the centre by `factor`.
pub fn zoom(ui: Ui, factor: f64) {
    ui.window.update(|w| {
        let c = [w.width * 0.5, w.height * 0.5];
        *w = w.zoomed(factor, c);
    });
}

/// Back to [−4, 4]².
pub fn reset_view(ui: Ui) {
    ui.window.set(ViewTransform::new(1.0, 1.0));
}

/// Moves the view by `d` CSS pixels of a canvas shown at `view`'s size.
pub fn pan(ui: Ui, view: ViewTransform, d: [f64; 2]) {
    ui.window.update(|w| {
        let scaled = ViewTransform {
            width: view.width,
            height: view.height,
            ..*w
        };
        w.center = scaled.panned(d).center;
    });
}

/// The pointer tool.
pub fn set_tool(ui: Ui, tool: Tool) {
    ui.tool.set(tool);
}

/// Traces the point `at` (data space, at the stage shown) through every layer.
pub fn probe_at(ui: Ui, at: Vec2) {
    let s = ui.stage.get_untracked();
    match ui.session.with_value(|sess| sess.pull_back(s, at)) {
        Some(z0) => {
            ui.probe.set(Some(z0));
            open_panel(ui, Panel::Probe);
        }
        None => ui.notify(
            NoticeKind::Error,
            "That point could not be traced back through the layers.",
        ),
    }
}

/// The pointer hovers at data point `at` (or left the canvas): followed only while a coupling
/// layer is open, for its inset.
pub fn hover(ui: Ui, at: Option<Vec2>) {
    let coupling = ui.selected_layer.get_untracked().is_some_and(|i| {
        ui.session
            .with_value(|s| s.flow().kinds().get(i).is_some_and(|k| k.keep().is_some()))
    });
    let at = if coupling { at } else { None };
    if ui.hover_at.get_untracked() != at {
        ui.hover_at.set(at);
    }
}

/// Removes the probe.
pub fn clear_probe(ui: Ui) {
    ui.probe.set(None);
}

/// Brush radius (data units).
pub fn set_brush_size(ui: Ui, v: f64) {
    if v.is_finite() && v > 0.0 {
        ui.brush_size.set(v);
    }
}

/// Points per brush move.
pub fn set_brush_density(ui: Ui, n: usize) {
    ui.brush_density.set(n.clamp(1, 50));
}

/// Dismisses the notice.
pub fn dismiss_notice(ui: Ui) {
    ui.notice_cause.set_value(None);
    ui.notice.set(None);
}

/// Clears the notice if the condition it reports has ended (called whenever the model or the
/// data changed): "Cannot train: no points" must not stay over a state that has points.
pub fn clear_resolved_notice(ui: Ui) {
    let resolved = match ui.notice_cause.get_value() {
        Some(NoticeCause::DataProblem) => ui.session.with_value(|s| s.data_problem().is_none()),
        None => false,
    };
    if resolved {
        dismiss_notice(ui);
    }
}

/// Closes the lesson's caption (the lesson ends).
pub fn close_lesson(ui: Ui) {
    ui.lesson.set(None);
}

/// The loss chart's step axis: log (true) or linear. Redrawn at once, so the readout reads the
/// new axis.
pub fn set_chart_log_x(ui: Ui, on: bool) {
    let mut state = ui.chart.get_value();
    state.log_x = on;
    ui.session
        .with_value(|s| crate::ui::draw::chart::draw(s, &mut state));
    ui.chart.set_value(state);
}

/// Continuous playback even if the system asks for reduced motion (the benchmark measures it).
pub fn set_reduced_motion(ui: Ui, on: bool) {
    ui.reduced_motion.set(on);
}

/// Opens a side panel.
pub fn open_panel(ui: Ui, panel: Panel) {
    if ui.panel.get_untracked() != panel {
        ui.panel.set(panel);
    }
}

/// Presenter mode on or off: the canvas fills the screen (full screen where the browser allows
/// it, else the whole window), captions large enough for the back of a hall.
pub fn toggle_presenter(ui: Ui) {
    if ui.presenter.get_untracked() {
        exit_presenter(ui);
    } else {
        ui.presenter.set(true);
        page::request_fullscreen();
    }
}

/// Leaves presenter mode (and full screen).
pub fn exit_presenter(ui: Ui) {
    if ui.presenter.get_untracked() {
        ui.presenter.set(false);
    }
    page::exit_fullscreen();
}

/// The browser left full screen (Esc, or its own controls): presenter mode ends with it.
pub fn fullscreen_changed(ui: Ui) {
    if !page::is_fullscreen() && ui.presenter.get_untracked() {
        ui.presenter.set(false);
    }
}

/// The keyboard help on or off.
pub fn toggle_help(ui: Ui) {
    ui.help.update(|h| *h = !*h);
}

/// Closes the keyboard help.
pub fn close_help(ui: Ui) {
    ui.help.set(false);
}

/// Local-storage key remembering that the first-visit hint was seen.
const HINT_KEY: &str = "flow-playground:hint-done";

/// Shows the first-visit hint unless it was seen before (or the page is embedded).
pub fn show_hint_once(ui: Ui) {
    let embedded = ui.embed.with_untracked(|e| e.embed);
    ui.hint.set(!embedded && storage::get(HINT_KEY).is_none());
}

/// The hint was read (or training started): never again in this browser.
pub fn dismiss_hint(ui: Ui) {
    if ui.hint.get_untracked() {
        ui.hint.set(false);
        storage::set(HINT_KEY, "1");
    }
}
