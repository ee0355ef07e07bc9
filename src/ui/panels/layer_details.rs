//! The selected layer's details: its formula, which stage its formula acts on, its exact
//! parameter fields (typed values are checked: a value that would break invertibility is refused
//! with the reason and the old value kept), derived readouts, and the invertibility indicator.

use leptos::prelude::*;

use crate::core::coupling::Keep;
use crate::core::{Direction, Layer, LayerKind, Workspace};
use crate::render::coupling::coupling_curve;
use crate::render::handles::{input_stage, output_stage};
use crate::session::layer_fields::{
    parse_value, Field, PLANAR_FIELDS, RADIAL_FIELDS, SCALE_FIELDS, SYLVESTER_FIELDS,
};
use crate::state::numtext::{fmt_edit, num};
use crate::ui::actions::{layers, view};
use crate::ui::context::{use_ui, Ui};
use crate::ui::draw::inset;

use super::cnf_solver::CnfSolver;
use super::layer_verdict::verdict;

/// Step of the arrow keys in the numeric fields (Shift: ×10).
const NUDGE: f64 = 0.05;

/// The details of the selected layer (nothing when none is selected).
#[component]
pub fn LayerDetails() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    let field_error = RwSignal::new(None::<String>);
    // The selected layer's parameters.
    let current = Memo::new(move |_| {
        ui.version.track();
        let i = ui.selected_layer.get()?;
        ui.session.with_value(|s| {
            let f = s.flow();
            (i < f.len()).then(|| (i, f.layer(i)))
        })
    });
    // Which layer and kind are selected: the details are rebuilt only when this changes (the
    // fields themselves follow `current`, so typing keeps its focus).
    let selected_kind =
        Memo::new(move |_| current.with(|c| c.as_ref().map(|(i, l)| (*i, l.kind()))));
    let stages = move |i: usize| {
        let dir = f.direction.get();
        let k = f.k.get();
        (dir, input_stage(dir, k, i), output_stage(dir, k, i))
    };
    move || {
        let (i, kind) = selected_kind.get()?;
        let fields: &'static [Field] = match kind {
            LayerKind::Planar => &PLANAR_FIELDS,
            LayerKind::Radial => &RADIAL_FIELDS,
            LayerKind::Sylvester => &SYLVESTER_FIELDS,
            LayerKind::Scale => &SCALE_FIELDS,
            LayerKind::Affine(_) | LayerKind::Spline(_) | LayerKind::Cnf(_) => &[],
        };
        let direction_line = move || {
            let (dir, s_in, s_out) = stages(i);
            match dir {
                Direction::Normalizing => format!("This layer's formula acts data → base: its input is stage {s_in}, its output stage {s_out} (the generative step from stage {s_out} to {s_in} is its exact inverse)."),
                Direction::Generative => format!("This layer's formula acts base → model: its input is stage {s_in}, its output stage {s_out}."),
            }
        };
        let formula = match kind {
            LayerKind::Planar => "f(z) = z + û·tanh(wᵀz + b)",
            LayerKind::Radial => {
                "f(z) = z + β(z − z₀)/(α + ‖z − z₀‖),  α = softplus(α̂),  β = −α + softplus(β̂)"
            }
            other => super::timeline::layer_formula(other),
        };
        let inputs = fields
            .iter()
            .map(|f| param_input(ui, current, *f, field_error))
            .collect_view();
        Some(view! {
            <div class="layer-details" id="layer-details" aria-label=format!("Layer {} ({})", i + 1, kind.family())>
                <h3>{format!("Layer {} · {}", i + 1, kind.family())}</h3>
                <p class="formula">{formula}</p>
                <p class="stage-note">
                    {direction_line}
                    " "
                    {move || {
                        let s_in = stages(i).1;
                        ((ui.stage.get() - s_in as f64).abs() > 1e-6).then(|| view! {
                            <button class="ghost inline-btn" on:click=move |_| { view::set_stage(ui, s_in as f64) }>
                                {format!("Show stage {s_in} (its handles are drawn there)")}
                            </button>
                        })
                    }}
                </p>
                <div class="param-grid">{inputs}</div>
                {move || field_error.get().map(|m| view! { <p class="field-error" id="edit-error" role="alert">{m}</p> })}
                <Readouts current=current />
                {kind.keep().is_some().then(|| view! { <CouplingInset current=current /> })}
                {match kind {
                    LayerKind::Cnf(spec) => Some(view! { <CnfSolver i=i spec=spec /> }),
                    _ => None,
                }}
                <Indicator current=current />
            </div>
        })
    }
}

