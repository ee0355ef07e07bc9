//! "Your lesson" (Lessons panel): the steps a lecturer authors — add the current view, a caption
//! and an action per step, reorder, delete, present — and the lesson as a link or a file.

use leptos::prelude::*;

use crate::state::authored::{AuthoredLesson, StepAction, EMBED_FLAG, MAX_CAPTION};
use crate::state::MAX_IMPORT_BYTES;
use crate::ui::actions::{authored, link};
use crate::ui::browser::files;
use crate::ui::context::use_ui;

use super::fields::revert;

/// The actions a step can take on arrival, as its menu offers them.
const ACTIONS: [(&str, &str); 8] = [
    ("none", "nothing"),
    ("play", "play the layers"),
    ("start", "start training"),
    ("train:500", "train 500 steps"),
    ("train:3000", "train 3,000 steps"),
    ("reach", "train until ≤ …"),
    ("probe", "probe a point…"),
    ("stage:0", "go to stage 0"),
];

/// The menu entry showing `a` (`reach` for every target; a file's other values as themselves).
fn menu_value(a: StepAction) -> String {
    match a {
        StepAction::Reach(_) => "reach".into(),
        StepAction::Probe(..) => "probe".into(),
        a => a.text(),
    }
}

/// The section.
#[component]
pub fn AuthoringPanel() -> impl IntoView {
    let ui = use_ui();
    let n = Memo::new(move |_| ui.authored.with(|l| l.steps.len()));
    let open_file = move |ev: web_sys::Event| {
        let Some(file) = files::first_of_input(&ev) else {
            return;
        };
        files::read_text(file, MAX_IMPORT_BYTES, move |r| {
            authored::open_file(ui, r.and_then(|t| AuthoredLesson::from_json(&t)))
        });
    };
    view! {
        <section class="panel authoring" aria-labelledby="authoring-h">
            <h2 id="authoring-h">"Your lesson"</h2>
            <p class="muted small">"Set a view up, add it as a step, write its caption; present with → and ←."</p>
            <label class="field">
                <span>"Title"</span>
                <input
                    id="authored-title"
                    type="text"
                    maxlength="120"
                    prop:value=move || ui.authored.with(|l| l.title.clone())
                    on:change=move |ev| authored::set_title(ui, &event_target_value(&ev))
                />
            </label>
            <ol class="steps" id="authored-steps">
                {move || (0..n.get()).map(|i| view! { <StepRow i=i /> }).collect_view()}
            </ol>
            <div class="row">
                <button id="authored-add" on:click=move |_| authored::add_step(ui)>"Add this view as a step"</button>
                <button id="authored-present" prop:disabled=move || n.get() == 0 on:click=move |_| authored::go(ui, 0)>"Present from step 1"</button>
            </div>
            <div class="row">
                <button id="authored-link" prop:disabled=move || n.get() == 0 on:click=move |_| authored::share(ui)>"Copy the lesson's link"</button>
                <button id="authored-save" prop:disabled=move || n.get() == 0 on:click=move |_| authored::save_file(ui)>"Save as a file"</button>
                <button id="authored-new" prop:disabled=move || n.get() == 0 on:click=move |_| authored::start_new(ui)>"New lesson"</button>
                <label class="file-button">
                    "Open a lesson file…"
                    <input id="authored-open" type="file" accept=".json,application/json" on:change=open_file />
                </label>
            </div>
            {move || ui.authored_link.get().map(|r| match r {
                Ok(url) => {
                    let snippet = link::iframe_snippet(&format!("{url}&{EMBED_FLAG}"));
                    view! {
                        <textarea id="authored-url" class="share-text" readonly aria-label="The lesson's link" prop:value=url></textarea>
                        <label class="field">
                            <span>"Embed it in an article (the caption and ← → come along)"</span>
                            <textarea id="authored-embed" class="share-text" readonly prop:value=snippet></textarea>
                        </label>
                    }
                    .into_any()
                }
                Err(e) => view! { <p class="problem" role="alert" id="authored-url">{e}</p> }.into_any(),
            })}
        </section>
    }
}

/// One step: its number, caption, action, and the buttons that move, show or delete it.
#[component]
fn StepRow(i: usize) -> impl IntoView {
    let ui = use_ui();
    let caption = move || {
        ui.authored.with(|l| {
            l.steps
                .get(i)
                .map(|s| s.caption.clone())
                .unwrap_or_default()
        })
    };
    let action = Memo::new(move |_| {
        ui.authored
            .with(|l| l.steps.get(i).map_or(StepAction::None, |s| s.action))
    });
    // A value from a file that the menu does not list is shown as itself.
    let extra = move || {
        let v = menu_value(action.get());
        (!ACTIONS.iter().any(|(a, _)| *a == v))
            .then(|| view! { <option value=v.clone()>{v.clone()}</option> })
    };
    // The number(s) an action takes, as text.
    let param = move || {
        let (label, value) = match action.get() {
            StepAction::Reach(x) => (
                "until the held-out NLL or free energy is at most (nats)",
                x.to_string(),
            ),
            StepAction::Probe(x, y) => ("the point x, y", format!("{x}, {y}")),
            _ => return None,
        };
        Some(view! {
            <label class="field step-param">
                <span>{label}</span>
                <input
                    id=format!("step-param-{i}")
                    type="text"
                    inputmode="decimal"
                    prop:value=value.clone()
                    on:change=move |ev| {
                        if !authored::set_param(ui, i, &event_target_value(&ev)) {
                            revert(&ev, value.clone());
                        }
                    }
                />
            </label>
        })
    };
    view! {
        <li class="step" class:current=move || ui.step_at.get() == Some(i)>
            <textarea
                id=format!("step-caption-{i}")
                rows="2"
                maxlength=MAX_CAPTION.to_string()
                aria-label=format!("Caption of step {}", i + 1)
                placeholder="Caption (*emphasis*, maths as text)"
                prop:value=caption
                on:change=move |ev| authored::set_caption(ui, i, &event_target_value(&ev))
            ></textarea>
            <div class="row">
                <select
                    id=format!("step-action-{i}")
                    aria-label=format!("On arriving at step {}", i + 1)
                    prop:value=move || menu_value(action.get())
                    on:change=move |ev| authored::set_action(ui, i, &event_target_value(&ev))
                >
                    {ACTIONS.iter().map(|(v, label)| view! { <option value=*v>{*label}</option> }).collect_view()}
                    {extra}
                </select>
                <button aria-label=format!("Show step {}", i + 1) title="Show this step" on:click=move |_| authored::go(ui, i)>"▶"</button>
                <button aria-label=format!("Move step {} up", i + 1) title="Move up" on:click=move |_| authored::move_step(ui, i, -1)>"↑"</button>
                <button aria-label=format!("Move step {} down", i + 1) title="Move down" on:click=move |_| authored::move_step(ui, i, 1)>"↓"</button>
                <button aria-label=format!("Delete step {}", i + 1) title="Delete" on:click=move |_| authored::delete_step(ui, i)>"✕"</button>
            </div>
            {param}
        </li>
    }
}
