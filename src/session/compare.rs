//! The comparison: the main view's target fitted by two or three other flows (planar vs radial
//! at the main depth, or planar K = 2, 8, 32 as in the paper's Figure 3), each with its own
//! trainer (the main model's seed and hyper-parameters), trained one step each in turn so they
//! have always taken the same number of steps.

use crate::core::{EnergyTarget, Eval, Hyper, Init, Trainer};
use crate::state::numtext::thousands;
use crate::state::Compare;

use super::model::Session;
use super::train_job::Turns;
use super::training::Divergence;

/// How often (steps) a flow trained through the ODE is evaluated.
const THROUGH_ODE_EVAL_EVERY: u64 = 5;

/// One compared flow.
pub struct Entry {
    /// `planar K = 8`.
    pub label: String,
    /// Its trainer.
    pub trainer: Trainer,
}

/// A comparison being shown.
pub struct CompareRun {
    which: Compare,
    entries: Vec<Entry>,
    energy: Option<EnergyTarget>,
    next: usize,
}

impl CompareRun {
    /// The comparison `which` for the session's target and depth (fresh seeded weights).
    pub fn new(s: &Session, which: Compare) -> Result<Self, String> {
        if let Some(p) = s.data_problem() {
            return Err(p.to_string());
        }
        let objective = s.trainer().objective().clone();
        let flows = which.entries(s.k());
        // All compared flows together within the memory budget (`state/ranges.rs`), as the main
        // flow is on its own: a huge batch is cut for the comparison too.
        let all: Vec<_> = flows.iter().flat_map(|e| e.kinds.iter().copied()).collect();
        let mut hyper = *s.trainer().hyper();
        hyper.batch = hyper.batch.min(crate::state::max_batch(&all));
        let entries = flows
            .into_iter()
            .map(|e| {
                // A step through the ODE costs about a hundred flow-matching steps: evaluated
                // every 100 steps it would show no held-out NLL for the first minute.
                let hyper = if e.through_ode {
                    Hyper {
                        eval_every: hyper.eval_every.min(THROUGH_ODE_EVAL_EVERY),
                        ..hyper
                    }
                } else {
                    hyper
                };
                Trainer::new(&e.kinds, Init::Default, objective.clone(), hyper, s.seed()).map(
                    |mut trainer| {
                        trainer.set_through_ode(e.through_ode);
                        Entry {
                            label: e.label,
                            trainer,
                        }
                    },
                )
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        Ok(CompareRun {
            which,
            entries,
            energy: s.energy().cloned(),
            next: 0,
        })
    }

    /// Which comparison.
    pub fn which(&self) -> Compare {
        self.which
    }

    /// How the flows share training: equal steps, or equal wall time where a step of one costs
    /// a hundred of the other's (flow matching against maximum likelihood through the ODE).
    pub fn turns(&self) -> Turns {
        match self.which {
            Compare::FmVsMl => Turns::Seconds,
            _ => Turns::Steps,
        }
    }

    /// The compared flows.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The energy whose target panel is shown, if the target is one.
    pub fn energy(&self) -> Option<&EnergyTarget> {
        self.energy.as_ref()
    }

    /// One step of each flow in turn while `keep_going()`; the last divergence recovered from
    /// (its flow's label and what happened).
    pub fn train_while(
        &mut self,
        clock: impl FnMut() -> f64,
        keep_going: impl FnMut() -> bool,
    ) -> Option<(String, Divergence)> {
        let turns = self.turns();
        let mut trainers: Vec<&mut Trainer> =
            self.entries.iter_mut().map(|e| &mut e.trainer).collect();
        let r = super::train_job::run_while(
            &mut trainers,
            &mut self.next,
            None,
            turns,
            clock,
            keep_going,
        );
        r.diverged
            .last()
            .map(|&(i, d)| (self.entries[i].label.clone(), d))
    }

    /// The flows' trainers, in turn order, and whose turn is next (for the worker).
    pub fn job(&self) -> (Vec<&Trainer>, usize) {
        (self.entries.iter().map(|e| &e.trainer).collect(), self.next)
    }

    /// The flows' trainers to change, and whose turn is next (a worker's snapshot).
    pub fn job_mut(&mut self) -> (Vec<&mut Trainer>, &mut usize) {
        (
            self.entries.iter_mut().map(|e| &mut e.trainer).collect(),
            &mut self.next,
        )
    }

    /// `planar K = 8 · step 1200 · free energy −1.62` per flow (numbers once there are some).
    pub fn captions(&self) -> Vec<String> {
        let timed = self.turns() == Turns::Seconds;
        self.entries.iter().map(|e| caption(e, timed)).collect()
    }
}

/// The caption of one flow; `timed`: with the seconds it has trained (a comparison that shares
/// time).
fn caption(e: &Entry, timed: bool) -> String {
    let tr = &e.trainer;
    let mut out = format!("{} · step {}", e.label, tr.step_count());
    if timed {
        out.push_str(&format!(" · {:.1} s", tr.seconds()));
    }
    let params = tr.flow().params().len();
    match tr.last_eval() {
        Some(Eval::HeldOutNll(v)) if v.is_finite() => {
            out.push_str(&format!(" · held-out NLL {v:.3}"))
        }
        Some(Eval::Energy(x)) if x.free_energy.is_finite() => {
            out.push_str(&format!(" · free energy {:.3}", x.free_energy))
        }
        _ => {}
    }
    out.push_str(&format!(" · {} params", thousands(params)));
    out
}
