//! [`Progress`]: everything a [`Trainer`] has learned besides its parameters — Adam's moments,
//! the step count, the loss history, the random streams, the divergence guard and the learning
//! rate it has halved to. The trainer keeps these in one `Progress` value, so undo can take a
//! copy and put it back whole.
//!
//! The parameters themselves travel in the link config (they are what a link reproduces); this
//! is the rest. Restoring a snapshot and training on gives bit for bit the same steps as never
//! having left (tested in `tests/session.rs`).

use super::super::adam::Adam;
use super::super::history::{Eval, History};
use super::super::stream::Stream;
use super::{Hyper, Trainer, EVAL_STREAM, TRAIN_STREAM};

/// A trainer's progress (see the module docs). Plain data; cheap to compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub(super) adam: Adam,
    pub(super) adam_backup: Adam,
    /// The parameters before the last update (a divergence goes back to them).
    pub(super) params_backup: Vec<f64>,
    pub(super) step: u64,
    pub(super) rng: Stream,
    pub(super) eval_rng: Stream,
    pub(super) hyper: Hyper,
    pub(super) history: History,
    pub(super) last_eval: Option<Eval>,
    /// Running mean of the accepted minibatch losses since the parameters, objective or
    /// hyper-parameters last changed from outside (`None`: no reference yet).
    pub(super) loss_ref: Option<f64>,
    /// Steps left in which updates are checked right away (set by a divergence).
    pub(super) recovering: u32,
    /// The largest change of a raw parameter in the last accepted update (0 if none since the
    /// parameters last changed from outside).
    pub(super) last_update: f64,
    /// Seconds spent in steps, by the clock of whoever ran them
    /// ([`Trainer::add_seconds`](super::Trainer::add_seconds)): what a comparison at equal
    /// wall time shares out.
    pub(super) seconds: f64,
}

impl Progress {
    /// Nothing learned yet: zero moments, step 0, the seed's streams, an empty history.
    pub(super) fn start(params: Vec<f64>, hyper: Hyper, seed: u64) -> Self {
        let n = params.len();
        Progress {
            adam: Adam::new(n, hyper.lr),
            adam_backup: Adam::new(n, hyper.lr),
            params_backup: params,
            step: 0,
            rng: Stream::seed_from_u64(seed ^ TRAIN_STREAM),
            eval_rng: Stream::seed_from_u64(seed ^ EVAL_STREAM),
            hyper,
            history: History::new(History::DEFAULT_CAPACITY),
            last_eval: None,
            loss_ref: None,
            recovering: 0,
            last_update: 0.0,
            seconds: 0.0,
        }
    }

    /// Bytes held (for the undo stack's memory budget): moments, backups and history.
    pub fn bytes(&self) -> usize {
        // m and v for the optimiser and its backup, and the parameter backup.
        let params = 5 * self.params_backup.len() * std::mem::size_of::<f64>();
        params + self.history.entries().len() * 40 + std::mem::size_of::<Self>()
    }
}

impl Trainer {
    /// The progress to restore later with [`Trainer::restore_progress`].
    pub fn progress(&self) -> Progress {
        self.progress.clone()
    }

    /// Puts back a snapshot taken from a trainer of the same stack size; false (nothing
    /// changed) if the parameter counts differ. The parameters, objective and stack are not
    /// touched: set them first.
    pub fn restore_progress(&mut self, p: &Progress) -> bool {
        if p.params_backup.len() != self.flow.params().len() {
            return false;
        }
        self.progress = p.clone();
        self.touch();
        true
    }

    /// Sets the step count (a link's `step`: annealing and evaluations continue from there);
    /// the optimiser's moments are left as they are.
    pub fn set_step_count(&mut self, step: u64) {
        self.progress.step = step;
        self.touch();
    }
}
