//! Recording videos (WebM, or MP4 where the browser can) and PNG-frame ZIPs of what the app
//! draws: the layer animation (stage 0 → K) or a training run. The schedule is
//! `session::VideoPlan`; after each drawn frame the frame loop's video job calls [`after_frame`],
//! which composes the view with its legend at the canvas' device-pixel size, hands it to the
//! recorder (or encodes it as a PNG for the ZIP), moves the stage, and finishes the file. The
//! page keeps drawing throughout: one frame's work is one composition.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::render::zip::ZipWriter;
use crate::session::video_plan::{Until, MAX_ZIP_FRAMES};
use crate::session::{VideoFormat, VideoPlan};
use crate::ui::browser::recorder::{self, Recorder};
use crate::ui::browser::{download, now_ms, page, report};
use crate::ui::context::{NoticeKind, Ui};
use crate::ui::draw::compose;

/// The formats this browser can make, best first (the ZIP always).
pub fn formats() -> Vec<VideoFormat> {
    let mut v: Vec<VideoFormat> = [VideoFormat::WebM, VideoFormat::Mp4]
        .into_iter()
        .filter(|f| recorder::supported(f.mime_candidates()).is_some())
        .collect();
    v.push(VideoFormat::Zip);
    v
}

/// Starts recording the layer animation 0 → K.
pub fn start_layers(ui: Ui, format: VideoFormat, fps: u32) {
    if busy(ui) {
        return;
    }
    ui.playing.set(false);
    let k = ui.session.with_value(|s| s.k());
    let (plan, first) = VideoPlan::layers(k, ui.stage.get_untracked(), fps, format);
    ui.stage.set(first);
    begin(ui, plan);
}

/// Starts recording a training run of `until` (starts training if it is paused, and pauses it after).
pub fn start_training(ui: Ui, format: VideoFormat, fps: u32, until: Until) {
    if busy(ui) {
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
    let step0 = ui.stats.get_untracked().step;
    begin(ui, VideoPlan::training(until, step0, started, fps, format));
}

fn busy(ui: Ui) -> bool {
    ui.video.with_value(Option::is_some) || ui.video_status.with_untracked(Option::is_some)
}

fn what(format: VideoFormat) -> &'static str {
    match format {
        VideoFormat::Zip => "the PNG frames",
        _ => "the video",
    }
}

fn begin(ui: Ui, plan: VideoPlan) {
    ui.video_progress.set(0.0);
    ui.video_status
        .set(Some(format!("Recording {}…", what(plan.format()))));
    ui.video.set_value(Some(plan));
}

/// Stops without a file.
pub fn cancel(ui: Ui) {
    let plan = ui.video.try_update_value(Option::take).flatten();
    if plan.is_some_and(|p| p.started_training()) {
        ui.training.set(false);
    }
    ui.video_status.set(None);
}

/// The PNG frames as they are encoded (`None`: still encoding).
type Pngs = Rc<RefCell<Vec<Option<Vec<u8>>>>>;

/// The browser side of a recording: the composing canvas, the recorder, the PNG frames.
#[derive(Default)]
pub struct Live {
    canvas: Option<HtmlCanvasElement>,
    recorder: Option<Recorder>,
    /// A video's recorder given its closing frame, and the frames to wait before stopping it.
    closing: Option<(Recorder, u8)>,
    /// A video's recorder, stopped and handing over its file.
    stopping: Option<Recorder>,
    /// The PNG frames as they are encoded (`None`: still encoding).
    pngs: Option<Pngs>,
    /// The picture's size.
    size: (u32, u32),
}

/// After a frame was drawn: captures it if due, moves on, or finishes.
pub fn after_frame(ui: Ui, live: &mut Live) {
    if live.stopping.as_ref().is_some_and(Recorder::done) {
        live.stopping = None;
    }
    if ui.video.with_value(Option::is_none) {
        // Cancelled (or never begun): drop whatever was under way.
        let closing = live.closing.take().map(|(r, _)| r);
        if let Some(r) = live.recorder.take().or(closing) {
            r.cancel();
            live.stopping = Some(r);
        }
        live.pngs = None;
        live.canvas = None;
        return;
    }
    match live.closing.take() {
        Some((r, 0)) => {
            r.stop();
            live.stopping = Some(r);
        }
        Some((r, n)) => live.closing = Some((r, n - 1)),
        None => {}
    }
    if let Err(e) = step(ui, live) {
        fail(ui, live, e);
    }
}

