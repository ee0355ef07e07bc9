//! The typed energy's editor (Data panel, when the target is an energy): the formula, a gallery
//! to start from, and what quadrature says of it — or where it is wrong.

use leptos::html::Textarea;
use leptos::prelude::*;

use crate::core::typed_energy::{BOX, CELLS};
use crate::core::{EnergyTarget, TypedEnergy};
use crate::session::TargetChoice;
use crate::state::GALLERY;
use crate::ui::actions::typed;
use crate::ui::context::use_ui;

/// What the status line says of a fitted typed energy.
fn floor_text(t: &TypedEnergy) -> String {
    let q = t.quadrature();
    format!(
        "log Z = {:.4} (± {:.1e}) by quadrature on [−{BOX}, {BOX}]² ({CELLS}² cells): the free energy cannot go below {:.4}.",
        q.log_z, q.error, -q.log_z
    )
}

/// The editor.
#[component]
pub fn FormulaEditor() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    let area = NodeRef::<Textarea>::new();
    let typed_target = move || match f.target.get() {
        TargetChoice::Energy(EnergyTarget::Typed(t)) => Some(t),
        _ => None,
    };
    let text = move || {
        let d = ui.formula_draft.get();
        if d.is_empty() {
            typed_target()
                .map(|t| t.text().to_string())
                .unwrap_or_default()
        } else {
            d
        }
    };
    // A syntax error selects the character it points at.
    Effect::new(move |_| {
        if let (Some(p), Some(el)) = (ui.formula_problem.get(), area.get()) {
            if let Some(at) = p.at {
                let v = el.value();
                let start = v.chars().take(at).map(char::len_utf16).sum::<usize>() as u32;
                let end = start + v.chars().nth(at).map_or(0, char::len_utf16) as u32;
                let _ = el.focus();
                let _ = el.set_selection_range(start, end.max(start));
            }
        }
    });
    let apply = move || {
        if let Some(el) = area.get_untracked() {
            typed::apply(ui, &el.value());
        }
    };
    view! {
        <div class="formula-editor">
            <label class="field" for="energy-formula"><span>"Typed energy U(x, y) =  (density ∝ exp(−U))"</span></label>
            <textarea
                id="energy-formula"
                node_ref=area
                rows="3"
                spellcheck="false"
                autocomplete="off"
                aria-describedby="formula-status formula-help"
                prop:value=text
                on:input=move |ev| typed::edit_draft(ui, &event_target_value(&ev))
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        apply();
                    }
                }
            ></textarea>
            <div class="row">
                <button id="formula-apply" on:click=move |_| apply()>"Fit this energy"</button>
                <label class="field small">
                    <span>"Start from"</span>
                    <select
                        id="energy-gallery"
                        on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                                typed::from_gallery(ui, i);
                            }
                        }
                    >
                        <option value="" selected>"a gallery energy…"</option>
                        {GALLERY
                            .iter()
                            .enumerate()
                            .map(|(i, g)| view! { <option value=i.to_string()>{g.name}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            {move || match ui.formula_problem.get() {
                Some(p) => view! { <p class="problem" role="alert" id="formula-status">{p.message}</p> }.into_any(),
                None => view! {
                    <p class="muted small" id="formula-status" aria-live="polite">
                        {move || typed_target().map(|t| floor_text(&t)).unwrap_or_default()}
                    </p>
                }
                .into_any(),
            }}
            <p class="muted small" id="formula-help">
                "x, y, numbers (2, .5, 1e-3), + − * / ^, pi, e; exp log sqrt abs sin cos tan tanh sinh cosh sigmoid softplus; atan2 min max logaddexp pow (two arguments). Ctrl+Enter fits."
            </p>
        </div>
    }
}
