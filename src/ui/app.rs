//! The composition root: builds the `Ui` context, restores a link or the saved session, lays
//! out the page, registers the frame loop's jobs and the keyboard shortcuts. Nothing imports it
//! but `ui::start`.

use leptos::prelude::*;

use super::actions::{authored, link, view};
use super::bench;
use super::browser::{page, parent};
use super::context::{use_ui, Ui};
use super::frame::{self, jobs, FrameJob};
use super::input::{drop, embed, keyboard, pointer};
use super::panels::caption::LessonCaption;
use super::panels::filmstrip::Filmstrip;
use super::panels::help::HelpDialog;
use super::panels::legend::LegendBar;
use super::panels::notice::NoticeBar;
use super::panels::sidebar::Sidebar;
use super::panels::timeline::{StageInfo, TimelineBar};
use super::panels::toolstrip::{ToolHint, ToolStrip};
use super::panels::topbar::{Brand, PageButtons};
use super::panels::trainbar::TrainBar;
use crate::state::authored::AuthoredLesson;
use crate::state::numtext::num;

/// The jobs of the frame loop, in the order they run each frame. `framed`: the page is shown in
/// another page's `<iframe>` (the embed's events go to that page).
fn jobs(
    heat: web_sys::HtmlCanvasElement,
    overlay: web_sys::HtmlCanvasElement,
    bench: Option<bench::Options>,
    framed: bool,
) -> Vec<Box<dyn FrameJob>> {
    let mut v: Vec<Box<dyn FrameJob>> = vec![
        Box::new(jobs::train::Train::new(
            !(page::no_worker() || bench.is_some_and(|b| b.noworker)),
        )),
        Box::new(jobs::train::CompareTrain),
        Box::new(jobs::stats::StatsJob::default()),
        Box::new(jobs::playback::Playback::default()),
        Box::new(jobs::main_view::MainView::new(heat, overlay)),
        // The periodic jobs, in the priority of their turns while training.
        Box::new(jobs::chart::Chart::default()),
        Box::new(jobs::save::Save::default()),
        // (The comparison's painter is due only when a panel needs work; the filmstrip always.)
        Box::new(jobs::compare::Compare::default()),
        Box::new(jobs::thumbs::Thumbs::default()),
        Box::new(jobs::gif::Gif::default()),
        Box::new(jobs::video::Video::default()),
    ];
    if let Some(options) = bench {
        v.push(Box::new(bench::Bench::new(options)));
    }
    if framed {
        v.push(Box::new(jobs::embed_events::EmbedEvents::default()));
    }
    v
}

/// The whole app. `bench`: the page was opened as `#bench` (`Some(options)`).
#[component]
pub fn App(bench: Option<bench::Options>) -> impl IntoView {
    let ui = Ui::new(page::reduced_motion());
    provide_context(ui);
    // A lesson link opens the lesson at its first step; any other link wins over the browser's
    // saved session; both go through the tolerant decoder.
    let hash = page::hash();
    match AuthoredLesson::read_fragment(&hash) {
        Some(lesson) => {
            if AuthoredLesson::embedded(&hash) {
                authored::embed(ui);
            }
            authored::open_link(ui, lesson)
        }
        None => {
            authored::restore_draft(ui);
            link::restore(ui);
        }
    }
    if bench.is_none() {
        view::show_hint_once(ui);
    }

    let heat_ref = NodeRef::<leptos::html::Canvas>::new();
    let overlay_ref = NodeRef::<leptos::html::Canvas>::new();
    let started = StoredValue::new_local(false);
    Effect::new(move |_| {
        if let (Some(heat), Some(overlay)) = (heat_ref.get(), overlay_ref.get()) {
            if !started.get_value() {
                started.set_value(true);
                frame::start(ui, jobs(heat, overlay, bench, parent::framed()));
            }
        }
    });
    // A notice about a condition (unusable data) goes when the condition does.
    Effect::new(move |_| {
        ui.version.track();
        view::clear_resolved_notice(ui);
    });
    keyboard::install(ui);
    // The embed's control API: commands from the framing page (only when framed).
    embed::install(ui);

    view! {
        <main
            class="app"
            class:embedded=move || ui.embed.with(|e| e.embed)
            class:presenter=move || ui.presenter.get()
            class:has-lesson=move || (ui.lesson.get().is_some() || ui.step_at.get().is_some()) && !ui.hidden("caption")
            class:hide-toolbar=move || ui.hidden("toolbar")
            class:hide-filmstrip=move || ui.hidden("filmstrip")
        >
            <header class="topbar" class:hidden=move || ui.hidden("header")>
                <Brand />
                <PageButtons />
            </header>
            <NoticeBar />
            // The controls a phone keeps in a bar at the bottom: on a desktop the bar's children
            // take their own places in the page's grid (`display: contents`).
            <div class="dock">
                <ToolStrip />
                <TrainBar />
                <TimelineBar />
            </div>
            <div class="view-row">
                <div
                    class="canvas-wrap"
                    data-tool=move || format!("{:?}", ui.tool.get()).to_ascii_lowercase()
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
                        on:pointerleave=move |_| { pointer::left(ui) }
                    ></canvas>
                    // Over the top of the canvas on a desktop and a phone; beside it in presenter
                    // mode, where it must never hide the density it talks about.
                    <Show when=move || !ui.hidden("caption") && !ui.presenter.get()>
                        <LessonCaption />
                    </Show>
                    <ToolHint />
                </div>
                <LegendBar />
                <Show when=move || !ui.hidden("caption") && ui.presenter.get()>
                    <LessonCaption />
                </Show>
            </div>
            // On a phone, what is below the canvas scrolls in place between the canvas and the
            // bar (the page itself never scrolls); on a desktop each takes its own grid area.
            <div class="below">
                <StageInfo />
                <Filmstrip />
                <Sidebar />
            </div>
            <Show when=move || ui.embed.with(|e| e.embed)>
                <EmbedCredit />
            </Show>
            <HelpDialog />
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