fn step(ui: Ui, live: &mut Live) -> Result<(), String> {
    let finished = ui
        .video
        .with_value(|p| p.as_ref().is_some_and(VideoPlan::finished));
    if finished {
        // A ZIP waits for its last PNGs.
        return finish_zip(ui, live);
    }
    if live.recorder.is_none() && live.pngs.is_none() {
        let (format, fps) = ui.video.with_value(|p| {
            p.as_ref()
                .map_or((VideoFormat::Zip, 1), |p| (p.format(), p.fps()))
        });
        prepare(ui, live, format, fps)?;
    }
    if live.recorder.as_ref().is_some_and(|r| !r.started()) {
        // Frames pushed before the recorder runs are lost: the first waits.
        return Ok(());
    }
    let (training, step) = (ui.training.get_untracked(), ui.stats.get_untracked().step);
    let now = now_ms();
    let Some((s, format)) = ui
        .video
        .try_update_value(|p| {
            p.as_mut()
                .map(|p| (p.after_frame(now, training, step), p.format()))
        })
        .flatten()
    else {
        return Ok(());
    };
    if let Some(i) = s.capture {
        capture(ui, live, i)?;
    }
    if let Some(st) = s.set_stage {
        ui.stage.set(st);
    }
    if s.stop_training {
        ui.training.set(false);
    }
    let progress = ui
        .video
        .with_value(|p| p.as_ref().map_or(1.0, |p| p.progress(now, step)));
    let pct = (progress * 100.0).floor() as u32;
    let text = if s.finished {
        match format {
            VideoFormat::Zip => "Packing the PNG frames…".to_string(),
            _ => "Finishing the video…".to_string(),
        }
    } else {
        // The spoken status moves in tenths; the bar every frame.
        format!("Recording {}: {} %", what(format), pct / 10 * 10)
    };
    ui.video_progress.set(progress);
    if ui
        .video_status
        .with_untracked(|t| t.as_deref() != Some(&text))
    {
        ui.video_status.set(Some(text));
    }
    if s.finished {
        if let Some(r) = live.recorder.take() {
            // Hold the last picture for its frame's time: it ends the video at n / fps.
            r.push_frame();
            live.closing = Some((r, 3));
        }
        if format == VideoFormat::Zip {
            return finish_zip(ui, live);
        }
    }
    Ok(())
}

/// Composes the view as drawn now at the recording's size (`side`: its square's side).
fn compose_now(ui: Ui, live: &mut Live, side: f64) -> Result<HtmlCanvasElement, String> {
    let k = ui.session.with_value(|s| s.k());
    compose::compose(
        &ui.legend.get_untracked(),
        ui.stage.get_untracked(),
        k,
        side,
        page::dpr(4.0),
        live.canvas.take(),
    )
}

/// Before the first frame: fixes the picture's size (the canvas' device pixels now; a layout
/// change later only rescales) and starts the recorder or the PNG list.
fn prepare(ui: Ui, live: &mut Live, format: VideoFormat, fps: u32) -> Result<(), String> {
    let (_, overlay) = compose::view_canvases()?;
    let mut side = f64::from(overlay.width().max(64));
    if format != VideoFormat::Zip {
        // Video encoders want even sides.
        side -= side % 2.0;
    }
    let out = compose_now(ui, live, side)?;
    live.size = (out.width(), out.height());
    match format {
        VideoFormat::Zip => live.pngs = Some(Rc::default()),
        f => {
            let mime = recorder::supported(f.mime_candidates())
                .ok_or("this browser cannot record this kind of video")?;
            let (w, h) = live.size;
            let bits = (f64::from(w * h) * f64::from(fps) * 0.3).clamp(1e6, 12e6) as u32;
            let name = ui
                .video
                .with_value(|p| p.as_ref().map(VideoPlan::file_name));
            let name = name.unwrap_or_default();
            live.recorder = Some(Recorder::start(&out, mime, bits, move |r| {
                video_done(ui, &name, r)
            })?);
        }
    }
    live.canvas = Some(out);
    Ok(())
}

