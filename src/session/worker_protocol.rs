//! The messages between the page and its training worker (README, "Training on the second
//! core"), as words (`core::words`): one `Float64Array` per message, transferred, never shared.
//! Pure, so both ends and the tests use the same encoder and decoder.
//!
//! Every message starts `[MAGIC, VERSION, tag]`. The page sends:
//!
//! | tag | message | words after the tag |
//! |---|---|---|
//! | 1 | [`Command::Train`] | slot, generation, step limit, whose turn, trainers (images) |
//! | 2 | [`Command::Stop`] | slot |
//! | 3 | [`Command::Ready`] | slot (the page took the last snapshot: the worker may send one more) |
//!
//! and the worker answers:
//!
//! | tag | message | words after the tag |
//! |---|---|---|
//! | 10 | [`Reply::Hello`] | — (the worker's module runs and listens) |
//! | 11 | [`Reply::Snapshot`] | slot, generation, steps, done, divergences, whose turn, trainers' states |
//!
//! A *slot* is one training job (the main flow; the comparison's flows). A *generation* names
//! one `Train` command of a slot: the page ignores snapshots of an older one, so a state the
//! page changed (a drag, undo, a new learning rate) is never overwritten by steps taken from
//! the state before. Decoding checks everything (sizes, counts, the trainers as
//! [`Trainer::from_image`] checks them) and refuses a malformed message as a whole.

use crate::core::words::{Malformed, Reader, Writer};
use crate::core::{DivergenceReason, ImageLimits, Trainer};
use crate::state::{max_batch, MAX_LAYERS, MAX_POINTS};

use super::train_job::Turns;
use super::training::Divergence;

/// First word of every message.
pub const MAGIC: f64 = 2_059_061_297.0;
/// Format version (second word).
pub const VERSION: usize = 2;
/// Most trainers in one job (the comparison has three).
pub const MAX_TRAINERS: usize = 4;

const TRAIN: usize = 1;
const STOP: usize = 2;
const READY: usize = 3;
const HELLO: usize = 10;
const SNAPSHOT: usize = 11;

// Every batch the page allows fits in an image.
const _: () =
    assert!(crate::state::ranges::BATCH.hi as usize <= crate::core::train::MAX_IMAGE_BATCH);

/// What the trainers of a message may hold: the link's limits.
pub const LIMITS: ImageLimits = ImageLimits {
    layers: MAX_LAYERS,
    points: MAX_POINTS,
};

/// A training job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The main flow.
    Main,
    /// The comparison's flows.
    Compare,
}

impl Slot {
    /// Both slots, by index.
    pub const ALL: [Slot; 2] = [Slot::Main, Slot::Compare];

    /// Its index in [`Slot::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A command from the page.
#[derive(Debug)]
pub enum Command {
    /// Train these trainers in turn from here (replacing whatever the slot trained).
    Train {
        /// The job.
        slot: Slot,
        /// This command's generation.
        generation: u64,
        /// Stop at this step of the trainer whose turn it is (`None`: train until stopped).
        until: Option<u64>,
        /// Whose turn is next.
        next: usize,
        /// How the trainers share the job.
        turns: Turns,
        /// The trainers.
        trainers: Vec<Trainer>,
    },
    /// Stop training the slot.
    Stop(Slot),
    /// The page took the slot's last snapshot.
    Ready(Slot),
}

/// A reply from the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The worker runs and listens.
    Hello,
    /// Where a slot's training is.
    Snapshot(Snapshot),
}

/// A slot's training, as the worker last left it.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The job.
    pub slot: Slot,
    /// The `Train` command it continues.
    pub generation: u64,
    /// Steps taken since that command (all trainers together).
    pub steps: u64,
    /// The job ended (step limit, or a learning rate too small to go on).
    pub done: bool,
    /// Divergences since the last snapshot: which trainer and what happened.
    pub diverged: Vec<(usize, Divergence)>,
    /// Whose turn is next.
    pub next: usize,
    /// Number of trainers.
    pub trainers: usize,
    /// Their states (`Trainer::write_state`, one after the other).
    pub states: Vec<f64>,
}

fn header(tag: usize) -> Writer {
    let mut w = Writer::new();
    w.f64(MAGIC);
    w.usize(VERSION);
    w.usize(tag);
    w
}

/// The words of a `Train` command.
pub fn encode_train(
    slot: Slot,
    generation: u64,
    until: Option<u64>,
    trainers: &[&Trainer],
    next: usize,
    turns: Turns,
) -> Vec<f64> {
    let mut w = header(TRAIN);
    w.usize(slot.index());
    w.u64(generation);
    w.bool(until.is_some());
    w.u64(until.unwrap_or(0));
    w.usize(next);
    w.bool(turns == Turns::Seconds);
    w.usize(trainers.len());
    for t in trainers {
        t.write_image(&mut w);
    }
    w.finish()
}

/// The words of a `Stop` command.
pub fn encode_stop(slot: Slot) -> Vec<f64> {
    let mut w = header(STOP);
    w.usize(slot.index());
    w.finish()
}

/// The words of a `Ready` command.
pub fn encode_ready(slot: Slot) -> Vec<f64> {
    let mut w = header(READY);
    w.usize(slot.index());
    w.finish()
}

/// The words of the worker's hello.
pub fn encode_hello() -> Vec<f64> {
    header(HELLO).finish()
}

/// The words of a snapshot of `trainers` (in turn order, `next` to step next).
pub fn encode_snapshot(
    slot: Slot,
    generation: u64,
    steps: u64,
    done: bool,
    diverged: &[(usize, Divergence)],
    trainers: &[&Trainer],
    next: usize,
) -> Vec<f64> {
    let mut w = header(SNAPSHOT);
    w.usize(slot.index());
    w.u64(generation);
    w.u64(steps);
    w.bool(done);
    w.usize(diverged.len());
    for (i, d) in diverged {
        w.usize(*i);
        write_reason(&mut w, d.reason);
        w.f64(d.lr);
    }
    w.usize(next);
    w.usize(trainers.len());
    for t in trainers {
        t.write_state(&mut w);
    }
    w.finish()
}

