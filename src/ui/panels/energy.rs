//! The energy's description and its annealing settings.

use leptos::prelude::*;

use crate::core::EnergyTarget;
use crate::session::TargetChoice;
use crate::state::{ANNEAL_STEPS_FAST, ANNEAL_STEPS_PAPER};
use crate::ui::actions::{data, typed};
use crate::ui::context::use_ui;

use super::formula::FormulaEditor;

/// The energy part of the Target panel.
#[component]
pub fn EnergyInfo() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    let paper = move || match f.target.get() {
        TargetChoice::Energy(EnergyTarget::Paper(e)) => Some(e),
        _ => None,
    };
    view! {
        {move || match paper() {
            Some(e) => view! {
                <p class="muted">{e.description()}</p>
                <button id="edit-as-formula" on:click=move |_| typed::edit_paper(ui, e)>
                    {format!("Edit {} as a formula", e.name())}
                </button>
            }
            .into_any(),
            None => view! { <FormulaEditor /> }.into_any(),
        }}
        <div class="row">
            <label class="inline">
                <input
                    id="anneal-check"
                    type="checkbox"
                    prop:checked=move || f.anneal.get().0
                    on:change=move |ev| { data::set_anneal(ui, event_target_checked(&ev), f.anneal.get_untracked().1)
                }/>
                " Anneal β_t = min(1, 0.01 + t/T)"
            </label>
            <label class="field small">
                <span>"T (steps)"</span>
                <select
                    id="anneal-steps"
                    prop:value=move || f.anneal.get().1.to_string()
                    prop:disabled=move || !f.anneal.get().0
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                            data::set_anneal(ui, f.anneal.get_untracked().0, v);
                        }
                    }
                >
                    {[(ANNEAL_STEPS_FAST, "1,500 (fast)"), (ANNEAL_STEPS_PAPER, "10,000 (paper)")]
                        .into_iter()
                        .map(|(v, label)| view! { <option value=v.to_string() selected=move || { f.anneal.get().1 == v }>{label}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}
