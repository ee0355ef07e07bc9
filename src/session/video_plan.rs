//! The video recorder without the browser: which stage each frame shows, when a drawn frame is
//! captured (paced to the chosen frame rate for a video, one per drawn frame for a layer
//! animation's PNG frames), when recording ends, the progress it reports, and the checks on the
//! user's choices. The browser side (`ui::actions::video`) composes each captured picture and
//! hands it to a `MediaRecorder` or to the PNG-frame ZIP.
//!
//! The layer animation shows the GIF's stages (`gif_plan::frames_per_layer` per layer, stage 0 →
//! K; a continuous layer's fraction is its ODE time, so a one-layer continuous flow runs t = 0 → 1).
//! A training run records for a number of seconds or of training steps.

use super::gif_plan::frames_per_layer;

/// Frame rates offered (frames per second).
pub const FPS_CHOICES: [u32; 5] = [10, 15, 24, 30, 60];
/// The default frame rate.
pub const DEFAULT_FPS: u32 = 15;
/// The default training recording: seconds.
pub const DEFAULT_TRAIN_SECONDS: &str = "8";
/// Longest recording (seconds of a video, or the time a step count may take).
pub const MAX_SECONDS: f64 = 600.0;
/// Most training steps one recording may ask for.
pub const MAX_STEPS: u64 = 10_000_000;
/// Most frames in a PNG-frame ZIP (memory: a frame is ~0.1–1 MB).
pub const MAX_ZIP_FRAMES: usize = 1_500;
/// A frame due within this much of now is taken now (half a 60 Hz frame: the nearest frame wins).
const DUE_SLACK_MS: f64 = 8.0;

/// How long a training recording runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Until {
    /// Seconds of wall-clock time.
    Seconds(f64),
    /// Training steps.
    Steps(u64),
}

/// Reads the training recording's length: `amount` in `unit` ("seconds" or "steps").
pub fn parse_until(amount: &str, unit: &str) -> Result<Until, String> {
    let a = amount.trim();
    match unit {
        "steps" => match a.parse::<u64>() {
            Ok(n) if (1..=MAX_STEPS).contains(&n) => Ok(Until::Steps(n)),
            _ => Err(format!(
                "“{a}” is not a step count: give a whole number from 1 to {MAX_STEPS}."
            )),
        },
        _ => match crate::state::decimal::parse(a) {
            Some(s) if s.is_finite() && (1.0..=MAX_SECONDS).contains(&s) => Ok(Until::Seconds(s)),
            _ => Err(format!(
                "“{a}” is not a length in seconds: give a number from 1 to {MAX_SECONDS}."
            )),
        },
    }
}

/// Reads a frame rate from the menu (one of [`FPS_CHOICES`]).
pub fn parse_fps(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(f) if FPS_CHOICES.contains(&f) => Ok(f),
        _ => Err(format!("“{text}” is not a frame rate offered.")),
    }
}

/// What a recording makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoFormat {
    /// A WebM video (VP9 or VP8).
    WebM,
    /// An MP4 video (H.264), where the browser can record one.
    Mp4,
    /// The frames as PNG files in a ZIP.
    Zip,
}

impl VideoFormat {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            VideoFormat::WebM => "webm",
            VideoFormat::Mp4 => "mp4",
            VideoFormat::Zip => "zip",
        }
    }

    /// The recorder's MIME types to try, best first (none for the ZIP).
    pub fn mime_candidates(self) -> &'static [&'static str] {
        match self {
            VideoFormat::WebM => &[
                "video/webm;codecs=vp9",
                "video/webm;codecs=vp8",
                "video/webm",
            ],
            VideoFormat::Mp4 => &[
                "video/mp4;codecs=avc1.42E01F",
                "video/mp4;codecs=avc1",
                "video/mp4",
            ],
            VideoFormat::Zip => &[],
        }
    }

    /// The menu's value for it, and back.
    pub fn key(self) -> &'static str {
        self.ext()
    }

    /// Reads a menu value.
    pub fn from_key(key: &str) -> Option<Self> {
        [VideoFormat::WebM, VideoFormat::Mp4, VideoFormat::Zip]
            .into_iter()
            .find(|f| f.key() == key)
    }
}

enum Job {
    Layers {
        stages: Vec<f64>,
        restore: f64,
        k: usize,
    },
    Training {
        until: Until,
        step0: u64,
        started: bool,
    },
}

/// What the browser side does after a frame was drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VideoStep {
    /// Capture the picture just drawn as frame number `i`.
    pub capture: Option<usize>,
    /// Then show this stage.
    pub set_stage: Option<f64>,
    /// Recording is over: stop the recorder (a video: its last frame is shown up to now).
    pub finished: bool,
    /// Pause training (the recording started it).
    pub stop_training: bool,
}

/// A recording in progress.
pub struct VideoPlan {
    job: Job,
    fps: u32,
    format: VideoFormat,
    /// Frames keep the frame rate's times (a video, or any training run); else one per frame drawn.
    paced: bool,
    first_at: Option<f64>,
    captured: usize,
    finished: bool,
}

impl VideoPlan {
    /// The layer animation of a `k`-layer flow at `fps`; the view shows `restore` now and again
    /// afterwards. A video's frames keep their times; PNG frames come one per frame drawn.
    /// Returns the plan and the first stage to show.
    pub fn layers(k: usize, restore: f64, fps: u32, format: VideoFormat) -> (Self, f64) {
        let per = frames_per_layer(k);
        let stages: Vec<f64> = (0..=per * k).map(|i| i as f64 / per as f64).collect();
        let first = stages[0];
        (
            Self::with(
                Job::Layers { stages, restore, k },
                fps,
                format,
                format != VideoFormat::Zip,
            ),
            first,
        )
    }