fn read_header(r: &mut Reader) -> Result<usize, Malformed> {
    if r.f64()?.to_bits() != MAGIC.to_bits() {
        return Err(Malformed("not a Flow Playground worker message"));
    }
    if r.usize(u32::MAX as usize)? != VERSION {
        return Err(Malformed("another version of the message format"));
    }
    r.usize(u32::MAX as usize)
}

fn read_slot(r: &mut Reader) -> Result<Slot, Malformed> {
    Ok(Slot::ALL[r.usize(Slot::ALL.len() - 1)?])
}

/// The command `words` carry, or why they are not one.
pub fn decode_command(words: &[f64]) -> Result<Command, Malformed> {
    let mut r = Reader::new(words);
    let cmd = match read_header(&mut r)? {
        TRAIN => {
            let slot = read_slot(&mut r)?;
            let generation = r.u64()?;
            let limited = r.bool()?;
            let until = r.u64()?;
            let next = r.usize(MAX_TRAINERS - 1)?;
            let turns = if r.bool()? {
                Turns::Seconds
            } else {
                Turns::Steps
            };
            let n = r.usize(MAX_TRAINERS)?;
            if n == 0 || next >= n {
                return Err(Malformed("a job needs a trainer whose turn it is"));
            }
            let trainers = (0..n)
                .map(|_| {
                    let t = Trainer::from_image(&mut r, LIMITS)?;
                    // The memory budget the page holds every stack to (`state/ranges.rs`).
                    if t.hyper().batch > max_batch(t.flow().kinds()) {
                        return Err(Malformed("a minibatch beyond the stack's memory budget"));
                    }
                    Ok(t)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Command::Train {
                slot,
                generation,
                until: limited.then_some(until),
                next,
                turns,
                trainers,
            }
        }
        STOP => Command::Stop(read_slot(&mut r)?),
        READY => Command::Ready(read_slot(&mut r)?),
        _ => return Err(Malformed("unknown command")),
    };
    r.end()?;
    Ok(cmd)
}

/// The reply `words` carry, or why they are not one. A snapshot's states are checked when
/// they are applied ([`Snapshot::apply`]), against the trainers they belong to.
pub fn decode_reply(words: &[f64]) -> Result<Reply, Malformed> {
    let mut r = Reader::new(words);
    let reply = match read_header(&mut r)? {
        HELLO => Reply::Hello,
        SNAPSHOT => {
            let slot = read_slot(&mut r)?;
            let generation = r.u64()?;
            let steps = r.u64()?;
            let done = r.bool()?;
            let n_div = r.usize(1 << 20)?;
            let mut diverged = Vec::with_capacity(n_div.min(64));
            for _ in 0..n_div {
                let i = r.usize(MAX_TRAINERS - 1)?;
                let reason = read_reason(&mut r)?;
                let lr = r.f64()?;
                diverged.push((i, Divergence { reason, lr }));
            }
            let next = r.usize(MAX_TRAINERS - 1)?;
            let trainers = r.usize(MAX_TRAINERS)?;
            let states = words[words.len() - r.left()..].to_vec();
            return Ok(Reply::Snapshot(Snapshot {
                slot,
                generation,
                steps,
                done,
                diverged,
                next,
                trainers,
                states,
            }));
        }
        _ => return Err(Malformed("unknown reply")),
    };
    r.end()?;
    Ok(reply)
}

impl Snapshot {
    /// Puts the snapshot into `trainers` (the job it was made from, in turn order) and `next`:
    /// all of it, or, if anything does not fit, nothing.
    pub fn apply(&self, trainers: &mut [&mut Trainer], next: &mut usize) -> Result<(), Malformed> {
        if trainers.len() != self.trainers || self.next >= self.trainers.max(1) {
            return Err(Malformed("the snapshot is of another job"));
        }
        if self.diverged.iter().any(|(i, _)| *i >= self.trainers) {
            return Err(Malformed("a divergence names no trainer"));
        }
        let mut r = Reader::new(&self.states);
        for t in trainers.iter() {
            t.check_state(&mut r)?;
        }
        r.end()?;
        let mut r = Reader::new(&self.states);
        for t in trainers.iter_mut() {
            t.adopt_state(&mut r)?;
        }
        *next = self.next;
        Ok(())
    }
}

fn write_reason(w: &mut Writer, reason: DivergenceReason) {
    let (tag, a, b) = match reason {
        DivergenceReason::NonFiniteLoss => (0, 0.0, 0.0),
        DivergenceReason::NonFiniteGradient => (1, 0.0, 0.0),
        DivergenceReason::NonFiniteParams => (2, 0.0, 0.0),
        DivergenceReason::ParamsExploded { max_abs } => (3, max_abs, 0.0),
        DivergenceReason::LossJumped { from, to } => (4, from, to),
    };
    w.usize(tag);
    w.f64(a);
    w.f64(b);
}

fn read_reason(r: &mut Reader) -> Result<DivergenceReason, Malformed> {
    let tag = r.usize(4)?;
    let (a, b) = (r.f64()?, r.f64()?);
    Ok(match tag {
        0 => DivergenceReason::NonFiniteLoss,
        1 => DivergenceReason::NonFiniteGradient,
        2 => DivergenceReason::NonFiniteParams,
        3 => DivergenceReason::ParamsExploded { max_abs: a },
        _ => DivergenceReason::LossJumped { from: a, to: b },
    })
}
