//! The Train panel: the learning rate and batch, and the loss chart with its readout; and the
//! Train / Pause, Step and Reset buttons the training bar shows.

use leptos::prelude::*;

use crate::state::numtext::fmt_lr;
use crate::ui::actions::{data, training};
use crate::ui::context::use_ui;

use super::chart::ChartView;
use super::fields::revert;

/// Train / Pause, Step and Reset.
#[component]
pub fn TrainButtons() -> impl IntoView {
    let ui = use_ui();
    view! {
        <button
            id="train-button"
            class="primary"
            aria-keyshortcuts="Space"
            title="Train or pause (Space)"
            on:click=move |_| { training::toggle(ui) }
        >
            {move || if ui.training.get() { "❚❚ Pause training" } else { "▶ Train" }}
        </button>
        <button id="step-button" aria-keyshortcuts="ArrowRight" title="One training step (→)" on:click=move |_| { training::single_step(ui) }>"Step"</button>
        <button id="reset-button" aria-keyshortcuts="R" title="Back to the initial weights (r)" on:click=move |_| { training::reset(ui) }>"Reset"</button>
    }
}

/// The panel.
#[component]
pub fn TrainPanel() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    let stats_line = move || ui.stats.get().line();
    view! {
        <section class="panel">
            <h2>"Training"</h2>
            <div class="row">
                <label class="field small">
                    <span>"Learning rate"</span>
                    <input
                        id="lr-input"
                        type="text"
                        inputmode="decimal"
                        prop:value=move || fmt_lr(f.lr.get())
                        on:change=move |ev| {
                            data::set_lr_text(ui, &event_target_value(&ev));
                            revert(&ev, fmt_lr(f.lr.get_untracked()));
                        }
                    />
                </label>
                <label class="field small">
                    <span>"Batch"</span>
                    <select id="batch-select" prop:value=move || f.batch.get().to_string() on:change=move |ev| {
                        if let Ok(b) = event_target_value(&ev).parse::<usize>() {
                            data::set_batch(ui, b);
                        }
                    }>
                        {[64usize, 128, 256, 512, 1024]
                            .into_iter()
                            .map(|b| view! { <option value=b.to_string() selected=move || { f.batch.get() == b }>{b.to_string()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <ChartView label=Signal::derive(stats_line) />
        </section>
    }
}
