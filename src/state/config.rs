//! [`Config`]: the plain data a shared link must reproduce, with the defaults of the app's
//! first view, the ranges every field must lie in, and [`Config::sanitize`], which repairs any
//! config into one that satisfies [`Config::check`].
//!
//! The invariants (what `check` verifies, and what every decoded config satisfies) are the rows
//! of the link's table, [`super::keys::KEYS`] (which also implements `check` and `sanitize`): each key's range, and the cross-key rules
//! (`params` fit the stack, `stage ∈ [0, K]`, `sel < K`, the batch within the memory budget).

use crate::core::{init_params, Energy, EnergyTarget, Hyper, Init, LayerKind, Preset};

use super::layers_codec::n_params;
use super::lessons::{Compare, Lesson};
use super::ranges;

pub use super::ranges::{ANNEAL_STEPS_FAST, ANNEAL_STEPS_PAPER, FORMAT_VERSION};
/// Most layers a config may hold (`K ∈ 0..=64`, [`ranges::LAYERS`]).
pub const MAX_LAYERS: usize = ranges::LAYERS.hi as usize;
/// Most points a config (or an import, or the brush) may hold ([`ranges::POINTS`]).
pub const MAX_POINTS: usize = ranges::POINTS.hi as usize;
/// Most entries in the hide list ([`ranges::HIDE_ENTRIES`]).
pub const MAX_HIDE: usize = ranges::HIDE_ENTRIES.hi as usize;
/// Largest learning rate a link or the field accepts ([`ranges::LR`]).
pub const LR_MAX: f64 = ranges::LR.hi;

/// A preset point cloud and how it was generated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresetInfo {
    /// Which generator.
    pub preset: Preset,
    /// Number of points (`1..=MAX_POINTS`).
    pub n: usize,
    /// Jitter standard deviation ([`ranges::NOISE`]).
    pub noise: f64,
    /// The generator's seed.
    pub seed: u64,
}

impl PresetInfo {
    /// `preset` with 1,000 points, its default noise and seed 1.
    pub fn new(preset: Preset) -> Self {
        PresetInfo {
            preset,
            n: 1000,
            noise: preset.default_noise(),
            seed: 1,
        }
    }

    /// The points this preset generates (deterministic).
    pub fn generate(&self) -> Vec<[f64; 2]> {
        self.preset
            .generate(self.n.min(MAX_POINTS), self.noise, self.seed)
            .iter()
            .collect()
    }
}

/// What the flow is trained on.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Maximum likelihood on `Config::points`, which came from a preset (`Some`) or were drawn
    /// or imported (`None`).
    Points(Option<PresetInfo>),
    /// Reverse KL to one of the paper's energies or a typed one (`Config::points` is kept
    /// but unused).
    Energy(EnergyTarget),
}

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Adam learning rate, [`ranges::LR`].
    pub lr: f64,
    /// Minibatch size, [`ranges::BATCH`] and within the memory budget.
    pub batch: usize,
    /// Anneal the energy term's β (energy mode only).
    pub anneal: bool,
    /// Steps over which β rises from 0.01 to 1 when annealing (`ANNEAL_STEPS_RANGE`; the
    /// paper's 10,000, or a faster schedule for a lecture).
    pub anneal_steps: u32,
    /// Global-norm gradient clipping, [`ranges::CLIP`], or `None` for off.
    pub clip: Option<f64>,
    /// Training steps taken so far.
    pub step: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        let h = Hyper::ml_default();
        TrainConfig {
            lr: h.lr,
            batch: h.batch,
            anneal: true,
            anneal_steps: ANNEAL_STEPS_PAPER,
            clip: h.clip,
            step: 0,
        }
    }
}

/// Which overlays are drawn over the density.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overlays {
    /// The warped grid.
    pub grid: bool,
    /// Moving sample particles.
    pub particles: bool,
    /// The data points.
    pub data: bool,
    /// Density contour lines.
    pub contours: bool,
    /// Volume (log-det) shading.
    pub volume: bool,
    /// Local stretch ellipses (the image of small base circles).
    pub stretch: bool,
    /// The vector field `v(x, t)` of a continuous step, as arrows.
    pub field: bool,
    /// Flow matching's conditional paths (noise → data) for a few points.
    pub paths: bool,
    /// Trajectories: a few particles' paths from the base to the stage shown.
    pub trails: bool,
}

