//! What the flow fits: the target (a preset cloud, drawn points or an energy), a preset's
//! settings, the training settings, brush strokes and imports.

use leptos::prelude::*;

use crate::core::Vec2;
use crate::session::{TargetChoice, MAX_POINTS};
use crate::state::{self, decimal, ImportMode, Mode, PresetInfo};
use crate::ui::context::{NoticeKind, Stroke, Tool, Ui};

use super::{common, history};

/// Fits `choice` instead: a preset keeps the current preset's point count and generator seed
/// (its noise goes back to the default), "drawn" starts empty, an energy keeps the points.
/// Ends a lesson (its caption described the old target); one undo step.
pub fn set_target(ui: Ui, choice: TargetChoice) {
    let (n, seed) = ui.session.with_value(|s| match s.mode() {
        Mode::Points(Some(p)) => (p.n, p.seed),
        _ => (1000, 1),
    });
    let mode = match &choice {
        TargetChoice::Preset(p) => Mode::Points(Some(PresetInfo {
            preset: *p,
            n,
            noise: p.default_noise(),
            seed,
        })),
        TargetChoice::Drawn => Mode::Points(None),
        TargetChoice::Energy(e) => Mode::Energy(e.clone()),
    };
    set_mode(ui, mode);
    match &choice {
        TargetChoice::Energy(_)
            if matches!(ui.tool.get_untracked(), Tool::Brush | Tool::Eraser) =>
        {
            ui.tool.set(Tool::Probe)
        }
        TargetChoice::Drawn => ui.tool.set(Tool::Brush),
        _ => {}
    }
}

/// Fits `mode` (one undo step; ends a lesson).
pub(super) fn set_mode(ui: Ui, mode: Mode) {
    history::checkpoint(ui);
    ui.lesson.set(None);
    let r = ui.session.try_update_value(|s| s.set_target(mode));
    common::after_rebuild(ui, r.unwrap_or(Ok(())));
}

/// The current preset regenerated with `change` applied to how it is generated.
fn regenerate(ui: Ui, change: impl FnOnce(&mut PresetInfo)) {
    if let Some(Mode::Points(Some(mut info))) = ui.session.with_value(|s| Some(s.mode())) {
        change(&mut info);
        set_mode(ui, Mode::Points(Some(info)));
    }
}

/// `raw` (the Points field) as the preset's point count, or a message that keeps it.
pub fn set_preset_count(ui: Ui, raw: &str) {
    match raw.trim().parse::<usize>() {
        Ok(n) if (2..=MAX_POINTS).contains(&n) => regenerate(ui, |i| i.n = n),
        _ => ui.notify(
            NoticeKind::Error,
            format!(
                "Points must be a whole number from 2 to {MAX_POINTS}; kept {}.",
                ui.facts.preset.get_untracked().map_or(0, |p| p.n)
            ),
        ),
    }
}

/// `raw` (the Noise × field) as a multiple of the preset's default noise.
pub fn set_preset_noise(ui: Ui, raw: &str) {
    match decimal::parse(raw.trim()) {
        Some(v) if v.is_finite() && (0.0..=5.0).contains(&v) => {
            regenerate(ui, |i| i.noise = i.preset.default_noise() * v)
        }
        _ => ui.notify(
            NoticeKind::Error,
            "Noise must be a number from 0 to 5 (times the preset's default).",
        ),
    }
}

/// `raw` (the Sample field) as the preset generator's seed, or a message that keeps it.
pub fn set_preset_seed(ui: Ui, raw: &str) {
    match raw.trim().parse::<u64>() {
        Ok(seed) => regenerate(ui, |i| i.seed = seed),
        Err(_) => ui.notify(
            NoticeKind::Error,
            format!(
                "The sample number must be a whole number ≥ 0; kept {}.",
                ui.facts.preset.get_untracked().map_or(0, |p| p.seed)
            ),
        ),
    }
}

/// A new sample of the preset (the next generator seed).
pub fn new_sample(ui: Ui) {
    regenerate(ui, |i| i.seed = i.seed.wrapping_add(1));
}

/// `raw` (the learning-rate field) as the learning rate, or a message that keeps it.
pub fn set_lr_text(ui: Ui, raw: &str) {
    let r = raw.trim();
    let r = decimal::parse(r).ok_or_else(String::new).and_then(|v| {
        ui.session
            .try_update_value(|s| s.set_lr(v))
            .unwrap_or(Ok(()))
    });
    match r {
        Ok(()) => ui.bump(),
        Err(_) => ui.notify(
            NoticeKind::Error,
            format!(
                "“{}” is not a usable learning rate: use a positive number such as 0.005.",
                raw.chars().take(40).collect::<String>()
            ),
        ),
    }
}

/// The minibatch size.
pub fn set_batch(ui: Ui, batch: usize) {
    if let Some(Err(e)) = ui.session.try_update_value(|s| s.set_batch(batch)) {
        ui.notify(NoticeKind::Error, e);
    }
    ui.bump();
}

/// Annealing on or off, and its length (the model restarts: one undo step).
pub fn set_anneal(ui: Ui, on: bool, steps: u32) {
    history::checkpoint(ui);
    let r = ui.session.try_update_value(|s| s.set_anneal(on, steps));
    common::after_rebuild(ui, r.unwrap_or(Ok(())));
}

/// Removes every point (one undo step); the brush is ready to draw new ones.
pub fn clear_points(ui: Ui) {
    history::checkpoint(ui);
    ui.session.update_value(|s| s.clear_points());
    ui.tool.set(Tool::Brush);
    common::after_points_edit(ui);
}

