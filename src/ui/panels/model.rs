//! The Model panel: how many layers, of which kinds (planar, radial, Sylvester, affine and spline
//! coupling, and mixes), from which seed. Each field shows the session's stack (a link with 16
//! radial layers and seed 7 shows "radial" and 7; a hand-made stack shows "mixed"), and a change
//! keeps the other two.

use leptos::prelude::*;

use crate::core::StackPattern;
use crate::state::numtext::thousands;
use crate::state::MAX_LAYERS;
use crate::ui::actions::model;
use crate::ui::context::use_ui;

use super::fields::revert;

/// The menu value of a pattern: its index in `StackPattern::PRESETS`, or "custom".
fn pattern_value(p: &StackPattern) -> String {
    StackPattern::PRESETS
        .iter()
        .position(|q| q == p)
        .map_or_else(|| "custom".to_string(), |i| i.to_string())
}

/// The panel.
#[component]
pub fn ModelPanel() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    let pattern = Memo::new(move |_| pattern_value(&f.pattern.get()));
    let params = Memo::new(move |_| {
        ui.version.track();
        ui.session.with_value(|s| s.flow().params().len())
    });
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
                        max=MAX_LAYERS.to_string()
                        prop:value=move || f.k.get().to_string()
                        on:change=move |ev| {
                            model::set_depth_text(ui, &event_target_value(&ev));
                            revert(&ev, f.k.get_untracked().to_string());
                        }
                    />
                </label>
                <label class="field small">
                    <span>"Layer type"</span>
                    <select
                        id="pattern-select"
                        prop:value=move || pattern.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(p) = v.parse::<usize>().ok().and_then(|i| StackPattern::PRESETS.get(i)) {
                                model::set_pattern(ui, p.clone());
                            }
                        }
                    >
                        {StackPattern::PRESETS
                            .iter()
                            .enumerate()
                            .map(|(i, p)| {
                                let v = i.to_string();
                                let v2 = v.clone();
                                view! { <option value=v selected=move || { pattern.get() == v2 }>{p.name()}</option> }
                            })
                            .collect_view()}
                        <option value="custom" disabled selected=move || { pattern.get() == "custom" }>"mixed (edited)"</option>
                    </select>
                </label>
                <label class="field small">
                    <span>"Seed"</span>
                    <input
                        id="seed-input"
                        type="number"
                        min="0"
                        prop:value=move || f.seed.get().to_string()
                        on:change=move |ev| {
                            model::set_seed_text(ui, &event_target_value(&ev));
                            revert(&ev, f.seed.get_untracked().to_string());
                        }
                    />
                </label>
            </div>
            <p class="muted small" id="model-size">{move || format!("{} raw parameters", thousands(params.get()))}</p>
        </section>
    }
}
