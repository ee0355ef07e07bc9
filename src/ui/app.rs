//! The page: header, the main density view with its timeline and filmstrip, and the controls.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::{Annealing, Energy, LayerKind, Preset, StackPattern};
use crate::render::{Colormap, DensityScale, ViewTransform};

use super::frame::{self, fmt_lr, Canvases, FrameTimes};
use super::main_view::{direction_note, Legend, Overlays};
use super::session::{
    hyper_for, preset_points, Session, Target, DEFAULT_COUNT, DEFAULT_PRESET, MAX_POINTS,
};
use super::state::{NoticeKind, Stats, TargetChoice, Tool, Ui};

/// Format a number for display; never shows NaN.
pub fn num(v: f64, digits: usize) -> String {
    if v.is_finite() {
        format!("{v:.digits$}")
    } else {
        "—".into()
    }
}

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let ui = Ui {
        session: StoredValue::new_local(Session::new()),
        version: RwSignal::new(0),
        stage: RwSignal::new(0.0),
        k: RwSignal::new(16),
        playing: RwSignal::new(false),
        speed: RwSignal::new(2.0),
        looping: RwSignal::new(false),
        reverse: RwSignal::new(false),
        training: RwSignal::new(false),
        overlays: RwSignal::new(Overlays::default()),
        log_scale: RwSignal::new(false),
        window: RwSignal::new(ViewTransform::new(1.0, 1.0)),
        tool: RwSignal::new(Tool::Probe),
        probe: RwSignal::new(None),
        notice: RwSignal::new(None),
        gif: RwSignal::new(None),
        stats: RwSignal::new(Stats::default()),
        legend: RwSignal::new(Legend::Density {
            scale: DensityScale::Linear,
            max_log: f64::NEG_INFINITY,
        }),
        lr: RwSignal::new(crate::core::Hyper::ml_default().lr),
        batch: RwSignal::new(crate::core::Hyper::ml_default().batch),
        target: RwSignal::new(TargetChoice::Preset(DEFAULT_PRESET)),
        n_points: RwSignal::new(DEFAULT_COUNT),
        data_problem: RwSignal::new(None),
        undo_redo: RwSignal::new((false, false)),
        annealing: RwSignal::new(true),
        anneal_steps: RwSignal::new(crate::state::ANNEAL_STEPS_PAPER),
        reduced_motion: RwSignal::new(reduced_motion()),
        selected_layer: RwSignal::new(None),
        preset_info: RwSignal::new(Some(crate::state::PresetInfo::new(DEFAULT_PRESET))),
        embed: RwSignal::new(crate::state::EmbedConfig::default()),
        lesson: RwSignal::new(None),
        compare: RwSignal::new(None),
        compare_training: RwSignal::new(false),
        compare_captions: RwSignal::new(Vec::new()),
    };
    // A link wins over the browser's saved session; both go through the tolerant decoder.
    super::persist::restore(ui);
    // The first picture is stage 0, the base Gaussian, with the data over it: press Train or
    // Play to watch it move.

    let heat_ref = NodeRef::<leptos::html::Canvas>::new();
    let overlay_ref = NodeRef::<leptos::html::Canvas>::new();
    let times = Rc::new(RefCell::new(FrameTimes::default()));
    let started = StoredValue::new_local(false);
    Effect::new(move |_| {
        if let (Some(heat), Some(overlay)) = (heat_ref.get(), overlay_ref.get()) {
            if !started.get_value() {
                started.set_value(true);
                frame::start(ui, Canvases { heat, overlay }, times.clone());
            }
        }
    });

    install_shortcuts(ui);

    view! {
        <header class="app-header" class:hidden=move || ui.hidden("header")>
            <h1>"Flow Playground"</h1>
            <p class="tagline">"Planar and radial normalizing flows, layer by layer — exact densities, trained live."</p>
        </header>
        <NoticeBar ui=ui />
        <main class="layout" class:embedded=move || ui.embed.with(|e| e.embed)>
            <section class="stage" aria-label="Density view">
                <Show when=move || !ui.hidden("toolbar")>
                    <Toolbar ui=ui />
                </Show>
                <Show when=move || !ui.hidden("caption")>
                    <super::lessons_view::LessonCaption ui=ui />
                </Show>
                <div class="view-row">
                    <div
                        class="canvas-wrap"
                        data-tool=move || format!("{:?}", ui.tool.get()).to_lowercase()
                        on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
                        on:drop=move |ev: web_sys::DragEvent| super::share::on_drop(ui, ev)
                    >
                        <canvas
                            id="main-canvas"
                            node_ref=heat_ref
                            width="192"
                            height="192"
                            role="img"
                            aria-label=move || stage_aria(ui)
                        ></canvas>
                        <canvas
                            id="overlay-canvas"
                            node_ref=overlay_ref
                            aria-hidden="true"
                            on:pointerdown=move |ev| super::pointer::down(ui, ev)
                            on:pointermove=move |ev| super::pointer::moved(ui, ev)
                            on:pointerup=move |ev| super::pointer::up(ui, ev)
                            on:pointercancel=move |ev| super::pointer::up(ui, ev)
                        ></canvas>
                    </div>
                    <LegendBar ui=ui />
                </div>
                <Timeline ui=ui />
                <Show when=move || !ui.hidden("filmstrip")>
                    <Filmstrip ui=ui />
                </Show>
                <Show when=move || !ui.hidden("compare")>
                    <super::lessons_view::ComparePanel ui=ui />
                </Show>
                <Show when=move || !ui.hidden("probe")>
                    <ProbePanel ui=ui />
                </Show>
                <Show when=move || ui.embed.with(|e| e.embed)>
                    <p class="embed-credit">
                        <a href=move || { ui.version.track(); super::persist::share_url(ui).map(|u| u.replace("embed=1", "embed=0")).unwrap_or_default() } target="_blank" rel="noopener">
                            "Open in Flow Playground ↗"
                        </a>
                    </p>
                </Show>
            </section>
            <aside class="controls" aria-label="Controls" class:hidden=move || ui.embed.with(|e| e.embed)>
                <super::lessons_view::LessonsPanel ui=ui />
                <TargetPanel ui=ui />
                <ModelPanel ui=ui />
                <super::editor::EditorPanel ui=ui />
                <TrainPanel ui=ui />
                <ViewPanel ui=ui />
                <super::share::SharePanel ui=ui />
            </aside>
        </main>
    }
}

