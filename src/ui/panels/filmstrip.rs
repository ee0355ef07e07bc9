//! The filmstrip: one thumbnail per stage (the frame loop paints them); click one to jump.

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::context::use_ui;

/// The filmstrip.
#[component]
pub fn Filmstrip() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="filmstrip" role="group" aria-label="Stages (click to jump)">
            {move || {
                let k = ui.facts.k.get();
                (0..=k)
                    .map(|i| {
                        let label = if i == 0 { "base".to_string() } else if i == k { format!("{i} model") } else { i.to_string() };
                        view! {
                            <button
                                class="thumb"
                                class:current=move || (ui.stage.get() - i as f64).abs() < 0.5
                                on:click=move |_| { view::set_stage(ui, i as f64) }
                            >
                                <canvas class="thumb-canvas" data-stage=i.to_string() width="48" height="48" aria-hidden="true"></canvas>
                                <span>{label}</span>
                                <span class="visually-hidden">{format!(": jump to stage {i}")}</span>
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
