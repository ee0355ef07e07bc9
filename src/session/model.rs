//! [`Session`]: the trainer, what it is fitted to, and the settings — one owner for each.
//!
//! - The stack (kinds, raw parameters) and its seed live in the [`Trainer`]; [`Session::k`],
//!   [`Session::seed`] and [`pattern_of`] read them back, so no copy can disagree.
//! - The target lives in [`Session::mode`]: a preset cloud and how it was generated, drawn (or
//!   imported, or edited) points, or one of the paper's energies. Editing a preset's points makes
//!   them drawn points (they are no longer what the preset generates).
//! - Learning rate, batch and clipping live in the trainer's [`Hyper`]; annealing here (it
//!   belongs to the energy objective, but is kept while the target is a point cloud).
//!
//! Every change is a method; each returns what the user must be told (`Err(message)`), never
//! panics on user data.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::core::{
    Annealing, EnergyTarget, Flow, Hyper, Init, Layer, LayerKind, LrSchedule, Objective, Points,
    Preset, Probe, Progress, StackPattern, Trainer, Vec2, Workspace,
};
use crate::render::overlay::{base_grid, Polylines};
use crate::state::{ImportMode, Mode, PresetInfo, Warning};

use super::train_job::{run_while, Turns};
use super::training::{Divergence, TrainReport};

/// Every `HELDOUT_EVERY`-th point is held out for evaluation (a stable split as points are added).
pub const HELDOUT_EVERY: usize = 5;
/// Most points a session keeps (the brush refuses more, with a notice).
pub const MAX_POINTS: usize = crate::state::MAX_POINTS;
/// Largest learning rate the field accepts: the link's range (`state/ranges.rs`, `LR`).
pub const LR_INPUT_MAX: f64 = crate::state::LR_MAX;
/// Particles that ride along the flow.
const N_PARTICLES: usize = 500;

/// What the flow fits, as the target menu names it.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetChoice {
    /// A preset point cloud.
    Preset(Preset),
    /// Points drawn by hand, imported, or an edited preset.
    Drawn,
    /// One of the paper's energies, or a typed one.
    Energy(EnergyTarget),
}

impl TargetChoice {
    /// The menu entry of a session mode.
    pub fn of(mode: &Mode) -> Self {
        match mode {
            Mode::Points(Some(info)) => TargetChoice::Preset(info.preset),
            Mode::Points(None) => TargetChoice::Drawn,
            Mode::Energy(e) => TargetChoice::Energy(e.clone()),
        }
    }
}

/// The stack pattern that `kinds` follow (`Custom` if none of the named ones).
pub fn pattern_of(kinds: &[LayerKind]) -> StackPattern {
    let k = kinds.len();
    StackPattern::PRESETS
        .into_iter()
        .find(|p| p.kinds(k) == kinds)
        .unwrap_or_else(|| StackPattern::Custom(kinds.to_vec()))
}

/// The kinds of a `k`-layer stack in the pattern of `kinds`: a named pattern at the new depth; a
/// custom list cut short, or lengthened with copies of its last kind.
pub fn resized(kinds: &[LayerKind], k: usize) -> Vec<LayerKind> {
    match pattern_of(kinds) {
        StackPattern::Custom(mut v) => {
            let last = v.last().copied().unwrap_or(LayerKind::Planar);
            v.resize(k, last);
            v
        }
        named => named.kinds(k),
    }
}

/// The schedule `β_t = min(1, 0.01 + t/steps)` if `on`, else β = 1.
pub fn annealing_of(on: bool, steps: u32) -> Annealing {
    if on {
        Annealing::Linear {
            start: 0.01,
            steps: u64::from(steps.max(1)),
        }
    } else {
        Annealing::Off
    }
}

/// The engine's defaults for a target, with the given learning rate and batch.
pub fn hyper_for(mode: &Mode, lr: f64, batch: usize) -> Hyper {
    let mut h = match mode {
        Mode::Points(_) => Hyper::ml_default(),
        Mode::Energy(_) => Hyper::energy_default(),
    };
    h.lr = lr;
    h.batch = batch;
    h
}

/// The engine's default hyper-parameters for a target.
fn default_hyper(mode: &Mode) -> Hyper {
    match mode {
        Mode::Points(_) => Hyper::ml_default(),
        Mode::Energy(_) => Hyper::energy_default(),
    }
}

