//! The side panels as tabs (WAI-ARIA tabs: arrow keys move between them): beside the canvas on a
//! desktop, below it on a phone. Opening one never moves the canvas or the training bar.

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::context::{use_ui, Panel};

use super::compare::ComparePanel;
use super::layers::LayersPanel;
use super::lessons::LessonsPanel;
use super::model::ModelPanel;
use super::probe::ProbePanel;
use super::share::SharePanel;
use super::target::TargetPanel;
use super::train::TrainPanel;
use super::view_opts::ViewPanel;
use crate::ui::browser::report;

/// The tabs and their panels.
#[component]
pub fn Sidebar() -> impl IntoView {
    let ui = use_ui();
    let tabs = Panel::ALL
        .into_iter()
        .map(|p| {
            let selected = move || ui.panel.get() == p;
            let on_key = move |ev: web_sys::KeyboardEvent| {
                let i = Panel::ALL.iter().position(|q| *q == p).unwrap_or(0);
                let n = Panel::ALL.len();
                let next = match ev.key().as_str() {
                    "ArrowRight" | "ArrowDown" => Panel::ALL[(i + 1) % n],
                    "ArrowLeft" | "ArrowUp" => Panel::ALL[(i + n - 1) % n],
                    "Home" => Panel::ALL[0],
                    "End" => Panel::ALL[n - 1],
                    _ => return,
                };
                ev.prevent_default();
                ev.stop_propagation();
                view::open_panel(ui, next);
                if let Some(el) = crate::ui::browser::page::by_id::<web_sys::HtmlElement>(&format!(
                    "tab-{}",
                    next.slug()
                )) {
                    report::warn("focusing the panel tab the arrow key chose", el.focus());
                }
            };
            view! {
                <button
                    role="tab"
                    id=format!("tab-{}", p.slug())
                    class="tab"
                    class:has-content=move || match p {
                        Panel::Compare => ui.compare.get().is_some(),
                        Panel::Probe => ui.probe.get().is_some(),
                        _ => false,
                    }
                    aria-selected=move || selected().to_string()
                    aria-controls=format!("panel-{}", p.slug())
                    tabindex=move || if selected() { "0" } else { "-1" }
                    on:click=move |_| { view::open_panel(ui, p) }
                    on:keydown=on_key
                >{p.label()}</button>
            }
        })
        .collect_view();
    let panel = move |p: Panel, body: AnyView| {
        view! {
            <div
                role="tabpanel"
                id=format!("panel-{}", p.slug())
                class="tabpanel"
                aria-labelledby=format!("tab-{}", p.slug())
                hidden=move || ui.panel.get() != p
            >{body}</div>
        }
    };
    view! {
        <section class="sidebar" aria-label="Panels">
            <div class="tabs" role="tablist" aria-label="Panels">{tabs}</div>
            <div class="tabpanels">
                {panel(Panel::Lessons, view! { <LessonsPanel /> }.into_any())}
                {panel(Panel::Data, view! { <TargetPanel /> }.into_any())}
                {panel(Panel::Model, view! { <ModelPanel /><LayersPanel /> }.into_any())}
                {panel(Panel::Train, view! { <TrainPanel /> }.into_any())}
                {panel(Panel::View, view! { <ViewPanel /> }.into_any())}
                {panel(Panel::Share, view! { <SharePanel /> }.into_any())}
                {panel(Panel::Probe, view! { <ProbePanel /> }.into_any())}
                {panel(Panel::Compare, view! { <ComparePanel /> }.into_any())}
            </div>
        </section>
    }
}
