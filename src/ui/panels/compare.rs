//! The comparison: one density panel per flow (and the target, for an energy), each captioned
//! with its step and its held-out NLL or free energy. The frame loop paints them.

use leptos::prelude::*;

use crate::session::TargetChoice;
use crate::state::Compare;
use crate::ui::actions::compare;
use crate::ui::context::use_ui;

/// The comparison panel.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let ui = use_ui();
    let is_energy = move || matches!(ui.facts.target.get(), TargetChoice::Energy(_));
    // Panels are made once per comparison (redrawing them would blank their pixels); the
    // captions update on their own.
    let n_panels = Memo::new(move |_| ui.compare_captions.with(Vec::len));
    let caption = move |i: usize| {
        ui.compare_captions
            .with(|c| c.get(i).cloned().unwrap_or_default())
    };
    let switches = move || {
        Compare::ALL
            .into_iter()
            .map(|c| {
                view! {
                    <button
                        data-compare=c.slug()
                        aria-pressed=move || (ui.compare.get() == Some(c)).to_string()
                        on:click=move |_| { compare::toggle(ui, c) }
                    >
                        {c.label()}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        // While a comparison shows, the switches' pressed one says which, and the panels get
        // the room (all three captions of "planar 32 / affine 8 / spline 4" fit at 1280×800).
        <p class="muted small" hidden=move || ui.compare.get().is_some()>
            "Fit the same target with other flows, side by side, in equal numbers of steps:"
        </p>
        <div class="row" role="group" aria-label="Compare side by side">{switches}</div>
        <Show when=move || ui.compare.get().is_some()>
            <section class="compare" aria-labelledby="compare-h">
                <div class="row compare-head">
                    <h2 id="compare-h">
                        <span class="visually-hidden">"Comparison: "</span>
                        {move || ui.compare.get().map(|c| c.label()).unwrap_or_default()}
                    </h2>
                    <button
                        id="compare-train"
                        class="primary"
                        on:click=move |_| { compare::toggle_training(ui) }
                    >
                        {move || if ui.compare_training.get() { "❚❚ Pause" } else { "▶ Train all" }}
                    </button>
                    <button on:click=move |_| { compare::restart(ui) }>"Restart"</button>
                    <button aria-label="Close the comparison" on:click=move |_| { compare::stop(ui) }>"Close"</button>
                </div>
                <div class="compare-grid">
                    <Show when=is_energy>
                        <figure>
                            <canvas id="compare-target" class="compare-canvas" width="112" height="112" role="img" aria-label="Target density, proportional to exp(−U)"></canvas>
                            <figcaption>"target ∝ exp(−U)"</figcaption>
                        </figure>
                    </Show>
                    {move || {
                        (0..n_panels.get())
                            .map(|i| {
                                view! {
                                    <figure>
                                        <canvas
                                            id=format!("compare-canvas-{i}")
                                            class="compare-canvas"
                                            width="112"
                                            height="112"
                                            role="img"
                                            aria-label=move || format!("Model density: {}", caption(i))
                                        ></canvas>
                                        <figcaption>{move || caption(i)}</figcaption>
                                    </figure>
                                }
                            })
                            .collect_view()
                    }}
                </div>
            </section>
        </Show>
    }
}