/// The whole non-reactive session.
pub struct Session {
    trainer: Trainer,
    mode: Mode,
    points: Vec<Vec2>,
    data_problem: Option<String>,
    anneal: bool,
    anneal_steps: u32,
    particles: (Vec<f64>, Vec<f64>),
    grid: Polylines,
    brush_rng: SmallRng,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// The app's first view ([`crate::state::Config::default`]): 1,000 two-moons points,
    /// planar K = 16 from seed 1.
    pub fn new() -> Self {
        let cfg = crate::state::Config::default();
        let mode = cfg.mode.clone();
        let points = cfg.points.clone();
        let hyper = hyper_for(&mode, cfg.train.lr, cfg.train.batch);
        let objective = objective_of(&mode, &points, annealing_of(true, cfg.train.anneal_steps));
        let trainer = Trainer::new(&cfg.kinds, Init::Default, objective, hyper, cfg.seed)
            // (Not `expect`: that would ship `TrainError`'s `Debug` for a case that cannot happen.)
            .unwrap_or_else(|_| panic!("the default preset is valid training data"));
        let mut rng = SmallRng::seed_from_u64(0xF10F);
        let (mut px, mut py) = (vec![0.0; N_PARTICLES], vec![0.0; N_PARTICLES]);
        for i in 0..N_PARTICLES {
            let [a, b] = crate::core::num::normal_pair(&mut rng);
            px[i] = a;
            py[i] = b;
        }
        Session {
            trainer,
            mode,
            points,
            data_problem: None,
            anneal: cfg.train.anneal,
            anneal_steps: cfg.train.anneal_steps,
            particles: (px, py),
            grid: base_grid(17, 4.0, 96),
            brush_rng: SmallRng::seed_from_u64(0xB2057),
        }
    }

    // ---- reading ----

    /// Model, optimiser, objective and loss history.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The flow.
    pub fn flow(&self) -> &Flow {
        self.trainer.flow()
    }

    /// Number of layers.
    pub fn k(&self) -> usize {
        self.trainer.flow().len()
    }

    /// The model seed (initialisation and the trainer's RNG).
    pub fn seed(&self) -> u64 {
        self.trainer.seed()
    }

    /// What the flow is fitted to.
    pub fn mode(&self) -> Mode {
        self.mode.clone()
    }

    /// The energy fitted, if the target is one.
    pub fn energy(&self) -> Option<&EnergyTarget> {
        match &self.mode {
            Mode::Energy(e) => Some(e),
            Mode::Points(_) => None,
        }
    }

    /// All points (the training and held-out split is derived, see [`HELDOUT_EVERY`]).
    pub fn points(&self) -> &[Vec2] {
        &self.points
    }

    /// Why the current points cannot be trained on, if they cannot.
    pub fn data_problem(&self) -> Option<&str> {
        self.data_problem.as_deref()
    }

    /// Annealing on, and its length in steps.
    pub fn anneal(&self) -> (bool, u32) {
        (self.anneal, self.anneal_steps)
    }

    /// The learning rate.
    pub fn lr(&self) -> f64 {
        self.trainer.hyper().lr
    }

    /// The minibatch size.
    pub fn batch(&self) -> usize {
        self.trainer.hyper().batch
    }

    /// Entropy floor (best possible NLL) while the points are an unedited preset at its default
    /// noise.
    pub fn preset_floor(&self) -> Option<f64> {
        match &self.mode {
            Mode::Points(Some(info))
                if (info.noise - info.preset.default_noise()).abs() < 1e-12 =>
            {
                Some(info.preset.entropy_floor())
            }
            _ => None,
        }
    }

    /// Base-space particles (fixed, so they move smoothly between stages).
    pub fn particles(&self) -> (&[f64], &[f64]) {
        (&self.particles.0, &self.particles.1)
    }

    /// The base-space grid whose image is the warped grid.
    pub fn grid(&self) -> &Polylines {
        &self.grid
    }

    // ---- the model ----

    /// A new stack of `kinds` with fresh weights from `seed`, step 0. Keeps a model on screen if
    /// the data cannot be trained on, and says why.
    pub fn set_stack(&mut self, kinds: &[LayerKind], seed: u64) -> Result<(), String> {
        let hyper = *self.trainer.hyper();
        self.rebuild(kinds, seed, hyper)
    }

    /// `k` layers in the current stack's pattern (a custom stack is cut short or lengthened with
    /// its last kind), fresh weights from the current seed.
    pub fn set_depth(&mut self, k: usize) -> Result<(), String> {
        let kinds = resized(self.flow().kinds(), k);
        self.set_stack(&kinds, self.seed())
    }

