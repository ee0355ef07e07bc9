//! The filmstrip: every change redrawn when idle, a slice per frame; while training, a round-robin slice on
//! the frames whose turn it is; while a layer handle is dragged, the stages the drag changes, a
//! few per frame within a time budget.

use leptos::prelude::*;

use crate::render::ViewTransform;
use crate::ui::browser::now_ms;
use crate::ui::draw::thumbs;
use crate::ui::frame::{Frame, FrameJob, Part, Periodic};

/// Milliseconds of thumbnail drawing per frame while training (round-robin over the stages).
const THUMB_SLICE_MS: f64 = 2.5;
/// Milliseconds of thumbnail drawing per frame at rest, until the filmstrip is current.
const REST_SLICE_MS: f64 = 4.0;
/// Milliseconds of thumbnail redraws per frame while dragging (at least one thumbnail).
const DRAG_BUDGET_MS: f64 = 4.0;

/// The filmstrip job.
pub struct Thumbs {
    /// What the filmstrip last showed in full (`None`: stale).
    shown: Option<(u64, ViewTransform)>,
    /// The training round-robin, band by band.
    slicer: thumbs::Slicer,
    /// During a drag: the version last seen, the next stage to refresh, stale ones left.
    drag_version: u64,
    drag_cursor: usize,
    drag_left: usize,
    /// At rest: the model and window of the pass in progress, and the thumbnails it finished.
    pass: Option<(u64, ViewTransform)>,
    pass_done: usize,
}

impl Default for Thumbs {
    fn default() -> Self {
        Thumbs {
            shown: None,
            slicer: thumbs::Slicer::default(),
            drag_version: u64::MAX,
            drag_cursor: 0,
            drag_left: 0,
            pass: None,
            pass_done: 0,
        }
    }
}

impl FrameJob for Thumbs {
    fn part(&self) -> Part {
        Part::Thumbs
    }
    fn periodic(&self) -> Option<Periodic> {
        Some(Periodic::Thumbs)
    }
    fn due(&self, _f: &Frame) -> bool {
        true
    }
    fn expected_ms(&self, measured: Option<f64>) -> f64 {
        // A slice ends after the band of rows that crosses its budget.
        measured.unwrap_or(THUMB_SLICE_MS).max(THUMB_SLICE_MS)
    }

    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let window = ui.window.get_untracked();
        let version = ui.version.get_untracked();
        if let Some(first) = ui.editor.with_value(|e| e.drag.map(|d| d.first_stage)) {
            self.drag(f, first, version, window);
            return;
        }
        if f.extra == Some(Periodic::Thumbs) {
            let deadline = now_ms() + THUMB_SLICE_MS;
            let slicer = &mut self.slicer;
            ui.session
                .with_value(|s| slicer.run(s, window, || now_ms() > deadline));
            self.shown = None;
        } else if !f.training && self.shown != Some((version, window)) {
            // At rest: the whole filmstrip, a slice per frame (64 spline layers' thumbnails
            // take seconds), each thumbnail shown when it is done.
            if self.pass != Some((version, window)) {
                self.pass = Some((version, window));
                self.pass_done = 0;
                self.slicer.restart_thumb();
            }
            let deadline = now_ms() + REST_SLICE_MS;
            let slicer = &mut self.slicer;
            let (finished, total) = ui
                .session
                .with_value(|s| slicer.run(s, window, || now_ms() > deadline));
            self.pass_done += finished;
            if self.pass_done >= total {
                self.shown = Some((version, window));
            }
        }
    }
}

impl Thumbs {
    /// While dragging: redraws the thumbnails the drag made stale, round-robin from the first
    /// stage the dragged layer changes.
    fn drag(&mut self, f: &mut Frame, first: usize, version: u64, window: ViewTransform) {
        let ui = f.ui;
        let k = ui.session.with_value(|s| s.k());
        if version != self.drag_version {
            self.drag_version = version;
            self.drag_left = (k + 1).saturating_sub(first);
        }
        let deadline = now_ms() + DRAG_BUDGET_MS;
        while self.drag_left > 0 {
            if self.drag_cursor < first || self.drag_cursor > k {
                self.drag_cursor = first;
            }
            let s = self.drag_cursor as f64;
            ui.session
                .with_value(|sess| thumbs::draw_range(sess, window, s, s));
            self.drag_cursor += 1;
            self.drag_left -= 1;
            if now_ms() > deadline {
                break;
            }
        }
        self.shown = None;
    }
}