/// One numeric field: shows the value (live unless it has focus), accepts exact values, keeps
/// the old value with a message on bad input; ↑/↓ nudge by 0.05 (Shift: 0.5).
fn param_input(
    ui: Ui,
    current: Memo<Option<(usize, Layer)>>,
    f: Field,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Input>::new();
    let focused = RwSignal::new(false);
    let value = move || {
        let v = current.with(|c| c.as_ref().map(|(_, l)| (f.get)(l)));
        if focused.get_untracked() {
            if let Some(el) = node.get_untracked() {
                return el.value();
            }
        }
        v.map(fmt_edit).unwrap_or_default()
    };
    let commit = move |v: Result<f64, String>| {
        let Some((i, layer)) = current.get_untracked() else {
            return;
        };
        match v.and_then(|v| (f.set)(&layer, v)) {
            Ok(new) => {
                error.set(None);
                let shown = fmt_edit((f.get)(&new));
                layers::set_layer(ui, i, new);
                if let Some(el) = node.get_untracked() {
                    if !focused.get_untracked() {
                        el.set_value(&shown);
                    }
                }
            }
            Err(msg) => {
                error.set(Some(format!("{}: {msg}", f.label)));
                if let Some(el) = node.get_untracked() {
                    el.set_value(&fmt_edit((f.get)(&layer)));
                }
            }
        }
    };
    view! {
        <label class="field small param">
            <span>{f.label}<span class="visually-hidden">{format!(" ({})", f.help)}</span></span>
            <input
                id=f.id
                node_ref=node
                type="text"
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                title=f.help
                prop:value=value
                on:focus=move |_| { focused.set(true) }
                on:blur=move |_| { focused.set(false) }
                on:change=move |ev| {
                    let raw = event_target_value(&ev);
                    let kept = current.get_untracked().map_or(0.0, |(_, l)| (f.get)(&l));
                    commit(parse_value(&raw, kept));
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    let dir = match ev.key().as_str() {
                        "ArrowUp" => 1.0,
                        "ArrowDown" => -1.0,
                        _ => return,
                    };
                    ev.prevent_default();
                    let step = if ev.shift_key() { 10.0 * NUDGE } else { NUDGE };
                    let Some((_, layer)) = current.get_untracked() else { return };
                    commit(Ok((f.get)(&layer) + dir * step));
                    if let Some(el) = node.get_untracked() {
                        if let Some((_, l)) = current.get_untracked() {
                            el.set_value(&fmt_edit((f.get)(&l)));
                        }
                    }
                }
            />
        </label>
    }
}

/// A coupling layer's 1-D transform of the other coordinate, at the kept coordinate's value
/// under the pointer (when the view shows the layer's input stage), else at the probe, else 0.
#[component]
fn CouplingInset(current: Memo<Option<(usize, Layer)>>) -> impl IntoView {
    let ui = use_ui();
    let node = NodeRef::<leptos::html::Canvas>::new();
    let xa = Memo::new(move |_| {
        let (i, keep) =
            current.with(|c| c.as_ref().and_then(|(i, l)| Some((*i, l.kind().keep()?))))?;
        let a = match keep {
            Keep::X => 0,
            Keep::Y => 1,
        };
        let (dir, k) = (ui.facts.direction.get(), ui.facts.k.get());
        let s_in = input_stage(dir, k, i) as f64;
        if let Some(h) = ui.hover_at.get() {
            if (ui.stage.get() - s_in).abs() < 1e-6 {
                return Some((h[a], "under the pointer"));
            }
        }
        if let Some(z0) = ui.probe.get() {
            ui.version.track();
            let at = ui.session.with_value(|s| {
                let (mut x, mut y) = ([z0[0]], [z0[1]]);
                s.flow()
                    .push_to_stage(s_in, &mut x, &mut y, &mut Workspace::default());
                [x[0], y[0]]
            });
            if at[a].is_finite() {
                return Some((at[a], "at the probe"));
            }
        }
        Some((
            0.0,
            "(point at the canvas at this layer's stage, or probe a point)",
        ))
    });
    Effect::new(move |_| {
        let Some((v, _)) = xa.get() else { return };
        current.with(|c| {
            if let (Some(el), Some((_, l))) = (node.get(), c) {
                if let Some(curve) = coupling_curve(l, v, inset::RANGE.0, inset::RANGE.1, 240) {
                    inset::draw(&el, &curve);
                }
            }
        });
    });
    let names = move || {
        current.with(|c| match c.as_ref().and_then(|(_, l)| l.kind().keep()) {
            Some(Keep::X) => ("x", "y"),
            _ => ("y", "x"),
        })
    };
    let caption = move || {
        let (kept, moved) = names();
        xa.get().map_or_else(String::new, |(v, from)| {
            format!(
                "How {moved} moves at {kept} = {} {from}; dashed: the identity.",
                num(v, 2)
            )
        })
    };
    view! {
        <figure class="inset-fig">
            <canvas id="coupling-inset" class="inset" node_ref=node role="img"
                aria-label=move || format!("The layer's transform of one coordinate. {}", caption())
            ></canvas>
            <figcaption class="small">{caption}</figcaption>
        </figure>
    }
}

