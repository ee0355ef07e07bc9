//! The canvas toolbar: pointer tools, undo / redo, zoom.

use leptos::prelude::*;

use crate::ui::actions::{history, view};
use crate::ui::model::{use_ui, Tool};

/// The toolbar.
#[component]
pub fn Toolbar() -> impl IntoView {
    let ui = use_ui();
    let tool_button = move |tool: Tool, label: &'static str, hint: &'static str| {
        view! {
            <button
                class="tool"
                class:active=move || ui.tool.get() == tool
                aria-pressed=move || (ui.tool.get() == tool).to_string()
                title=hint
                on:click=move |_| { view::set_tool(ui, tool) }
            >
                {label}
            </button>
        }
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
                    on:click=move |_| { history::undo(ui); }
                >"↶ Undo"</button>
                <button
                    id="redo-button"
                    aria-keyshortcuts="Control+Shift+Z"
                    title="Redo (Ctrl+Shift+Z)"
                    disabled=move || !ui.undo_redo.get().1
                    on:click=move |_| { history::redo(ui); }
                >"↷ Redo"</button>
            </div>
            <div class="group" role="group" aria-label="Zoom">
                <button on:click=move |_| { view::zoom(ui, 1.25) } aria-label="Zoom in">"+"</button>
                <button on:click=move |_| { view::zoom(ui, 0.8) } aria-label="Zoom out">"−"</button>
                <button on:click=move |_| { view::reset_view(ui) } aria-label="Reset view to [−4, 4]²">
                    "Reset view"
                </button>
            </div>
        </div>
    }
}
