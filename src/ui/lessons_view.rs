//! Lessons (one click sets up a state and shows its caption) and the comparison panel.

use leptos::prelude::*;

use crate::state::{Compare, Lesson};

use super::compare;
use super::state::{Tool, Ui};

/// Set up lesson `l`: its state (as a link would), its caption, its comparison training.
pub fn apply_lesson(ui: Ui, l: Lesson) {
    super::history::checkpoint(ui);
    let cfg = l.config();
    super::persist::apply(ui, &cfg);
    match l {
        Lesson::OneLayer | Lesson::Constraint => {
            ui.tool.set(Tool::Edit);
            ui.selected_layer.set(Some(0));
        }
        Lesson::Figure3(_) | Lesson::PlanarVsRadial => {
            ui.compare_training.set(true);
            super::app::toggle_training(ui);
        }
    }
}

/// The lessons menu, and the comparison switch.
#[component]
pub fn LessonsPanel(ui: Ui) -> impl IntoView {
    view! {
        <section class="panel" class:hidden=move || ui.hidden("lessons") aria-labelledby="lessons-h">
            <h2 id="lessons-h">"Lessons"</h2>
            <div class="lesson-list" role="group" aria-label="Lessons">
                {Lesson::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <button
                                class="lesson"
                                data-lesson=l.slug()
                                title=l.caption()
                                aria-pressed=move || (ui.lesson.get() == Some(l)).to_string()
                                on:click=move |_| apply_lesson(ui, l)
                            >
                                {l.title()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="muted small">"Fit the same target with other flows, side by side:"</p>
            <div class="row" role="group" aria-label="Compare side by side">
                {Compare::ALL
                    .into_iter()
                    .map(|c| {
                        view! {
                            <button
                                data-compare=c.slug()
                                aria-pressed=move || (ui.compare.get() == Some(c)).to_string()
                                on:click=move |_| {
                                    if ui.compare.get_untracked() == Some(c) {
                                        compare::stop(ui);
                                    } else {
                                        compare::start(ui, c);
                                    }
                                }
                            >
                                {c.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

/// The current lesson's caption, over the view.
#[component]
pub fn LessonCaption(ui: Ui) -> impl IntoView {
    view! {
        <Show when=move || ui.lesson.get().is_some()>
            <div class="lesson-caption" role="note" id="lesson-caption">
                <p>
                    <strong>{move || ui.lesson.get().map(|l| l.title()).unwrap_or_default()}": "</strong>
                    {move || ui.lesson.get().map(|l| l.caption()).unwrap_or_default()}
                </p>
                <button class="close" aria-label="Close the lesson caption" on:click=move |_| ui.lesson.set(None)>"×"</button>
            </div>
        </Show>
    }
}

/// The comparison: one density panel per flow (and the target, for an energy).
#[component]
pub fn ComparePanel(ui: Ui) -> impl IntoView {
    let is_energy = move || {
        ui.version.track();
        matches!(ui.target.get(), super::state::TargetChoice::Energy(_))
    };
    // Panels are made once per comparison (redrawing them would blank their pixels); the
    // captions update on their own.
    let n_panels = Memo::new(move |_| ui.compare_captions.with(Vec::len));
    let caption = move |i: usize| {
        ui.compare_captions
            .with(|c| c.get(i).cloned().unwrap_or_default())
    };
    view! {
        <Show when=move || ui.compare.get().is_some()>
            <section class="compare" aria-labelledby="compare-h">
                <div class="row compare-head">
                    <h2 id="compare-h">
                        {move || format!("Comparison: {}", ui.compare.get().map(|c| c.label()).unwrap_or_default())}
                    </h2>
                    <button
                        id="compare-train"
                        class="primary"
                        on:click=move |_| ui.compare_training.update(|t| *t = !*t)
                    >
                        {move || if ui.compare_training.get() { "❚❚ Pause" } else { "▶ Train all" }}
                    </button>
                    <button on:click=move |_| {
                        if let Some(c) = ui.compare.get_untracked() {
                            compare::start(ui, c);
                        }
                    }>"Restart"</button>
                    <button aria-label="Close the comparison" on:click=move |_| compare::stop(ui)>"Close"</button>
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
