//! The current lesson's caption, over the view (beside it in presenter mode): a built-in
//! lesson's, or an authored lesson's step with its counter and ← / → buttons.

use leptos::prelude::*;

use crate::ui::actions::{authored, view};
use crate::ui::context::use_ui;

/// The caption.
#[component]
pub fn LessonCaption() -> impl IntoView {
    let ui = use_ui();
    view! {
        <Show when=move || ui.step_at.get().is_some()>
            <div class="lesson-caption" role="note" id="step-caption" aria-live="polite">
                <p>
                    <strong>{move || step_heading(ui)}</strong>
                    {move || emphasis(&step_text(ui))}
                </p>
                <div class="step-nav">
                    <button id="step-prev" aria-label="Previous step" on:click=move |_| authored::step(ui, -1)>"←"</button>
                    <button id="step-next" aria-label="Next step" on:click=move |_| authored::step(ui, 1)>"→"</button>
                    <button class="close" aria-label="Stop presenting the lesson" on:click=move |_| authored::stop(ui)>"×"</button>
                </div>
            </div>
        </Show>
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

/// `Title · step 2 / 5: ` (or `Step 2 / 5: ` without a title).
fn step_heading(ui: crate::ui::context::Ui) -> String {
    let i = ui.step_at.get().unwrap_or(0);
    ui.authored.with(|l| {
        let n = l.steps.len();
        if l.title.trim().is_empty() {
            format!("Step {} / {n}: ", i + 1)
        } else {
            format!("{} · step {} / {n}: ", l.title.trim(), i + 1)
        }
    })
}

fn step_text(ui: crate::ui::context::Ui) -> String {
    let i = ui.step_at.get().unwrap_or(0);
    ui.authored
        .with(|l| l.steps.get(i).map(|s| s.caption.clone()))
        .unwrap_or_default()
}

/// Plain text with `*emphasis*`: odd segments between asterisks in italics.
fn emphasis(text: &str) -> impl IntoView {
    text.split('*')
        .enumerate()
        .map(|(k, seg)| {
            let seg = seg.to_string();
            if k % 2 == 1 {
                view! { <em>{seg}</em> }.into_any()
            } else {
                view! { <span>{seg}</span> }.into_any()
            }
        })
        .collect_view()
}
