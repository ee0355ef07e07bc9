//! The training loop every flow goes through, wherever it runs: on the page's main thread (the
//! fallback, `Session::train_while`, `CompareRun::train_while`) or in its worker
//! (`ui/worker/host.rs`). One loop, so the same trainer takes the same steps in both places
//! (bit for bit; `tests/session_worker.rs`).
//!
//! A job is one or more trainers stepped in turn (the main flow alone; a comparison's two or
//! three flows one step each, so they always share a step count, or by the time each has spent,
//! so they share the time: [`Turns`]). A divergence halves that
//! trainer's learning rate and is reported; it ends a one-trainer slice at once (the page shows
//! the notice before going on), and a trainer whose rate got too small to go on ends the job.

use crate::core::Trainer;

use super::training::Divergence;

/// What a slice did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobReport {
    /// Steps taken (all trainers together).
    pub steps: usize,
    /// Divergences recovered from: which trainer, and what happened.
    pub diverged: Vec<(usize, Divergence)>,
    /// The job cannot go on: its step limit is reached, or a learning rate is too small.
    pub done: bool,
}

/// How a job's trainers share it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Turns {
    /// One step each in turn: they always share a step count.
    #[default]
    Steps,
    /// The one that has spent the least time steps next: they share the time (by the clock
    /// passed to [`run_while`]), whatever a step of each costs.
    Seconds,
}

/// Steps `trainers` in turn from `*next` while `keep_going()` (asked before every step), up to
/// step `until` of the trainer whose turn it is (`None`: no limit). Each step's duration by
/// `clock` (seconds) is added to its trainer's time; [`Turns`] says whose turn comes next.
pub fn run_while(
    trainers: &mut [&mut Trainer],
    next: &mut usize,
    until: Option<u64>,
    turns: Turns,
    mut clock: impl FnMut() -> f64,
    mut keep_going: impl FnMut() -> bool,
) -> JobReport {
    let n = trainers.len();
    let mut report = JobReport::default();
    if n == 0 {
        report.done = true;
        return report;
    }
    *next %= n;
    loop {
        if turns == Turns::Seconds {
            *next = least_time(trainers);
        }
        let t = &mut *trainers[*next];
        if until.is_some_and(|u| t.step_count() >= u) {
            report.done = true;
            break;
        }
        if !keep_going() {
            break;
        }
        let started = clock();
        let outcome = t.run_steps(1);
        t.add_seconds(clock() - started);
        report.steps += outcome.steps;
        if let Some(reason) = outcome.diverged {
            let d = Divergence {
                reason,
                lr: t.halve_lr(),
            };
            report.diverged.push((*next, d));
            report.done |= d.gave_up();
            if n == 1 || report.done {
                *next = (*next + 1) % n;
                break;
            }
        }
        *next = (*next + 1) % n;
    }
    report
}

/// The trainer that has spent the least time (the first of equals).
fn least_time(trainers: &[&mut Trainer]) -> usize {
    let mut best = 0;
    for (i, t) in trainers.iter().enumerate() {
        if t.seconds() < trainers[best].seconds() {
            best = i;
        }
    }
    best
}
