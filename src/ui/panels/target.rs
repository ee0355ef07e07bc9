//! The Data panel (and the target menu of the top bar): what the flow fits — a preset cloud (with its size, noise and sample), points
//! drawn by hand, or one of the paper's energies. Every field shows the session's value.

use leptos::prelude::*;

use crate::core::{Energy, EnergyTarget, Preset};
use crate::session::{TargetChoice, HELDOUT_EVERY, MAX_POINTS};
use crate::ui::actions::{data, typed, view};
use crate::ui::context::{use_ui, Panel};

use super::brush::BrushControls;
use super::density_source::DensitySource;
use super::energy::EnergyInfo;
use super::fields::revert;

/// The target menu's value for a choice.
fn target_value(t: TargetChoice) -> String {
    match t {
        TargetChoice::Preset(p) => format!(
            "preset:{}",
            Preset::ALL.iter().position(|q| *q == p).unwrap_or(0)
        ),
        TargetChoice::Drawn => "drawn".into(),
        TargetChoice::Energy(EnergyTarget::Paper(e)) => format!("energy:{}", e.name()),
        TargetChoice::Energy(EnergyTarget::Typed(_)) => TYPED.into(),
    }
}

/// The choice of a target menu value.
fn parse_target(v: &str) -> Option<TargetChoice> {
    if v == "drawn" {
        return Some(TargetChoice::Drawn);
    }
    if let Some(i) = v.strip_prefix("preset:") {
        return Preset::ALL
            .get(i.parse::<usize>().ok()?)
            .map(|p| TargetChoice::Preset(*p));
    }
    let name = v.strip_prefix("energy:")?;
    Energy::ALL
        .iter()
        .find(|e| e.name() == name)
        .map(|e| TargetChoice::Energy((*e).into()))
}

/// The target menu's value of a typed energy (which one is the Data panel's to say).
const TYPED: &str = "typed";

/// The target menu.
#[component]
pub fn TargetSelect() -> impl IntoView {
    let ui = use_ui();
    let target = ui.facts.target;
    view! {
        <select
            id="target-select"
            aria-label="Fit the flow to"
            prop:value=move || target_value(target.get())
            on:change=move |ev| {
                let v = event_target_value(&ev);
                if v == TYPED {
                    typed::start(ui);
                    view::open_panel(ui, Panel::Data);
                } else if let Some(t) = parse_target(&v) {
                    data::set_target(ui, t);
                }
            }
        >
            <optgroup label="Points (maximum likelihood)">
                {Preset::ALL
                    .iter()
                    .map(|p| {
                        let t = TargetChoice::Preset(*p);
                        let value = target_value(t.clone());
                        view! { <option value=value selected=move || { target.get() == t }>{p.display_name()}</option> }
                    })
                    .collect_view()}
                <option value="drawn" selected=move || { target.get() == TargetChoice::Drawn }>"Draw your own"</option>
            </optgroup>
            <optgroup label="Energies of the paper (reverse KL)">
                {Energy::ALL
                    .iter()
                    .map(|e| {
                        let t = TargetChoice::Energy((*e).into());
                        view! { <option value=target_value(t.clone()) selected=move || { target.get() == t }>{format!("{} (Table 1)", e.name())}</option> }
                    })
                    .collect_view()}
            </optgroup>
            <optgroup label="Your own (reverse KL)">
                <option value=TYPED selected=move || matches!(target.get(), TargetChoice::Energy(EnergyTarget::Typed(_)))>"Typed energy U(x, y)…"</option>
            </optgroup>
        </select>
    }
}

/// The panel.
#[component]
pub fn TargetPanel() -> impl IntoView {
    let ui = use_ui();
    let f = ui.facts;
    let is_points = move || !matches!(f.target.get(), TargetChoice::Energy(_));
    let preset = move || f.preset.get();
    view! {
        <section class="panel">
            <h2>"Data"</h2>
            <p class="muted small">{move || match f.target.get() {
                TargetChoice::Preset(p) => format!("Fitting the {} preset (maximum likelihood). Choose another target at the top.", p.display_name()),
                TargetChoice::Drawn => "Fitting your points (maximum likelihood): draw them with the Draw tool.".to_string(),
                TargetChoice::Energy(EnergyTarget::Paper(e)) => format!("Fitting the paper's energy {} (reverse KL).", e.name()),
                TargetChoice::Energy(EnergyTarget::Typed(_)) => "Fitting your typed energy (reverse KL).".to_string(),
            }}</p>
            <Show when=is_points fallback=|| view! { <EnergyInfo /> }>
                <Show when=move || preset().is_some()>
                    <div class="row">
                        <label class="field small">
                            <span>"Points"</span>
                            <input
                                id="preset-count"
                                type="number"
                                min="2"
                                max=MAX_POINTS.to_string()
                                step="100"
                                prop:value=move || preset().map_or(0, |p| p.n).to_string()
                                on:change=move |ev| {
                                    data::set_preset_count(ui, &event_target_value(&ev));
                                    revert(&ev, f.preset.get_untracked().map_or(0, |p| p.n).to_string());
                                }
                            />
                        </label>
                        <label class="field small">
                            <span>"Noise ×"</span>
                            <input
                                id="preset-noise"
                                type="number"
                                min="0"
                                max="5"
                                step="0.25"
                                prop:value=move || noise_scale(preset())
                                on:change=move |ev| {
                                    data::set_preset_noise(ui, &event_target_value(&ev));
                                    revert(&ev, noise_scale(f.preset.get_untracked()));
                                }
                            />
                        </label>
                        <label class="field small">
                            <span>"Sample"</span>
                            <input
                                id="preset-seed"
                                type="number"
                                min="0"
                                prop:value=move || preset().map_or(0, |p| p.seed).to_string()
                                on:change=move |ev| {
                                    data::set_preset_seed(ui, &event_target_value(&ev));
                                    revert(&ev, f.preset.get_untracked().map_or(0, |p| p.seed).to_string());
                                }
                            />
                        </label>
                        <button on:click=move |_| { data::new_sample(ui) }>"New sample"</button>
                    </div>
                </Show>
                <p class="muted" id="points-info">
                    {move || {
                        let n = f.n_points.get();
                        let held = n / HELDOUT_EVERY;
                        format!("{n} points: {} train, {held} held out (orange).", n - held)
                    }}
                </p>
                <div class="row">
                    <button on:click=move |_| { data::clear_points(ui) }>"Clear points"</button>
                </div>
                <BrushControls />
                <DensitySource />
                {move || f.data_problem.get().map(|p| view! { <p class="problem" role="alert">{format!("Training is off: {p}")}</p> })}
            </Show>
        </section>
    }
}

/// A preset's noise as a multiple of its default (for the Noise × field).
fn noise_scale(p: Option<crate::state::PresetInfo>) -> String {
    p.map_or("1".into(), |p| {
        let d = p.preset.default_noise();
        let v = if d > 0.0 { p.noise / d } else { 1.0 };
        format!("{}", (v * 1000.0).round() / 1000.0)
    })
}
