//! The Layers panel: the stack in formula order (select, move, duplicate, delete), adding a
//! planar or radial layer where the user clicks, emptying the flow, and the selected layer's
//! details.

use leptos::prelude::*;

use crate::core::{Direction, LayerKind};
use crate::render::handles::input_stage;
use crate::state::MAX_LAYERS;
use crate::ui::actions::{selection, stack};
use crate::ui::context::use_ui;

use super::layer_details::LayerDetails;

/// The panel.
#[component]
pub fn LayersPanel() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    // A selection past the end (after K changed elsewhere) is dropped.
    Effect::new(move |_| {
        let k = f.k.get();
        if ui.selected_layer.get_untracked().is_some_and(|i| i >= k) {
            selection::select(ui, None, false);
        }
    });
    let rows = move || {
        let kinds = f.kinds.get();
        let dir = f.direction.get();
        let k = kinds.len();
        kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| {
                let kind = *kind;
                let n = i + 1;
                let s_in = input_stage(dir, k, i);
                let is_sel = move || ui.selected_layer.get() == Some(i);
                view! {
                    <li class="layer-row" class:selected=is_sel>
                        <button
                            class="layer-select"
                            aria-pressed=move || is_sel().to_string()
                            on:click=move |_| {
                                if ui.selected_layer.get_untracked() == Some(i) { selection::select(ui, None, false) } else { selection::select(ui, Some(i), true) }
                            }
                        >
                            <span class="layer-n">{n.to_string()}</span>
                            <span class="layer-kind" data-kind=kind.name()>{kind_label(kind)}</span>
                            <span class="layer-stage muted">{format!("stage {s_in}")}</span>
                            <span class="visually-hidden">": select it and show its input stage"</span>
                        </button>
                        <button class="icon" disabled={i == 0} aria-label=format!("Move layer {n} earlier")
                            on:click=move |_| { stack::move_earlier(ui, i) }
                        >"↑"</button>
                        <button class="icon" disabled={i + 1 >= k} aria-label=format!("Move layer {n} later")
                            on:click=move |_| { stack::move_later(ui, i) }
                        >"↓"</button>
                        <button class="icon" disabled={k >= MAX_LAYERS} aria-label=format!("2× (duplicate layer {n})")
                            on:click=move |_| { stack::duplicate(ui, i) }
                        >"2×"</button>
                        <button class="icon danger" aria-label=format!("Delete layer {n}")
                            on:click=move |_| { stack::delete(ui, i) }
                        >"✕"</button>
                    </li>
                }
            })
            .collect_view()
    };
    let add = move |kind: LayerKind, id: &'static str, label: &'static str| {
        view! {
            <button id=id aria-pressed=move || (ui.placing.get() == Some(kind)).to_string()
                disabled=move || { f.k.get() >= MAX_LAYERS }
                on:click=move |_| { stack::toggle_placing(ui, kind) }>{label}</button>
        }
    };
    view! {
        <section class="panel editor" aria-labelledby="editor-title">
            <h2 id="editor-title">"Layers"</h2>
            <p class="muted small">
                {move || match f.direction.get() {
                    Direction::Normalizing => "Formula order: layer 1 acts first, on the data (data → base). Select a layer to see and drag its handles.",
                    Direction::Generative => "Formula order: layer 1 acts first, on the base sample (base → model). Select a layer to see and drag its handles.",
                }}
            </p>
            <div class="row editor-actions">
                {add(LayerKind::Planar, "add-planar", "+ Planar here…")}
                {add(LayerKind::Radial, "add-radial", "+ Radial here…")}
                <button id="clear-layers" disabled=move || { f.k.get() == 0 }
                    on:click=move |_| { stack::clear(ui) }
                >"Empty flow"</button>
            </div>
            {move || ui.placing.get().map(|k| view! {
                <p class="placing-hint" role="status">
                    {format!("Click the canvas where the new {} layer should act (at the stage on screen). Esc cancels.", k.name())}
                </p>
            })}
            <ol id="layer-list" class="layer-list" aria-label="Layers in formula order">{rows}</ol>
            {move || (f.k.get() == 0).then(|| view! {
                <p class="muted small">"No layers: the model is the base Gaussian N(0, I)."</p>
            })}
            <LayerDetails />
        </section>
    }
}

/// A layer's kind for the list: its family, and for a coupling layer the coordinate it keeps.
fn kind_label(kind: LayerKind) -> String {
    match kind.keep() {
        Some(crate::core::coupling::Keep::X) => format!("{} (keeps x)", kind.family()),
        Some(crate::core::coupling::Keep::Y) => format!("{} (keeps y)", kind.family()),
        None => kind.family().to_string(),
    }
}
