//! Points drawn from a typed density `p(x, y)` (Data panel, for maximum likelihood): the formula,
//! how many points, and what came of it — the entropy the held-out NLL can approach, or why
//! the formula cannot be sampled.

use leptos::html::{Input, Textarea};
use leptos::prelude::*;

use crate::session::MAX_POINTS;
use crate::ui::actions::typed;
use crate::ui::context::use_ui;

/// The formula a new visitor starts from: two Gaussian blobs.
const EXAMPLE: &str = "exp(-((x - 1.5)^2 + y^2)/0.5) + exp(-((x + 1.5)^2 + (y - 1)^2)/0.5)";

/// The sampler.
#[component]
pub fn DensitySource() -> impl IntoView {
    let ui = use_ui();
    let area = NodeRef::<Textarea>::new();
    let count = NodeRef::<Input>::new();
    let text = move || {
        let d = ui.density_draft.get();
        if d.is_empty() {
            EXAMPLE.to_string()
        } else {
            d
        }
    };
    let sample = move || {
        let (Some(a), Some(c)) = (area.get_untracked(), count.get_untracked()) else {
            return;
        };
        let n = c.value().trim().parse::<usize>().unwrap_or(2000);
        typed::sample_density(ui, &a.value(), n);
    };
    view! {
        <details class="formula-editor" id="density-source">
            <summary>"Draw points from a density p(x, y)"</summary>
            <label class="field" for="density-formula"><span>"p(x, y) =  (need not be normalised)"</span></label>
            <textarea
                id="density-formula"
                node_ref=area
                rows="3"
                spellcheck="false"
                autocomplete="off"
                aria-describedby="density-status"
                prop:value=text
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        sample();
                    }
                }
            ></textarea>
            <div class="row">
                <label class="field small">
                    <span>"Points"</span>
                    <input id="density-count" node_ref=count type="number" min="1" max=MAX_POINTS.to_string() step="500" value="4000" />
                </label>
                <button id="density-sample" on:click=move |_| sample()>"Draw the points"</button>
            </div>
            {move || match ui.density_note.get() {
                Some(Err(e)) => view! { <p class="problem" role="alert" id="density-status">{e}</p> }.into_any(),
                Some(Ok(m)) => view! { <p class="muted small" id="density-status" aria-live="polite">{m}</p> }.into_any(),
                None => view! { <p class="muted small" id="density-status">"The points replace the current ones; the same formula and count give the same points."</p> }.into_any(),
            }}
        </details>
    }
}
