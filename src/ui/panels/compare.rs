//! The comparison: one density panel per flow (and the target, for an energy), each captioned
//! with its step and its held-out NLL or free energy. The frame loop paints them.

use leptos::prelude::*;

use crate::session::TargetChoice;
use crate::state::{Compare, RESIDUAL_SIZES};
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
                        aria-pressed=move || {
                            (ui.compare.get().map(Compare::menu_entry) == Some(c)).to_string()
                        }
                        on:click=move |_| { compare::toggle(ui, c) }
                    >
                        {c.label()}
                    </button>
                }
            })
            .collect_view()
    };
    // The residual comparison's size, K = M (Chen et al. 2018, Figure 4: 1, 2, 8, 32).
    let sizes = move || {
        RESIDUAL_SIZES
            .into_iter()
            .map(|n| {
                let c = Compare::Residual(n);
                view! {
                    <button
                        data-compare=c.slug()
                        aria-label=format!("planar K = {n}, continuous M = {n}")
                        aria-pressed=move || (ui.compare.get() == Some(c)).to_string()
                        on:click=move |_| { compare::resize(ui, c) }
                    >
                        {n.to_string()}
                    </button>
                }
            })
            .collect_view()
    };
    let residual = move || matches!(ui.compare.get(), Some(Compare::Residual(_)));
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
                <Show when=residual>
                    <div class="row" role="group" aria-label="Planar depth K = continuous width M">
                        <span class="muted small">"K = M:"</span>
                        {sizes}
                    </div>
                </Show>
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
