//! The page's second core (README, "Training on the second core"): one dedicated Web Worker
//! running this same WebAssembly module, with no shared memory (no cross-origin isolation
//! needed, so it works on any static host and inside any embedding page).
//!
//! | file | owns |
//! |---|---|
//! | `host` | the worker's end: decodes commands, trains the jobs in slices, posts snapshots |
//! | `client` | the page's end: starts the worker, sends commands, keeps the newest snapshot |
//!
//! A command's way, file by file: an action sets `ui.training` → the frame loop's training job
//! (`ui/frame/jobs/train.rs`) sees the session's trainer at a revision it has not sent and
//! encodes it (`session/worker_protocol.rs`) → `client` posts the words as a transferred
//! `Float64Array` → `host` decodes them and trains in ~8 ms slices (`session/train_job.rs`,
//! the same loop as the page's fallback) → after a slice, if the page took the last one, it
//! posts a snapshot → `client` keeps the newest → the next frame applies it to the session
//! (`Session::apply_snapshot`), answers Ready, and draws.
//!
//! The module's JavaScript entry for the worker (`worker-<hash>.js`, written by
//! `scripts/trunk-post-build.sh`) only imports the glue and instantiates the module; `main`
//! sees no `window` and calls [`host::start`].

pub mod client;
pub mod host;
