//! The reactive view state: small `Copy` signals, plus a handle to the non-reactive session.

use leptos::prelude::*;

use crate::core::{Energy, Preset, Vec2};
use crate::render::ViewTransform;
use crate::state::{Compare, EmbedConfig, Lesson, PresetInfo};

use super::main_view::{Legend, Overlays};
use super::session::Session;

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

/// Live training numbers for display.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Stats {
    /// Steps taken.
    pub step: u64,
    /// Last minibatch loss.
    pub loss: Option<f64>,
    /// Last held-out NLL (points).
    pub heldout: Option<f64>,
    /// Last free energy and ESS/N (energies).
    pub free_energy: Option<(f64, f64)>,
    /// Training rate.
    pub steps_per_s: f64,
    /// Current learning rate.
    pub lr: f64,
    /// Current annealing β (energies).
    pub beta: f64,
}

/// What to fit, as chosen in the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetChoice {
    /// A preset point cloud (then editable).
    Preset(Preset),
    /// Points drawn by hand (starts empty).
    Drawn,
    /// One of the paper's energies.
    Energy(Energy),
}

/// Every signal the components share. `Copy`, so closures capture it freely.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The non-reactive session (model, data, buffers).
    pub session: StoredValue<Session, LocalStorage>,
    /// Bumped whenever the model or the data change (views redraw from the session).
    pub version: RwSignal<u64>,
    /// Current stage `s ∈ [0, K]`.
    pub stage: RwSignal<f64>,
    /// Number of layers K.
    pub k: RwSignal<usize>,
    /// Timeline playing.
    pub playing: RwSignal<bool>,
    /// Layers per second while playing.
    pub speed: RwSignal<f64>,
    /// Loop at the end of the timeline.
    pub looping: RwSignal<bool>,
    /// Play data → base (normalizing) instead of base → data.
    pub reverse: RwSignal<bool>,
    /// Training running.
    pub training: RwSignal<bool>,
    /// Overlay toggles.
    pub overlays: RwSignal<Overlays>,
    /// Log (true) or linear density colour scale.
    pub log_scale: RwSignal<bool>,
    /// The data window shown (its pixel size is ignored).
    pub window: RwSignal<ViewTransform>,
    /// Pointer tool.
    pub tool: RwSignal<Tool>,
    /// Probe, as a base-space point (so it follows the model as it trains).
    pub probe: RwSignal<Option<Vec2>>,
    /// Current notice.
    pub notice: RwSignal<Option<(NoticeKind, String)>>,
    /// Progress of a GIF being made (`None`: none).
    pub gif: RwSignal<Option<String>>,
    /// Training numbers.
    pub stats: RwSignal<Stats>,
    /// Legend of the last draw.
    pub legend: RwSignal<Legend>,
    /// Learning rate.
    pub lr: RwSignal<f64>,
    /// Batch size.
    pub batch: RwSignal<usize>,
    /// Target choice.
    pub target: RwSignal<TargetChoice>,
    /// Points currently in the session.
    pub n_points: RwSignal<usize>,
    /// Why training is disabled, if it is.
    pub data_problem: RwSignal<Option<String>>,
    /// Undo / redo availability.
    pub undo_redo: RwSignal<(bool, bool)>,
    /// Annealing of β on (energies).
    pub annealing: RwSignal<bool>,
    /// Steps for β to reach 1 when annealing (the paper: 10,000).
    pub anneal_steps: RwSignal<u32>,
    /// User prefers reduced motion.
    pub reduced_motion: RwSignal<bool>,
    /// The layer open in the layer editor (0-based index into the stack).
    pub selected_layer: RwSignal<Option<usize>>,
    /// How the current preset cloud was generated (for links).
    pub preset_info: RwSignal<Option<PresetInfo>>,
    /// Embed mode and hidden control groups.
    pub embed: RwSignal<EmbedConfig>,
    /// The lesson whose caption is shown.
    pub lesson: RwSignal<Option<Lesson>>,
    /// The comparison beside the main view.
    pub compare: RwSignal<Option<Compare>>,
    /// The comparison's flows are training.
    pub compare_training: RwSignal<bool>,
    /// One caption per comparison flow (label and numbers), refreshed a few times a second.
    pub compare_captions: RwSignal<Vec<String>>,
}

impl Ui {
    /// Tell the user something.
    pub fn notify(&self, kind: NoticeKind, msg: impl Into<String>) {
        self.notice.set(Some((kind, msg.into())));
    }

    /// Whether the control group `group` is hidden (embed mode or the link's hide list).
    pub fn hidden(&self, group: &str) -> bool {
        self.embed.with(|e| e.is_hidden(group))
    }

    /// The model or data changed: redraw.
    pub fn bump(&self) {
        self.version.update(|v| *v += 1);
    }
}