fn stage_aria(ui: Ui) -> String {
    let s = ui.stage.get();
    let k = ui.k.get();
    format!("Density of the flow at stage {} of {k}", num(s, 2))
}

/// Keyboard shortcuts: space trains / pauses, → one training step, r resets, p plays the
/// timeline, , and . move one layer. Ignored while typing in a field.
fn install_shortcuts(ui: Ui) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let el = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let in_field = el
            .as_ref()
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        // Ctrl/⌘+Z undoes, Ctrl/⌘+Shift+Z or Ctrl+Y redoes (fields keep their own undo).
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && !in_field {
            let key = ev.key().to_ascii_lowercase();
            let done = match key.as_str() {
                "z" if ev.shift_key() => Some(super::history::redo(ui)),
                "z" => Some(super::history::undo(ui)),
                "y" => Some(super::history::redo(ui)),
                _ => None,
            };
            if done.is_some() {
                ev.prevent_default();
            }
            return;
        }
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = el.is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
            )
        });
        let key = ev.key();
        if typing && key != "Escape" {
            return;
        }
        match key.as_str() {
            " " => {
                ev.prevent_default();
                toggle_training(ui);
            }
            "ArrowRight" => {
                ev.prevent_default();
                single_step(ui);
            }
            "r" | "R" => reset_model(ui),
            "p" | "P" => toggle_play(ui),
            "." => ui
                .stage
                .update(|s| *s = (s.floor() + 1.0).min(ui.k.get_untracked() as f64)),
            "," => ui.stage.update(|s| *s = (s.ceil() - 1.0).max(0.0)),
            _ => {}
        }
    });
    std::mem::forget(handle);
}

pub(crate) fn toggle_training(ui: Ui) {
    if ui.training.get_untracked() {
        ui.training.set(false);
        return;
    }
    if let Some(p) = ui.data_problem.get_untracked() {
        ui.notify(NoticeKind::Error, format!("Cannot train: {p}"));
        return;
    }
    // Training shows the model: jump to the last stage unless the user is scrubbing.
    if !ui.playing.get_untracked() {
        ui.stage.set(ui.k.get_untracked() as f64);
    }
    ui.training.set(true);
}

fn toggle_play(ui: Ui) {
    if ui.playing.get_untracked() {
        ui.playing.set(false);
        return;
    }
    let k = ui.k.get_untracked() as f64;
    let s = ui.stage.get_untracked();
    // Restart from the beginning when at the end.
    if !ui.reverse.get_untracked() && s >= k {
        ui.stage.set(0.0);
    } else if ui.reverse.get_untracked() && s <= 0.0 {
        ui.stage.set(k);
    }
    ui.playing.set(true);
}

fn single_step(ui: Ui) {
    if let Some(p) = ui.data_problem.get_untracked() {
        ui.notify(NoticeKind::Error, format!("Cannot train: {p}"));
        return;
    }
    ui.training.set(false);
    let out = ui.session.try_update_value(|s| s.trainer.step());
    if let Some(crate::core::StepOutcome::Diverged(r)) = out {
        let lr = ui
            .session
            .try_update_value(|s| s.trainer.halve_lr())
            .unwrap_or(0.0);
        ui.lr.set(lr);
        ui.notify(
            NoticeKind::Warn,
            format!(
                "Training diverged ({r}); learning rate halved to {}.",
                fmt_lr(lr)
            ),
        );
    }
    ui.bump();
}

/// Back to the seeded initial weights (bit-identical for the same seed).
pub(crate) fn reset_model(ui: Ui) {
    ui.training.set(false);
    ui.session.update_value(|s| s.trainer.reset());
    ui.stats.set(Stats::default());
    ui.bump();
}

fn current_annealing(ui: Ui) -> Annealing {
    annealing_of(
        ui.annealing.get_untracked(),
        ui.anneal_steps.get_untracked(),
    )
}

/// The schedule `β_t = min(1, 0.01 + t/steps)` if `on`, else β = 1.
pub(crate) fn annealing_of(on: bool, steps: u32) -> Annealing {
    if on {
        Annealing::Linear {
            start: 0.01,
            steps: u64::from(steps.max(1)),
        }
    } else {
        Annealing::Off
    }
}

