//! The [`Trainer`]: a long-lived training session (flow + parameters, Adam moments, step count,
//! its own seeded `SmallRng`, objective, hyper-parameters, loss history).
//!
//! - The objective fixes the flow's direction: maximum likelihood trains a Normalizing flow
//!   (data → latent), an energy target a Generative one (base → model).
//! - A step never leaves NaN behind: a non-finite loss or gradient, non-finite parameters after
//!   the update, or any raw parameter beyond ±[`PARAM_EXPLODE`] restores the last good
//!   parameters **and** Adam moments and reports [`StepOutcome::Diverged`]; the caller decides
//!   (e.g. [`Trainer::halve_lr`] and continue). So does a minibatch loss more than
//!   [`LOSS_JUMP`] above the running mean of the accepted ones after an update that moved some
//!   parameter by more than [`WRECK_STEP`]: that update wrecked a finite model (an absurd
//!   learning rate moves every parameter by about the rate), and the parameters from before it
//!   come back. (A jump after a small update is a cliff of the loss, which training climbs down.)
//! - [`Trainer::reset`] re-creates the seeded initial parameters, moments, RNG and history
//!   bit-for-bit.
//! - Core has no clock: run `n` steps, or chunks while a caller-supplied `keep_going()` says so.
//!
//! Default settings (used by the fit-quality tests; see [`Hyper::ml_default`] and
//! [`Hyper::energy_default`]): ML batch 512, Adam 5e−3 with cosine decay to 5 % over 4000 steps,
//! clip 100; energy batch 256, Adam 5e−3 with cosine decay over 6000 steps, clip 100, β
//! annealed linearly from 0.01 over the first 1500 steps.

use std::fmt;

use rand::Rng;

use super::adam::clip_global_norm;
use super::cnf::fm_step::FmScratch;
use super::cnf::CnfField;
use super::energy_target::EnergyTarget;
use super::flow::{Direction, Flow, Workspace};
use super::history::{Eval, HistoryEntry};
use super::layer::LayerKind;
use super::num::fill_std_normal;
use super::objective::{evaluate_energy, mean_nll, ml_loss_grad, reverse_kl_loss_grad, Annealing};
use super::points::{validate, DataError, Points};
use super::stack::{init_params, Init};
use super::tape::Tape;

mod image;
mod progress;
pub use image::{ImageLimits, MAX_IMAGE_BATCH};
pub use progress::Progress;

/// Raw parameters beyond this magnitude count as divergence.
pub const PARAM_EXPLODE: f64 = 1e4;

/// How far (nats) a minibatch loss may rise above the running mean of the accepted losses before
/// the update that led to it counts as a divergence. Minibatch noise and the annealing schedule
/// move the loss by well under a nat a step.
pub const LOSS_JUMP: f64 = 20.0;

/// Steps after a divergence during which every update is also checked on its own minibatch (one
/// extra forward pass, `RECOVERY_RISE`): a halved but still absurd learning rate must never
/// leave a wrecked model in place, not even until the next step notices.
pub const RECOVERY_STEPS: u32 = 100;

/// During recovery, how far (nats) an update may raise the loss of the very minibatch it was
/// computed on: a gradient step at a sane rate lowers it.
pub const RECOVERY_RISE: f64 = 1.0;

/// The smallest update (the largest change of any raw parameter) that the two loss checks above
/// blame for a rise. Adam moves each parameter by about the learning rate (at most ~3×), so a
/// sane rate (the defaults are 1e−3 and 5e−3) moves them by ~0.01 at most, and a jump it meets
/// is a cliff of the loss itself — in reverse KL at lr 1e−3 one small step brings a planar layer
/// near its invertibility limit and a minibatch's loss from 5.6 to 36.8 nats; the next steps
/// climb down again, and rejecting that step (the same update each time) would stall training
/// for good. The rates that wreck a model (the halving cascade from 1e6 passes 61, 30, …) move
/// parameters by ≥ 0.2.
pub const WRECK_STEP: f64 = 0.1;

/// What the trainer minimises.
#[derive(Clone, Debug, PartialEq)]
pub enum Objective {
    /// Mean NLL of minibatches drawn with replacement from `train`; held-out NLL on `heldout`
    /// (may be empty).
    MaxLikelihood {
        /// Training points (validated).
        train: Points,
        /// Held-out points for evaluation.
        heldout: Points,
    },
    /// Reverse KL (free energy) to `exp(−U)`.
    Energy {
        /// The target.
        energy: EnergyTarget,
        /// `β` schedule.
        annealing: Annealing,
    },
}

