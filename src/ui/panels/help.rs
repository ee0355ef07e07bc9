//! The keyboard help (`?`): every shortcut, in a dialog that Esc or its button closes.

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::browser::report;
use crate::ui::context::use_ui;

/// Every shortcut: keys and what they do.
pub const SHORTCUTS: [(&str, &str); 13] = [
    ("Space", "train / pause"),
    ("→", "one training step"),
    ("r", "reset to the initial weights"),
    ("p", "play / pause the layers"),
    (", and .", "one layer back / forward"),
    ("f", "presenter mode (Esc leaves)"),
    ("?", "this help"),
    ("Ctrl+Z", "undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "redo"),
    (
        "Esc",
        "cancel placing a layer, close the selection or this help",
    ),
    ("← → Home End", "on the loss chart: read its values"),
    ("← →", "on the panel tabs: the next tab"),
    (
        "→ ← PageDown PageUp",
        "presenting your lesson: next / previous step (Esc stops)",
    ),
];

/// The dialog.
#[component]
pub fn HelpDialog() -> impl IntoView {
    let ui = use_ui();
    let close = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if ui.help.get() {
            if let Some(b) = close.get() {
                report::warn("focusing the help dialog's Close button", b.focus());
            }
        }
    });
    view! {
        <Show when=move || ui.help.get()>
            <div class="help-backdrop" on:click=move |_| { view::close_help(ui) }></div>
            <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title" id="help-dialog">
                <h2 id="help-title">"Keyboard shortcuts"</h2>
                <table class="keys">
                    <tbody>
                        {SHORTCUTS
                            .iter()
                            .map(|(k, what)| view! { <tr><th scope="row"><kbd>{*k}</kbd></th><td>{*what}</td></tr> })
                            .collect_view()}
                    </tbody>
                </table>
                <button class="primary" node_ref=close on:click=move |_| { view::close_help(ui) }>"Close"</button>
            </div>
        </Show>
    }
}
