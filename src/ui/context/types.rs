//! Small value types the view shares: the pointer tool, notices, overlay toggles, the legend of
//! the last draw, and the frame loop's timing record.

use crate::render::DensityScale;

/// What the pointer does on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Click a point to trace it through every layer.
    Probe,
    /// Spray points.
    Brush,
    /// Remove points.
    Eraser,
    /// Drag to move the view.
    Pan,
    /// Grab a layer's handles and reshape it (the layer editor).
    Edit,
}

/// The side panels (tabs beside the canvas; below it on a phone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// One-click lessons and comparisons.
    Lessons,
    /// The target: preset, drawn points, energy; the brush.
    Data,
    /// The stack: depth, kinds, seed, the layer list and the selected layer.
    Model,
    /// Learning rate, batch and the loss chart.
    Train,
    /// Overlays and colour scale, playback options.
    View,
    /// Links, embed, exports and imports.
    Share,
    /// The probe's change-of-variables ledger.
    Probe,
    /// The comparison's panels.
    Compare,
}

impl Panel {
    /// Every panel, in tab order.
    pub const ALL: [Panel; 8] = [
        Panel::Lessons,
        Panel::Data,
        Panel::Model,
        Panel::Train,
        Panel::View,
        Panel::Share,
        Panel::Probe,
        Panel::Compare,
    ];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Panel::Lessons => "Lessons",
            Panel::Data => "Data",
            Panel::Model => "Model",
            Panel::Train => "Train",
            Panel::View => "View",
            Panel::Share => "Share",
            Panel::Probe => "Probe",
            Panel::Compare => "Compare",
        }
    }

    /// The id stem of its tab and panel (`tab-model`, `panel-model`).
    pub fn slug(self) -> &'static str {
        match self {
            Panel::Lessons => "lessons",
            Panel::Data => "data",
            Panel::Model => "model",
            Panel::Train => "train",
            Panel::View => "view",
            Panel::Share => "share",
            Panel::Probe => "probe",
            Panel::Compare => "compare",
        }
    }
}

/// Severity of a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// Neutral information.
    Info,
    /// Something was changed for the user (e.g. the learning rate was halved).
    Warn,
    /// Something could not be done.
    Error,
}

/// What a notice is about, when it is about a condition that can end: the notice goes away
/// by itself once that condition no longer holds (`actions::view::clear_resolved_notice`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeCause {
    /// The training data is unusable (no points, too few, …).
    DataProblem,
}

/// Which overlays are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overlays {
    /// The image of a regular base-space grid.
    pub grid: bool,
    /// Particles riding the flow.
    pub particles: bool,
    /// Data points (points mode) or target contours (energy mode).
    pub data: bool,
    /// The next layer's log |det J| instead of the density.
    pub volume: bool,
    /// Local stretch ellipses: small base circles carried to the stage shown.
    pub stretch: bool,
    /// The vector field of the continuous step shown, at its time.
    pub field: bool,
    /// Flow matching's conditional paths for a few points.
    pub paths: bool,
    /// A few particles' trajectories from the base to the stage shown.
    pub trails: bool,
}

impl Default for Overlays {
    fn default() -> Self {
        Overlays {
            grid: true,
            particles: false,
            data: true,
            volume: false,
            stretch: false,
            field: false,
            paths: false,
            trails: false,
        }
    }
}

/// What the legend shows after a draw.
#[derive(Clone, Debug, PartialEq)]
pub enum Legend {
    /// Density legend: max density (linear) or log-density range (log).
    Density {
        /// The colour scale.
        scale: DensityScale,
        /// Largest log-density in view.
        max_log: f64,
    },
    /// Volume change of a step (1-based): symmetric range ±`range` nats.
    Volume {
        /// The step.
        step: usize,
        /// Half-range in nats.
        range: f64,
    },
    /// A continuous layer's solver error, `p` by its scheme minus by the fine reference:
    /// symmetric range ±`range` (the largest error in view).
    SolverError {
        /// The scheme's name and its steps to the time shown.
        solver: (&'static str, usize),
        /// Half-range (density units).
        range: f64,
    },
}

/// Where one frame's work went (ms), for the `#bench` page's breakdown.
#[derive(Clone, Copy, Debug, Default)]
pub struct Parts {
    /// Adam steps (main flow and comparison).
    pub train: f64,
    /// Main view: density and overlays.
    pub draw: f64,
    /// The density part of `draw`.
    pub heat: f64,
    /// Filmstrip thumbnails.
    pub thumbs: f64,
    /// Loss chart.
    pub chart: f64,
    /// Link and local storage.
    pub save: f64,
}

/// Frame timing record (kept for the `#bench` page).
#[derive(Default)]
pub struct FrameTimes {
    /// Work per frame in ms (every job of the frame: the animation-frame callback's own time),
    /// most recent last.
    pub work_ms: Vec<f64>,
    /// The same frames' intervals in ms: each frame's animation-frame timestamp minus the
    /// previous one's (NaN for the loop's first frame). What the page's frame rate is, including
    /// the browser's own work (style, layout, paint, compositing) outside the callback.
    pub interval_ms: Vec<f64>,
    /// The same frames' breakdown.
    pub parts: Vec<Parts>,
}

impl FrameTimes {
    /// Records one frame, keeping the last few thousand.
    pub fn push(&mut self, work: f64, interval: f64, parts: Parts) {
        self.work_ms.push(work);
        self.interval_ms.push(interval);
        self.parts.push(parts);
        if self.work_ms.len() > 4096 {
            self.work_ms.drain(..2048);
            self.interval_ms.drain(..2048);
            self.parts.drain(..2048);
        }
    }

    /// Forgets everything recorded (a benchmark scenario starts).
    pub fn clear(&mut self) {
        self.work_ms.clear();
        self.interval_ms.clear();
        self.parts.clear();
    }
}

/// Where the flows train (README, "Training on the second core").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainPlace {
    /// On the page's thread, between frames (the worker is starting, was turned off with
    /// `noworker`, or cannot run here).
    Page,
    /// In the page's worker, on another core.
    Worker,
}
