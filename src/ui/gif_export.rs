//! Animated GIF export, made in the browser from the frames the app itself draws: the
//! layer-by-layer animation (stage 0 → K), or a few seconds of a training run at the model
//! stage. The recorder runs on the frame loop (`tick` after each frame's drawing): it sets
//! the next stage, and one frame later captures the composed view (density, overlays and the
//! legend strip, as the PNG export) at a fixed size. Encoding (median-cut palette + LZW,
//! `render::gif`) runs on its own frame once the status line has said so.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::render::gif::{build_palette, mark_unchanged, GifEncoder, Mapper};

use super::frame::now_ms;
use super::persist;
use super::state::{NoticeKind, Ui};

/// Side of the GIF's picture in pixels (a legend strip is added below).
pub const GIF_SIDE: f64 = 360.0;
/// Length of a training recording and the time between its frames.
const TRAIN_MS: f64 = 8_000.0;
const TRAIN_EVERY_MS: f64 = 160.0;

enum Job {
    /// Stages to show, and the index of the one drawn this frame.
    Layers {
        stages: Vec<f64>,
        next: usize,
        restore: f64,
    },
    /// Capture every `TRAIN_EVERY_MS` until `TRAIN_MS`; stop training after if we started it.
    Training { t0: f64, last: f64, started: bool },
}

/// Captured frames.
#[derive(Default)]
struct Shots {
    frames: Vec<Vec<u8>>,
    delays: Vec<u16>,
    size: (u32, u32),
    /// The composing canvas, reused frame to frame.
    canvas: Option<HtmlCanvasElement>,
}

struct Recorder {
    job: Job,
    shots: Shots,
    t_start: f64,
    /// Capturing is over: encode on the next frame (after the status has painted).
    encode: bool,
}

thread_local! {
    static REC: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Whether a GIF is being made.
pub fn active() -> bool {
    REC.with(|r| r.borrow().is_some())
}

/// Frames per layer for a `k`-layer animation: about 64 frames in all, 1 to 16 per layer.
pub fn frames_per_layer(k: usize) -> usize {
    (64 / k.max(1)).clamp(1, 16)
}

/// Start recording the layer animation 0 → K.
pub fn start_layers(ui: Ui) {
    if active() {
        return;
    }
    let k = ui.k.get_untracked();
    let per = frames_per_layer(k);
    let n = per * k;
    let stages: Vec<f64> = (0..=n).map(|i| i as f64 / per as f64).collect();
    ui.playing.set(false);
    let restore = ui.stage.get_untracked();
    ui.stage.set(stages[0]);
    begin(
        ui,
        Job::Layers {
            stages,
            next: 0,
            restore,
        },
    );
}

/// Start recording a training run (starts training if it is paused, and pauses it after).
pub fn start_training(ui: Ui) {
    if active() {
        return;
    }
    if ui.data_problem.get_untracked().is_some() {
        ui.notify(
            NoticeKind::Warn,
            "There is nothing to train on yet, so there is no training run to record.",
        );
        return;
    }
    ui.playing.set(false);
    ui.stage.set(ui.k.get_untracked() as f64);
    let started = !ui.training.get_untracked();
    if started {
        ui.training.set(true);
    }
    let now = now_ms();
    begin(
        ui,
        Job::Training {
            t0: now,
            last: f64::NEG_INFINITY,
            started,
        },
    );
}

fn begin(ui: Ui, job: Job) {
    ui.gif.set(Some("Recording the GIF…".into()));
    REC.with(|r| {
        *r.borrow_mut() = Some(Recorder {
            job,
            shots: Shots::default(),
            t_start: now_ms(),
            encode: false,
        })
    });
}

/// Stop without a file.
pub fn cancel(ui: Ui) {
    let rec = REC.with(|r| r.borrow_mut().take());
    if let Some(Recorder {
        job: Job::Training { started: true, .. },
        ..
    }) = rec
    {
        ui.training.set(false);
    }
    ui.gif.set(None);
}

/// Called by the frame loop after each frame's drawing.
pub fn tick(ui: Ui) {
    if !active() {
        return;
    }
    let result = REC.with(|r| {
        let mut guard = r.borrow_mut();
        let rec = guard.as_mut()?;
        if rec.encode {
            return Some(guard.take().map(|rec| finish(ui, rec)));
        }
        Some(
            step(ui, rec)
                .map(|()| None)
                .unwrap_or_else(|e| Some(Err(e))),
        )
    });
    match result.flatten() {
        None => {}
        Some(Ok(msg)) => {
            ui.gif.set(None);
            ui.notify(NoticeKind::Info, msg);
        }
        Some(Err(e)) => {
            cancel(ui);
            ui.notify(NoticeKind::Error, format!("The GIF could not be made: {e}"));
        }
    }
}

/// One recording frame: capture what was drawn if it is due, and move on.
fn step(ui: Ui, rec: &mut Recorder) -> Result<(), String> {
    let now = now_ms();
    match &mut rec.job {
        Job::Layers {
            stages,
            next,
            restore,
        } => {
            // The frame just drawn shows stages[next].
            let (i, n) = (*next, stages.len());
            let hold = i == 0 || i + 1 == n;
            let per = frames_per_layer(ui.k.get_untracked());
            let delay = if hold { 120 } else { (48 / per as u16).max(4) };
            capture(ui, &mut rec.shots, delay)?;
            *next += 1;
            if *next < n {
                ui.stage.set(stages[*next]);
                ui.gif.set(Some(format!(
                    "Recording the GIF: frame {} of {n}…",
                    *next + 1
                )));
            } else {
                ui.stage.set(*restore);
                rec.encode = true;
            }
        }
        Job::Training { t0, last, started } => {
            if now - *last >= TRAIN_EVERY_MS {
                *last = now;
                capture(ui, &mut rec.shots, (TRAIN_EVERY_MS / 10.0) as u16)?;
                let left = ((TRAIN_MS - (now - *t0)) / 1000.0).max(0.0);
                ui.gif.set(Some(format!(
                    "Recording training: {} frames, {left:.0} s left…",
                    rec.shots.frames.len()
                )));
            }
            if now - *t0 >= TRAIN_MS || !ui.training.get_untracked() {
                if *started {
                    ui.training.set(false);
                }
                if let Some(d) = rec.shots.delays.last_mut() {
                    *d = 150;
                }
                rec.encode = true;
            }
        }
    }
    if rec.encode {
        ui.gif.set(Some(format!(
            "Encoding the GIF ({} frames)…",
            rec.shots.frames.len()
        )));
    }
    Ok(())
}

/// A canvas whose 2-D context is made for reading pixels back every frame.
fn reading_canvas() -> Result<HtmlCanvasElement, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let c: HtmlCanvasElement = doc
        .create_element("canvas")
        .ok()
        .and_then(|e| e.dyn_into().ok())
        .ok_or("no canvas")?;
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"willReadFrequently".into(), &true.into());
    let _ = c.get_context_with_context_options("2d", &opts);
    Ok(c)
}