/// Rebuild the model (new shape, seed or target): fresh seeded weights, step 0.
pub(crate) fn rebuild(ui: Ui) {
    ui.training.set(false);
    let annealing = current_annealing(ui);
    let res = ui.session.try_update_value(|s| {
        let hyper = hyper_for(s.target, ui.lr.get_untracked(), ui.batch.get_untracked());
        let r = s.rebuild(hyper, annealing);
        (r, s.k())
    });
    if let Some((r, k)) = res {
        super::compare::retarget(ui);
        ui.k.set(k);
        if ui.stage.get_untracked() > k as f64 {
            ui.stage.set(k as f64);
        }
        sync_data(ui);
        if let Err(msg) = r {
            ui.notify(
                NoticeKind::Error,
                format!("Training is off until the data is usable: {msg}"),
            );
        }
    }
    ui.stats.set(Stats::default());
    ui.bump();
}

/// Mirror the session's data facts into signals.
pub(crate) fn sync_data(ui: Ui) {
    let (n, problem) = ui
        .session
        .with_value(|s| (s.points.len(), s.data_problem.clone()));
    ui.n_points.set(n);
    ui.data_problem.set(problem);
}

/// After the points changed (drawn, erased, undone, imported).
pub(crate) fn points_changed(ui: Ui) {
    let annealing = current_annealing(ui);
    ui.session.update_value(|s| {
        s.preset_floor = None;
        s.points_changed(annealing);
    });
    super::compare::retarget(ui);
    sync_data(ui);
    if ui.data_problem.get_untracked().is_some() {
        ui.training.set(false);
    }
    ui.bump();
}

