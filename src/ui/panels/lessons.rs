//! The Lessons panel: one click sets up a paper experiment.

use leptos::prelude::*;

use crate::state::Lesson;
use crate::ui::actions::lesson;
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
            <p class="muted small">"The Compare tab fits the same target with other flows, side by side."</p>
        </section>
        <AuthoringPanel />
    }
}
