//! [`Config`]: the plain data a shared link must reproduce, with the defaults of the app's
//! first view, the ranges every field must lie in, and [`Config::sanitize`], which repairs any
//! config into one that satisfies [`Config::check`].
//!
//! Invariants (what `check` verifies, and what every decoded config satisfies):
//! - at most [`MAX_LAYERS`] layers; `params` is empty (⇒ initialise from `seed`) or has exactly
//!   the stack's parameter count (`LayerKind::n_params`: planar 5, radial 4, Sylvester 9, affine
//!   coupling 1,186, spline coupling 1,879, scale 4 per layer), all finite and within
//!   ±`RAW_PARAM_LIMIT`;
//! - at most [`MAX_POINTS`] points, all finite and inside the box `±COORD_LIMIT`;
//! - every number finite and inside its documented range; `stage ∈ [0, K]`;
//! - hide-list entries are identifiers `[a-z0-9-]{1,32}`, at most [`MAX_HIDE`], no duplicates.

use crate::core::layer::RAW_PARAM_LIMIT;
use crate::core::points::COORD_LIMIT;
use crate::core::{init_params, Energy, Hyper, Init, LayerKind, Preset};

use super::layers_codec::n_params;
use super::lessons::{Compare, Lesson};
use super::text::{fmt_f64, is_identifier, quote};
use super::warning::{Warning, Warnings};

/// Version of the link format written by [`crate::state::encode`] (the `v` key).
pub const FORMAT_VERSION: u32 = 1;
/// Most layers a config may hold (`K ∈ 0..=64`).
pub const MAX_LAYERS: usize = 64;
/// Most points a config (or an import) may hold.
pub const MAX_POINTS: usize = 20_000;
/// Most entries in the hide list.
pub const MAX_HIDE: usize = 32;
/// Largest learning rate (the range is `(0, LR_MAX]`; large values are allowed on purpose, to
/// show divergence).
pub const LR_MAX: f64 = 10.0;
/// Largest minibatch (the range is `1..=BATCH_MAX`).
pub const BATCH_MAX: usize = 8192;
/// Most training steps per animation frame (`1..=STEPS_PER_FRAME_MAX`).
pub const STEPS_PER_FRAME_MAX: u32 = 1000;
/// Largest gradient-clip threshold (`(0, CLIP_MAX]`, or off).
pub const CLIP_MAX: f64 = 1e6;
/// The paper's annealing length: β reaches 1 after 10,000 steps.
pub const ANNEAL_STEPS_PAPER: u32 = 10_000;
/// The fast schedule the lessons use (β = 1 after 1,500 steps).
pub const ANNEAL_STEPS_FAST: u32 = 1_500;
/// Allowed annealing lengths.
pub const ANNEAL_STEPS_RANGE: (u32, u32) = (10, 1_000_000);
/// Largest preset noise (`[0, NOISE_MAX]`).
pub const NOISE_MAX: f64 = 10.0;
/// Largest animation speed (`(0, SPEED_MAX]`, stages per second).
pub const SPEED_MAX: f64 = 100.0;
/// View half-extent range.
pub const HALF_EXTENT_RANGE: (f64, f64) = (1e-3, 1e4);

/// A preset point cloud and how it was generated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresetInfo {
    /// Which generator.
    pub preset: Preset,
    /// Number of points (`1..=MAX_POINTS`).
    pub n: usize,
    /// Jitter standard deviation (`[0, NOISE_MAX]`).
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
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Maximum likelihood on `Config::points`, which came from a preset (`Some`) or were drawn
    /// or imported (`None`).
    Points(Option<PresetInfo>),
    /// Reverse KL to one of the paper's energies (`Config::points` is kept but unused).
    Energy(Energy),
}

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Adam learning rate, `(0, LR_MAX]`.
    pub lr: f64,
    /// Minibatch size, `1..=BATCH_MAX`.
    pub batch: usize,
    /// Training steps per animation frame, `1..=STEPS_PER_FRAME_MAX`.
    pub steps_per_frame: u32,
    /// Anneal the energy term's β (energy mode only).
    pub anneal: bool,
    /// Steps over which β rises from 0.01 to 1 when annealing (`ANNEAL_STEPS_RANGE`; the
    /// paper's 10,000, or a faster schedule for a lecture).
    pub anneal_steps: u32,
    /// Global-norm gradient clipping, `(0, CLIP_MAX]`, or `None` for off.
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
            steps_per_frame: 5,
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
}

