//! Recording GIFs of what the app draws: the layer animation (stage 0 → K) or a few seconds of
//! training. The schedule is `session::GifRecording`; after each drawn frame the frame loop's GIF
//! job calls [`after_frame`], which captures the composed picture, moves the stage, and, once
//! recording is over (and the status line has said so for a frame), encodes and downloads.

use leptos::prelude::*;

use crate::session::gif_plan::GIF_SIDE;
use crate::session::GifRecording;
use crate::ui::browser::{download, now_ms, page};
use crate::ui::context::{NoticeKind, Ui};
use crate::ui::draw::compose;

/// Starts recording the layer animation 0 → K.
pub fn start_layers(ui: Ui) {
    if ui.gif.with_value(Option::is_some) {
        return;
    }
    ui.playing.set(false);
    let k = ui.session.with_value(|s| s.k());
    let (rec, first) = GifRecording::layers(k, ui.stage.get_untracked(), now_ms());
    ui.stage.set(first);
    begin(ui, rec);
}

/// Starts recording a training run (starts training if it is paused, and pauses it after).
pub fn start_training(ui: Ui) {
    if ui.gif.with_value(Option::is_some) {
        return;
    }
    if ui.session.with_value(|s| s.data_problem().is_some()) {
        ui.notify(
            NoticeKind::Warn,
            "There is nothing to train on yet, so there is no training run to record.",
        );
        return;
    }
    ui.playing.set(false);
    ui.stage.set(ui.session.with_value(|s| s.k()) as f64);
    let started = !ui.training.get_untracked();
    if started {
        ui.training.set(true);
    }
    begin(ui, GifRecording::training(now_ms(), started));
}

fn begin(ui: Ui, rec: GifRecording) {
    ui.gif_status.set(Some("Recording the GIF…".into()));
    ui.gif.set_value(Some(rec));
}

/// Stops without a file.
pub fn cancel(ui: Ui) {
    let rec = ui.gif.try_update_value(Option::take).flatten();
    if rec.is_some_and(|r| r.started_training()) {
        ui.training.set(false);
    }
    ui.gif_status.set(None);
}

/// After a frame was drawn: captures it if due, moves on, or encodes. `canvas` is the composing
/// canvas the recorder reuses (kept by the caller).
pub fn after_frame(ui: Ui, canvas: &mut Option<web_sys::HtmlCanvasElement>) {
    if ui.gif.with_value(Option::is_none) {
        return;
    }
    if ui
        .gif
        .with_value(|r| r.as_ref().is_some_and(|r| r.ready_to_encode()))
    {
        if let Some(rec) = ui.gif.try_update_value(Option::take).flatten() {
            *canvas = None;
            match finish(rec) {
                Ok(msg) => {
                    ui.gif_status.set(None);
                    ui.notify(NoticeKind::Info, msg);
                }
                Err(e) => fail(ui, e),
            }
        }
        return;
    }
    let training = ui.training.get_untracked();
    let Some(plan) = ui
        .gif
        .try_update_value(|r| r.as_mut().map(|r| r.after_frame(now_ms(), training)))
        .flatten()
    else {
        return;
    };
    if let Some(delay) = plan.capture {
        if let Err(e) = capture(ui, canvas, delay) {
            fail(ui, e);
            return;
        }
    }
    if let Some(s) = plan.set_stage {
        ui.stage.set(s);
    }
    if plan.stop_training {
        ui.training.set(false);
    }
    if let Some(msg) = plan.status {
        ui.gif_status.set(Some(msg));
    }
}

fn fail(ui: Ui, e: String) {
    cancel(ui);
    ui.notify(NoticeKind::Error, format!("The GIF could not be made: {e}"));
}

/// Composes the view as drawn now and keeps its pixels.
fn capture(
    ui: Ui,
    canvas: &mut Option<web_sys::HtmlCanvasElement>,
    delay: u16,
) -> Result<(), String> {
    let c = match canvas.take() {
        Some(c) => c,
        None => compose::reading_canvas()?,
    };
    let k = ui.session.with_value(|s| s.k());
    let out = compose::compose(
        &ui.legend.get_untracked(),
        ui.stage.get_untracked(),
        k,
        GIF_SIDE,
        1.0,
        Some(c),
    )?;
    let (rgba, w, h) = compose::pixels(&out)?;
    *canvas = Some(out);
    ui.gif
        .try_update_value(|r| {
            r.as_mut()
                .map_or(Ok(()), |r| r.add_frame(rgba, w, h, delay))
        })
        .unwrap_or(Ok(()))
}

/// Encodes and downloads; the message says what was made.
fn finish(rec: GifRecording) -> Result<String, String> {
    let t_enc = now_ms();
    let t_start = rec.started_at();
    let name = rec.file_name();
    let (w, h) = rec.size();
    let n = rec.frame_count();
    let bytes = rec.encode()?;
    let encode_s = (now_ms() - t_enc) / 1000.0;
    let total_s = (now_ms() - t_start) / 1000.0;
    download::bytes(&name, "image/gif", &bytes)?;
    // The last GIF's facts, for tests and the curious.
    page::mark_body(
        "data-gif",
        &format!("{name} {} bytes {n} frames {total_s:.2} s", bytes.len()),
    );
    Ok(format!(
        "Saved {name}: {n} frames, {w}×{h}, {} KB, made in {total_s:.1} s (encoding {encode_s:.1} s).",
        bytes.len().div_ceil(1024)
    ))
}
