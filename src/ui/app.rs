//! The composition root: builds the `Ui` context, restores a link or the saved session, lays
//! out the page, registers the frame loop's jobs and the keyboard shortcuts. Nothing imports it
//! but `ui::start`.

use leptos::prelude::*;

use super::actions::link;
use super::bench;
use super::browser::page;
use super::frame::{self, jobs, FrameJob};
use super::input::{drop, keyboard, pointer};
use super::model::{use_ui, Ui};
use super::panels::caption::LessonCaption;
use super::panels::compare::ComparePanel;
use super::panels::filmstrip::Filmstrip;
use super::panels::layers::LayersPanel;
use super::panels::legend::LegendBar;
use super::panels::lessons::LessonsPanel;
use super::panels::model::ModelPanel;
use super::panels::notice::NoticeBar;
use super::panels::probe::ProbePanel;
use super::panels::share::SharePanel;
use super::panels::target::TargetPanel;
use super::panels::timeline::Timeline;
use super::panels::toolbar::Toolbar;
use super::panels::train::TrainPanel;
use super::panels::view_opts::ViewPanel;
use crate::session::training::num;

/// The jobs of the frame loop, in the order they run each frame.
fn jobs(
    heat: web_sys::HtmlCanvasElement,
    overlay: web_sys::HtmlCanvasElement,
    bench: Option<bool>,
) -> Vec<Box<dyn FrameJob>> {
    let mut v: Vec<Box<dyn FrameJob>> = vec![
        Box::new(jobs::train::Train),
        Box::new(jobs::train::CompareTrain),
        Box::new(jobs::stats::StatsJob::default()),
        Box::new(jobs::playback::Playback::default()),
        Box::new(jobs::main_view::MainView::new(heat, overlay)),
        // The periodic jobs, in the priority of their turns while training.
        Box::new(jobs::chart::Chart::default()),
        Box::new(jobs::save::Save::default()),
        Box::new(jobs::thumbs::Thumbs::default()),
        Box::new(jobs::compare::Compare::default()),
        Box::new(jobs::gif::Gif::default()),
    ];
    if let Some(quick) = bench {
        v.push(Box::new(bench::Bench::new(quick)));
    }
    v
}

/// The whole app. `bench`: the page was opened as `#bench` (`Some(quick)`).
#[component]
pub fn App(bench: Option<bool>) -> impl IntoView {
    let ui = Ui::new(page::reduced_motion());
    provide_context(ui);
    // A link wins over the browser's saved session; both go through the tolerant decoder.
    link::restore(ui);

    let heat_ref = NodeRef::<leptos::html::Canvas>::new();
    let overlay_ref = NodeRef::<leptos::html::Canvas>::new();
    let started = StoredValue::new_local(false);
    Effect::new(move |_| {
        if let (Some(heat), Some(overlay)) = (heat_ref.get(), overlay_ref.get()) {
            if !started.get_value() {
                started.set_value(true);
                frame::start(ui, jobs(heat, overlay, bench));
            }
        }
    });
    keyboard::install(ui);

    view! {
        <header class="app-header" class:hidden=move || ui.hidden("header")>
            <h1>"Flow Playground"</h1>
            <p class="tagline">"Planar and radial normalizing flows, layer by layer — exact densities, trained live."</p>
        </header>
        <NoticeBar />
        <main class="layout" class:embedded=move || ui.embed.with(|e| e.embed)>
            <section class="stage" aria-label="Density view">
                <Show when=move || !ui.hidden("toolbar")>
                    <Toolbar />
                </Show>
                <Show when=move || !ui.hidden("caption")>
                    <LessonCaption />
                </Show>
                <div class="view-row">
                    <div
                        class="canvas-wrap"
                        data-tool=move || format!("{:?}", ui.tool.get()).to_lowercase()
                        on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default() }
                        on:drop=move |ev: web_sys::DragEvent| { drop::on_drop(ui, ev) }
                    >
                        <canvas
                            id="main-canvas"
                            node_ref=heat_ref
                            width="192"
                            height="192"
                            role="img"
                            aria-label=move || stage_aria(ui)
                        ></canvas>
                        <canvas
                            id="overlay-canvas"
                            node_ref=overlay_ref
                            aria-hidden="true"
                            on:pointerdown=move |ev| { pointer::down(ui, ev) }
                            on:pointermove=move |ev| { pointer::moved(ui, ev) }
                            on:pointerup=move |ev| { pointer::up(ui, ev) }
                            on:pointercancel=move |ev| { pointer::up(ui, ev) }
                        ></canvas>
                    </div>
                    <LegendBar />
                </div>
                <Timeline />
                <Show when=move || !ui.hidden("filmstrip")>
                    <Filmstrip />
                </Show>
                <Show when=move || !ui.hidden("compare")>
                    <ComparePanel />
                </Show>
                <Show when=move || !ui.hidden("probe")>
                    <ProbePanel />
                </Show>
                <Show when=move || ui.embed.with(|e| e.embed)>
                    <EmbedCredit />
                </Show>
            </section>
            <aside class="controls" aria-label="Controls" class:hidden=move || ui.embed.with(|e| e.embed)>
                <LessonsPanel />
                <TargetPanel />
                <ModelPanel />
                <LayersPanel />
                <TrainPanel />
                <ViewPanel />
                <SharePanel />
            </aside>
        </main>
    }
}

/// The embed's link to the full app.
#[component]
fn EmbedCredit() -> impl IntoView {
    let ui = use_ui();
    view! {
        <p class="embed-credit">
            <a href=move || { ui.version.track(); ui.stage.track(); link::full_page_url(ui) } target="_blank" rel="noopener">
                "Open in Flow Playground ↗"
            </a>
        </p>
    }
}

fn stage_aria(ui: Ui) -> String {
    format!(
        "Density of the flow at stage {} of {}",
        num(ui.stage.get(), 2),
        ui.facts.k.get()
    )
}