impl Objective {
    /// The flow direction this objective trains.
    pub fn direction(&self) -> Direction {
        match self {
            Objective::MaxLikelihood { .. } => Direction::Normalizing,
            Objective::Energy { .. } => Direction::Generative,
        }
    }
}

/// Learning-rate schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LrSchedule {
    /// `lr` throughout.
    Constant,
    /// `lr·(floor + (1 − floor)·½(1 + cos(π·min(t, steps)/steps)))`.
    Cosine {
        /// Length of the decay.
        steps: u64,
        /// Final fraction of `lr`.
        floor: f64,
    },
}

/// Hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    /// Base learning rate (> 0).
    pub lr: f64,
    /// Minibatch size (≥ 1).
    pub batch: usize,
    /// Global-norm gradient clipping threshold.
    pub clip: Option<f64>,
    /// Learning-rate schedule.
    pub schedule: LrSchedule,
    /// Evaluate every this many steps (0 = never).
    pub eval_every: u64,
    /// Fresh samples per energy evaluation.
    pub eval_samples: usize,
}

impl Hyper {
    /// Maximum-likelihood defaults (planar K = 32 on FFJORD moons reaches ≈ 2.41 held-out nats in 4000 steps).
    pub fn ml_default() -> Self {
        Hyper {
            lr: 5e-3,
            batch: 512,
            clip: Some(100.0),
            schedule: LrSchedule::Cosine {
                steps: 4000,
                floor: 0.05,
            },
            eval_every: 100,
            eval_samples: 4096,
        }
    }

    /// Reverse-KL defaults.
    pub fn energy_default() -> Self {
        Hyper {
            lr: 5e-3,
            batch: 256,
            clip: Some(100.0),
            schedule: LrSchedule::Cosine {
                steps: 6000,
                floor: 0.05,
            },
            eval_every: 250,
            eval_samples: 4096,
        }
    }

    /// The learning rate at step `t`.
    pub fn lr_at(&self, t: u64) -> f64 {
        match self.schedule {
            LrSchedule::Constant => self.lr,
            LrSchedule::Cosine { steps, floor } => {
                let x = (t.min(steps) as f64) / steps.max(1) as f64;
                self.lr * (floor + (1.0 - floor) * 0.5 * (1.0 + (std::f64::consts::PI * x).cos()))
            }
        }
    }
}

/// The energy-objective annealing default of [`Hyper::energy_default`].
pub const ENERGY_ANNEALING_DEFAULT: Annealing = Annealing::Linear {
    start: 0.01,
    steps: 1500,
};

/// Why a trainer cannot be built or changed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrainError {
    /// The training points are unusable.
    Data(DataError),
    /// A hyper-parameter is out of range (message says which).
    Hyper(&'static str),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Data(e) => e.fmt(f),
            TrainError::Hyper(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<DataError> for TrainError {
    fn from(e: DataError) -> Self {
        TrainError::Data(e)
    }
}

/// Why a step was rolled back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DivergenceReason {
    /// The minibatch loss was NaN or infinite.
    NonFiniteLoss,
    /// Some gradient entry was NaN or infinite.
    NonFiniteGradient,
    /// The update produced NaN or infinite parameters.
    NonFiniteParams,
    /// The update pushed a raw parameter beyond ±[`PARAM_EXPLODE`].
    ParamsExploded {
        /// Largest `|parameter|` after the rejected update.
        max_abs: f64,
    },
    /// The loss jumped after an update: more than [`LOSS_JUMP`] above its running mean, or,
    /// just after a divergence, more than [`RECOVERY_RISE`] on the update's own minibatch.
    LossJumped {
        /// The reference loss (running mean, or the minibatch's before the update).
        from: f64,
        /// The loss after the rejected update.
        to: f64,
    },
}

impl fmt::Display for DivergenceReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DivergenceReason::NonFiniteLoss => write!(f, "the loss became NaN or infinite"),
            DivergenceReason::NonFiniteGradient => write!(f, "the gradient became NaN or infinite"),
            DivergenceReason::NonFiniteParams => {
                write!(f, "the update produced NaN or infinite parameters")
            }
            DivergenceReason::ParamsExploded { max_abs } => {
                write!(f, "a parameter jumped to {max_abs:.3e} (limit ±{PARAM_EXPLODE:.0e}); the learning rate is too high")
            }
            DivergenceReason::LossJumped { from, to } => {
                write!(f, "the loss jumped from {from:.3} to {to:.3e} after one update; the learning rate is too high")
            }
        }
    }
}