/// Compose the view as drawn now and keep its pixels.
fn capture(ui: Ui, shots: &mut Shots, delay: u16) -> Result<(), String> {
    let canvas = match shots.canvas.take() {
        Some(c) => c,
        None => reading_canvas()?,
    };
    let out = persist::compose(ui, GIF_SIDE, 1.0, Some(canvas))?;
    let (w, h) = (out.width(), out.height());
    let ctx = super::canvas::context_2d(&out).ok_or("no 2-D context")?;
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| "the browser would not read the picture back")?;
    if shots.frames.is_empty() {
        shots.size = (w, h);
    } else if shots.size != (w, h) {
        return Err("the picture changed size while recording".into());
    }
    shots.frames.push(data.data().0);
    shots.delays.push(delay);
    shots.canvas = Some(out);
    Ok(())
}

/// Encode and download; the message says what was made.
fn finish(ui: Ui, rec: Recorder) -> Result<String, String> {
    let t_enc = now_ms();
    let (w, h) = rec.shots.size;
    if rec.shots.frames.is_empty() || w == 0 || h == 0 {
        return Err("no frames were captured".into());
    }
    let refs: Vec<&[u8]> = rec.shots.frames.iter().map(Vec::as_slice).collect();
    // 255 colours for the pictures; the 256th entry is the "unchanged" (transparent) index:
    // pixels equal to the previous frame's (the legend, the dark background) become long runs
    // of it, which LZW packs tightly.
    let palette = build_palette(&refs, 255);
    let mut mapper = Mapper::new(&palette);
    let mut table = palette.clone();
    let transparent = table.colors.len() as u8;
    table.colors.push([0, 0, 0]);
    let mut enc = GifEncoder::new(w as u16, h as u16, &table, true);
    let (mut idx, mut prev, mut marked) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (f, &d)) in refs.iter().zip(&rec.shots.delays).enumerate() {
        mapper.map(f, &mut idx);
        if i == 0 {
            enc.add_frame(&idx, d)?;
        } else {
            mark_unchanged(&prev, &idx, transparent, &mut marked);
            enc.add_frame_over(&marked, d, Some(transparent))?;
        }
        std::mem::swap(&mut prev, &mut idx);
    }
    let n = enc.frame_count();
    let bytes = enc.finish();
    let encode_s = (now_ms() - t_enc) / 1000.0;
    let total_s = (now_ms() - rec.t_start) / 1000.0;
    let name = match rec.job {
        Job::Layers { .. } => format!("flow-layers-k{}.gif", ui.k.get_untracked()),
        Job::Training { .. } => "flow-training.gif".to_string(),
    };
    persist::download_bytes(&name, "image/gif", &bytes)?;
    mark_done(&name, bytes.len(), n, total_s);
    Ok(format!(
        "Saved {name}: {n} frames, {w}×{h}, {} KB, made in {total_s:.1} s (encoding {encode_s:.1} s).",
        bytes.len().div_ceil(1024)
    ))
}

/// Leaves the last GIF's facts on `<body>` (`data-gif`), for tests and the curious.
fn mark_done(name: &str, bytes: usize, frames: usize, seconds: f64) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = body.set_attribute(
            "data-gif",
            &format!("{name} {bytes} bytes {frames} frames {seconds:.2} s"),
        );
    }
}
