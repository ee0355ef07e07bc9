//! The top bar: the app's name, what the flow fits, and the keyboard help and presenter buttons.

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::context::use_ui;

use super::target::TargetSelect;

/// The app's name and the target menu.
#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <div class="brand">
            <h1>"Flow Playground"</h1>
            <label class="target-pick">
                <span class="visually-hidden">"Fit the flow to"</span>
                <TargetSelect />
            </label>
        </div>
    }
}

/// Keyboard help and presenter mode.
#[component]
pub fn PageButtons() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="page-buttons">
            <button id="help-button" aria-keyshortcuts="?" title="Keyboard shortcuts (?)"
                aria-expanded=move || ui.help.get().to_string()
                on:click=move |_| { view::toggle_help(ui) }
            >"Keys ?"</button>
            <button id="presenter-button" aria-keyshortcuts="F" title="Presenter mode: the canvas fills the screen (f; Esc leaves)"
                aria-pressed=move || ui.presenter.get().to_string()
                on:click=move |_| { view::toggle_presenter(ui) }
            >{move || if ui.presenter.get() { "Leave presenter" } else { "Present" }}</button>
        </div>
    }
}