/// Result of one [`Trainer::step`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepOutcome {
    /// The update was applied.
    Stepped {
        /// Steps completed.
        step: u64,
        /// Minibatch loss before the update.
        loss: f64,
    },
    /// The update was rejected; parameters and moments are the last good ones.
    Diverged(DivergenceReason),
}

/// Result of a run of steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSummary {
    /// Steps applied in this run.
    pub steps: usize,
    /// Loss of the last applied step.
    pub last_loss: Option<f64>,
    /// Set if the run stopped on a divergence.
    pub diverged: Option<DivergenceReason>,
}

/// A training session.
#[derive(Clone, Debug)]
pub struct Trainer {
    flow: Flow,
    init: Init,
    seed: u64,
    /// What training has learned besides the parameters (optimiser, step, history, streams):
    /// one value, so undo can take it and give it back whole.
    progress: Progress,
    objective: Objective,
    tape: Tape,
    ws: Workspace,
    grads: Vec<f64>,
    batch_x: Vec<f64>,
    batch_y: Vec<f64>,
    scratch: Vec<f64>,
    /// Flow matching's minibatch and buffers (a flow that is one MLP-field CNF layer).
    fm: FmScratch,
    /// Maximum likelihood trains even a one-layer MLP-field CNF through the ODE, not by flow
    /// matching (the comparison of the two, `state/lessons.rs`).
    through_ode: bool,
    /// Which state this is: a number no other state of any trainer has had (see
    /// [`Trainer::revision`]).
    revision: u64,
}

/// A flow that flow matching can train: one continuous layer with the MLP field.
fn flow_matches(flow: &Flow) -> bool {
    matches!(flow.kinds(), [LayerKind::Cnf(s)] if s.field == CnfField::Mlp)
}

/// A fresh revision number (process-wide, never repeated).
fn next_revision() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn check_hyper(h: &Hyper) -> Result<(), TrainError> {
    if !(h.lr.is_finite() && h.lr > 0.0) {
        return Err(TrainError::Hyper(
            "The learning rate must be a positive number.",
        ));
    }
    if h.batch == 0 {
        return Err(TrainError::Hyper("The batch size must be at least 1."));
    }
    if let Some(c) = h.clip {
        if !(c.is_finite() && c > 0.0) {
            return Err(TrainError::Hyper(
                "The clipping threshold must be a positive number.",
            ));
        }
    }
    Ok(())
}

fn check_objective(o: &Objective) -> Result<(), TrainError> {
    if let Objective::MaxLikelihood { train, .. } = o {
        validate(train)?;
    }
    Ok(())
}

const TRAIN_STREAM: u64 = 0x9E37_79B9_7F4A_7C15;
const EVAL_STREAM: u64 = 0xD1B5_4A32_D192_ED03;

impl Trainer {
    /// A trainer for a stack of `kinds`, initialised with `init` from `seed`. Refuses unusable
    /// training points or hyper-parameters with a message.
    pub fn new(
        kinds: &[LayerKind],
        init: Init,
        objective: Objective,
        hyper: Hyper,
        seed: u64,
    ) -> Result<Self, TrainError> {
        check_hyper(&hyper)?;
        check_objective(&objective)?;
        let params = init_params(kinds, init, seed);
        let flow = Flow::with_params(kinds, &params, objective.direction())
            .expect("init_params matches the stack");
        let progress = Progress::start(params, hyper, seed);
        Ok(Trainer::assemble(flow, init, seed, progress, objective))
    }

    /// A trainer of these parts, with fresh scratch buffers and a new revision (`new` and
    /// `from_image`).
    fn assemble(
        flow: Flow,
        init: Init,
        seed: u64,
        progress: Progress,
        objective: Objective,
    ) -> Trainer {
        let n = flow.params().len();
        Trainer {
            flow,
            init,
            seed,
            progress,
            objective,
            tape: Tape::new(),
            ws: Workspace::default(),
            grads: vec![0.0; n],
            batch_x: Vec::new(),
            batch_y: Vec::new(),
            scratch: Vec::new(),
            fm: FmScratch::default(),
            through_ode: false,
            revision: next_revision(),
        }
    }

