//! The app's long-lived model, without the browser: everything the page changes and reads that
//! `cargo test` can reach. The browser layer (`ui`) owns one of each of these values and changes
//! them only through its `actions`; views read them.
//!
//! | file | owns |
//! |---|---|
//! | `model` | [`Session`]: the trainer (model, optimiser, history), the target and its points, the training settings, the particles and base grid the views draw |
//! | `link` | the mapping between a [`Session`] (plus the view's settings) and a link [`crate::state::Config`] |
//! | `history` | the undo / redo stack of whole states (link config + training progress), bounded in memory |
//! | `compare` | the comparison runs: other flows fitted to the same target in equal steps |
//! | `training` | what a training slice reports, its one divergence message |
//! | `train_job` | the one training loop (main thread or worker): trainers stepped in turn, divergences, a step limit |
//! | `worker_protocol` | the messages between the page and its training worker, as words: encoder, decoder, checks |
//! | `stats` | the numbers the training panel shows |
//! | `bench_stats` | the statistics of the `#bench` lines: nearest-rank percentiles, frame rates, medians |
//! | `layer_fields` | the layer editor's typed fields: each kind's parameters, read and set with the checks that keep a layer invertible |
//! | `verdict` | a layer's invertibility verdict (the numbers and the warning the layer panel words) |
//! | `gif_plan` | the GIF recorder's schedule (which stage, when to capture) and its encoder call |
//! | `video_plan` | the video and PNG-frame recorder's schedule (stages, frame times, when it ends) and the checks on its settings |
//!
//! Single sources of truth: the stack's kinds, parameters and seed live in the trainer; the
//! target (preset and how it was generated, drawn points, or an energy) in [`Session::mode`];
//! the learning rate and batch in the trainer's hyper-parameters; annealing in the session.
//! Controls derive what they show from these.

pub mod bench_stats;
pub mod compare;
pub mod gif_plan;
pub mod history;
pub mod layer_fields;
pub mod link;
pub mod model;
pub mod stats;
pub mod train_job;
pub mod training;
pub mod verdict;
pub mod video_plan;
pub mod worker_protocol;

pub use compare::CompareRun;
pub use gif_plan::{AfterFrame, GifRecording};
pub use history::{Checkpoint, History};
pub use link::ViewParts;
pub use model::{
    annealing_of, hyper_for, pattern_of, Session, TargetChoice, HELDOUT_EVERY, MAX_POINTS,
};
pub use stats::Stats;
pub use training::{Divergence, TrainReport};
pub use video_plan::{VideoFormat, VideoPlan, VideoStep};
