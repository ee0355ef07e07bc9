//! The GIF recorder without the browser: which stage each frame shows, when a drawn frame is
//! captured and with what delay, when recording ends, and the encoding (median-cut palette +
//! LZW, `render::gif`). The browser side composes each captured picture (density, overlays,
//! legend) and hands its pixels to [`GifRecording::add_frame`].
//!
//! Two recordings: the layer animation (stage 0 → K, about 64 frames, held at both ends) and a
//! few seconds of training at the model stage (training is started if it was paused, and paused
//! again after).

use crate::render::gif::{build_palette, mark_unchanged, GifEncoder, Mapper};

/// Side of the GIF's picture in pixels (a legend strip is added below).
pub const GIF_SIDE: f64 = 360.0;
/// Length of a training recording and the time between its frames (ms).
pub const TRAIN_MS: f64 = 8_000.0;
const TRAIN_EVERY_MS: f64 = 160.0;

/// Frames per layer for a `k`-layer animation: about 64 frames in all, 1 to 16 per layer.
pub fn frames_per_layer(k: usize) -> usize {
    (64 / k.max(1)).clamp(1, 16)
}

enum Job {
    Layers {
        stages: Vec<f64>,
        next: usize,
        restore: f64,
        k: usize,
    },
    Training {
        t0: f64,
        last: f64,
        started: bool,
    },
}

/// What the browser side does after a frame was drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AfterFrame {
    /// Capture the picture just drawn, with this delay (centiseconds).
    pub capture: Option<u16>,
    /// Then show this stage.
    pub set_stage: Option<f64>,
    /// Pause training (the recording started it).
    pub stop_training: bool,
    /// The status line.
    pub status: Option<String>,
}

/// A recording in progress.
pub struct GifRecording {
    job: Job,
    frames: Vec<Vec<u8>>,
    delays: Vec<u16>,
    size: (u32, u32),
    t_start: f64,
    encode: bool,
}

impl GifRecording {
    /// Records the layer animation of a `k`-layer flow; the view shows `restore` now and again
    /// afterwards. Returns the recording and the first stage to show.
    pub fn layers(k: usize, restore: f64, now: f64) -> (Self, f64) {
        let per = frames_per_layer(k);
        let stages: Vec<f64> = (0..=per * k).map(|i| i as f64 / per as f64).collect();
        let first = stages[0];
        (
            Self::with(
                Job::Layers {
                    stages,
                    next: 0,
                    restore,
                    k,
                },
                now,
            ),
            first,
        )
    }

    /// Records a training run; `started`: the recording started training (and stops it).
    pub fn training(now: f64, started: bool) -> Self {
        Self::with(
            Job::Training {
                t0: now,
                last: f64::NEG_INFINITY,
                started,
            },
            now,
        )
    }

    fn with(job: Job, now: f64) -> Self {
        GifRecording {
            job,
            frames: Vec::new(),
            delays: Vec::new(),
            size: (0, 0),
            t_start: now,
            encode: false,
        }
    }

    /// Whether recording is over and the next frame should encode.
    pub fn ready_to_encode(&self) -> bool {
        self.encode
    }

    /// The recording started training (cancelling it stops training again).
    pub fn started_training(&self) -> bool {
        matches!(self.job, Job::Training { started: true, .. })
    }

    /// The file name.
    pub fn file_name(&self) -> String {
        match self.job {
            Job::Layers { k, .. } => format!("flow-layers-k{k}.gif"),
            Job::Training { .. } => "flow-training.gif".to_string(),
        }
    }

    /// When recording began (ms).
    pub fn started_at(&self) -> f64 {
        self.t_start
    }

    /// Decides what to do after a drawn frame at time `now`; `training`: training is running.
    pub fn after_frame(&mut self, now: f64, training: bool) -> AfterFrame {
        let mut out = AfterFrame::default();
        match &mut self.job {
            Job::Layers {
                stages,
                next,
                restore,
                k,
            } => {
                // The frame just drawn shows stages[next].
                let (i, n) = (*next, stages.len());
                let hold = i == 0 || i + 1 == n;
                let per = frames_per_layer(*k);
                out.capture = Some(if hold { 120 } else { (48 / per as u16).max(4) });
                *next += 1;
                if *next < n {
                    out.set_stage = Some(stages[*next]);
                    out.status = Some(format!("Recording the GIF: frame {} of {n}…", *next + 1));
                } else {
                    out.set_stage = Some(*restore);
                    self.encode = true;
                }
            }
            Job::Training { t0, last, started } => {
                if now - *last >= TRAIN_EVERY_MS {
                    *last = now;
                    out.capture = Some((TRAIN_EVERY_MS / 10.0) as u16);
                    let left = ((TRAIN_MS - (now - *t0)) / 1000.0).max(0.0);
                    out.status = Some(format!(
                        "Recording training: {} frames, {left:.0} s left…",
                        self.frames.len() + 1
                    ));
                }
                if now - *t0 >= TRAIN_MS || !training {
                    out.stop_training = *started;
                    self.encode = true;
                }
            }
        }
        if self.encode {
            let n = self.frames.len() + usize::from(out.capture.is_some());
            out.status = Some(format!("Encoding the GIF ({n} frames)…"));
        }
        out
    }

    /// Keeps a captured picture (`rgba`, `width × height`) shown for `delay` centiseconds.
    pub fn add_frame(
        &mut self,
        rgba: Vec<u8>,
        width: u32,
        height: u32,
        delay: u16,
    ) -> Result<(), String> {
        if rgba.len() != (width as usize) * (height as usize) * 4 || width == 0 || height == 0 {
            return Err("the picture has no pixels".into());
        }
        if self.frames.is_empty() {
            self.size = (width, height);
        } else if self.size != (width, height) {
            return Err("the picture changed size while recording".into());
        }
        self.frames.push(rgba);
        self.delays.push(delay);
        Ok(())
    }

    /// Frames captured so far.
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// The GIF file: 255 colours for the pictures, the 256th the "unchanged" (transparent)
    /// index, so pixels equal to the previous frame's become long runs LZW packs tightly. A
    /// training recording holds its last frame for 1.5 s.
    pub fn encode(mut self) -> Result<Vec<u8>, String> {
        let (w, h) = self.size;
        if self.frames.is_empty() {
            return Err("no frames were captured".into());
        }
        if let (Job::Training { .. }, Some(d)) = (&self.job, self.delays.last_mut()) {
            *d = 150;
        }
        let refs: Vec<&[u8]> = self.frames.iter().map(Vec::as_slice).collect();
        let palette = build_palette(&refs, 255);
        let mut mapper = Mapper::new(&palette);
        let mut table = palette.clone();
        let transparent = table.colors.len() as u8;
        table.colors.push([0, 0, 0]);
        let mut enc = GifEncoder::new(w as u16, h as u16, &table, true);
        let (mut idx, mut prev, mut marked) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (f, &d)) in refs.iter().zip(&self.delays).enumerate() {
            mapper.map(f, &mut idx);
            if i == 0 {
                enc.add_frame(&idx, d)?;
            } else {
                mark_unchanged(&prev, &idx, transparent, &mut marked);
                enc.add_frame_over(&marked, d, Some(transparent))?;
            }
            std::mem::swap(&mut prev, &mut idx);
        }
        Ok(enc.finish())
    }

    /// The picture size.
    pub fn size(&self) -> (u32, u32) {
        self.size
    }
}
