//! The link in the address bar and the copy in local storage, a few times a second (cheap when
//! nothing changed); while training, only on the frame whose turn it is; not while playing or
//! dragging a layer handle (the link is written when the motion stops). A state that is costly to
//! write (a trained flow-matching field: 4,546 numbers, 15–27 ms in Chromium) is written less
//! often, so that at most one frame in [`COST_RATIO`] carries a save.

use leptos::prelude::*;

use crate::ui::actions::link::{self, Saver};
use crate::ui::browser::now_ms;
use crate::ui::frame::{Frame, FrameJob, Part, Periodic};

/// Milliseconds between saves at least.
const PERIOD_MS: f64 = 400.0;
/// Saves are at least this many times their own cost apart.
const COST_RATIO: f64 = 50.0;

/// The save job.
#[derive(Default)]
pub struct Save {
    saver: Saver,
    last: f64,
    /// What the last save took (ms).
    cost: f64,
}

impl FrameJob for Save {
    fn part(&self) -> Part {
        Part::Save
    }
    fn periodic(&self) -> Option<Periodic> {
        Some(Periodic::Save)
    }
    fn due(&self, f: &Frame) -> bool {
        f.now - self.last > PERIOD_MS.max(COST_RATIO * self.cost)
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
            let t = now_ms();
            link::save(f.ui, &mut self.saver);
            self.cost = now_ms() - t;
        }
    }
}
