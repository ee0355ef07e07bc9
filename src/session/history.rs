//! Undo / redo of whole states. Each destructive action keeps the state before it as a
//! [`Checkpoint`]: the link config (target, points, stack and exact parameters, every setting,
//! the view, the lesson and the comparison) **and** the training progress (Adam's moments, the
//! step count, the loss history, the random streams, the learning rate as halved by
//! divergences). Undo gives that state back — training continues exactly as if the undone
//! action had never happened — and keeps the present for redo.
//!
//! Bounded: at most [`DEPTH`] states, and at most [`BUDGET_BYTES`] in all (a trained spline
//! stack's optimiser state is megabytes); the oldest go first, the last one always stays.

use crate::core::Progress;
use crate::state::Config;

use super::model::Session;

/// Most states kept for undo.
pub const DEPTH: usize = 60;
/// Most memory the undo and redo stacks may hold together (bytes).
pub const BUDGET_BYTES: usize = 64 << 20;

/// One remembered state.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// Everything a link holds.
    pub config: Config,
    /// What training had learned besides the parameters.
    pub progress: Progress,
}

impl Checkpoint {
    /// Bytes held (an estimate good to a few per cent: the bulky vectors).
    pub fn bytes(&self) -> usize {
        let c = &self.config;
        c.points.len() * 16 + c.params.len() * 8 + self.progress.bytes() + 512
    }
}

/// The two stacks.
#[derive(Default)]
pub struct History {
    undo: Vec<Checkpoint>,
    redo: Vec<Checkpoint>,
}

impl History {
    /// Remembers `now` (the state about to change); a new branch clears redo.
    pub fn checkpoint(&mut self, now: Checkpoint) {
        if self.undo.last() != Some(&now) {
            self.undo.push(now);
        }
        self.redo.clear();
        self.trim();
    }

    /// The state to go back to, keeping `now` for redo; `None` if there is none.
    pub fn undo(&mut self, now: Checkpoint) -> Option<Checkpoint> {
        let back = self.undo.pop()?;
        self.redo.push(now);
        self.trim();
        Some(back)
    }

    /// The state to go forward to, keeping `now` for undo; `None` if there is none.
    pub fn redo(&mut self, now: Checkpoint) -> Option<Checkpoint> {
        let fwd = self.redo.pop()?;
        self.undo.push(now);
        self.trim();
        Some(fwd)
    }

    /// Whether undo and redo have a state to go to.
    pub fn available(&self) -> (bool, bool) {
        (!self.undo.is_empty(), !self.redo.is_empty())
    }

    /// Bytes held by both stacks.
    pub fn bytes(&self) -> usize {
        self.undo
            .iter()
            .chain(&self.redo)
            .map(Checkpoint::bytes)
            .sum()
    }

    /// Drops the oldest undo states beyond [`DEPTH`] or [`BUDGET_BYTES`] (keeping the newest).
    fn trim(&mut self) {
        while self.undo.len() > DEPTH || (self.undo.len() > 1 && self.bytes() > BUDGET_BYTES) {
            self.undo.remove(0);
        }
        while !self.redo.is_empty() && self.bytes() > BUDGET_BYTES {
            self.redo.remove(0);
        }
    }
}

impl Session {
    /// This session as a checkpoint, with the view's part of the link in `config`.
    pub fn checkpoint(&self, config: Config) -> Checkpoint {
        Checkpoint {
            config,
            progress: self.progress(),
        }
    }

    /// Makes the session what `cp` holds: its config (as a link would) and then its training
    /// progress. `Err` as [`Session::apply_config`].
    pub fn restore(&mut self, cp: &Checkpoint) -> Result<(), String> {
        let r = self.apply_config(&cp.config);
        // The config's stack is the checkpoint's, so the sizes match; a session whose data
        // cannot be trained on keeps a stack of the same shape too.
        self.restore_progress(&cp.progress);
        r
    }
}