    /// The layers themselves (a new shape: added, removed, reordered): every parameter carried
    /// over, Adam's moments and the step count restarted.
    pub fn set_layers(&mut self, layers: &[Layer]) -> Result<(), String> {
        let kinds: Vec<LayerKind> = layers.iter().map(|l| l.kind()).collect();
        let params: Vec<f64> = layers.iter().flat_map(|l| l.params()).collect();
        self.set_model(&kinds, &params)
    }

    /// A stack of `kinds` with exactly these raw parameters (an imported model), keeping the
    /// target and settings.
    pub fn set_model(&mut self, kinds: &[LayerKind], params: &[f64]) -> Result<(), String> {
        let mut t = Trainer::new(
            kinds,
            Init::Default,
            self.trainer.objective().clone(),
            for_stack(kinds, &self.mode, *self.trainer.hyper()),
            self.seed(),
        )
        .map_err(|e| e.to_string())?;
        if !t.set_params(params) {
            return Err("the parameters do not fit the stack".into());
        }
        self.trainer = t;
        Ok(())
    }

    /// Writes layer `i` (same kind) into the trainer; Adam's moments are kept, so training
    /// continues from the edited values. False if `i` or the kind does not match.
    pub fn set_layer(&mut self, i: usize, layer: &Layer) -> bool {
        let flow = self.trainer.flow();
        if i >= flow.len() || flow.kinds()[i] != layer.kind() {
            return false;
        }
        let range = flow.param_range(i);
        layer.write_params(&mut self.trainer.params_mut()[range]);
        true
    }

    /// Replaces every raw parameter (a link's exact values); false if the count differs.
    pub fn set_params(&mut self, params: &[f64]) -> bool {
        self.trainer.set_params(params)
    }

    /// Sets the step count (a link's `step`).
    pub fn set_step_count(&mut self, step: u64) {
        self.trainer.set_step_count(step);
    }

    /// What training has learned besides the parameters (for undo).
    pub fn progress(&self) -> Progress {
        self.trainer.progress()
    }

    /// Puts back [`Session::progress`] taken from a stack of the same size; false if it does
    /// not fit (nothing changes).
    pub fn restore_progress(&mut self, p: &Progress) -> bool {
        self.trainer.restore_progress(p)
    }

    // ---- the target and settings ----

    /// Fit `mode` instead: a preset generates its points, "drawn" starts empty, an energy keeps
    /// the points (unused). The target's default learning rate and batch; fresh weights.
    pub fn set_target(&mut self, mode: Mode) -> Result<(), String> {
        let mode = match mode {
            Mode::Points(Some(info)) => {
                let info = PresetInfo {
                    n: info.n.clamp(1, MAX_POINTS),
                    ..info
                };
                self.points = info.generate();
                Mode::Points(Some(info))
            }
            Mode::Points(None) => {
                self.points.clear();
                mode
            }
            Mode::Energy(_) => mode,
        };
        let kinds = self.flow().kinds().to_vec();
        let hyper = default_hyper(&mode);
        self.mode = mode;
        self.rebuild(&kinds, self.seed(), hyper)
    }

    /// A new learning rate (kept across rebuilds until the target changes). Up to
    /// [`LR_INPUT_MAX`]: absurd values are allowed on purpose, to show divergence.
    pub fn set_lr(&mut self, lr: f64) -> Result<(), String> {
        if !(lr.is_finite() && lr > 0.0 && lr <= LR_INPUT_MAX) {
            return Err(format!("use a positive number up to {LR_INPUT_MAX:e}"));
        }
        let h = Hyper {
            lr,
            ..*self.trainer.hyper()
        };
        self.trainer.set_hyper(h).map_err(|e| e.to_string())
    }

    /// A new minibatch size, within the memory budget for the stack (`state::max_batch`).
    pub fn set_batch(&mut self, batch: usize) -> Result<(), String> {
        let most = crate::state::max_batch(self.flow().kinds());
        if batch > most {
            return Err(format!(
                "a batch of {batch} would need more memory than a page may use to train this stack; at most {most}"
            ));
        }
        let h = Hyper {
            batch,
            ..*self.trainer.hyper()
        };
        self.trainer.set_hyper(h).map_err(|e| e.to_string())
    }

    /// Annealing on or off and its length: the objective changes, so the model restarts.
    pub fn set_anneal(&mut self, on: bool, steps: u32) -> Result<(), String> {
        self.anneal = on;
        self.anneal_steps = steps.max(1);
        let kinds = self.flow().kinds().to_vec();
        self.rebuild(&kinds, self.seed(), *self.trainer.hyper())
    }