/// Composes the view as drawn now and records it as frame `i`.
fn capture(ui: Ui, live: &mut Live, i: usize) -> Result<(), String> {
    let out = compose_now(ui, live, f64::from(live.size.0))?;
    if (out.width(), out.height()) != live.size {
        live.canvas = Some(out);
        return Err("the picture changed size while recording".into());
    }
    if let Some(r) = &live.recorder {
        r.push_frame();
    }
    if let Some(pngs) = &live.pngs {
        if i >= MAX_ZIP_FRAMES {
            ui.video.update_value(|p| {
                if let Some(p) = p {
                    p.finish_now()
                }
            });
            ui.notify(
                NoticeKind::Warn,
                format!(
                    "The PNG frames stop at {MAX_ZIP_FRAMES} frames (memory); the ZIP holds those."
                ),
            );
        } else {
            png_later(&out, i, pngs.clone())?;
        }
    }
    live.canvas = Some(out);
    Ok(())
}

/// Encodes the canvas as it is now as a PNG (the browser does it off the frame) into `pngs[i]`.
fn png_later(c: &HtmlCanvasElement, i: usize, pngs: Pngs) -> Result<(), String> {
    {
        let mut v = pngs.borrow_mut();
        if v.len() <= i {
            v.resize(i + 1, None);
        }
    }
    let cb = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
        leptos::task::spawn_local(async move {
            // A frame the browser could not encode arrives empty (the ZIP then says so).
            let bytes = match blob {
                Some(b) => wasm_bindgen_futures::JsFuture::from(b.array_buffer())
                    .await
                    .map_or_else(|_| Vec::new(), |buf| js_sys::Uint8Array::new(&buf).to_vec()),
                None => Vec::new(),
            };
            if let Some(slot) = pngs.borrow_mut().get_mut(i) {
                *slot = Some(bytes);
            }
        });
    });
    c.to_blob_with_type(cb.unchecked_ref(), "image/png")
        .map_err(|_| "the browser refused to encode a frame as PNG".into())
}

/// Once every PNG is in: the ZIP, downloaded.
fn finish_zip(ui: Ui, live: &mut Live) -> Result<(), String> {
    let Some(pngs) = &live.pngs else {
        return Ok(());
    };
    let ready = pngs.borrow().iter().all(Option::is_some);
    if !ready {
        return Ok(());
    }
    let frames = std::mem::take(&mut *pngs.borrow_mut());
    live.pngs = None;
    live.canvas = None;
    let Some(plan) = ui.video.try_update_value(Option::take).flatten() else {
        return Ok(());
    };
    let mut z = ZipWriter::new();
    for (i, f) in frames.iter().enumerate() {
        match f.as_deref() {
            Some(png) if !png.is_empty() => z.add(&VideoPlan::frame_name(i), png)?,
            _ => return Err(format!("the browser could not encode frame {i} as PNG")),
        }
    }
    let n = z.len();
    let bytes = z.finish();
    let name = plan.file_name();
    download::bytes(&name, "application/zip", &bytes)?;
    let (w, h) = live.size;
    ui.video_status.set(None);
    ui.notify(
        NoticeKind::Info,
        format!(
            "Saved {name}: {n} PNG frames of {w}×{h}, {} KB.",
            bytes.len().div_ceil(1024)
        ),
    );
    Ok(())
}

/// The recorder handed over the video: download it and say what it is.
fn video_done(ui: Ui, name: &str, r: Result<web_sys::Blob, String>) {
    let plan = ui.video.try_update_value(Option::take).flatten();
    ui.video_status.set(None);
    let blob = match r {
        Ok(b) => b,
        Err(e) => {
            ui.notify(
                NoticeKind::Error,
                format!("The video could not be made: {e}"),
            );
            return;
        }
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        ui.notify(
            NoticeKind::Error,
            "The video could not be offered as a file.",
        );
        return;
    };
    report::warn_once(
        "offering the video",
        download::url_as(name, &url).map_err(JsValue::from),
    );
    report::warn(
        "releasing the video's object URL",
        web_sys::Url::revoke_object_url(&url),
    );
    let (n, fps) = plan.map_or((0, 0), |p| (p.captured(), p.fps()));
    ui.notify(
        NoticeKind::Info,
        format!(
            "Saved {name}: {n} frames at {fps} frames a second, {} KB.",
            (blob.size() as u64).div_ceil(1024)
        ),
    );
}

fn fail(ui: Ui, live: &mut Live, e: String) {
    if let Some(r) = live.recorder.take() {
        r.cancel();
        live.stopping = Some(r);
    }
    live.pngs = None;
    cancel(ui);
    ui.notify(NoticeKind::Error, format!("The recording failed: {e}"));
}