#[component]
fn NoticeBar(ui: Ui) -> impl IntoView {
    view! {
        <div class="notice-area" role="status" aria-live="polite">
            {move || {
                ui.notice
                    .get()
                    .map(|(kind, msg)| {
                        let class = match kind {
                            NoticeKind::Info => "notice info",
                            NoticeKind::Warn => "notice warn",
                            NoticeKind::Error => "notice error",
                        };
                        view! {
                            <div class=class>
                                <span class="notice-text">{msg}</span>
                                <button class="ghost" aria-label="Dismiss notice" on:click=move |_| ui.notice.set(None)>
                                    "×"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

#[component]
fn Toolbar(ui: Ui) -> impl IntoView {
    let tool_button = move |tool: Tool, label: &'static str, hint: &'static str| {
        view! {
            <button
                class="tool"
                class:active=move || ui.tool.get() == tool
                aria-pressed=move || (ui.tool.get() == tool).to_string()
                title=hint
                on:click=move |_| ui.tool.set(tool)
            >
                {label}
            </button>
        }
    };
    let zoom = move |factor: f64| {
        ui.window.update(|w| {
            let c = [w.width * 0.5, w.height * 0.5];
            *w = w.zoomed(factor, c);
        })
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="Canvas tools">
            <div class="group" role="group" aria-label="Pointer tool">
                {tool_button(Tool::Probe, "Probe", "Click a point to trace it through every layer")}
                {tool_button(Tool::Brush, "Brush", "Spray data points")}
                {tool_button(Tool::Eraser, "Eraser", "Erase data points")}
                {tool_button(Tool::Pan, "Pan", "Drag to move the view")}
                {tool_button(Tool::Edit, "Edit layers", "Grab a layer's handles to reshape it; the Layers panel adds, removes and reorders layers")}
            </div>
            <div class="group" role="group" aria-label="Undo and redo">
                <button
                    id="undo-button"
                    aria-keyshortcuts="Control+Z"
                    title="Undo (Ctrl+Z): points, presets, imports, layer edits, lessons"
                    disabled=move || !ui.undo_redo.get().0
                    on:click=move |_| { super::history::undo(ui); }
                >"↶ Undo"</button>
                <button
                    id="redo-button"
                    aria-keyshortcuts="Control+Shift+Z"
                    title="Redo (Ctrl+Shift+Z)"
                    disabled=move || !ui.undo_redo.get().1
                    on:click=move |_| { super::history::redo(ui); }
                >"↷ Redo"</button>
            </div>
            <div class="group" role="group" aria-label="Zoom">
                <button on:click=move |_| zoom(1.25) aria-label="Zoom in">"+"</button>
                <button on:click=move |_| zoom(0.8) aria-label="Zoom out">"−"</button>
                <button on:click=move |_| ui.window.set(ViewTransform::new(1.0, 1.0)) aria-label="Reset view to [−4, 4]²">
                    "Reset view"
                </button>
            </div>
        </div>
    }
}

#[component]
fn LegendBar(ui: Ui) -> impl IntoView {
    let gradient = move || {
        let cmap = match ui.legend.get() {
            Legend::Volume { .. } => Colormap::Diverging,
            Legend::Density { .. } => Colormap::Viridis,
        };
        cmap.css_gradient("to top")
    };
    let labels = move || match ui.legend.get() {
        Legend::Density {
            scale: DensityScale::Linear,
            max_log,
        } => (
            num(max_log.exp(), 3),
            "0".to_string(),
            "density p(x)".to_string(),
        ),
        Legend::Density {
            scale: DensityScale::Log { range },
            max_log,
        } => (
            num(max_log, 2),
            num(max_log - range, 1),
            "log p(x), nats".to_string(),
        ),
        Legend::Volume { step, range } => (
            format!("+{} expands", num(range, 2)),
            format!("−{} contracts", num(range, 2)),
            format!("log |det J| of step {step}"),
        ),
    };
    view! {
        <div class="legend" aria-label="Colour legend">
            <span class="legend-title">{move || labels().2}</span>
            <span class="legend-top">{move || labels().0}</span>
            // Set through the CSSOM (`style:`), which the page's CSP allows; a `style` attribute
            // would be an inline style, which it forbids.
            <div class="legend-bar" style:background=gradient></div>
            <span class="legend-bottom">{move || labels().1}</span>
        </div>
    }
}

fn layer_formula(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Planar => "f(z) = z + û · tanh(wᵀz + b)",
        LayerKind::Radial => "f(z) = z + β (z − z₀) / (α + ‖z − z₀‖)",
    }
}

#[component]
fn Timeline(ui: Ui) -> impl IntoView {
    let info = move || {
        ui.version.track();
        let s = ui.stage.get();
        let k = ui.k.get();
        ui.session.with_value(|sess| {
            let flow = sess.trainer.flow();
            if k == 0 {
                return (
                    "No layers: the model is the base Gaussian.".to_string(),
                    String::new(),
                );
            }
            let step = ((s.floor() as usize) + 1).min(k);
            let kind = flow.kinds()[flow.step_layer_index(step)];
            let head = if s <= 0.0 {
                format!(
                    "Stage 0 of {k}: the base Gaussian N(0, I). Next: step 1, a {} layer.",
                    kind.name()
                )
            } else if s >= k as f64 {
                format!("Stage {k} of {k}: the model density.")
            } else {
                format!(
                    "Stage {} of {k}: inside step {step}, a {} layer.",
                    num(s, 2),
                    kind.name()
                )
            };
            let detail = format!(
                "Step {step} uses layer {} — {} — {}.",
                flow.step_layer_index(step) + 1,
                layer_formula(kind),
                direction_note(flow.direction())
            );
            (head, detail)
        })
    };
    view! {
        <div class="timeline">
            <button
                class="primary play"
                on:click=move |_| toggle_play(ui)
                aria-label=move || if ui.playing.get() { "Pause the layer animation (p)" } else { "Play through the layers (p)" }
            >
                {move || if ui.playing.get() { "❚❚ Pause" } else { "▶ Play layers" }}
            </button>
            <input
                id="stage-slider"
                type="range"
                min="0"
                max=move || ui.k.get().to_string()
                step="0.01"
                aria-label="Stage"
                aria-valuetext=move || format!("stage {} of {}", num(ui.stage.get(), 2), ui.k.get())
                prop:value=move || ui.stage.get().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        ui.playing.set(false);
                        ui.stage.set(v);
                    }
                }
            />
            <output class="stage-readout" for="stage-slider">{move || format!("{} / {}", num(ui.stage.get(), 2), ui.k.get())}</output>
            <label class="inline">
                "Speed "
                <select
                    aria-label="Animation speed (layers per second)"
                    on:change=move |ev| ui.speed.set(event_target_value(&ev).parse().unwrap_or(2.0))
                >
                    <option value="0.5">"0.5 layer/s"</option>
                    <option value="1">"1 layer/s"</option>
                    <option value="2" selected>"2 layers/s"</option>
                    <option value="4">"4 layers/s"</option>
                    <option value="8">"8 layers/s"</option>
                </select>
            </label>
            <label class="inline">
                <input type="checkbox" prop:checked=move || ui.looping.get() on:change=move |ev| ui.looping.set(event_target_checked(&ev)) />
                " Loop"
            </label>
            <label class="inline">
                "Direction "
                <select
                    aria-label="Play direction"
                    on:change=move |ev| ui.reverse.set(event_target_value(&ev) == "normalizing")
                >
                    <option value="generative" selected>"Gaussian → model"</option>
                    <option value="normalizing">"data → Gaussian"</option>
                </select>
            </label>
        </div>
        <p class="layer-info" aria-live="polite">
            <strong>{move || info().0}</strong>
            " "
            <span class="muted">{move || info().1}</span>
        </p>
    }
}

#[component]
fn Filmstrip(ui: Ui) -> impl IntoView {
    view! {
        <div class="filmstrip" role="group" aria-label="Stages (click to jump)">
            {move || {
                let k = ui.k.get();
                (0..=k)
                    .map(|i| {
                        let label = if i == 0 { "base".to_string() } else if i == k { format!("{i} model") } else { i.to_string() };
                        view! {
                            <button
                                class="thumb"
                                class:current=move || (ui.stage.get() - i as f64).abs() < 0.5
                                aria-label=format!("Jump to stage {i}")
                                on:click=move |_| {
                                    ui.playing.set(false);
                                    ui.stage.set(i as f64);
                                }
                            >
                                <canvas class="thumb-canvas" data-stage=i.to_string() width="48" height="48"></canvas>
                                <span>{label}</span>
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

#[component]
fn ProbePanel(ui: Ui) -> impl IntoView {
    let ledger = move || {
        ui.version.track();
        let z0 = ui.probe.get()?;
        ui.session.try_update_value(|s| {
            let flow = s.trainer.flow().clone();
            let (mut x, mut y) = ([z0[0]], [z0[1]]);
            flow.push_to_stage(flow.len() as f64, &mut x, &mut y, &mut s.ws);
            let p = flow.probe([x[0], y[0]])?;
            let mut batch = [0.0];
            flow.log_density(flow.len() as f64, &x, &y, &mut batch, &mut s.ws);
            Some((p, flow.kinds().to_vec(), batch[0], flow.direction()))
        })?
    };
    view! {
        <section class="probe" aria-label="Probe ledger">
            {move || match ledger() {
                None => view! {
                    <p class="muted">
                        "Probe: choose the Probe tool and click the canvas to follow one point through every layer and see the change-of-variables ledger."
                    </p>
                }
                    .into_any(),
                Some((p, kinds, batch_total, dir)) => {
                    let k = kinds.len();
                    let rows = p
                        .step_terms
                        .iter()
                        .enumerate()
                        .map(|(i, t)| {
                            let layer = match dir {
                                crate::core::Direction::Generative => i,
                                crate::core::Direction::Normalizing => k - 1 - i,
                            };
                            view! {
                                <tr>
                                    <td>{format!("step {} ({} layer {})", i + 1, kinds[layer].name(), layer + 1)}</td>
                                    <td class="num">{format!("({}, {})", num(p.positions[i + 1][0], 2), num(p.positions[i + 1][1], 2))}</td>
                                    <td class="num">{format!("{:+.4}", t)}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <table class="ledger">
                            <caption>"Change of variables: log q_K(x) = log q₀(z₀) − Σ log |det J_k|"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"term"</th>
                                    <th scope="col">"position after"</th>
                                    <th scope="col">"nats"</th>
                                </tr>
                            </thead>
                            <tbody>
                                <tr>
                                    <td>"log q₀(z₀), base Gaussian"</td>
                                    <td class="num">{format!("({}, {})", num(p.positions[0][0], 2), num(p.positions[0][1], 2))}</td>
                                    <td class="num">{format!("{:+.4}", p.log_q0)}</td>
                                </tr>
                                {rows}
                            </tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row">"total log q_K(x)"</th>
                                    <td class="num">{format!("({}, {})", num(p.positions[k][0], 2), num(p.positions[k][1], 2))}</td>
                                    <td class="num" id="probe-total" data-batch=format!("{batch_total}")>{format!("{:+.4}", p.total)}</td>
                                </tr>
                            </tfoot>
                        </table>
                        <button class="ghost" on:click=move |_| ui.probe.set(None)>"Clear probe"</button>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

fn target_value(t: TargetChoice) -> String {
    match t {
        TargetChoice::Preset(p) => format!(
            "preset:{}",
            Preset::ALL.iter().position(|q| *q == p).unwrap_or(0)
        ),
        TargetChoice::Drawn => "drawn".into(),
        TargetChoice::Energy(e) => format!("energy:{}", e.name()),
    }
}

fn parse_target(v: &str) -> Option<TargetChoice> {
    if v == "drawn" {
        return Some(TargetChoice::Drawn);
    }
    if let Some(i) = v.strip_prefix("preset:") {
        return Preset::ALL
            .get(i.parse::<usize>().ok()?)
            .map(|p| TargetChoice::Preset(*p));
    }
    let name = v.strip_prefix("energy:")?;
    Energy::ALL
        .iter()
        .find(|e| e.name() == name)
        .map(|e| TargetChoice::Energy(*e))
}

/// Switch what the flow fits.
pub(crate) fn set_target(
    ui: Ui,
    choice: TargetChoice,
    count: usize,
    noise: Option<f64>,
    seed: u64,
) {
    // The state before the change is what undo returns to.
    super::history::checkpoint(ui);
    ui.target.set(choice);
    // A lesson's caption describes its target: another target ends the lesson (undo brings it back).
    ui.lesson.set(None);
    if let TargetChoice::Preset(p) = choice {
        // How the cloud is generated, so a link can say "this preset" instead of every point.
        ui.preset_info.set(Some(crate::state::PresetInfo {
            preset: p,
            n: count.clamp(1, MAX_POINTS),
            noise: noise.unwrap_or(p.default_noise()),
            seed,
        }));
    }
    ui.session.update_value(|s| match choice {
        TargetChoice::Preset(p) => {
            let noise = noise.unwrap_or(p.default_noise());
            s.points = preset_points(p, count.clamp(1, MAX_POINTS), noise, seed);
            s.preset_floor = ((noise - p.default_noise()).abs() < 1e-12).then(|| p.entropy_floor());
            s.target = Target::Points;
        }
        TargetChoice::Drawn => {
            s.points.clear();
            s.preset_floor = None;
            s.target = Target::Points;
        }
        TargetChoice::Energy(e) => s.target = Target::Energy(e),
    });
    let defaults = match choice {
        TargetChoice::Energy(_) => crate::core::Hyper::energy_default(),
        _ => crate::core::Hyper::ml_default(),
    };
    ui.lr.set(defaults.lr);
    ui.batch.set(defaults.batch);
    if matches!(choice, TargetChoice::Energy(_))
        && matches!(ui.tool.get_untracked(), Tool::Brush | Tool::Eraser)
    {
        ui.tool.set(Tool::Probe);
    }
    if matches!(choice, TargetChoice::Drawn) {
        ui.tool.set(Tool::Brush);
    }
    rebuild(ui);
}

#[component]
fn TargetPanel(ui: Ui) -> impl IntoView {
    let count = RwSignal::new(DEFAULT_COUNT);
    let noise_scale = RwSignal::new(1.0f64);
    let data_seed = RwSignal::new(1u64);
    let regenerate = move |new_seed: bool| {
        if new_seed {
            data_seed.update(|s| *s += 1);
        }
        if let TargetChoice::Preset(p) = ui.target.get_untracked() {
            set_target(
                ui,
                TargetChoice::Preset(p),
                count.get_untracked(),
                Some(p.default_noise() * noise_scale.get_untracked()),
                data_seed.get_untracked(),
            );
        }
    };
    let is_points = move || !matches!(ui.target.get(), TargetChoice::Energy(_));
    view! {
        <section class="panel">
            <h2>"Target"</h2>
            <label class="field">
                <span>"Fit the flow to"</span>
                <select
                    id="target-select"
                    prop:value=move || target_value(ui.target.get())
                    on:change=move |ev| {
                        if let Some(t) = parse_target(&event_target_value(&ev)) {
                            set_target(ui, t, count.get_untracked(), None, data_seed.get_untracked());
                            noise_scale.set(1.0);
                        }
                    }
                >
                    <optgroup label="Points (maximum likelihood)">
                        {Preset::ALL
                            .iter()
                            .map(|p| {
                                let v = target_value(TargetChoice::Preset(*p));
                                let selected = *p == DEFAULT_PRESET;
                                view! { <option value=v selected=selected>{p.display_name()}</option> }
                            })
                            .collect_view()}
                        <option value="drawn">"Draw your own"</option>
                    </optgroup>
                    <optgroup label="Energies of the paper (reverse KL)">
                        {Energy::ALL
                            .iter()
                            .map(|e| {
                                let v = target_value(TargetChoice::Energy(*e));
                                view! { <option value=v>{format!("{} (Table 1)", e.name())}</option> }
                            })
                            .collect_view()}
                    </optgroup>
                </select>
            </label>
            <Show when=is_points fallback=move || view! { <EnergyInfo ui=ui /> }>
                <Show when=move || matches!(ui.target.get(), TargetChoice::Preset(_))>
                    <div class="row">
                        <label class="field small">
                            <span>"Points"</span>
                            <input
                                type="number"
                                min="2"
                                max=MAX_POINTS.to_string()
                                step="100"
                                prop:value=move || count.get().to_string()
                                on:change=move |ev| {
                                    match event_target_value(&ev).parse::<usize>() {
                                        Ok(n) if (2..=MAX_POINTS).contains(&n) => {
                                            count.set(n);
                                            regenerate(false);
                                        }
                                        _ => ui.notify(NoticeKind::Error, format!("Points must be a whole number from 2 to {MAX_POINTS}; kept {}.", count.get_untracked())),
                                    }
                                }
                            />
                        </label>
                        <label class="field small">
                            <span>"Noise ×"</span>
                            <input
                                type="number"
                                min="0"
                                max="5"
                                step="0.25"
                                prop:value=move || noise_scale.get().to_string()
                                on:change=move |ev| {
                                    match event_target_value(&ev).parse::<f64>() {
                                        Ok(v) if v.is_finite() && (0.0..=5.0).contains(&v) => {
                                            noise_scale.set(v);
                                            regenerate(false);
                                        }
                                        _ => ui.notify(NoticeKind::Error, "Noise must be a number from 0 to 5 (times the preset's default)."),
                                    }
                                }
                            />
                        </label>
                        <button on:click=move |_| regenerate(true)>"New sample"</button>
                    </div>
                </Show>
                <p class="muted" id="points-info">
                    {move || {
                        let n = ui.n_points.get();
                        let held = n / super::session::HELDOUT_EVERY;
                        format!("{n} points: {} train, {held} held out (orange).", n - held)
                    }}
                </p>
                <div class="row">
                    <button on:click=move |_| {
                        super::history::checkpoint(ui);
                        ui.session.update_value(|s| s.points.clear());
                        ui.tool.set(Tool::Brush);
                        points_changed(ui);
                    }>"Clear points"</button>
                </div>
                <BrushControls />
                {move || ui.data_problem.get().map(|p| view! { <p class="problem" role="alert">{format!("Training is off: {p}")}</p> })}
            </Show>
        </section>
    }
}

#[component]
fn EnergyInfo(ui: Ui) -> impl IntoView {
    let text = move || match ui.target.get() {
        TargetChoice::Energy(e) => e.description().to_string(),
        _ => String::new(),
    };
    view! {
        <p class="muted">{text}</p>
        <div class="row">
            <label class="inline">
                <input
                    id="anneal-check"
                    type="checkbox"
                    prop:checked=move || ui.annealing.get()
                    on:change=move |ev| {
                        ui.annealing.set(event_target_checked(&ev));
                        rebuild(ui);
                    }
                />
                " Anneal β_t = min(1, 0.01 + t/T)"
            </label>
            <label class="field small">
                <span>"T (steps)"</span>
                <select
                    id="anneal-steps"
                    prop:disabled=move || !ui.annealing.get()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                            ui.anneal_steps.set(v);
                            rebuild(ui);
                        }
                    }
                >
                    {[(crate::state::ANNEAL_STEPS_FAST, "1,500 (fast)"), (crate::state::ANNEAL_STEPS_PAPER, "10,000 (paper)")]
                        .into_iter()
                        .map(|(v, label)| view! { <option value=v.to_string() selected=move || ui.anneal_steps.get() == v>{label}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}

/// Brush size and density (read by the pointer handlers through context-free statics).
#[component]
fn BrushControls() -> impl IntoView {
    let size = super::pointer::BRUSH_SIZE.with(|s| *s.borrow());
    let density = super::pointer::BRUSH_DENSITY.with(|s| *s.borrow());
    view! {
        <div class="row">
            <label class="field small">
                <span>"Brush size"</span>
                <input type="range" min="0.05" max="1.5" step="0.05" value=size.to_string() aria-label="Brush size (data units)"
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            super::pointer::BRUSH_SIZE.with(|s| *s.borrow_mut() = v);
                        }
                    }
                />
            </label>
            <label class="field small">
                <span>"Brush density"</span>
                <input type="range" min="1" max="20" step="1" value=density.to_string() aria-label="Points per brush move"
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                            super::pointer::BRUSH_DENSITY.with(|s| *s.borrow_mut() = v);
                        }
                    }
                />
            </label>
        </div>
    }
}

fn set_k_from(ui: Ui, raw: &str, apply: impl Fn(usize)) {
    match raw.trim().parse::<usize>() {
        Ok(k) if k <= 64 => apply(k),
        _ => ui.notify(
            NoticeKind::Error,
            format!(
                "K must be a whole number from 0 to 64; kept {}.",
                ui.k.get_untracked()
            ),
        ),
    }
}

#[component]
fn ModelPanel(ui: Ui) -> impl IntoView {
    let pattern = RwSignal::new("planar".to_string());
    let seed = RwSignal::new(1u64);
    let apply = move |k: usize| {
        let pat = match pattern.get_untracked().as_str() {
            "radial" => StackPattern::AllRadial,
            "alternating" => StackPattern::Alternating,
            _ => StackPattern::AllPlanar,
        };
        // A new stack replaces the trained one: undo brings it back.
        super::history::checkpoint(ui);
        ui.session.update_value(|s| {
            s.spec.k = k;
            s.spec.pattern = pat;
            s.spec.seed = seed.get_untracked();
        });
        rebuild(ui);
    };
    view! {
        <section class="panel">
            <h2>"Model"</h2>
            <div class="row">
                <label class="field small">
                    <span>"Layers K"</span>
                    <input
                        id="k-input"
                        type="number"
                        min="0"
                        max="64"
                        prop:value=move || ui.k.get().to_string()
                        on:change=move |ev| set_k_from(ui, &event_target_value(&ev), apply)
                    />
                </label>
                <label class="field small">
                    <span>"Layer type"</span>
                    <select on:change=move |ev| {
                        pattern.set(event_target_value(&ev));
                        apply(ui.k.get_untracked());
                    }>
                        <option value="planar" selected>"planar"</option>
                        <option value="radial">"radial"</option>
                        <option value="alternating">"alternating"</option>
                    </select>
                </label>
                <label class="field small">
                    <span>"Seed"</span>
                    <input
                        type="number"
                        min="0"
                        prop:value=move || seed.get().to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() {
                                seed.set(v);
                                apply(ui.k.get_untracked());
                            } else {
                                ui.notify(NoticeKind::Error, "The seed must be a whole number ≥ 0.");
                            }
                        }
                    />
                </label>
            </div>
        </section>
    }
}

#[component]
fn TrainPanel(ui: Ui) -> impl IntoView {
    let stats_line = move || {
        let st = ui.stats.get();
        let mut parts = vec![format!("step {}", st.step)];
        if let Some(l) = st.loss {
            parts.push(format!("loss {}", num(l, 3)));
        }
        if let Some(h) = st.heldout {
            parts.push(format!("held-out NLL {} nats", num(h, 3)));
        }
        if let Some((f, ess)) = st.free_energy {
            parts.push(format!(
                "free energy {} (ESS {}%)",
                num(f, 3),
                num(100.0 * ess, 0)
            ));
        }
        if st.steps_per_s > 0.0 {
            parts.push(format!("{} steps/s", num(st.steps_per_s, 0)));
        }
        parts.join(" · ")
    };
    view! {
        <section class="panel">
            <h2>"Training"</h2>
            <div class="row">
                <button
                    id="train-button"
                    class="primary"
                    aria-keyshortcuts="Space"
                    on:click=move |_| toggle_training(ui)
                >
                    {move || if ui.training.get() { "❚❚ Pause training" } else { "▶ Train" }}
                </button>
                <button aria-keyshortcuts="ArrowRight" on:click=move |_| single_step(ui)>"Step"</button>
                <button id="reset-button" aria-keyshortcuts="R" on:click=move |_| reset_model(ui)>"Reset"</button>
            </div>
            <div class="row">
                <label class="field small">
                    <span>"Learning rate"</span>
                    <input
                        id="lr-input"
                        type="text"
                        inputmode="decimal"
                        prop:value=move || fmt_lr(ui.lr.get())
                        on:change=move |ev| {
                            let raw = event_target_value(&ev);
                            match raw.trim().parse::<f64>() {
                                Ok(v) if v.is_finite() && v > 0.0 && v <= 1e6 => {
                                    ui.lr.set(v);
                                    ui.session.update_value(|s| {
                                        let mut h = *s.trainer.hyper();
                                        h.lr = v;
                                        let _ = s.trainer.set_hyper(h);
                                    });
                                }
                                _ => {
                                    ui.notify(NoticeKind::Error, format!("“{}” is not a usable learning rate: use a positive number such as 0.005.", raw.chars().take(40).collect::<String>()));
                                    ui.lr.update(|_| {});
                                }
                            }
                        }
                    />
                </label>
                <label class="field small">
                    <span>"Batch"</span>
                    <select on:change=move |ev| {
                        if let Ok(b) = event_target_value(&ev).parse::<usize>() {
                            ui.batch.set(b);
                            ui.session.update_value(|s| {
                                let mut h = *s.trainer.hyper();
                                h.batch = b;
                                let _ = s.trainer.set_hyper(h);
                            });
                        }
                    }>
                        {[64usize, 128, 256, 512, 1024]
                            .into_iter()
                            .map(|b| view! { <option value=b.to_string() selected=move || ui.batch.get() == b>{b.to_string()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <p class="stats" id="train-stats" aria-live="off">{stats_line}</p>
            <ChartView ui=ui label=Signal::derive(stats_line) />
        </section>
    }
}

/// The loss chart with its hover readout: pointer over the chart, or focus it and use ←/→
/// (Home/End) to walk the recorded steps; the values appear under the chart.
#[component]
fn ChartView(ui: Ui, label: Signal<String>) -> impl IntoView {
    // The step being read (None: no readout).
    let at: RwSignal<Option<f64>> = RwSignal::new(None);
    let readout = Memo::new(move |_| {
        ui.version.track();
        let step = at.get()?;
        ui.session.with_value(|s| super::chart::hover(s, step))
    });
    let on_move = move |ev: web_sys::PointerEvent| {
        at.set(super::chart::step_at(f64::from(ev.offset_x())));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let Some(x_max) = super::chart::x_max() else {
            return;
        };
        let jump = x_max / 40.0;
        let cur = at.get_untracked().unwrap_or(x_max);
        let next = match ev.key().as_str() {
            "ArrowLeft" => (cur - jump).max(0.0),
            "ArrowRight" => (cur + jump).min(x_max),
            "Home" => 0.0,
            "End" => x_max,
            "Escape" => {
                at.set(None);
                return;
            }
            _ => return,
        };
        // The chart's own keys: not the page's shortcuts.
        ev.prevent_default();
        ev.stop_propagation();
        at.set(Some(next));
    };
    let text = move || {
        readout.get().map_or_else(
            || "Point at the chart, or focus it and use ← →, to read values.".to_string(),
            |r| r.0,
        )
    };
    view! {
        <div class="chart-wrap">
            <canvas
                id="loss-chart"
                class="chart"
                tabindex="0"
                role="img"
                aria-label=move || format!("Loss chart: {}. Use left and right arrows to read values.", label.get())
                aria-describedby="chart-readout"
                on:pointermove=on_move
                on:pointerleave=move |_| at.set(None)
                on:keydown=on_key
                on:blur=move |_| at.set(None)
            ></canvas>
            <div
                class="chart-cursor"
                aria-hidden="true"
                style:display=move || if readout.get().is_some() { "block" } else { "none" }
                style:left=move || format!("{:.1}px", readout.get().map_or(0.0, |r| r.1))
            ></div>
            <p id="chart-readout" class="chart-readout" aria-live="polite">{text}</p>
            <label class="inline small">
                <input
                    id="chart-log-x"
                    type="checkbox"
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ui.session.with_value(|s| super::chart::set_log_x(s, on));
                        at.set(None);
                    }
                />
                " Log-scaled steps"
            </label>
        </div>
    }
}

#[component]
fn ViewPanel(ui: Ui) -> impl IntoView {
    let toggle =
        move |label: &'static str, get: fn(&Overlays) -> bool, set: fn(&mut Overlays, bool)| {
            view! {
                <label class="inline">
                    <input
                        type="checkbox"
                        prop:checked=move || get(&ui.overlays.get())
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            ui.overlays.update(|o| set(o, on));
                        }
                    />
                    {format!(" {label}")}
                </label>
            }
        };
    view! {
        <section class="panel">
            <h2>"View"</h2>
            <div class="checks">
                {toggle("Warped grid", |o| o.grid, |o, v| o.grid = v)}
                {toggle("Particles", |o| o.particles, |o, v| o.particles = v)}
                {toggle("Data / target contours", |o| o.data, |o, v| o.data = v)}
                {toggle("Volume change (log |det J|)", |o| o.volume, |o, v| o.volume = v)}
                <label class="inline">
                    <input type="checkbox" prop:checked=move || ui.log_scale.get() on:change=move |ev| ui.log_scale.set(event_target_checked(&ev)) />
                    " Log density scale"
                </label>
            </div>
        </section>
    }
}