/// Derived values of the selected layer (read-only).
#[component]
fn Readouts(current: Memo<Option<(usize, Layer)>>) -> impl IntoView {
    let text = move || {
        current.with(|c| {
            c.as_ref().map(|(_, l)| match l {
                Layer::Planar(p) => {
                    let uh = p.u_hat();
                    format!(
                        "û = ({}, {}) · ‖w‖ = {} · wᵀu = {} · wᵀû = {}",
                        num(uh[0], 3),
                        num(uh[1], 3),
                        num(p.w[0].hypot(p.w[1]), 3),
                        num(p.w[0] * p.u[0] + p.w[1] * p.u[1], 3),
                        num(p.w[0] * uh[0] + p.w[1] * uh[1], 4)
                    )
                }
                Layer::Radial(r) => format!(
                    "raw α̂ = {} · β̂ = {} · γ = α + β = {}",
                    num(r.alpha_raw, 3),
                    num(r.beta_raw, 3),
                    num(r.map(1.0).gamma, 4)
                ),
                Layer::Sylvester(s) => {
                    let m = s.m();
                    format!(
                        "m₁ = {} · m₂ = {} · θ = {}°",
                        num(m[0], 4),
                        num(m[1], 4),
                        num(s.theta.to_degrees(), 1)
                    )
                }
                Layer::Scale(c) => format!(
                    "scales x by {} and y by {}, then shifts by ({}, {})",
                    num(c.log_scale[0].exp(), 3),
                    num(c.log_scale[1].exp(), 3),
                    num(c.shift[0], 3),
                    num(c.shift[1], 3)
                ),
                Layer::Cnf(c) => match c.spec.field {
                    crate::core::cnf::CnfField::Mlp => format!(
                        "{} raw weights of the field's MLP ([x, y, t] → 64 → 64 → 2, SiLU)",
                        c.params.len()
                    ),
                    crate::core::cnf::CnfField::Planar(m) => format!(
                        "{m} planar units, each u, w, b linear in t ({} raw values)",
                        c.params.len()
                    ),
                },
                l => format!(
                    "{} raw weights in its conditioner (1 → 32 → 32 → {} MLP)",
                    l.n_params(),
                    if matches!(l, Layer::Affine(_)) { 2 } else { 23 }
                ),
            })
        })
    };
    view! { <p class="readouts" id="edit-readouts">{text}</p> }
}

/// The invertibility indicator: icon + text + colour, and the one-line why.
#[component]
fn Indicator(current: Memo<Option<(usize, Layer)>>) -> impl IntoView {
    let v = move || current.with(|c| c.as_ref().map(|(_, l)| verdict(l)));
    // The numbers change on every drag move: screen readers hear only when the verdict flips.
    let flip = Memo::new(move |_| current.with(|c| c.as_ref().map(|(i, l)| (*i, verdict(l).0))));
    let announce = move || match flip.get() {
        Some((i, true)) => format!("Layer {}: warning, see the invertibility note.", i + 1),
        Some((i, false)) => format!("Layer {}: invertible.", i + 1),
        None => String::new(),
    };
    view! {
        <p class="visually-hidden" role="status" aria-live="polite">{announce}</p>
        {move || v().map(|(warn, head, why)| view! {
            <div
                id="invert-indicator"
                class="invert"
                class:warn=warn
                data-state=if warn { "warn" } else { "ok" }
                role="group"
                aria-label="Invertibility"
            >
                <p class="invert-head">{head}</p>
                <p class="invert-why">{why}</p>
            </div>
        })}
    }
}
