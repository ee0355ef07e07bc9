//! The Lessons panel: one click sets up a paper experiment.

use leptos::prelude::*;

use crate::state::Lesson;
use crate::ui::actions::{authored, lesson};
use crate::ui::context::use_ui;

use super::authoring::AuthoringPanel;

/// The panel.
#[component]
pub fn LessonsPanel() -> impl IntoView {
    let ui = use_ui();
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
                                on:click=move |_| { lesson::apply(ui, l) }
                            >
                                {l.title()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="row">
                <button
                    id="lesson-adopt"
                    prop:disabled=move || ui.lesson.get().is_none()
                    title="This lesson as a lesson of your own: one step to edit, extend, present and save"
                    on:click=move |_| {
                        if let Some(l) = ui.lesson.get_untracked() {
                            authored::adopt(ui, &l.title(), &[l]);
                        }
                    }
                >
                    "Make this lesson my own"
                </button>
                <button
                    id="lessons-adopt-all"
                    title="Every lesson above as one lesson of your own, a step each"
                    on:click=move |_| authored::adopt(ui, "The lessons of Flow Playground", &Lesson::ALL)
                >
                    "All of them as one lesson"
                </button>
            </div>
            <p class="muted small">"The Compare tab fits the same target with other flows, side by side."</p>
        </section>
        <AuthoringPanel />
    }
}
