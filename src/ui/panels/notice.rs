//! The notice bar: what the app tells the user (a polite live region).

use leptos::prelude::*;

use crate::ui::actions::view;
use crate::ui::context::{use_ui, NoticeKind};

/// The notice bar.
#[component]
pub fn NoticeBar() -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="notice-area" role="status" aria-live="polite">
            {move || {
                ui.notice
                    .get()
                    .map(|(kind, msg)| {
                        let class = match kind {
                            NoticeKind::Info => "notice info",
                            NoticeKind::Warn => "notice warn",
                            NoticeKind::Error => "notice error",
                        };
                        view! {
                            <div class=class>
                                <span class="notice-text">{msg}</span>
                                <button class="ghost" aria-label="Dismiss notice" on:click=move |_| { view::dismiss_notice(ui) }>
                                    "×"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