impl Overlays {
    /// Overlay names as used in the link's `show` list, in order.
    pub const NAMES: [&'static str; 9] = [
        "grid",
        "particles",
        "data",
        "contours",
        "volume",
        "stretch",
        "field",
        "paths",
        "trails",
    ];

    /// The flag called `name`, if there is one.
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "grid" => Some(&mut self.grid),
            "particles" => Some(&mut self.particles),
            "data" => Some(&mut self.data),
            "contours" => Some(&mut self.contours),
            "volume" => Some(&mut self.volume),
            "stretch" => Some(&mut self.stretch),
            "field" => Some(&mut self.field),
            "paths" => Some(&mut self.paths),
            "trails" => Some(&mut self.trails),
            _ => None,
        }
    }

    /// The flags in the order of [`Overlays::NAMES`].
    pub fn flags(&self) -> [bool; 9] {
        [
            self.grid,
            self.particles,
            self.data,
            self.contours,
            self.volume,
            self.stretch,
            self.field,
            self.paths,
            self.trails,
        ]
    }

    /// No overlay at all.
    pub fn none() -> Self {
        Overlays {
            grid: false,
            particles: false,
            data: false,
            contours: false,
            volume: false,
            stretch: false,
            field: false,
            paths: false,
            trails: false,
        }
    }
}

impl Default for Overlays {
    fn default() -> Self {
        Overlays {
            grid: true,
            particles: false,
            data: true,
            contours: false,
            volume: false,
            stretch: false,
            field: false,
            paths: false,
            trails: false,
        }
    }
}

/// Density colour scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Colour ∝ density.
    Linear,
    /// Colour ∝ log density.
    Log,
}

/// View options.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewConfig {
    /// Stage shown, `[0, K]` (fractional stages are exact fractional layers).
    pub stage: f64,
    /// The timeline animation is playing.
    pub playing: bool,
    /// Animation speed in stages per second, [`ranges::SPEED`].
    pub speed: f64,
    /// The animation loops.
    pub looping: bool,
    /// Overlays drawn.
    pub overlays: Overlays,
    /// Density scale.
    pub scale: Scale,
    /// Centre of the view window (each coordinate within ±`COORD_LIMIT`).
    pub center: [f64; 2],
    /// Half-width of the view window, within [`ranges::HALF_EXTENT`].
    pub half_extent: f64,
    /// The layer open in the layer editor (0-based, `< K`): its handles show at its input stage.
    pub selected: Option<usize>,
    /// How the main picture of a one-layer continuous flow integrates the trace: 0 exactly, or
    /// Hutchinson's estimator with this many probes ([`TRACE_PROBES`]); or, as
    /// [`SOLVER_ERROR_PICTURE`], the picture is the solver's density error instead.
    pub trace_probes: u8,
}

/// The trace estimators the view offers: exact (0), Hutchinson with 1 or 10 probes.
pub const TRACE_PROBES: [u8; 3] = [0, 1, 10];

/// The value of [`ViewConfig::trace_probes`] that shows a one-layer continuous flow's solver
/// error (its scheme against the fine reference, `core::cnf::solver_error`) in place of its
/// density (`trace=error` in a link).
pub const SOLVER_ERROR_PICTURE: u8 = u8::MAX;

impl ViewConfig {
    /// The default view for a stack of `k` layers (showing the last stage).
    pub fn for_layers(k: usize) -> Self {
        ViewConfig {
            stage: k as f64,
            playing: false,
            speed: 1.0,
            looping: false,
            overlays: Overlays::default(),
            scale: Scale::Linear,
            center: [0.0, 0.0],
            half_extent: 4.0,
            selected: None,
            trace_probes: 0,
        }
    }
}

/// Embedding: `embed` shows just the canvas and the timeline; otherwise the control groups in
/// `hide` are hidden (as TensorFlow Playground's classroom links do). Unknown group names are
/// kept (a newer app may know them) and are harmless.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmbedConfig {
    /// Embed mode: canvas and timeline only.
    pub embed: bool,
    /// Control groups to hide (identifiers `[a-z0-9-]{1,32}`, no duplicates).
    pub hide: Vec<String>,
}

