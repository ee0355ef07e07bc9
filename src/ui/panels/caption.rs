//! The current lesson's caption, over the view.

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::context::use_ui;

/// The caption.
#[component]
pub fn LessonCaption() -> impl IntoView {
    let ui = use_ui();
    view! {
        <Show when=move || ui.lesson.get().is_some()>
            <div class="lesson-caption" role="note" id="lesson-caption">
                <p>
                    <strong>{move || ui.lesson.get().map(|l| l.title()).unwrap_or_default()}": "</strong>
                    {move || ui.lesson.get().map(|l| l.caption()).unwrap_or_default()}
                </p>
                <button class="close" aria-label="Close the lesson caption" on:click=move |_| { view::close_lesson(ui) }>"×"</button>
            </div>
        </Show>
    }
}
