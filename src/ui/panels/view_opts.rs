//! The View panel: overlays, the density scale, and playback options.

use leptos::prelude::*;

use crate::state::SOLVER_ERROR_PICTURE;
use crate::ui::actions::view;
use crate::ui::context::{use_ui, Overlays};

use super::timeline::PlaybackOptions;

/// The panel.
#[component]
pub fn ViewPanel() -> impl IntoView {
    let ui = use_ui();
    let toggle = move |id: &'static str,
                       label: &'static str,
                       get: fn(&Overlays) -> bool,
                       set: fn(&mut Overlays, bool)| {
        view! {
            <label class="inline">
                <input
                    id=id
                    type="checkbox"
                    prop:checked=move || get(&ui.overlays.get())
                    on:change=move |ev| { view::set_overlay(ui, set, event_target_checked(&ev))
                }/>
                {format!(" {label}")}
            </label>
        }
    };
    view! {
        <section class="panel">
            <h2>"View"</h2>
            <div class="checks">
                {toggle("view-grid", "Warped grid", |o| o.grid, |o, v| o.grid = v)}
                {toggle("view-particles", "Particles", |o| o.particles, |o, v| o.particles = v)}
                {toggle("view-data", "Data / target contours", |o| o.data, |o, v| o.data = v)}
                {toggle("view-volume", "Volume change (log |det J|)", |o| o.volume, |o, v| o.volume = v)}
                {toggle("view-stretch", "Stretch ellipses (local Jacobian)", |o| o.stretch, |o, v| o.stretch = v)}
                {toggle("view-field", "Vector field v(x, t) (continuous steps)", |o| o.field, |o, v| o.field = v)}
                {toggle("view-paths", "Flow-matching paths, noise → data", |o| o.paths, |o, v| o.paths = v)}
                {toggle("view-trails", "Trajectories of 48 particles", |o| o.trails, |o, v| o.trails = v)}
                <label class="inline">
                    "Continuous picture "
                    <select
                        id="trace-select"
                        aria-label="What a one-layer continuous flow's picture shows"
                        prop:value=move || ui.trace_probes.get().to_string()
                        on:change=move |ev| { view::set_trace_probes(ui, event_target_value(&ev).parse().unwrap_or(0)) }
                    >
                        <option value="0" selected=move || ui.trace_probes.get() == 0>"density, exact trace"</option>
                        <option value="1" selected=move || ui.trace_probes.get() == 1>"density, Hutchinson 1 probe"</option>
                        <option value="10" selected=move || ui.trace_probes.get() == 10>"density, Hutchinson 10 probes"</option>
                        <option value=SOLVER_ERROR_PICTURE.to_string() selected=move || ui.trace_probes.get() == SOLVER_ERROR_PICTURE>"solver error vs a fine RK4"</option>
                    </select>
                </label>
                <label class="inline">
                    <input id="view-log" type="checkbox" prop:checked=move || ui.log_scale.get() on:change=move |ev| { view::set_log_scale(ui, event_target_checked(&ev)) }/>
                    " Log density scale"
                </label>
            </div>
            <h2>"Playback"</h2>
            <PlaybackOptions />
        </section>
    }
}
