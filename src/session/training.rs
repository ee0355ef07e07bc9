//! What a training slice reports and the one message a divergence gets.

use crate::core::DivergenceReason;
use crate::state::numtext::fmt_lr;

/// A divergence the trainer recovered from: the last good parameters were restored and the
/// learning rate halved to `lr`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Divergence {
    /// What went wrong.
    pub reason: DivergenceReason,
    /// The learning rate after halving.
    pub lr: f64,
}

impl Divergence {
    /// The learning rate is too small to go on (training should stop).
    pub fn gave_up(&self) -> bool {
        !(self.lr.is_finite() && self.lr > 1e-12)
    }

    /// The notice for the user; `whose` names a flow other than the main one ("the comparison's
    /// planar K = 8").
    pub fn message(&self, whose: Option<&str>) -> String {
        let (subject, possessive) = match whose {
            Some(w) => (format!("{w} diverged"), "its"),
            None => ("Training diverged".to_string(), "the"),
        };
        let mut m = format!(
            "{subject} ({}). The last good parameters were restored and {possessive} learning rate halved to {}.",
            self.reason,
            fmt_lr(self.lr)
        );
        if self.gave_up() {
            m.push_str(" Training stopped: the learning rate is too small to make progress.");
        }
        m
    }
}

/// What a training slice did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrainReport {
    /// Steps taken.
    pub steps: usize,
    /// A divergence it recovered from.
    pub diverged: Option<Divergence>,
}
