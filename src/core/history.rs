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

impl History {
    /// Writes the history (entries, stride, capacity) as words (`core::words`).
    pub fn write_words(&self, w: &mut super::words::Writer) {
        w.usize(self.capacity);
        w.u64(self.stride);
        w.bool(self.newest_off_stride);
        w.usize(self.entries.len());
        for e in &self.entries {
            w.u64(e.step);
            w.f64(e.loss);
            write_eval(w, e.eval);
        }
    }

    /// Reads what [`History::write_words`] wrote (at most `max_capacity` entries).
    pub fn read_words(
        r: &mut super::words::Reader,
        max_capacity: usize,
    ) -> Result<Self, super::words::Malformed> {
        use super::words::Malformed;
        let capacity = r.usize(max_capacity)?.max(2);
        let stride = r.u64()?.max(1);
        let newest_off_stride = r.bool()?;
        let n = r.usize(capacity)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let step = r.u64()?;
            let loss = r.f64()?;
            entries.push(HistoryEntry {
                step,
                loss,
                eval: read_eval(r)?,
            });
        }
        if entries.windows(2).any(|p| p[0].step >= p[1].step) {
            return Err(Malformed("history steps are not increasing"));
        }
        Ok(History {
            entries,
            stride,
            capacity,
            newest_off_stride,
        })
    }
}

/// An optional evaluation as words: a tag (0 none, 1 held-out NLL, 2 energy), then its numbers.
pub fn write_eval(w: &mut super::words::Writer, e: Option<Eval>) {
    match e {
        None => w.usize(0),
        Some(Eval::HeldOutNll(v)) => {
            w.usize(1);
            w.f64(v);
        }
        Some(Eval::Energy(x)) => {
            w.usize(2);
            w.f64(x.free_energy);
            w.f64(x.ess);
        }
    }
}

/// Reads what [`write_eval`] wrote.
pub fn read_eval(r: &mut super::words::Reader) -> Result<Option<Eval>, super::words::Malformed> {
    Ok(match r.usize(2)? {
        0 => None,
        1 => Some(Eval::HeldOutNll(r.f64()?)),
        _ => Some(Eval::Energy(EnergyEval {
            free_energy: r.f64()?,
            ess: r.f64()?,
        })),
    })
}