    /// A training run from step `step0`; `started`: the recording started training (and stops it).
    pub fn training(
        until: Until,
        step0: u64,
        started: bool,
        fps: u32,
        format: VideoFormat,
    ) -> Self {
        Self::with(
            Job::Training {
                until,
                step0,
                started,
            },
            fps,
            format,
            true,
        )
    }

    fn with(job: Job, fps: u32, format: VideoFormat, paced: bool) -> Self {
        VideoPlan {
            job,
            fps: fps.max(1),
            format,
            paced,
            first_at: None,
            captured: 0,
            finished: false,
        }
    }

    /// Milliseconds between frames.
    pub fn period_ms(&self) -> f64 {
        1000.0 / f64::from(self.fps)
    }

    /// What it makes.
    pub fn format(&self) -> VideoFormat {
        self.format
    }

    /// The file's name.
    pub fn file_name(&self) -> String {
        match self.format {
            VideoFormat::Zip => format!("{}-frames.zip", self.base_name()),
            f => format!("{}.{}", self.base_name(), f.ext()),
        }
    }

    /// The frame rate.
    pub fn fps(&self) -> u32 {
        self.fps
    }

    /// Frames in the whole recording, when known in advance (the layer animation; a training run
    /// of so many seconds).
    pub fn planned_frames(&self) -> Option<usize> {
        match &self.job {
            Job::Layers { stages, .. } => Some(stages.len()),
            Job::Training {
                until: Until::Seconds(s),
                ..
            } => Some((s * f64::from(self.fps)).ceil() as usize),
            Job::Training { .. } => None,
        }
    }

    /// The video's length in seconds when known in advance: planned frames / fps.
    pub fn planned_seconds(&self) -> Option<f64> {
        self.planned_frames()
            .map(|n| n as f64 / f64::from(self.fps))
    }

    /// Frames captured so far.
    pub fn captured(&self) -> usize {
        self.captured
    }

    /// Recording is over.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Ends the recording now (a cap was reached); the frames so far are kept.
    pub fn finish_now(&mut self) {
        self.finished = true;
    }

    /// The recording started training (cancelling it stops training again).
    pub fn started_training(&self) -> bool {
        matches!(self.job, Job::Training { started: true, .. })
    }

    /// The file's name without its extension.
    pub fn base_name(&self) -> String {
        match self.job {
            Job::Layers { k, .. } => format!("flow-layers-k{k}"),
            Job::Training { .. } => "flow-training".to_string(),
        }
    }

    /// The name of frame `i` in the ZIP.
    pub fn frame_name(i: usize) -> String {
        format!("frame-{i:05}.png")
    }

    /// Progress in [0, 1] at time `now` and training step `step`.
    pub fn progress(&self, now: f64, step: u64) -> f64 {
        let p = match &self.job {
            Job::Layers { stages, .. } => self.captured as f64 / stages.len() as f64,
            Job::Training { until, step0, .. } => match until {
                Until::Seconds(s) => self.first_at.map_or(0.0, |t0| (now - t0) / (s * 1000.0)),
                Until::Steps(n) => step.saturating_sub(*step0) as f64 / *n as f64,
            },
        };
        if self.finished {
            1.0
        } else {
            p.clamp(0.0, 1.0)
        }
    }

    /// When frame `i` is due (`None`: at once).
    fn due(&self, i: usize) -> Option<f64> {
        match (self.paced, self.first_at) {
            (true, Some(t0)) => Some(t0 + i as f64 * self.period_ms()),
            _ => None,
        }
    }

    /// Decides what to do after a frame was drawn at time `now`; `training`: training runs;
    /// `step`: the training step count.
    pub fn after_frame(&mut self, now: f64, training: bool, step: u64) -> VideoStep {
        let mut out = VideoStep::default();
        if self.finished {
            return out;
        }
        let i = self.captured;
        let due = self.due(i).is_none_or(|t| now + DUE_SLACK_MS >= t);
        let t0 = *self.first_at.get_or_insert(now);
        let elapsed = now - t0;
        match &self.job {
            Job::Layers {
                stages, restore, ..
            } => {
                let n = stages.len();
                if i < n && due {
                    out.capture = Some(i);
                    self.captured += 1;
                    out.set_stage = Some(if i + 1 < n { stages[i + 1] } else { *restore });
                }
                // A video ends when its last frame has been shown for one frame's time.
                let end = if self.paced {
                    n as f64 * self.period_ms()
                } else {
                    0.0
                };
                if self.captured == n && elapsed + DUE_SLACK_MS >= end {
                    self.finished = true;
                }
            }
            Job::Training {
                until,
                step0,
                started,
            } => {
                let over = match until {
                    Until::Seconds(s) => elapsed + DUE_SLACK_MS >= s * 1000.0,
                    Until::Steps(n) => step.saturating_sub(*step0) >= *n,
                } || !training
                    || elapsed >= MAX_SECONDS * 1000.0;
                if due && (!over || i == 0) {
                    out.capture = Some(i);
                    self.captured += 1;
                }
                if over {
                    self.finished = true;
                    out.stop_training = *started;
                }
            }
        }
        out.finished = self.finished;
        out
    }
}
