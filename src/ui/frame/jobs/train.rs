//! The training slices. With the worker (`ui/worker`, the default where it can start) the page
//! takes no steps: each frame it sends a job whose trainer changed since it was last sent or
//! adopted (a new revision: a drag, undo, a link, a new learning rate, a reset…), or applies the
//! worker's newest snapshot and answers Ready (at most one per frame; never waits). Without it
//! (`noworker`, no `Worker`, a failed start, or while it starts) the page trains between frames
//! as before: the main flow's Adam steps within the frame's budget, then the comparison's flows
//! (half the budget each when both train). Both ways run `session::train_job`, so a seed trains
//! to the same bits.

use leptos::prelude::*;

use crate::session::train_job::Turns;
use crate::session::worker_protocol::{encode_ready, encode_stop, encode_train, Slot};
use crate::ui::actions::{compare, training};
use crate::ui::browser::now_ms;
use crate::ui::context::{TrainPlace, Ui};
use crate::ui::frame::{Frame, FrameJob, Part, TRAIN_BUDGET_MS};
use crate::ui::worker::client::{Client, Status};

/// How far past the budget a step may be expected to end (light steps always fit).
const STEP_SLACK_MS: f64 = 4.0;
/// The worker starts after this many frames (the first picture comes first).
const START_AFTER_FRAMES: u32 = 3;

/// What the page last told the worker about one slot.
#[derive(Default)]
struct SlotSync {
    /// The last `Train` command's generation.
    generation: u64,
    /// The trainers' revisions the worker's job continues from (`None`: no job there).
    revisions: Option<Vec<u64>>,
}

/// The worker, if the page uses one.
struct Remote {
    client: Option<Client>,
    /// Not wanted (`noworker`) or not available: train on the page.
    off: bool,
    frames: u32,
    slots: [SlotSync; 2],
}

impl Remote {
    fn new(allowed: bool) -> Self {
        Remote {
            client: None,
            off: !allowed,
            frames: 0,
            slots: Default::default(),
        }
    }

    /// The client once the worker listens; starts it or gives up on it as needed.
    fn ready(&mut self) -> Option<&Client> {
        if self.off {
            return None;
        }
        self.frames += 1;
        if self.client.is_none() {
            if self.frames < START_AFTER_FRAMES {
                return None;
            }
            match Client::spawn() {
                Ok(c) => self.client = Some(c),
                Err(why) => return self.give_up(&why),
            }
        }
        match self.client.as_ref()?.status() {
            Status::Ready => self.client.as_ref(),
            Status::Starting => None,
            Status::Failed(why) => self.give_up(&why),
        }
    }

    fn give_up(&mut self, why: &str) -> Option<&Client> {
        web_sys::console::info_1(
            &format!("Flow Playground trains on the page's thread: {why}.").into(),
        );
        self.off = true;
        self.client = None;
        None
    }

    /// Keeps one slot in step with the page: `revisions` of the trainers it should train
    /// (`None`: it should not train). Sends Train or Stop as needed; returns the snapshot to
    /// apply, if one of the current job arrived.
    fn sync(
        &mut self,
        slot: Slot,
        revisions: Option<Vec<u64>>,
        send_train: impl FnOnce(u64) -> Vec<f64>,
    ) -> Option<crate::session::worker_protocol::Snapshot> {
        let client = self.client.as_ref()?;
        let s = &mut self.slots[slot.index()];
        let latest = client.take(slot);
        match revisions {
            None => {
                if s.revisions.take().is_some() {
                    client.send(&encode_stop(slot));
                }
                None
            }
            Some(revs) if s.revisions.as_ref() != Some(&revs) => {
                s.generation += 1;
                client.send(&send_train(s.generation));
                s.revisions = Some(revs);
                None
            }
            Some(_) => latest.filter(|snap| snap.generation == s.generation),
        }
    }

    /// After a snapshot was applied: the job continues from these revisions; the worker may
    /// send the next one. If it did not apply, the job is sent again next frame.
    fn applied(&mut self, slot: Slot, revisions: Option<Vec<u64>>) {
        let s = &mut self.slots[slot.index()];
        match (revisions, &self.client) {
            (Some(r), Some(c)) => {
                s.revisions = Some(r);
                c.send(&encode_ready(slot));
            }
            _ => s.revisions = Some(Vec::new()),
        }
    }
}

/// The main flow's slice (and, with the worker, the comparison's too). On the page: steps
/// while the frame's budget lasts, but a step expected to end more than `STEP_SLACK_MS` past it
/// waits for the next frame (a spline coupling step takes ~4 ms in the browser; started at the
/// deadline's edge, it overran the frame). Two frames in a row never pass without a step.
pub struct Train {
    /// Moving average of one step's cost (ms).
    step_ms: f64,
    /// The last frame took no step.
    starved: bool,
    remote: Remote,
}