    // ---- the points ----

    /// Sprays `count` points uniformly in a disc of `radius` around `at`. False (nothing added)
    /// if that would exceed [`MAX_POINTS`].
    pub fn spray(&mut self, at: Vec2, radius: f64, count: usize) -> bool {
        if self.points.len() + count > MAX_POINTS {
            return false;
        }
        for _ in 0..count {
            let r = radius * self.brush_rng.random::<f64>().sqrt();
            let a = std::f64::consts::TAU * self.brush_rng.random::<f64>();
            self.points.push([at[0] + r * a.cos(), at[1] + r * a.sin()]);
        }
        true
    }

    /// Removes every point within `radius` of `at`; returns how many were removed.
    pub fn erase(&mut self, at: Vec2, radius: f64) -> usize {
        let before = self.points.len();
        let r2 = radius * radius;
        self.points
            .retain(|p| (p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2) > r2);
        before - self.points.len()
    }

    /// Removes every point.
    pub fn clear_points(&mut self) {
        self.points.clear();
        self.points_edited();
    }

    /// Imported points join (or replace) the current ones; the target becomes "drawn". Returns
    /// the cap warning, if some were left out.
    pub fn import_points(&mut self, imported: &[Vec2], how: ImportMode) -> Option<Warning> {
        let (merged, cap) = crate::state::merge_points(&self.points, imported, how);
        self.points = merged;
        if self.mode != Mode::Points(None) {
            // A new target: fresh weights (the user's learning rate stays if it was points).
            let hyper = match self.mode {
                Mode::Points(_) => *self.trainer.hyper(),
                Mode::Energy(_) => default_hyper(&Mode::Points(None)),
            };
            self.mode = Mode::Points(None);
            let kinds = self.flow().kinds().to_vec();
            let _ = self.rebuild(&kinds, self.seed(), hyper);
        } else {
            self.points_edited();
        }
        cap
    }

    /// The points were edited (a brush stroke, an erase): they are drawn points now, handed to
    /// the trainer keeping its weights — or the reason they cannot be trained on is recorded.
    pub fn points_edited(&mut self) {
        if let Mode::Points(Some(_)) = self.mode {
            self.mode = Mode::Points(None);
        }
        if let Mode::Points(_) = self.mode {
            let objective = self.objective();
            match self.trainer.set_objective(objective) {
                Ok(()) => self.data_problem = None,
                Err(e) => self.data_problem = Some(e.to_string()),
            }
        }
    }

    /// The benchmark's `train` scenario: every point trains, `heldout` evaluates.
    pub fn fit_all_points(&mut self, heldout: Points) -> Result<(), String> {
        let train = Points::from_pairs(&self.points);
        self.trainer
            .set_objective(Objective::MaxLikelihood { train, heldout })
            .map_err(|e| e.to_string())
    }

    // ---- training ----

    /// Trains while `keep_going()` (checked before every step), timing the steps by `clock`
    /// (seconds). A divergence restores the last good parameters and halves the learning rate
    /// (reported).
    pub fn train_while(
        &mut self,
        clock: impl FnMut() -> f64,
        keep_going: impl FnMut() -> bool,
    ) -> TrainReport {
        self.train_until(None, clock, keep_going).0
    }

    /// [`Session::train_while`], stopping at step `until` (if given); also says whether the
    /// trainer can go on (false: the limit is reached, or the learning rate is too small).
    pub fn train_until(
        &mut self,
        until: Option<u64>,
        clock: impl FnMut() -> f64,
        keep_going: impl FnMut() -> bool,
    ) -> (TrainReport, bool) {
        if self.data_problem.is_some() {
            return (TrainReport::default(), false);
        }
        let r = run_while(
            &mut [&mut self.trainer],
            &mut 0,
            until,
            Turns::Steps,
            clock,
            keep_going,
        );
        let report = TrainReport {
            steps: r.steps,
            diverged: r.diverged.first().map(|d| d.1),
        };
        (report, !r.done)
    }

    /// Puts the worker's snapshot of the main flow into the trainer (`ui/worker`): all of it,
    /// or nothing if it does not fit.
    pub fn apply_snapshot(
        &mut self,
        s: &super::worker_protocol::Snapshot,
    ) -> Result<(), crate::core::words::Malformed> {
        s.apply(&mut [&mut self.trainer], &mut 0)
    }

    /// One training step.
    pub fn step(&mut self) -> TrainReport {
        if self.data_problem.is_some() {
            return TrainReport::default();
        }
        let summary = self.trainer.run_steps(1);
        self.report(summary.steps, summary.diverged)
    }

