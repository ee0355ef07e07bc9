//! The worker's end (see `ui/worker`): runs inside the dedicated worker, never on the page.
//!
//! It holds at most one job per slot (the main flow, the comparison). Each tick trains every
//! running job for its share of [`SLICE_MS`], then posts a snapshot of each job that changed
//! and whose last snapshot the page took (one in flight per slot: the page never has a queue
//! to work through, and the worker never copies state nobody will read). Ticks are chained
//! through a `MessageChannel`, so commands from the page are handled between them without the
//! 4 ms clamp of nested timers.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

use crate::core::Trainer;
use crate::session::train_job::{run_while, JobReport, Turns};
use crate::session::worker_protocol::{
    decode_command, encode_hello, encode_snapshot, Command, Slot,
};

/// Milliseconds of training per tick, shared by the running jobs.
pub const SLICE_MS: f64 = 8.0;
/// A job whose last snapshot the page has not taken for this long (ms) waits for it: the page
/// is hidden (no animation frames) or busy, and training on where nobody sees it would only
/// burn the battery, as training between frames never did.
pub const STALL_MS: f64 = 2_000.0;

struct Job {
    generation: u64,
    until: Option<u64>,
    next: usize,
    turns: Turns,
    trainers: Vec<Trainer>,
    steps: u64,
    report: JobReport,
    /// Something happened since the last snapshot.
    changed: bool,
    /// The page took the last snapshot.
    credit: bool,
    /// When the last snapshot was posted (ms).
    sent_at: f64,
}

impl Job {
    /// Trains on: not finished, and not waiting long for the page.
    fn runs(&self, now: f64) -> bool {
        !self.report.done && (self.credit || now - self.sent_at < STALL_MS)
    }
}

struct Host {
    scope: DedicatedWorkerGlobalScope,
    channel: MessageChannel,
    jobs: [Option<Job>; 2],
    tick_pending: bool,
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

impl Host {
    fn post(&self, words: Vec<f64>) {
        let arr = js_sys::Float64Array::from(&words[..]);
        let transfer = js_sys::Array::of1(&arr.buffer());
        if let Err(e) = self.scope.post_message_with_transfer(&arr, &transfer) {
            web_sys::console::warn_2(
                &"Flow Playground worker: a snapshot could not be sent".into(),
                &e,
            );
        }
    }

    fn handle(&mut self, words: &[f64]) {
        match decode_command(words) {
            Ok(Command::Train {
                slot,
                generation,
                until,
                next,
                turns,
                trainers,
            }) => {
                self.jobs[slot.index()] = Some(Job {
                    generation,
                    until,
                    next,
                    turns,
                    trainers,
                    steps: 0,
                    report: JobReport::default(),
                    changed: false,
                    credit: true,
                    sent_at: now(&self.scope),
                });
            }
            Ok(Command::Stop(slot)) => self.jobs[slot.index()] = None,
            Ok(Command::Ready(slot)) => {
                if let Some(j) = &mut self.jobs[slot.index()] {
                    j.credit = true;
                }
            }
            Err(e) => {
                web_sys::console::warn_1(&format!("Flow Playground worker: {e}; ignored").into())
            }
        }
    }

    fn running(&self, t: f64) -> usize {
        self.jobs.iter().flatten().filter(|j| j.runs(t)).count()
    }

    fn tick(&mut self) {
        let t = now(&self.scope);
        let active = self.running(t).max(1) as f64;
        for i in 0..self.jobs.len() {
            let scope = self.scope.clone();
            let Some(job) = &mut self.jobs[i] else {
                continue;
            };
            if job.runs(t) {
                let deadline = now(&scope) + SLICE_MS / active;
                let mut refs: Vec<&mut Trainer> = job.trainers.iter_mut().collect();
                let clock = || now(&scope) / 1e3;
                let r = run_while(
                    &mut refs,
                    &mut job.next,
                    job.until,
                    job.turns,
                    clock,
                    || now(&scope) < deadline,
                );
                job.steps += r.steps as u64;
                job.changed |= r.steps > 0 || r.done || !r.diverged.is_empty();
                job.report.diverged.extend(r.diverged);
                job.report.done |= r.done;
            }
            if job.credit && job.changed {
                let refs: Vec<&Trainer> = job.trainers.iter().collect();
                let words = encode_snapshot(
                    Slot::ALL[i],
                    job.generation,
                    job.steps,
                    job.report.done,
                    &job.report.diverged,
                    &refs,
                    job.next,
                );
                job.credit = false;
                job.sent_at = now(&scope);
                job.changed = false;
                job.report.diverged.clear();
                self.post(words);
            }
        }
    }

    /// Chains the next tick if a job trains or waits to send.
    fn schedule(&mut self) {
        let t = now(&self.scope);
        let wants = self
            .jobs
            .iter()
            .flatten()
            .any(|j| j.runs(t) || (j.changed && j.credit));
        if wants && !self.tick_pending {
            self.tick_pending = true;
            let _ = self.channel.port2().post_message(&JsValue::NULL);
        }
    }
}

/// Runs the worker's end (called by `main` when there is no `window`). Lives as long as the
/// worker.
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let Ok(channel) = MessageChannel::new() else {
        return;
    };
    let host = Rc::new(RefCell::new(Host {
        scope: scope.clone(),
        channel: channel.clone(),
        jobs: [None, None],
        tick_pending: false,
    }));
    let h = host.clone();
    let on_tick = Closure::<dyn FnMut(MessageEvent)>::new(move |_e: MessageEvent| {
        let mut h = h.borrow_mut();
        h.tick_pending = false;
        h.tick();
        h.schedule();
    });
    channel
        .port1()
        .set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
    on_tick.forget();
    let h = host.clone();
    let on_command = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let words = e
            .data()
            .dyn_into::<js_sys::Float64Array>()
            .map(|a| a.to_vec())
            .unwrap_or_default();
        let mut h = h.borrow_mut();
        h.handle(&words);
        h.schedule();
    });
    scope.set_onmessage(Some(on_command.as_ref().unchecked_ref()));
    on_command.forget();
    host.borrow().post(encode_hello());
}