    /// Which state the trainer is in: every change (a step, new parameters, hyper-parameters,
    /// objective or progress) gives it a number no trainer had before, so a copy handed
    /// elsewhere (the page's worker) can tell whether the trainer moved on without it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn touch(&mut self) {
        self.revision = next_revision();
    }

    /// Back to the seeded initial state: same parameters, zero moments, step 0, same RNG
    /// streams, empty history.
    pub fn reset(&mut self) {
        self.touch();
        let params = init_params(self.flow.kinds(), self.init, self.seed);
        self.flow.params_mut().copy_from_slice(&params);
        self.progress = Progress::start(params, self.progress.hyper, self.seed);
    }

    /// Like [`Trainer::reset`] with a new seed.
    pub fn reseed(&mut self, seed: u64) {
        self.seed = seed;
        self.reset();
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The flow (its direction follows the objective).
    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    /// Replaces all raw parameters (e.g. from a link); `false` if the length does not match.
    /// Adam's moments are kept.
    pub fn set_params(&mut self, params: &[f64]) -> bool {
        self.touch();
        if params.len() != self.flow.params().len() {
            return false;
        }
        self.flow.params_mut().copy_from_slice(params);
        self.progress.loss_ref = None;
        self.progress.last_update = 0.0;
        true
    }

    /// Mutable access to the raw parameters (e.g. dragging a layer's handle).
    pub fn params_mut(&mut self) -> &mut [f64] {
        self.touch();
        self.progress.loss_ref = None;
        self.progress.last_update = 0.0;
        self.flow.params_mut()
    }

    /// Steps completed.
    pub fn step_count(&self) -> u64 {
        self.progress.step
    }

    /// The objective.
    pub fn objective(&self) -> &Objective {
        &self.objective
    }

    /// Replaces the objective (validating points); the flow's direction follows it.
    pub fn set_objective(&mut self, objective: Objective) -> Result<(), TrainError> {
        self.touch();
        check_objective(&objective)?;
        self.flow.set_direction(objective.direction());
        self.objective = objective;
        self.progress.loss_ref = None;
        self.progress.last_update = 0.0;
        Ok(())
    }

    /// The hyper-parameters.
    pub fn hyper(&self) -> &Hyper {
        &self.progress.hyper
    }

    /// Replaces the hyper-parameters (validated).
    pub fn set_hyper(&mut self, hyper: Hyper) -> Result<(), TrainError> {
        self.touch();
        check_hyper(&hyper)?;
        self.progress.hyper = hyper;
        self.progress.loss_ref = None;
        self.progress.last_update = 0.0;
        Ok(())
    }

    /// Halves the base learning rate (the usual answer to a divergence); returns the new value.
    pub fn halve_lr(&mut self) -> f64 {
        self.touch();
        self.progress.hyper.lr *= 0.5;
        self.progress.hyper.lr
    }

    /// The annealing `β` that the next step uses (1 for maximum likelihood).
    pub fn beta(&self) -> f64 {
        match &self.objective {
            Objective::Energy { annealing, .. } => annealing.beta(self.progress.step),
            Objective::MaxLikelihood { .. } => 1.0,
        }
    }

    /// The loss history.
    pub fn history(&self) -> &[HistoryEntry] {
        self.progress.history.entries()
    }

    /// The most recent periodic evaluation.
    pub fn last_eval(&self) -> Option<Eval> {
        self.progress.last_eval
    }

    /// Evaluates now: held-out NLL (`None` if there are no held-out points), or the free
    /// energy and ESS on `eval_samples` fresh samples.
    pub fn evaluate(&mut self) -> Option<Eval> {
        self.touch();
        match &self.objective {
            Objective::MaxLikelihood { heldout, .. } => {
                if heldout.is_empty() {
                    None
                } else {
                    Some(Eval::HeldOutNll(mean_nll(
                        &self.flow,
                        &heldout.x,
                        &heldout.y,
                        &mut self.ws,
                    )))
                }
            }
            Objective::Energy { energy, .. } => {
                let n = self.progress.hyper.eval_samples.max(1);
                Some(Eval::Energy(evaluate_energy(
                    &self.flow,
                    energy,
                    n,
                    &mut self.progress.eval_rng,
                    &mut self.ws,
                )))
            }
        }
    }

    /// Whether maximum likelihood trains this flow by flow matching: the flow is one continuous
    /// layer with the MLP field (its loss is then the regression loss, not an NLL; the held-out
    /// evaluation stays the exact NLL).
    pub fn flow_matching(&self) -> bool {
        matches!(self.objective, Objective::MaxLikelihood { .. })
            && flow_matches(&self.flow)
            && !self.through_ode
    }

    /// Whether maximum likelihood goes through the ODE even where flow matching could train.
    pub fn through_ode(&self) -> bool {
        self.through_ode
    }

    /// Trains a one-layer MLP-field CNF by maximum likelihood through the ODE (`true`) or by
    /// flow matching (`false`, the default); other flows are unaffected.
    pub fn set_through_ode(&mut self, on: bool) {
        self.touch();
        self.through_ode = on;
        self.progress.loss_ref = None;
    }

    /// Seconds spent in steps so far (as [`Trainer::add_seconds`] counted them).
    pub fn seconds(&self) -> f64 {
        self.progress.seconds
    }

    /// Counts `dt` seconds (of whoever's clock ran the steps) as spent training.
    pub fn add_seconds(&mut self, dt: f64) {
        if dt.is_finite() && dt > 0.0 {
            self.progress.seconds += dt;
        }
    }

    /// One Adam step on a fresh minibatch.
    pub fn step(&mut self) -> StepOutcome {
        self.touch();
        let out = self.step_unchecked();
        if matches!(out, StepOutcome::Diverged(_)) {
            self.progress.recovering = RECOVERY_STEPS;
        }
        out
    }

    /// The minibatch loss at the current parameters (forward only for maximum likelihood).
    fn batch_loss_now(&mut self) -> f64 {
        match &self.objective {
            Objective::MaxLikelihood { .. } if self.flow_matching() => {
                self.fm.loss(self.flow.params(), None)
            }
            Objective::MaxLikelihood { .. } => {
                mean_nll(&self.flow, &self.batch_x, &self.batch_y, &mut self.ws)
            }
            Objective::Energy { energy, annealing } => {
                reverse_kl_loss_grad(
                    &self.flow,
                    energy,
                    annealing.beta(self.progress.step),
                    &self.batch_x,
                    &self.batch_y,
                    &mut self.tape,
                    &mut self.scratch,
                    &mut self.grads,
                )
                .loss
            }
        }
    }

    /// Back to the parameters and Adam moments from before the last update.
    fn restore_backup(&mut self) {
        self.flow
            .params_mut()
            .copy_from_slice(&self.progress.params_backup);
        self.progress
            .adam
            .copy_state_from(&self.progress.adam_backup);
        self.progress.last_update = 0.0;
    }

    fn step_unchecked(&mut self) -> StepOutcome {
        let b = self.progress.hyper.batch;
        self.batch_x.resize(b, 0.0);
        self.batch_y.resize(b, 0.0);
        let loss = match &self.objective {
            Objective::MaxLikelihood { train, .. } => {
                let n = train.len();
                for i in 0..b {
                    let j = self.progress.rng.random_range(0..n);
                    self.batch_x[i] = train.x[j];
                    self.batch_y[i] = train.y[j];
                }
                if flow_matches(&self.flow) && !self.through_ode {
                    // docs/maths/continuous.md, "Flow matching": the same minibatch of data as
                    // x₁, noise and times from the same stream; the loss is the regression's.
                    self.fm.step(
                        self.flow.params(),
                        &self.batch_x,
                        &self.batch_y,
                        &mut self.progress.rng,
                        &mut self.grads,
                    )
                } else {
                    ml_loss_grad(
                        &self.flow,
                        &self.batch_x,
                        &self.batch_y,
                        &mut self.tape,
                        &mut self.grads,
                    )
                }
            }
            Objective::Energy { energy, annealing } => {
                fill_std_normal(&mut self.progress.rng, &mut self.batch_x, &mut self.batch_y);
                let beta = annealing.beta(self.progress.step);
                let r = reverse_kl_loss_grad(
                    &self.flow,
                    energy,
                    beta,
                    &self.batch_x,
                    &self.batch_y,
                    &mut self.tape,
                    &mut self.scratch,
                    &mut self.grads,
                );
                r.loss
            }
        };
        if !loss.is_finite() {
            return StepOutcome::Diverged(DivergenceReason::NonFiniteLoss);
        }
        if !self.grads.iter().all(|g| g.is_finite()) {
            return StepOutcome::Diverged(DivergenceReason::NonFiniteGradient);
        }
        let jumped = self.progress.loss_ref.filter(|r| loss > r + LOSS_JUMP);
        if let Some(from) = jumped.filter(|_| self.progress.last_update > WRECK_STEP) {
            // These parameters came from this trainer's last update (an outside change clears
            // the reference): the ones before it are still in the backup.
            self.restore_backup();
            return StepOutcome::Diverged(DivergenceReason::LossJumped { from, to: loss });
        }
        if let Some(c) = self.progress.hyper.clip {
            clip_global_norm(&mut self.grads, c);
        }
        self.progress
            .params_backup
            .copy_from_slice(self.flow.params());
        self.progress
            .adam_backup
            .copy_state_from(&self.progress.adam);
        self.progress.adam.lr = self.progress.hyper.lr_at(self.progress.step);
        self.progress.adam.step(self.flow.params_mut(), &self.grads);
        let max_abs = self
            .flow
            .params()
            .iter()
            .fold(0.0f64, |m, p| m.max(p.abs()));
        let update = self
            .flow
            .params()
            .iter()
            .zip(&self.progress.params_backup)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        let reason = if max_abs.is_nan() || !self.flow.params().iter().all(|p| p.is_finite()) {
            Some(DivergenceReason::NonFiniteParams)
        } else if max_abs > PARAM_EXPLODE {
            Some(DivergenceReason::ParamsExploded { max_abs })
        } else {
            None
        };
        if let Some(reason) = reason {
            self.restore_backup();
            return StepOutcome::Diverged(reason);
        }
        let checking = self.progress.recovering > 0;
        if checking {
            self.progress.recovering -= 1;
        }
        if checking && update > WRECK_STEP {
            // Just after a divergence, a large update: it must not wreck the model either.
            let after = self.batch_loss_now();
            if after.is_nan() || after > loss + RECOVERY_RISE {
                self.restore_backup();
                return StepOutcome::Diverged(DivergenceReason::LossJumped {
                    from: loss,
                    to: after,
                });
            }
        }
        self.progress.step += 1;
        self.progress.last_update = update;
        self.progress.loss_ref = Some(
            self.progress
                .loss_ref
                .map_or(loss, |r| r + 0.05 * (loss - r)),
        );
        let eval = if self.progress.hyper.eval_every > 0
            && self
                .progress
                .step
                .is_multiple_of(self.progress.hyper.eval_every)
        {
            let e = self.evaluate();
            if e.is_some() {
                self.progress.last_eval = e;
            }
            e
        } else {
            None
        };
        self.progress.history.push(HistoryEntry {
            step: self.progress.step,
            loss,
            eval,
        });
        StepOutcome::Stepped {
            step: self.progress.step,
            loss,
        }
    }

    /// Up to `n` steps; stops at the first divergence.
    pub fn run_steps(&mut self, n: usize) -> RunSummary {
        let mut s = RunSummary {
            steps: 0,
            last_loss: None,
            diverged: None,
        };
        for _ in 0..n {
            match self.step() {
                StepOutcome::Stepped { loss, .. } => {
                    s.steps += 1;
                    s.last_loss = Some(loss);
                }
                StepOutcome::Diverged(r) => {
                    s.diverged = Some(r);
                    break;
                }
            }
        }
        s
    }

    /// Runs chunks of `chunk` steps while `keep_going()` (asked before each chunk, e.g. "is
    /// there frame time left?") returns true; stops at the first divergence.
    pub fn run_while<F: FnMut() -> bool>(&mut self, chunk: usize, mut keep_going: F) -> RunSummary {
        let mut total = RunSummary {
            steps: 0,
            last_loss: None,
            diverged: None,
        };
        while keep_going() {
            let s = self.run_steps(chunk.max(1));
            total.steps += s.steps;
            total.last_loss = s.last_loss.or(total.last_loss);
            if s.diverged.is_some() {
                total.diverged = s.diverged;
                break;
            }
        }
        total
    }
}
