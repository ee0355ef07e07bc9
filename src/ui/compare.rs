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

/// Density resolution of a comparison panel (CSS scales it up smoothly): adapted to keep a
/// panel's draw near `PANEL_BUDGET_MS` (a K = 32 energy flow pulls every pixel back through
/// 32 exact inverses), full resolution when the panels are idle.
const N_MAX: usize = 128;
const N_MIN: usize = 64;
const PANEL_BUDGET_MS: f64 = 5.0;
/// Milliseconds between refreshes of a panel while training.
const REDRAW_MS: f64 = 250.0;

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
    /// Per panel (target first, then the flows): the step and window it was drawn at.
    drawn: Vec<Option<(u64, ViewTransform)>>,
    /// When the last panel was drawn (one panel per frame at most), and which.
    last_draw: f64,
    last_panel: usize,
    /// Current panel resolution.
    n: usize,
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
                    drawn: Vec::new(),
                    last_draw: 0.0,
                    last_panel: 0,
                    n: N_MAX,
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

/// Redraw at most one panel per frame: the first whose flow moved (or whose window changed)
/// since it was drawn, no more often than every `REDRAW_MS` per panel while training; then
/// refresh the captions. Spreading the panels over frames keeps each frame short.
pub fn draw(ui: Ui, window: ViewTransform) {
    let captions = RUN.with(|r| {
        let mut r = r.borrow_mut();
        let run = r.as_mut()?;
        let now = now_ms();
        let n = run.entries.len() + 1; // panel 0: the target (energies only)
        run.drawn.resize(n, None);
        let state = |i: usize| -> (u64, ViewTransform) {
            let step = if i == 0 {
                0
            } else {
                run.entries[i - 1].trainer.step_count()
            };
            (step, window)
        };
        // Round-robin from the panel after the last one drawn, so none starves.
        let due = (1..=n).map(|j| (run.last_panel + j) % n).find(|&i| {
            if i == 0 && run.energy.is_none() {
                return false;
            }
            match run.drawn[i] {
                None => true,
                Some((step, w)) => {
                    w != window
                        || (state(i).0 != step && now - run.last_draw >= REDRAW_MS / n as f64)
                }
            }
        })?;
        let doc = web_sys::window()?.document()?;
        let training = ui.compare_training.get_untracked() || ui.training.get_untracked();
        if !training && run.n < N_MAX {
            // Idle: back to full resolution, every panel redrawn.
            run.n = N_MAX;
            run.drawn.iter_mut().for_each(|d| *d = None);
        }
        let n_px = run.n;
        let view = ViewTransform {
            width: n_px as f64,
            height: n_px as f64,
            ..window
        };
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        view.pixel_centers(n_px, n_px, &mut xs, &mut ys);
        let mut vals = vec![0.0; xs.len()];
        let mut rgba = Vec::new();
        let mut heat = Heatmap::new(Colormap::Viridis);
        let id = if due == 0 {
            "compare-target".to_string()
        } else {
            format!("compare-canvas-{}", due - 1)
        };
        let el: HtmlCanvasElement = doc.get_element_by_id(&id)?.dyn_into().ok()?;
        if due == 0 {
            let e = run.energy?;
            let mut u = vec![0.0; xs.len()];
            let (mut gx, mut gy) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
            e.eval_batch(&xs, &ys, &mut u, &mut gx, &mut gy);
            for (v, u) in vals.iter_mut().zip(&u) {
                *v = -u;
            }
        } else {
            let flow = run.entries[due - 1].trainer.flow();
            flow.log_density(flow.len() as f64, &xs, &ys, &mut vals, &mut run.ws);
        }
        heat.colorize(&vals, DensityScale::Linear, &mut rgba);
        canvas::blit_rgba(&el, &rgba, n_px as u32, n_px as u32);
        let spent = now_ms() - now;
        if training && spent > PANEL_BUDGET_MS * 1.4 && run.n > N_MIN {
            run.n -= 16;
        } else if training && spent < PANEL_BUDGET_MS * 0.5 && run.n < N_MAX {
            run.n += 16;
        }
        let st = state(due);
        if due > 0 {
            let _ = el.set_attribute("data-step", &st.0.to_string());
        }
        run.drawn[due] = Some(st);
        run.last_draw = now;
        run.last_panel = due;
        Some(run.entries.iter().map(caption).collect::<Vec<_>>())
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
