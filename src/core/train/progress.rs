//! [`Progress`]: everything a [`Trainer`] has learned besides its parameters — Adam's moments,
//! the step count, the loss history, the random streams, the divergence guard and the learning
//! rate it has halved to — as one value, so undo can put training back exactly where it was.
//!
//! The parameters themselves travel in the link config (they are what a link reproduces); this
//! is the rest. Restoring a snapshot and training on gives bit for bit the same steps as never
//! having left (tested in `tests/core_train.rs`).

use rand::rngs::SmallRng;

use super::super::adam::Adam;
use super::super::history::{Eval, History};
use super::{Hyper, Trainer};

/// A trainer's progress (see the module docs). Plain data; cheap to compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    n_params: usize,
    adam: Adam,
    adam_backup: Adam,
    params_backup: Vec<f64>,
    step: u64,
    rng: SmallRng,
    eval_rng: SmallRng,
    hyper: Hyper,
    history: History,
    last_eval: Option<Eval>,
    loss_ref: Option<f64>,
    recovering: u32,
    last_update: f64,
}

impl Progress {
    /// Bytes held (for the undo stack's memory budget): moments, backups and history.
    pub fn bytes(&self) -> usize {
        // m and v for the optimiser and its backup, and the parameter backup.
        let params = 5 * self.n_params * std::mem::size_of::<f64>();
        params + self.history.entries().len() * 40 + std::mem::size_of::<Self>()
    }

    /// The hyper-parameters the trainer had (its learning rate may have been halved).
    pub fn hyper(&self) -> &Hyper {
        &self.hyper
    }

    /// Steps completed.
    pub fn step_count(&self) -> u64 {
        self.step
    }
}

impl Trainer {
    /// The progress to restore later with [`Trainer::restore_progress`].
    pub fn progress(&self) -> Progress {
        Progress {
            n_params: self.flow.params().len(),
            adam: self.adam.clone(),
            adam_backup: self.adam_backup.clone(),
            params_backup: self.params_backup.clone(),
            step: self.step,
            rng: self.rng.clone(),
            eval_rng: self.eval_rng.clone(),
            hyper: self.hyper,
            history: self.history.clone(),
            last_eval: self.last_eval,
            loss_ref: self.loss_ref,
            recovering: self.recovering,
            last_update: self.last_update,
        }
    }

    /// Puts back a snapshot taken from a trainer of the same stack size; false (nothing
    /// changed) if the parameter counts differ. The parameters, objective and stack are not
    /// touched: set them first.
    pub fn restore_progress(&mut self, p: &Progress) -> bool {
        if p.n_params != self.flow.params().len() {
            return false;
        }
        self.adam = p.adam.clone();
        self.adam_backup = p.adam_backup.clone();
        self.params_backup = p.params_backup.clone();
        self.step = p.step;
        self.rng = p.rng.clone();
        self.eval_rng = p.eval_rng.clone();
        self.hyper = p.hyper;
        self.history = p.history.clone();
        self.last_eval = p.last_eval;
        self.loss_ref = p.loss_ref;
        self.recovering = p.recovering;
        self.last_update = p.last_update;
        true
    }

    /// Sets the step count (a link's `step`: annealing and evaluations continue from there);
    /// the optimiser's moments are left as they are.
    pub fn set_step_count(&mut self, step: u64) {
        self.step = step;
    }
}