impl Overlays {
    /// Overlay names as used in the link's `show` list, in order.
    pub const NAMES: [&'static str; 6] =
        ["grid", "particles", "data", "contours", "volume", "stretch"];

    /// The flag called `name`, if there is one.
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "grid" => Some(&mut self.grid),
            "particles" => Some(&mut self.particles),
            "data" => Some(&mut self.data),
            "contours" => Some(&mut self.contours),
            "volume" => Some(&mut self.volume),
            "stretch" => Some(&mut self.stretch),
            _ => None,
        }
    }

    /// The flags in the order of [`Overlays::NAMES`].
    pub fn flags(&self) -> [bool; 6] {
        [
            self.grid,
            self.particles,
            self.data,
            self.contours,
            self.volume,
            self.stretch,
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
    /// Animation speed in stages per second, `(0, SPEED_MAX]`.
    pub speed: f64,
    /// The animation loops.
    pub looping: bool,
    /// Overlays drawn.
    pub overlays: Overlays,
    /// Density scale.
    pub scale: Scale,
    /// Centre of the view window (each coordinate within ±`COORD_LIMIT`).
    pub center: [f64; 2],
    /// Half-width of the view window, within [`HALF_EXTENT_RANGE`].
    pub half_extent: f64,
    /// The layer open in the layer editor (0-based, `< K`): its handles show at its input stage.
    pub selected: Option<usize>,
}

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

// Field validity, shared by `check`, `sanitize` and the fragment decoder.
pub(crate) fn lr_ok(v: f64) -> bool {
    v > 0.0 && v <= LR_MAX
}
pub(crate) fn batch_ok(v: usize) -> bool {
    (1..=BATCH_MAX).contains(&v)
}
pub(crate) fn spf_ok(v: u32) -> bool {
    (1..=STEPS_PER_FRAME_MAX).contains(&v)
}
pub(crate) fn anneal_steps_ok(v: u32) -> bool {
    (ANNEAL_STEPS_RANGE.0..=ANNEAL_STEPS_RANGE.1).contains(&v)
}
pub(crate) fn clip_ok(v: Option<f64>) -> bool {
    v.is_none_or(|c| c > 0.0 && c <= CLIP_MAX)
}
pub(crate) fn noise_ok(v: f64) -> bool {
    (0.0..=NOISE_MAX).contains(&v)
}
pub(crate) fn n_ok(v: usize) -> bool {
    (1..=MAX_POINTS).contains(&v)
}
pub(crate) fn speed_ok(v: f64) -> bool {
    v > 0.0 && v <= SPEED_MAX
}
pub(crate) fn center_ok(v: f64) -> bool {
    v.abs() <= COORD_LIMIT
}
pub(crate) fn half_ok(v: f64) -> bool {
    (HALF_EXTENT_RANGE.0..=HALF_EXTENT_RANGE.1).contains(&v)
}
pub(crate) fn point_ok(p: &[f64; 2]) -> bool {
    p.iter().all(|v| v.abs() <= COORD_LIMIT)
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

    /// `Ok` if every invariant of the module docs holds, else the first violation.
    pub fn check(&self) -> Result<(), String> {
        let fail = |what: &str| Err(what.to_string());
        if self.version != FORMAT_VERSION {
            return fail("version");
        }
        if let Mode::Points(Some(p)) = &self.mode {
            if !n_ok(p.n) || !noise_ok(p.noise) {
                return fail("preset n/noise");
            }
        }
        if self.points.len() > MAX_POINTS || !self.points.iter().all(point_ok) {
            return fail("points");
        }
        if self.kinds.len() > MAX_LAYERS {
            return fail("K");
        }
        if !self.params.is_empty()
            && (self.params.len() != n_params(&self.kinds)
                || !self.params.iter().all(|p| p.abs() <= RAW_PARAM_LIMIT))
        {
            return fail("params");
        }
        let t = &self.train;
        if !(lr_ok(t.lr)
            && batch_ok(t.batch)
            && spf_ok(t.steps_per_frame)
            && clip_ok(t.clip)
            && anneal_steps_ok(t.anneal_steps))
        {
            return fail("training settings");
        }
        let v = &self.view;
        if !(0.0..=self.k() as f64).contains(&v.stage) {
            return fail("stage");
        }
        if v.selected.is_some_and(|i| i >= self.k()) {
            return fail("selected layer");
        }
        if !(speed_ok(v.speed)
            && center_ok(v.center[0])
            && center_ok(v.center[1])
            && half_ok(v.half_extent))
        {
            return fail("view");
        }
        let h = &self.embed.hide;
        if h.len() > MAX_HIDE
            || !h.iter().all(|s| is_identifier(s))
            || h.iter().enumerate().any(|(i, s)| h[..i].contains(s))
        {
            return fail("hide");
        }
        Ok(())
    }

    /// Repairs every broken invariant (a bad value goes back to its default, out-of-box points
    /// are clamped, mismatched parameters are dropped so the app re-initialises them from the
    /// seed) and says what it changed. Idempotent; afterwards [`Config::check`] holds.
    pub fn sanitize(&mut self) -> Vec<Warning> {
        let mut w = Warnings::default();
        self.sanitize_into(&mut w);
        w.finish()
    }

    pub(crate) fn sanitize_into(&mut self, w: &mut Warnings) {
        self.version = FORMAT_VERSION;
        if let Mode::Points(Some(p)) = &mut self.mode {
            if !n_ok(p.n) {
                w.add(
                    "n",
                    format!("ignored n = {}: a preset has 1 to {MAX_POINTS} points", p.n),
                );
                p.n = p.n.clamp(1, MAX_POINTS);
            }
            if !noise_ok(p.noise) {
                w.add(
                    "noise",
                    format!(
                        "ignored noise = {}: must be between 0 and {NOISE_MAX}",
                        fmt_f64(p.noise)
                    ),
                );
                p.noise = p.preset.default_noise();
            }
        }
        let before = self.points.len();
        self.points.retain(|p| p[0].is_finite() && p[1].is_finite());
        if self.points.len() < before {
            w.add(
                "pts",
                format!(
                    "dropped {} points with non-finite coordinates",
                    before - self.points.len()
                ),
            );
        }
        if self.points.len() > MAX_POINTS {
            w.add(
                "pts",
                format!(
                    "kept the first {MAX_POINTS} of {} points",
                    self.points.len()
                ),
            );
            self.points.truncate(MAX_POINTS);
        }
        let outside = self.points.iter().filter(|p| !point_ok(p)).count();
        if outside > 0 {
            w.add(
                "pts",
                format!("clamped {outside} points to the box ±{COORD_LIMIT}"),
            );
            for p in &mut self.points {
                for v in p.iter_mut() {
                    *v = v.clamp(-COORD_LIMIT, COORD_LIMIT);
                }
            }
        }
        if self.kinds.len() > MAX_LAYERS {
            w.add(
                "layers",
                format!("kept the first {MAX_LAYERS} of {} layers", self.kinds.len()),
            );
            self.kinds.truncate(MAX_LAYERS);
        }
        if !self.params.is_empty() {
            let need = n_params(&self.kinds);
            if self.params.len() != need {
                w.add(
                    "params",
                    format!(
                        "ignored the parameters: {} values for {} layers that need {need}; they will be re-initialised from the seed",
                        self.params.len(),
                        self.kinds.len()
                    ),
                );
                self.params.clear();
            } else if !self.params.iter().all(|p| p.is_finite()) {
                w.add("params", "ignored the parameters: some are not finite; they will be re-initialised from the seed");
                self.params.clear();
            } else if !self.params.iter().all(|p| p.abs() <= RAW_PARAM_LIMIT) {
                w.add(
                    "params",
                    format!("clamped parameters beyond ±{RAW_PARAM_LIMIT:e}"),
                );
                for p in &mut self.params {
                    *p = p.clamp(-RAW_PARAM_LIMIT, RAW_PARAM_LIMIT);
                }
            }
        }
        let d = TrainConfig::default();
        let t = &mut self.train;
        if !lr_ok(t.lr) {
            w.add(
                "lr",
                format!("ignored lr = {}: must be in (0, {LR_MAX}]", fmt_f64(t.lr)),
            );
            t.lr = d.lr;
        }
        if !batch_ok(t.batch) {
            w.add(
                "batch",
                format!("ignored batch = {}: must be 1 to {BATCH_MAX}", t.batch),
            );
            t.batch = d.batch;
        }
        if !spf_ok(t.steps_per_frame) {
            w.add(
                "spf",
                format!(
                    "ignored spf = {}: must be 1 to {STEPS_PER_FRAME_MAX}",
                    t.steps_per_frame
                ),
            );
            t.steps_per_frame = d.steps_per_frame;
        }
        if !anneal_steps_ok(t.anneal_steps) {
            w.add(
                "asteps",
                format!(
                    "ignored asteps = {}: must be {} to {}",
                    t.anneal_steps, ANNEAL_STEPS_RANGE.0, ANNEAL_STEPS_RANGE.1
                ),
            );
            t.anneal_steps = d.anneal_steps;
        }
        if !clip_ok(t.clip) {
            w.add(
                "clip",
                format!(
                    "ignored clip = {}: must be in (0, {CLIP_MAX:e}] or off",
                    fmt_f64(t.clip.unwrap_or(f64::NAN))
                ),
            );
            t.clip = d.clip;
        }
        let k = self.kinds.len() as f64;
        let dv = ViewConfig::for_layers(self.kinds.len());
        let v = &mut self.view;
        if v.stage.is_nan() {
            w.add("stage", "ignored a stage that is not a number");
            v.stage = k;
        } else if !(0.0..=k).contains(&v.stage) {
            w.add(
                "stage",
                format!("stage {} is outside [0, {k}]; clamped", fmt_f64(v.stage)),
            );
            v.stage = v.stage.clamp(0.0, k);
        }
        if let Some(i) = v.selected.filter(|&i| i >= self.kinds.len()) {
            w.add(
                "sel",
                format!(
                    "ignored sel = {}: there are only {} layers",
                    i + 1,
                    self.kinds.len()
                ),
            );
            v.selected = None;
        }
        if !speed_ok(v.speed) {
            w.add(
                "speed",
                format!(
                    "ignored speed = {}: must be in (0, {SPEED_MAX}]",
                    fmt_f64(v.speed)
                ),
            );
            v.speed = dv.speed;
        }
        if !(center_ok(v.center[0]) && center_ok(v.center[1]) && half_ok(v.half_extent)) {
            w.add("view", "ignored a view window outside the allowed range");
            v.center = dv.center;
            v.half_extent = dv.half_extent;
        }
        let mut hide: Vec<String> = Vec::new();
        for h in std::mem::take(&mut self.embed.hide) {
            if !is_identifier(&h) {
                w.add(
                    "hide",
                    format!("ignored hide entry '{}': use a-z, 0-9 and -", quote(&h)),
                );
            } else if hide.len() >= MAX_HIDE {
                w.add(
                    "hide",
                    format!(
                        "ignored hide entry '{}': at most {MAX_HIDE} entries",
                        quote(&h)
                    ),
                );
            } else if !hide.contains(&h) {
                hide.push(h);
            }
        }
        self.embed.hide = hide;
    }
}
