//! The flow engine: planar and radial (Rezende & Mohamed 2015), Sylvester (van den Berg et al.
//! 2018), affine coupling (Dinh et al. 2017) and rational-quadratic spline coupling (Durkan et
//! al. 2019) normalizing flows, plus an elementwise affine layer (Glow's ActNorm, Kingma &
//! Dhariwal 2018) that standardizes the data inside the flow, over a standard 2-D Gaussian
//! base, with exact densities at any (fractional) stage, exact inverses, hand-written gradients,
//! both training objectives, and the benchmark scenarios.
//!
//! Pure Rust: no browser types, no clock, no global RNG (one global counter: trainer revisions) (every random function takes a seeded
//! generator). Bad user data gives `Option`/`Result`, never a panic. Everything computes in
//! `f64` with two exceptions: on WebAssembly the coupling conditioners' training pair (the MLP's
//! forward with activations and its backward, `mlp/blocked.rs`) runs in mixed precision, `f32`
//! hidden layers and products with `f64` inputs, outputs and gradient sums
//! (docs/maths/mlp.md, "Mixed precision on WebAssembly"; README, "Performance"); and the
//! continuous MLP field's batch evaluations (its pictures, and the app's held-out NLL, within
//! 1e−4 nats) use an `f32` twin inside an `f64` solver state (docs/maths/continuous.md, "Mixed
//! precision for pictures"). Its training, the probe and the reference fits use the `f64` field.
//!
//! | file | owns |
//! |---|---|
//! | `planar`, `radial`, `sylvester`, `scale` | one layer type each: map, log-det, inverse, backward, constraint, fraction `t` |
//! | `coupling`, `spline`, `mlp` | coupling layers (affine, RQ spline) and their conditioner MLP |
//! | `layer` | the closed set of layer types (`enum` dispatch) |
//! | `root` | the safeguarded-Newton solver behind the planar and Sylvester inverses |
//! | `flow`, `grid` | a stack of layers: stages, densities, push-forward, probe, sampling; the density grid |
//! | `tape` | batched forward activations + backward pass for training |
//! | `objective`, `energy` | maximum likelihood; reverse KL to the paper's U1–U4 |
//! | `decimal` | decimal text to `f64`, correctly rounded, without the standard parser's 10 kB tables (links, files, typed fields and formulas) |
//! | `formula`, `typed_energy`, `typed_density`, `energy_target` | typed formulas with exact gradients; a typed energy checked and normalised by quadrature; a typed density to draw points from; what reverse KL fits (a paper energy or a typed one) |
//! | `adam`, `train`, `history` | optimiser; the long-lived trainer; its loss history |
//! | `stream`, `words` | the trainer's random streams with readable state; a flat `f64` encoding that carries a trainer to the page's worker and back (`train/image.rs`) |
//! | `stack` | layer patterns and seeded initialisation |
//! | `dataset`, `points` | seeded toy datasets; point sets and their validation |
//! | `num`, `fastmath` | stable scalar helpers; vectorizable exp/ln/tanh for batch loops |
//! | `cnf` | continuous flows: vector fields with exact traces, ODE solvers, flow matching, training through the ODE |
//! | `bench` | the benchmark scenarios, clock supplied by the caller |

pub mod adam;
pub mod bench;
pub mod cnf;
pub mod coupling;
pub mod dataset;
pub mod decimal;
pub mod energy;
pub mod energy_target;
pub mod fastmath;
pub mod flow;
pub mod formula;
pub mod grid;
pub mod history;
pub mod layer;
pub mod mlp;
pub mod num;
pub mod objective;
pub mod planar;
pub mod points;
pub mod radial;
pub mod root;
pub mod scale;
pub mod spline;
mod spline_batch;
pub mod stack;
pub mod stream;
pub mod sylvester;
pub mod tape;
pub mod train;
pub mod trajectory;
pub mod typed_density;
pub mod typed_energy;
pub mod words;

pub use adam::Adam;
pub use coupling::{AffineCoupling, Keep};
pub use dataset::{standardized_moons, Preset};
pub use energy::Energy;
pub use energy_target::EnergyTarget;
pub use flow::{Direction, Flow, Grid, Probe, Workspace};
pub use history::{Eval, HistoryEntry};
pub use layer::{Layer, LayerKind, LayerMap};
pub use num::Vec2;
pub use objective::{Annealing, EnergyEval};
pub use planar::Planar;
pub use points::{validate, DataError, Points};
pub use radial::Radial;
pub use scale::{standardizing, Scale};
pub use spline::SplineCoupling;
pub use stack::{init_params, Init, StackPattern};
pub use sylvester::Sylvester;
pub use train::{
    DivergenceReason, Hyper, ImageLimits, LrSchedule, Objective, Progress, RunSummary, StepOutcome,
    TrainError, Trainer,
};
pub use typed_energy::TypedEnergy;
