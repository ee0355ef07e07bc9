//! The link in the address bar and the copy in local storage, a few times a second (cheap when
//! nothing changed); while training, only on the frame whose turn it is; not while playing or
//! dragging a layer handle (the link is written when the motion stops).

use leptos::prelude::*;

use crate::ui::actions::link::{self, Saver};
use crate::ui::frame::{Frame, FrameJob, Part, Periodic};

/// The save job.
#[derive(Default)]
pub struct Save {
    saver: Saver,
    last: f64,
}

impl FrameJob for Save {
    fn part(&self) -> Part {
        Part::Save
    }
    fn periodic(&self) -> Option<Periodic> {
        Some(Periodic::Save)
    }
    fn due(&self, f: &Frame) -> bool {
        f.now - self.last > 400.0
    }
    fn expected_ms(&self, measured: Option<f64>) -> f64 {
        measured.unwrap_or(1.0)
    }

    fn run(&mut self, f: &mut Frame) {
        let run = if f.training {
            f.extra == Some(Periodic::Save)
        } else {
            self.due(f) && !f.ui.playing.get_untracked() && !f.ui.dragging()
        };
        if run {
            self.last = f.now;
            link::save(f.ui, &mut self.saver);
        }
    }
}