    fn report(
        &mut self,
        steps: usize,
        diverged: Option<crate::core::DivergenceReason>,
    ) -> TrainReport {
        TrainReport {
            steps,
            diverged: diverged.map(|reason| Divergence {
                reason,
                lr: self.trainer.halve_lr(),
            }),
        }
    }

    /// Back to the seeded initial weights (bit-identical for the same seed), step 0.
    pub fn reset(&mut self) {
        self.trainer.reset();
    }

    // ---- queries ----

    /// Pulls a point given at stage `s` back to the base space (stage 0).
    pub fn pull_back(&self, s: f64, x: Vec2) -> Option<Vec2> {
        self.trainer.flow().pull_back(s, x)
    }

    /// The probe ledger of the base point `z0` carried to the model stage, and the batch
    /// density there (the ledger's total must equal it).
    pub fn probe(&self, z0: Vec2, ws: &mut Workspace) -> Option<(Probe, f64)> {
        let flow = self.trainer.flow();
        let (mut x, mut y) = ([z0[0]], [z0[1]]);
        flow.push_to_stage(flow.len() as f64, &mut x, &mut y, ws);
        let p = flow.probe([x[0], y[0]])?;
        let mut batch = [0.0];
        flow.log_density(flow.len() as f64, &x, &y, &mut batch, ws);
        Some((p, batch[0]))
    }

    // ---- internals ----

    /// The objective for the current target, points and annealing.
    pub(crate) fn objective(&self) -> Objective {
        objective_of(
            &self.mode,
            &self.points,
            annealing_of(self.anneal, self.anneal_steps),
        )
    }

    /// A fresh trainer; on unusable data, the same shape with the last valid objective.
    pub(crate) fn rebuild(
        &mut self,
        kinds: &[LayerKind],
        seed: u64,
        hyper: Hyper,
    ) -> Result<(), String> {
        let hyper = for_stack(kinds, &self.mode, hyper);
        match Trainer::new(kinds, Init::Default, self.objective(), hyper, seed) {
            Ok(t) => {
                self.trainer = t;
                self.data_problem = None;
                Ok(())
            }
            Err(e) => {
                let msg = e.to_string();
                let old = self.trainer.objective().clone();
                if let Ok(t) = Trainer::new(kinds, Init::Default, old, hyper, seed) {
                    self.trainer = t;
                }
                self.data_problem = Some(msg.clone());
                Err(msg)
            }
        }
    }

    /// Sets the fields a link config restores before its rebuild.
    pub(crate) fn set_from_link(&mut self, mode: Mode, points: Vec<Vec2>, anneal: (bool, u32)) {
        self.mode = mode;
        self.points = points;
        self.anneal = anneal.0;
        self.anneal_steps = anneal.1.max(1);
    }
}

/// `hyper` for a stack of `kinds` on the target `mode`: its batch cut to what the memory budget
/// allows (a deeper or heavier stack may train on fewer points at a time; the Train panel shows
/// the batch in use), and the schedule of the stack's training. Flow matching keeps its rate
/// constant, as in the reference fits (docs/maths/continuous.md, "Flow matching"): a cosine
/// decay over the app's 4,000 steps would stop it after ten seconds of a run that wants twenty
/// thousand steps.
fn for_stack(kinds: &[LayerKind], mode: &Mode, hyper: Hyper) -> Hyper {
    let flow_matching = matches!(mode, Mode::Points(_))
        && matches!(kinds, [LayerKind::Cnf(s)] if s.field == crate::core::cnf::CnfField::Mlp);
    Hyper {
        batch: hyper.batch.min(crate::state::max_batch(kinds)),
        schedule: if flow_matching {
            LrSchedule::Constant
        } else {
            default_hyper(mode).schedule
        },
        ..hyper
    }
}

fn objective_of(mode: &Mode, points: &[Vec2], annealing: Annealing) -> Objective {
    match mode {
        Mode::Energy(energy) => Objective::Energy {
            energy: energy.clone(),
            annealing,
        },
        Mode::Points(_) => {
            let (mut train, mut heldout) = (Points::with_capacity(points.len()), Points::default());
            for (i, p) in points.iter().enumerate() {
                if i % HELDOUT_EVERY == HELDOUT_EVERY - 1 {
                    heldout.push(*p);
                } else {
                    train.push(*p);
                }
            }
            Objective::MaxLikelihood { train, heldout }
        }
    }
}