/// Sprays or erases at `at` with the current brush; true if points changed.
fn paint(ui: Ui, tool: Tool, at: Vec2) -> bool {
    let size = ui.brush_size.get_untracked();
    match tool {
        Tool::Brush => {
            let n = ui.brush_density.get_untracked();
            let ok = ui
                .session
                .try_update_value(|s| s.spray(at, size, n))
                .unwrap_or(false);
            if !ok {
                ui.notify(NoticeKind::Warn, format!("At most {MAX_POINTS} points: nothing more was added. Erase some or export them first."));
            }
            ok
        }
        Tool::Eraser => ui
            .session
            .try_update_value(|s| s.erase(at, size) > 0)
            .unwrap_or(false),
        _ => false,
    }
}

/// A brush or eraser stroke begins at data point `at` (pointer `pointer`, canvas position
/// `css`): one undo step per stroke. False if the target is an energy (nothing to draw).
pub fn stroke_begin(ui: Ui, tool: Tool, at: Vec2, pointer: i32, css: [f64; 2]) -> bool {
    if ui.session.with_value(|s| s.energy().is_some()) {
        ui.notify(
            NoticeKind::Info,
            "The target is an energy: choose a point preset or “Draw your own” to draw points.",
        );
        return false;
    }
    history::checkpoint(ui);
    if paint(ui, tool, at) {
        ui.bump();
    }
    ui.stroke.set_value(Some(Stroke {
        tool,
        last_css: css,
        pointer,
    }));
    true
}

/// The stroke moves to `at` (canvas position `css`): paints every 4 CSS pixels of travel.
pub fn stroke_move(ui: Ui, at: Vec2, css: [f64; 2]) {
    let Some(mut st) = ui.stroke.get_value() else {
        return;
    };
    let dist = (css[0] - st.last_css[0]).hypot(css[1] - st.last_css[1]);
    if dist < 4.0 {
        return;
    }
    if paint(ui, st.tool, at) {
        ui.bump();
    }
    st.last_css = css;
    ui.stroke.set_value(Some(st));
}

/// The stroke ends: the edited points are handed to the trainer.
pub fn stroke_end(ui: Ui) {
    if ui.stroke.try_update_value(Option::take).flatten().is_some() {
        ui.session.update_value(|s| s.points_edited());
        common::after_points_edit(ui);
    }
}

/// Imports points from a file's text. They replace a preset cloud (or the points kept under an
/// energy); they join points drawn by hand unless `replace_drawn`. Bad rows are reported by line
/// number and skipped; nothing changes on a bad file; undo brings back whatever was replaced.
pub fn import_points_text(ui: Ui, text: &str, replace_drawn: bool) {
    let (pts, errors) = match state::parse_points(text) {
        Err(e) => {
            ui.notify(
                NoticeKind::Error,
                format!("Import failed: {e}. Nothing was changed."),
            );
            return;
        }
        Ok(r) => r,
    };
    history::checkpoint(ui);
    let drawn = ui.session.with_value(|s| s.mode() == Mode::Points(None));
    let how = if drawn && !replace_drawn {
        ImportMode::Append
    } else {
        ImportMode::Replace
    };
    let cap = ui
        .session
        .try_update_value(|s| s.import_points(&pts, how))
        .flatten();
    common::after_points_edit(ui);
    let mut msg = match how {
        ImportMode::Replace => format!(
            "Imported {} points (they replace the previous ones; undo brings those back).",
            pts.len()
        ),
        ImportMode::Append => format!("Imported {} points, added to your drawn points.", pts.len()),
    };
    if !errors.is_empty() {
        let lines: Vec<String> = errors.iter().take(8).map(|e| e.to_string()).collect();
        msg.push_str(&format!(
            " Skipped {} bad row{}: {}{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            lines.join("; "),
            if errors.len() > 8 { "; …" } else { "" }
        ));
    }
    if let Some(w) = cap {
        msg.push_str(&format!(" {w}"));
    }
    let kind = if errors.is_empty() {
        NoticeKind::Info
    } else {
        NoticeKind::Warn
    };
    ui.notify(kind, msg);
}

/// Loads a model file (layers and raw parameters), keeping the target (one undo step).
pub fn import_model_text(ui: Ui, text: &str) {
    let (kinds, params) = match state::model_from_json(text) {
        Err(e) => {
            ui.notify(
                NoticeKind::Error,
                format!("Model import failed: {e}. Nothing was changed."),
            );
            return;
        }
        Ok(m) => m,
    };
    history::checkpoint(ui);
    match ui
        .session
        .try_update_value(|s| s.set_model(&kinds, &params))
    {
        Some(Ok(())) => {
            ui.stage.set(kinds.len() as f64);
            ui.notify(
                NoticeKind::Info,
                format!("Loaded a model with {} layers.", kinds.len()),
            );
            ui.bump();
        }
        _ => ui.notify(
            NoticeKind::Error,
            "The model could not be loaded with the current data.",
        ),
    }
}

/// A file's text dropped on the canvas: a model file loads as a model, anything else imports
/// as points (drawn points are kept).
pub fn import_dropped_text(ui: Ui, text: &str) {
    if text.contains("\"layers\"") {
        import_model_text(ui, text);
    } else {
        import_points_text(ui, text, false);
    }
}

/// A file could not be read.
pub fn import_failed(ui: Ui, why: &str) {
    ui.notify(
        NoticeKind::Error,
        format!("Import failed: {why}. Nothing was changed."),
    );
}

/// The benchmark's `train` scenario: every point trains, `heldout` evaluates.
pub fn fit_all_points(ui: Ui, heldout: crate::core::Points) {
    if let Some(Err(e)) = ui.session.try_update_value(|s| s.fit_all_points(heldout)) {
        ui.notify(NoticeKind::Error, e);
    }
    ui.bump();
}
