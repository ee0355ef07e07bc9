//! The numbers the training panel shows.

use crate::core::Eval;

use super::model::Session;
use crate::state::numtext::num;

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
    /// Training rate (0 when paused).
    pub steps_per_s: f64,
    /// Current learning rate (with its schedule).
    pub lr: f64,
    /// Current annealing β (energies).
    pub beta: f64,
}

impl Stats {
    /// What a fit is judged by: the held-out NLL (points) or the free energy (energies).
    pub fn evaluation(&self) -> Option<f64> {
        self.heldout.or(self.free_energy.map(|(f, _)| f))
    }

    /// The session's numbers, with the measured training rate.
    pub fn of(s: &Session, steps_per_s: f64) -> Self {
        let tr = s.trainer();
        let mut out = Stats {
            step: tr.step_count(),
            loss: tr.history().last().map(|h| h.loss),
            steps_per_s,
            lr: tr.hyper().lr_at(tr.step_count()),
            beta: tr.beta(),
            ..Stats::default()
        };
        match tr.last_eval() {
            Some(Eval::HeldOutNll(v)) => out.heldout = Some(v),
            Some(Eval::Energy(e)) => out.free_energy = Some((e.free_energy, e.ess)),
            None => {}
        }
        out
    }

    /// `step 1200 · loss 2.412 · held-out NLL 2.455 nats · 1100 steps/s` (never NaN).
    pub fn line(&self) -> String {
        let mut parts = vec![format!("step {}", self.step)];
        if let Some(l) = self.loss {
            parts.push(format!("loss {}", num(l, 3)));
        }
        if let Some(h) = self.heldout {
            parts.push(format!("held-out NLL {} nats", num(h, 3)));
        }
        if let Some((f, ess)) = self.free_energy {
            parts.push(format!(
                "free energy {} (ESS {}%)",
                num(f, 3),
                num(100.0 * ess, 0)
            ));
        }
        if self.steps_per_s > 0.0 {
            parts.push(format!("{} steps/s", num(self.steps_per_s, 0)));
        }
        parts.join(" · ")
    }
}
