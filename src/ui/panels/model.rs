//! The Model panel: how many layers, of which kind, from which seed. Each field shows the
//! session's stack (a link with 16 radial layers and seed 7 shows "radial" and 7; a hand-made
//! mixed stack shows "mixed"), and a change keeps the other two.

use leptos::prelude::*;

use crate::core::StackPattern;
use crate::state::MAX_LAYERS;
use crate::ui::actions::model;
use crate::ui::model::use_ui;

use super::fields::revert;

fn pattern_value(p: &StackPattern) -> &'static str {
    match p {
        StackPattern::AllPlanar => "planar",
        StackPattern::AllRadial => "radial",
        StackPattern::Alternating => "alternating",
        StackPattern::Custom(_) => "mixed",
    }
}

/// The panel.
#[component]
pub fn ModelPanel() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    let pattern = Memo::new(move |_| pattern_value(&f.pattern.get()));
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
                            let p = match event_target_value(&ev).as_str() {
                                "radial" => StackPattern::AllRadial,
                                "alternating" => StackPattern::Alternating,
                                _ => StackPattern::AllPlanar,
                            };
                            model::set_pattern(ui, p);
                        }
                    >
                        <option value="planar" selected=move || { pattern.get() == "planar" }>"planar"</option>
                        <option value="radial" selected=move || { pattern.get() == "radial" }>"radial"</option>
                        <option value="alternating" selected=move || { pattern.get() == "alternating" }>"alternating"</option>
                        <option value="mixed" disabled selected=move || { pattern.get() == "mixed" }>"mixed (edited)"</option>
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
        </section>
    }
}
