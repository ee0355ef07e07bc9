//! The GIF recorder's turn, after the frame's drawing: it captures what was drawn.

use crate::ui::actions::gif;
use crate::ui::frame::{Frame, FrameJob};

/// The GIF job, with the composing canvas it reuses.
#[derive(Default)]
pub struct Gif {
    canvas: Option<web_sys::HtmlCanvasElement>,
}

impl FrameJob for Gif {
    fn run(&mut self, f: &mut Frame) {
        gif::after_frame(f.ui, &mut self.canvas);
    }
}
