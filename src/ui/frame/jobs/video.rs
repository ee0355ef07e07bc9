//! The video recorder's turn, after the frame's drawing: it records what was drawn.

use crate::ui::actions::video;
use crate::ui::frame::{Frame, FrameJob};

/// The video job, with the recording's browser side.
#[derive(Default)]
pub struct Video {
    live: video::Live,
}

impl FrameJob for Video {
    fn run(&mut self, f: &mut Frame) {
        video::after_frame(f.ui, &mut self.live);
    }
}
