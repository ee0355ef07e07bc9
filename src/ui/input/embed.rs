//! The embed's control API, incoming: commands the parent page posts to a framed app
//! (`state::embed_msg` parses them; README, "Embed it in an article"). Only the parent window
//! is heard; anything that is not a command changes nothing.

use leptos::prelude::*;

use crate::state::embed_msg::{self, EmbedCommand};
use crate::ui::actions::{authored, embed, training, view};
use crate::ui::browser::parent;
use crate::ui::context::{NoticeKind, Overlays, Ui};

/// Turns one overlay on or off.
type OverlaySetter = fn(&mut Overlays, bool);

/// Listens to the parent window (only when the page is framed).
pub fn install(ui: Ui) {
    let listening = parent::on_message(embed_msg::MAX_MESSAGE_LEN, move |text| {
        if let Some(cmd) = embed_msg::parse(&text) {
            run(ui, cmd);
        }
    });
    if !listening {
        // The page around the frame cannot drive it: whoever embedded it must know.
        ui.notify(
            NoticeKind::Warn,
            "This embedded demo cannot receive its page's commands (the browser refused to listen).",
        );
    }
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
        EmbedCommand::Train(false) => embed::pause_training(ui),
        EmbedCommand::TrainSteps(n) => training::train_steps(ui, n),
        EmbedCommand::Lesson(l) => embed::set_lesson(ui, l),
        EmbedCommand::Load(text) => embed::load(ui, &text),
        EmbedCommand::Step(dir) => authored::step(ui, dir),
        EmbedCommand::GoStep(i) => authored::go(ui, i),
        EmbedCommand::SetPoints(pts) => embed::set_points(ui, &pts),
        EmbedCommand::GetModel => parent::post(&embed::model_event(ui).to_json()),
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
