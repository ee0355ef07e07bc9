//! The trainer's loss history, bounded in memory: every step is kept until `capacity`
//! entries, then every other entry is dropped and only every `stride`-th step (doubling each
//! time) or an evaluation step is recorded. A long session keeps an evenly thinned curve, and
//! the newest step is always its last entry (the chart's readout reaches the step shown).

use super::objective::EnergyEval;

/// A periodic evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Eval {
    /// Mean NLL (nats) on the held-out points.
    HeldOutNll(f64),
    /// Free energy (`β = 1`) and `ESS/N` on fresh samples.
    Energy(EnergyEval),
}

/// One recorded step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryEntry {
    /// Steps completed when recorded (1 after the first step).
    pub step: u64,
    /// The minibatch training loss of that step (mean NLL, or annealed free energy).
    pub loss: f64,
    /// An evaluation made after that step, if any.
    pub eval: Option<Eval>,
}

/// Bounded, thinned history.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    entries: Vec<HistoryEntry>,
    stride: u64,
    capacity: usize,
    /// The last entry is the newest step, kept although it is off the stride (replaced by the
    /// next push): the chart and its readout always reach the step the trainer is at.
    newest_off_stride: bool,
}

impl History {
    /// Default capacity.
    pub const DEFAULT_CAPACITY: usize = 4096;

    /// An empty history holding at most `capacity` (≥ 2) entries.
    pub fn new(capacity: usize) -> Self {
        History {
            entries: Vec::new(),
            stride: 1,
            capacity: capacity.max(2),
            newest_off_stride: false,
        }
    }

    /// The recorded entries, oldest first.
    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    /// The most recent entry.
    pub fn last(&self) -> Option<&HistoryEntry> {
        self.entries.last()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.stride = 1;
        self.newest_off_stride = false;
    }

    /// Records a step: kept if it falls on the stride or carries an evaluation; otherwise kept
    /// only as the newest entry, until the next step replaces it.
    pub fn push(&mut self, e: HistoryEntry) {
        if self.newest_off_stride {
            self.entries.pop();
        }
        self.newest_off_stride = !e.step.is_multiple_of(self.stride) && e.eval.is_none();
        self.entries.push(e);
        if self.entries.len() > self.capacity {
            let newest = self.entries.pop();
            let mut i = 0;
            self.entries.retain(|_| {
                i += 1;
                i % 2 == 0
            });
            self.stride *= 2;
            self.entries.extend(newest);
            let last = self.entries.last();
            self.newest_off_stride =
                last.is_some_and(|l| !l.step.is_multiple_of(self.stride) && l.eval.is_none());
        }
    }
}
