//! The timeline: play through the layers and scrub the stage (`TimelineBar`), playback options
//! (`PlaybackOptions`), and the caption that says what the stage shows (`StageInfo`).

use leptos::prelude::*;

use crate::core::{Direction, LayerKind};
use crate::state::decimal;
use crate::state::numtext::num;
use crate::ui::actions::view;
use crate::ui::context::use_ui;

/// A layer kind's formula, for captions.
pub fn layer_formula(kind: LayerKind) -> &'static str {
    use crate::core::coupling::Keep;
    match kind {
        LayerKind::Planar => "f(z) = z + û · tanh(wᵀz + b)",
        LayerKind::Radial => "f(z) = z + β (z − z₀) / (α + ‖z − z₀‖)",
        LayerKind::Sylvester => "f(z) = z + Q R tanh(R̃ Qᵀ z + b)",
        LayerKind::Scale => "f(z) = e^ℓ ⊙ z + c (each axis scaled and shifted)",
        LayerKind::Affine(Keep::X) => "x kept, y ↦ y·e^{s(x)} + μ(x)",
        LayerKind::Affine(Keep::Y) => "y kept, x ↦ x·e^{s(y)} + μ(y)",
        LayerKind::Spline(Keep::X) => "x kept, y ↦ RQ-spline_{θ(x)}(y) on [−3, 3]",
        LayerKind::Spline(Keep::Y) => "y kept, x ↦ RQ-spline_{θ(y)}(x) on [−3, 3]",
        LayerKind::Cnf(s) => match s.field {
            crate::core::cnf::CnfField::Mlp => {
                "dz/dt = v(z, t), an MLP of (x, y, t); its fraction is the time t"
            }
            crate::core::cnf::CnfField::Planar(_) => {
                "dz/dt = Σₘ uₘ(t) tanh(wₘ(t)ᵀz + bₘ(t)); its fraction is the time t"
            }
        },
    }
}

/// Whether the layers' formulas act in the generative direction.
pub fn direction_note(d: Direction) -> &'static str {
    match d {
        Direction::Generative => "formulas act base → model (generative); the density is pulled back through exact inverses",
        Direction::Normalizing => "formulas act data → base (normalizing); each generative step is a layer's exact inverse",
    }
}

/// The stack is one continuous layer: the stage is the ODE's time `t`.
fn time_axis(kinds: &[LayerKind]) -> bool {
    matches!(kinds, [k] if k.is_continuous())
}

/// Play and scrub: the play button, the stage slider and its readout.
#[component]
pub fn TimelineBar() -> impl IntoView {
    let ui = use_ui();
    let k = ui.facts.k;
    let timed = Memo::new(move |_| ui.facts.kinds.with(|k| time_axis(k)));
    view! {
        <div class="timeline">
            <button
                class="primary play"
                aria-keyshortcuts="P"
                on:click=move |_| { view::toggle_play(ui) }
            >
                {move || if ui.playing.get() { "❚❚ Pause" } else { "▶ Play" }}
                <span class="play-word">{move || if timed.get() { " time" } else { " layers" }}</span>
            </button>
            <input
                id="stage-slider"
                type="range"
                min="0"
                max=move || k.get().to_string()
                step="0.01"
                aria-label="Stage"
                aria-valuetext=move || if timed.get() {
                    format!("time t = {}", num(ui.stage.get(), 2))
                } else {
                    format!("stage {} of {}", num(ui.stage.get(), 2), k.get())
                }
                prop:value=move || ui.stage.get().to_string()
                on:input=move |ev| {
                    if let Some(v) = decimal::parse(&event_target_value(&ev)) {
                        view::set_stage(ui, v);
                    }
                }
            />
            <output class="stage-readout" for="stage-slider">{move || if timed.get() {
                format!("t = {}", num(ui.stage.get(), 2))
            } else {
                format!("{} / {}", num(ui.stage.get(), 2), k.get())
            }}</output>
        </div>
    }
}

/// Playback speed, looping and direction.
#[component]
pub fn PlaybackOptions() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="row playback">
            <label class="inline">
                "Speed "
                <select
                    id="speed-select"
                    prop:value=move || ui.speed.get().to_string()
                    aria-label="Animation speed (layers per second)"
                    on:change=move |ev| { view::set_speed(ui, decimal::parse(&event_target_value(&ev)).unwrap_or(2.0)) }
                >
                    {[0.5, 1.0, 2.0, 4.0, 8.0]
                        .into_iter()
                        .map(|v: f64| {
                            let label = if v == 1.0 { "1 layer/s".to_string() } else { format!("{v} layers/s") };
                            view! { <option value=v.to_string() selected=move || { ui.speed.get() == v }>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="inline">
                <input id="loop-check" type="checkbox" prop:checked=move || ui.looping.get() on:change=move |ev| { view::set_looping(ui, event_target_checked(&ev)) }/>
                " Loop"
            </label>
            <label class="inline">
                "Direction "
                <select
                    aria-label="Play direction"
                    prop:value=move || if ui.reverse.get() { "normalizing" } else { "generative" }
                    on:change=move |ev| { view::set_reverse(ui, event_target_value(&ev) == "normalizing") }
                >
                    <option value="generative" selected=move || { !ui.reverse.get() }>"Gaussian → model"</option>
                    <option value="normalizing" selected=move || { ui.reverse.get() }>"data → Gaussian"</option>
                </select>
            </label>
        </div>
    }
}

/// What the stage shows: a headline (large in presenter mode) and the step's formula.
#[component]
pub fn StageInfo() -> impl IntoView {
    let ui = use_ui();
    let k = ui.facts.k;
    let info = move || {
        ui.version.track();
        let s = ui.stage.get();
        let k = k.get();
        ui.session.with_value(|sess| {
            let flow = sess.flow();
            if k == 0 {
                return (
                    "No layers: the model is the base Gaussian.".to_string(),
                    String::new(),
                );
            }
            let step = ((s.floor() as usize) + 1).min(k);
            let kind = flow.kinds()[flow.step_layer_index(step)];
            let head = if kind.is_continuous() && time_axis(flow.kinds()) {
                // One continuous layer: the stage is the ODE's time.
                if s <= 0.0 {
                    "t = 0: the base Gaussian N(0, I), where the ODE starts.".to_string()
                } else if s >= 1.0 {
                    "t = 1: the model density p₁, where the ODE ends.".to_string()
                } else {
                    format!(
                        "t = {}: the exact density p_t on the way from the Gaussian to the model.",
                        num(s, 2)
                    )
                }
            } else if kind.is_continuous() && s > (step - 1) as f64 && s < step as f64 {
                format!(
                    "Stage {} of {k}: time t = {} inside step {step}, a continuous flow.",
                    num(s, 2),
                    num(s - (step - 1) as f64, 2)
                )
            } else if s <= 0.0 {
                format!(
                    "Stage 0 of {k}: the base Gaussian N(0, I). Next: step 1, a {} layer.",
                    kind.family()
                )
            } else if s >= k as f64 {
                format!("Stage {k} of {k}: the model density.")
            } else if s.fract() == 0.0 {
                // Between two steps: the first `s` layers are applied, the next one is not.
                format!(
                    "Stage {s} of {k}: after {s} of {k} layers. Next: step {step}, a {} layer.",
                    kind.family()
                )
            } else {
                format!(
                    "Stage {} of {k}: inside step {step}, a {} layer.",
                    num(s, 2),
                    kind.family()
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
        <p class="layer-info" id="stage-info" aria-live="polite">
            <strong class="stage-head">{move || info().0}</strong>
            " "
            <span class="muted stage-detail">{move || info().1}</span>
        </p>
    }
}
