//! Brush size and density.

use leptos::prelude::*;

use crate::state::decimal;
use crate::ui::actions::view;
use crate::ui::context::use_ui;

/// The brush controls.
#[component]
pub fn BrushControls() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="row">
            <label class="field small">
                <span>"Brush size"</span>
                <input type="range" min="0.05" max="1.5" step="0.05" aria-label="Brush size (data units)"
                    prop:value=move || ui.brush_size.get().to_string()
                    on:input=move |ev| {
                        if let Some(v) = decimal::parse(&event_target_value(&ev)) {
                            view::set_brush_size(ui, v);
                        }
                    }
                />
            </label>
            <label class="field small">
                <span>"Brush density"</span>
                <input type="range" min="1" max="20" step="1" aria-label="Points per brush move"
                    prop:value=move || ui.brush_density.get().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                            view::set_brush_density(ui, v);
                        }
                    }
                />
            </label>
        </div>
    }
}
