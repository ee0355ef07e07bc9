//! The embed's control API, outgoing: events for the page that frames the app (registered by
//! `app` only when the page is framed). `flow:ready` once, after the first frame; then the stage
//! shown (at most ten a second, always ending on its last value), training steps with their
//! loss (at most four a second while training, and once when training stops), and the lesson.

use leptos::prelude::*;

use crate::state::embed_msg::EmbedEvent;
use crate::state::Lesson;
use crate::ui::browser::parent;
use crate::ui::frame::{Frame, FrameJob};

/// Fewest milliseconds between two `flow:stage` events.
const STAGE_EVERY_MS: f64 = 100.0;
/// Fewest milliseconds between two `flow:step` events.
const STEP_EVERY_MS: f64 = 250.0;

/// What was last posted, and when.
#[derive(Default)]
pub struct EmbedEvents {
    ready: bool,
    stage: f64,
    stage_at: f64,
    step: u64,
    step_at: f64,
    training: bool,
    lesson: Option<Lesson>,
}

impl FrameJob for EmbedEvents {
    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let now = f.now;
        let stage = ui.stage.get_untracked();
        let k = ui.session.with_value(|s| s.k());
        let lesson = ui.lesson.get_untracked();
        let training = ui.training.get_untracked();
        let stats = ui.stats.get_untracked();
        if !self.ready {
            *self = EmbedEvents {
                ready: true,
                stage,
                stage_at: now,
                step: stats.step,
                step_at: now,
                training,
                lesson,
            };
            parent::post(&EmbedEvent::Ready { stage, k, lesson }.to_json());
            return;
        }
        if lesson != self.lesson {
            self.lesson = lesson;
            parent::post(&EmbedEvent::Lesson(lesson).to_json());
        }
        if stage != self.stage && now - self.stage_at >= STAGE_EVERY_MS {
            self.stage = stage;
            self.stage_at = now;
            parent::post(&EmbedEvent::Stage { stage, k }.to_json());
        }
        let stopped = self.training && !training;
        if stopped || (stats.step != self.step && now - self.step_at >= STEP_EVERY_MS) {
            self.step = stats.step;
            self.step_at = now;
            parent::post(
                &EmbedEvent::Step {
                    step: stats.step,
                    loss: stats.loss,
                    training,
                }
                .to_json(),
            );
        }
        self.training = training;
    }
}
