//! The tool strip beside the canvas (a row under it on a phone): what a press on the canvas does
//! (probe, draw, erase, pan, edit layers), undo / redo, zoom. The tool is one tap from the
//! canvas on every layout, and the canvas says what it does (`ToolHint`).

use leptos::prelude::*;

use crate::ui::actions::{history, view};
use crate::ui::context::{use_ui, Tool};

/// The tool strip.
#[component]
pub fn ToolStrip() -> impl IntoView {
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
        <div class="toolbar" role="toolbar" aria-label="Canvas tools" aria-orientation="vertical">
            <div class="group tools" role="group" aria-label="Pointer tool">
                {tool_button(Tool::Probe, "Probe", "Click a point to trace it through every layer")}
                {tool_button(Tool::Brush, "Draw", "Draw data points: drag on the canvas to spray them")}
                {tool_button(Tool::Eraser, "Erase", "Erase data points: drag over them")}
                {tool_button(Tool::Pan, "Pan", "Drag to move the view")}
                {tool_button(Tool::Edit, "Edit", "Grab a layer's handles to reshape it; the Layers panel adds, removes and reorders layers")}
            </div>
            <div class="group history" role="group" aria-label="Undo and redo">
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
            <div class="group zoom" role="group" aria-label="Zoom">
                <button on:click=move |_| { view::zoom(ui, 1.25) } title="Zoom in">"+"<span class="visually-hidden">" Zoom in"</span></button>
                <button on:click=move |_| { view::zoom(ui, 0.8) } title="Zoom out">"−"<span class="visually-hidden">" Zoom out"</span></button>
                <button on:click=move |_| { view::reset_view(ui) } title="Reset the view to [−4, 4]²">"Reset view"</button>
            </div>
        </div>
    }
}

/// One line on the canvas saying what a press does with the current tool.
#[component]
pub fn ToolHint() -> impl IntoView {
    let ui = use_ui();
    let text = move || match ui.tool.get() {
        Tool::Probe => "Probe: click a point to trace it through every layer",
        Tool::Brush => "Draw: drag to spray points",
        Tool::Eraser => "Erase: drag over points to remove them",
        Tool::Pan => "Pan: drag to move the view",
        Tool::Edit => "Edit: grab a layer's handles",
    };
    view! { <p class="tool-hint" aria-hidden="true">{text}</p> }
}
