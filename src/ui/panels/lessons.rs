//! The Lessons panel: one click sets up a paper experiment; and the comparison switches.

use leptos::prelude::*;

use crate::state::{Compare, Lesson};
use crate::ui::actions::{compare, lesson};
use crate::ui::model::use_ui;

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
            <p class="muted small">"Fit the same target with other flows, side by side:"</p>
            <div class="row" role="group" aria-label="Compare side by side">
                {Compare::ALL
                    .into_iter()
                    .map(|c| {
                        view! {
                            <button
                                data-compare=c.slug()
                                aria-pressed=move || (ui.compare.get() == Some(c)).to_string()
                                on:click=move |_| { compare::toggle(ui, c) }
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
