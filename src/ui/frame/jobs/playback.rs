//! Timeline playback: moves the stage at the chosen speed (whole layers every 0.8 s when the
//! user prefers reduced motion).

use crate::ui::actions::view;
use crate::ui::frame::{Frame, FrameJob};

/// The playback job.
#[derive(Default)]
pub struct Playback {
    last_reduced_step: f64,
}

impl FrameJob for Playback {
    fn run(&mut self, f: &mut Frame) {
        view::advance(f.ui, f.now, f.dt, &mut self.last_reduced_step);
    }
}
