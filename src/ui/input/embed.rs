//! The embed's control API, incoming: commands the parent page posts to a framed app
//! (`state::embed_msg` parses them; README, "Embed it in an article"). Only the parent window
//! is heard; anything that is not a command changes nothing.

use leptos::prelude::*;

use crate::state::embed_msg::{self, EmbedCommand};
use crate::state::{self, EmbedConfig};
use crate::ui::actions::{history, lesson, link, training, view};
use crate::ui::browser::parent;
use crate::ui::model::{Overlays, Ui};

/// Turns one overlay on or off.
type OverlaySetter = fn(&mut Overlays, bool);

/// Listens to the parent window (only when the page is framed).
pub fn install(ui: Ui) {
    parent::on_message(move |text| {
        if let Some(cmd) = embed_msg::parse(&text) {
            run(ui, cmd);
        }
    });
}

/// Carries out one command with the actions a user's clicks call.
fn run(ui: Ui, cmd: EmbedCommand) {
    match cmd {
        EmbedCommand::SetStage(s) => view::set_stage(ui, s),
        EmbedCommand::Play(on) => {
            if ui.playing.get_untracked() != on {
                view::toggle_play(ui);
            }
        }
        EmbedCommand::Train(true) => {
            if !ui.training.get_untracked() {
                training::start(ui);
            }
        }
        EmbedCommand::Train(false) => training::pause(ui),
        EmbedCommand::Lesson(l) => keeping_embed(ui, || lesson::apply(ui, l)),
        EmbedCommand::Load(text) => {
            let (cfg, _ignored) = state::decode(&text);
            keeping_embed(ui, || {
                history::checkpoint(ui);
                link::apply(ui, &cfg);
            });
        }
        EmbedCommand::Overlays(c) => {
            let set: [(Option<bool>, OverlaySetter); 4] = [
                (c.grid, |o, on| o.grid = on),
                (c.particles, |o, on| o.particles = on),
                (c.data, |o, on| o.data = on),
                (c.volume, |o, on| o.volume = on),
            ];
            for (on, f) in set {
                if let Some(on) = on {
                    view::set_overlay(ui, f, on);
                }
            }
        }
    }
}

/// Runs `f` (which shows a new state) but keeps the frame's embed settings: the host page chose
/// them in its snippet, and a lesson or a link without `embed=1` must not unfold the whole app
/// inside the article.
fn keeping_embed(ui: Ui, f: impl FnOnce()) {
    let keep: EmbedConfig = ui.embed.get_untracked();
    f();
    if !ui.embed.with_untracked(|e| e.embed) {
        ui.embed.set(keep);
    }
}