impl Train {
    /// The training job; `worker`: use the page's worker where it can start.
    pub fn new(worker: bool) -> Self {
        Train {
            step_ms: 0.0,
            starved: false,
            remote: Remote::new(worker),
        }
    }

    /// Drives the worker's two slots; false if there is no worker to drive.
    fn remote(&mut self, ui: Ui) -> bool {
        if self.remote.ready().is_none() {
            return false;
        }
        // The main flow.
        let training =
            ui.training.get_untracked() && ui.session.with_value(|s| s.data_problem().is_none());
        // The job is the trainer at its revision with its step limit (a new `flow:train`
        // with `steps` while training changes only the limit).
        let until = ui.train_until.get_value();
        let key = move |ui: Ui| {
            vec![
                ui.session.with_value(|s| s.trainer().revision()),
                until.unwrap_or(u64::MAX),
            ]
        };
        let revs = training.then(|| key(ui));
        let snap = self.remote.sync(Slot::Main, revs, |generation| {
            ui.session.with_value(|s| {
                encode_train(
                    Slot::Main,
                    generation,
                    until,
                    &[s.trainer()],
                    0,
                    Turns::Steps,
                )
            })
        });
        if let Some(snap) = snap {
            let ok = training::adopt(ui, &snap);
            let revs = ok.then(|| key(ui));
            self.remote.applied(Slot::Main, revs);
        }
        // The comparison's flows.
        let revisions = |ui: Ui| {
            ui.compare_run.with_value(|r| {
                r.as_ref()
                    .map(|r| r.job().0.iter().map(|t| t.revision()).collect::<Vec<_>>())
            })
        };
        let revs = if ui.compare_training.get_untracked() {
            revisions(ui)
        } else {
            None
        };
        let snap = self.remote.sync(Slot::Compare, revs, |generation| {
            ui.compare_run.with_value(|r| {
                let (trainers, next) = r.as_ref().map(|r| r.job()).unwrap_or_default();
                let turns = r.as_ref().map_or(Turns::Steps, |r| r.turns());
                encode_train(Slot::Compare, generation, None, &trainers, next, turns)
            })
        });
        if let Some(snap) = snap {
            let ok = compare::adopt(ui, &snap);
            self.remote
                .applied(Slot::Compare, if ok { revisions(ui) } else { None });
        }
        true
    }
}

impl FrameJob for Train {
    fn part(&self) -> Part {
        Part::Train
    }

    fn run(&mut self, f: &mut Frame) {
        if !f.ui.training.get_untracked() {
            f.ui.train_until.set_value(None);
            f.ui.train_goal.set_value(None);
        }
        let place = if self.remote(f.ui) {
            TrainPlace::Worker
        } else {
            TrainPlace::Page
        };
        if f.ui.train_place.get_untracked() != place {
            f.ui.train_place.set(place);
        }
        f.worker = place == TrainPlace::Worker;
        if f.worker || !f.ui.training.get_untracked() {
            return;
        }
        let mut budget = f.train_budget_ms;
        if f.ui.compare_training.get_untracked() {
            budget /= 2.0; // the comparison's flows get the other half
        }
        let deadline = f.now + budget;
        let (start, step_ms, starved) = (now_ms(), self.step_ms, self.starved);
        let mut taken = 0u32;
        training::slice(f.ui, || {
            let now = now_ms();
            let go = (now < deadline && now + step_ms <= deadline + STEP_SLACK_MS)
                || (taken == 0 && starved);
            taken += u32::from(go);
            go
        });
        self.starved = taken == 0;
        if taken > 0 {
            let per_step = (now_ms() - start) / f64::from(taken);
            self.step_ms = if self.step_ms == 0.0 {
                per_step
            } else {
                0.8 * self.step_ms + 0.2 * per_step
            };
        }
    }
}

/// The comparison's slice on the page: as long as the main flow's when both train, else a full
/// budget (nothing to do when the worker trains it).
#[derive(Default)]
pub struct CompareTrain;

impl FrameJob for CompareTrain {
    fn part(&self) -> Part {
        Part::Train
    }

    fn run(&mut self, f: &mut Frame) {
        if f.worker || !f.ui.compare_training.get_untracked() {
            return;
        }
        let start = now_ms();
        let slice = if f.ui.training.get_untracked() {
            start - f.now
        } else {
            TRAIN_BUDGET_MS
        };
        let deadline = start + slice;
        compare::train_slice(f.ui, || now_ms() < deadline);
    }
}
