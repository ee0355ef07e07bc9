//! The training bar, always on screen: Train / Pause, Step, Reset, the live numbers, a loss
//! sparkline (the frame loop draws it), and on a first visit the hint to press Train.

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::context::use_ui;

use super::train::TrainButtons;

/// The bar.
#[component]
pub fn TrainBar() -> impl IntoView {
    let ui = use_ui();
    let stats_line = move || ui.stats.get().line();
    view! {
        <div class="trainbar" role="group" aria-label="Training">
            <div class="train-buttons">
                <TrainButtons />
            </div>
            <Show when=move || ui.hint.get()>
                <div class="first-hint" id="first-hint" role="note">
                    <span>"← Press Train (or Space) to watch it learn"</span>
                    <button on:click=move |_| { view::dismiss_hint(ui) }>"Got it"</button>
                </div>
            </Show>
            <p class="stats" id="train-stats" aria-live="off">{stats_line}</p>
            <canvas id="loss-spark" class="spark" role="img"
                aria-label=move || format!("Loss so far: {}", stats_line())
            ></canvas>
        </div>
    }
}