impl EmbedConfig {
    /// Whether the control group `group` is hidden. `canvas` and `timeline` never are; the
    /// content a link carries — a lesson's `caption` and a `compare` panel — shows in embed
    /// mode too (an author embedding a lesson wants it), unless the hide list names it; every
    /// other group is hidden in embed mode or when the hide list names it.
    pub fn is_hidden(&self, group: &str) -> bool {
        if group == "canvas" || group == "timeline" {
            return false;
        }
        let listed = self.hide.iter().any(|h| h == group);
        if group == "caption" || group == "compare" {
            return listed;
        }
        self.embed || listed
    }
}

/// Everything a shared link reproduces.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Link-format version; always [`FORMAT_VERSION`] in configs this module produces.
    pub version: u32,
    /// Objective.
    pub mode: Mode,
    /// The data points (maximum likelihood), at most [`MAX_POINTS`].
    pub points: Vec<[f64; 2]>,
    /// Layer kinds, in order (`K = kinds.len() ≤ MAX_LAYERS`).
    pub kinds: Vec<LayerKind>,
    /// Flat raw parameters (`core::Flow` layout), or empty: initialise from `seed` with
    /// `core::init_params(kinds, Init::Default, seed)` (see [`Config::params_or_init`]).
    pub params: Vec<f64>,
    /// The model seed (initialisation and the trainer's RNG).
    pub seed: u64,
    /// Training settings and step count.
    pub train: TrainConfig,
    /// View options.
    pub view: ViewConfig,
    /// Embed flag and hide list.
    pub embed: EmbedConfig,
    /// The lesson this state came from (its caption is shown), if any.
    pub lesson: Option<Lesson>,
    /// The comparison shown beside the main view, if any.
    pub compare: Option<Compare>,
}

impl Default for Config {
    /// The app's first view: 1,000 two-moons points, 16 planar layers initialised from seed 1,
    /// the engine's maximum-likelihood hyper-parameters, the last stage of [−4, 4]².
    fn default() -> Self {
        let preset = PresetInfo::new(Preset::TwoMoons);
        let kinds = Config::default_kinds();
        let view = ViewConfig::for_layers(kinds.len());
        Config {
            version: FORMAT_VERSION,
            mode: Mode::Points(Some(preset)),
            points: preset.generate(),
            kinds,
            params: Vec::new(),
            seed: 1,
            train: TrainConfig::default(),
            view,
            embed: EmbedConfig::default(),
            lesson: None,
            compare: None,
        }
    }
}

/// Link name of a preset (`moons`, `8gaussians`, …).
pub fn preset_slug(p: Preset) -> &'static str {
    match p {
        Preset::TwoMoons => "moons",
        Preset::EightGaussians => "8gaussians",
        Preset::Circles => "circles",
        Preset::Rings => "rings",
        Preset::Pinwheel => "pinwheel",
        Preset::TwoSpirals => "spirals",
        Preset::Checkerboard => "checkerboard",
        Preset::SwissRoll => "swissroll",
    }
}

/// Link name of an energy (`u1` … `u4`).
pub fn energy_slug(e: Energy) -> &'static str {
    match e {
        Energy::U1 => "u1",
        Energy::U2 => "u2",
        Energy::U3 => "u3",
        Energy::U4 => "u4",
    }
}

impl Config {
    /// Number of layers `K`.
    pub fn k(&self) -> usize {
        self.kinds.len()
    }

    /// The raw parameters to load: `params` if they match the stack, else the seeded
    /// initialisation.
    pub fn params_or_init(&self) -> Vec<f64> {
        if !self.params.is_empty() && self.params.len() == n_params(&self.kinds) {
            self.params.clone()
        } else {
            init_params(&self.kinds, Init::Default, self.seed)
        }
    }

    /// The default layer kinds (16 planar).
    pub(crate) fn default_kinds() -> Vec<LayerKind> {
        vec![LayerKind::Planar; 16]
    }
}
