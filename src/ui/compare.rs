//! The comparison beside the main view: the main view's target fitted by two or three other
//! flows (planar vs radial at the main depth, or planar K = 2, 8, 32 as in the paper's
//! Figure 3), each with its own trainer, trained in the frame loop's time slices and drawn at
//! its model stage. For an energy, a first panel shows the target density ∝ exp(−U).

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::core::{Energy, Eval, Init, Trainer, Workspace};
use crate::render::{Colormap, DensityScale, Heatmap, ViewTransform};
use crate::state::Compare;

use super::canvas;
use super::frame::now_ms;
use super::session::Target;
use super::state::{NoticeKind, Ui};

/// Density resolution of a comparison panel.
const N: usize = 128;
/// Milliseconds between redraws while training.
const REDRAW_MS: f64 = 200.0;

struct Entry {
    label: String,
    trainer: Trainer,
}

struct Run {
    entries: Vec<Entry>,
    /// The energy whose target panel is shown, if any.
    energy: Option<Energy>,
    /// Round-robin position of the training slices.
    next: usize,
    /// Steps and window of the last redraw (`None`: draw on the next frame).
    drawn: Option<(Vec<u64>, ViewTransform)>,
    last_draw: f64,
    ws: Workspace,
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
}

/// Build the comparison `which` for the session's current target and model depth (fresh
/// seeded weights, the main model's seed and hyper-parameters).
pub fn start(ui: Ui, which: Compare) {
    let built = ui.session.with_value(|s| {
        let objective = s.trainer.objective().clone();
        let hyper = *s.trainer.hyper();
        let energy = match s.target {
            Target::Energy(e) => Some(e),
            Target::Points => None,
        };
        which
            .entries(s.trainer.flow().len())
            .into_iter()
            .map(|e| {
                Trainer::new(
                    &e.kinds,
                    Init::Default,
                    objective.clone(),
                    hyper,
                    s.spec.seed,
                )
                .map(|trainer| Entry {
                    label: e.label,
                    trainer,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|entries| (entries, energy))
    });
    match built {
        Ok((entries, energy)) => {
            ui.compare_captions
                .set(entries.iter().map(|e| e.label.clone()).collect());
            RUN.with(|r| {
                *r.borrow_mut() = Some(Run {
                    entries,
                    energy,
                    next: 0,
                    drawn: None,
                    last_draw: 0.0,
                    ws: Workspace::default(),
                })
            });
            ui.compare.set(Some(which));
            ui.compare_training.set(false);
        }
        Err(e) => {
            stop(ui);
            ui.notify(
                NoticeKind::Warn,
                format!("The comparison needs usable training data: {e}"),
            );
        }
    }
}

/// Close the comparison.
pub fn stop(ui: Ui) {
    RUN.with(|r| *r.borrow_mut() = None);
    ui.compare_training.set(false);
    if ui.compare.get_untracked().is_some() {
        ui.compare.set(None);
    }
}

/// The target changed: rebuild the open comparison for it (paused).
pub fn retarget(ui: Ui) {
    if let Some(which) = ui.compare.get_untracked() {
        start(ui, which);
    }
}

/// Run training steps of the comparison's flows until `deadline` (ms), one step of each in
/// turn, so they all have taken the same number of steps (a fair comparison).
pub fn train(ui: Ui, deadline: f64) {
    let halved = RUN.with(|r| {
        let mut r = r.borrow_mut();
        let run = r.as_mut()?;
        let n = run.entries.len();
        let mut halved = None;
        while n > 0 && now_ms() < deadline {
            let entry = &mut run.entries[run.next];
            if entry.trainer.run_steps(1).diverged.is_some() {
                let lr = entry.trainer.halve_lr();
                halved = Some((entry.label.clone(), lr));
            }
            run.next = (run.next + 1) % n;
        }
        halved
    });
    if let Some((label, lr)) = halved {
        ui.notify(
            NoticeKind::Warn,
            format!(
                "The comparison's {label} diverged; its last good parameters were restored and its learning rate halved to {}.",
                super::frame::fmt_lr(lr)
            ),
        );
    }
}

/// Redraw the panels if the flows moved (at most every `REDRAW_MS` while training) or the
/// window changed, and refresh the captions.
pub fn draw(ui: Ui, window: ViewTransform) {
    let captions = RUN.with(|r| {
        let mut r = r.borrow_mut();
        let run = r.as_mut()?;
        let steps: Vec<u64> = run.entries.iter().map(|e| e.trainer.step_count()).collect();
        let now = now_ms();
        let same = run
            .drawn
            .as_ref()
            .is_some_and(|(s, w)| *s == steps && *w == window);
        if same || (run.drawn.is_some() && now - run.last_draw < REDRAW_MS) {
            return None;
        }
        let doc = web_sys::window()?.document()?;
        let view = ViewTransform {
            width: N as f64,
            height: N as f64,
            ..window
        };
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        view.pixel_centers(N, N, &mut xs, &mut ys);
        let mut vals = vec![0.0; xs.len()];
        let mut rgba = Vec::new();
        let mut heat = Heatmap::new(Colormap::Viridis);
        let canvas_at =
            |id: &str| -> Option<HtmlCanvasElement> { doc.get_element_by_id(id)?.dyn_into().ok() };
        if let (Some(e), Some(el)) = (run.energy, canvas_at("compare-target")) {
            let mut u = vec![0.0; xs.len()];
            let (mut gx, mut gy) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
            e.eval_batch(&xs, &ys, &mut u, &mut gx, &mut gy);
            for (v, u) in vals.iter_mut().zip(&u) {
                *v = -u;
            }
            heat.colorize(&vals, DensityScale::Linear, &mut rgba);
            canvas::blit_rgba(&el, &rgba, N as u32, N as u32);
        }
        let mut captions = Vec::new();
        for (i, entry) in run.entries.iter().enumerate() {
            let flow = entry.trainer.flow();
            if let Some(el) = canvas_at(&format!("compare-canvas-{i}")) {
                flow.log_density(flow.len() as f64, &xs, &ys, &mut vals, &mut run.ws);
                heat.colorize(&vals, DensityScale::Linear, &mut rgba);
                canvas::blit_rgba(&el, &rgba, N as u32, N as u32);
                let _ = el.set_attribute("data-step", &entry.trainer.step_count().to_string());
            }
            captions.push(caption(entry));
        }
        run.drawn = Some((steps, window));
        run.last_draw = now;
        Some(captions)
    });
    if let Some(c) = captions {
        if ui.compare_captions.get_untracked() != c {
            ui.compare_captions.set(c);
        }
    }
}

/// `planar K = 8 · step 1200 · free energy −1.62` (numbers once there are some).
fn caption(e: &Entry) -> String {
    let tr = &e.trainer;
    let mut out = format!("{} · step {}", e.label, tr.step_count());
    match tr.last_eval() {
        Some(Eval::HeldOutNll(v)) if v.is_finite() => {
            out.push_str(&format!(" · held-out NLL {v:.3}"))
        }
        Some(Eval::Energy(x)) if x.free_energy.is_finite() => {
            out.push_str(&format!(" · free energy {:.3}", x.free_energy))
        }
        _ => {}
    }
    out
}

/// Whether a comparison is open.
pub fn active() -> bool {
    RUN.with(|r| r.borrow().is_some())
}
