//! Continuous normalizing flows: the flow is the solution of `dz/dt = v(z, t)` over
//! `t ∈ [0, 1]`, base `N(0, I)` at 0, model at 1, and the log-determinant of the discrete
//! stacks becomes the integral of the Jacobian's trace (Chen et al. 2018;
//! docs/maths/continuous.md).
//!
//! | file | owns |
//! |---|---|
//! | `field` | the [`Field`] trait (`v`, exact trace, Jacobian) and [`FieldVjp`] (backprop) |
//! | `planar_cnf` | the continuous planar flow of width `M`, parameters linear in `t` |
//! | `mlp_field` | the flow-matching MLP `[z, t] → 64 → 64 → 2`, exact trace `d₂ᵀMd₁` |
//! | `gemm_wasm` | the `f32` matrix product on WebAssembly (SIMD128; `matrixmultiply` has no wasm kernel) |
//! | `mlp_fast` | the same field in mixed precision (`f32` inside) for pictures and the benchmark grid |
//! | `mlp_panel` | `mlp_fast`'s native evaluation: panels of 24 points, each panel's layers fused in L1 |
//! | `gmm` | a Gaussian mixture's ideal flow-matching field and `p_t`, in closed form |
//! | `solve` | Euler, midpoint, RK4 on batches; Dormand–Prince 5(4), Bogacki–Shampine 3(2) per point |
//! | `density` | `log p_τ` by the backward augmented ODE; push-forward with densities along paths |
//! | `fm` | flow matching: minibatches, loss and gradient, the app trainer's step, the evaluation set |
//! | `through_ode` | reverse KL and maximum likelihood through RK4, by backpropagation |
//! | `hutchinson` | the density with Hutchinson's trace estimator (Rademacher probes), to show its noise |
//! | `layer` | a CNF as one layer of a stack: its fraction is the ODE's time |
//! | `bench` | the continuous benchmark scenarios `fm_train`, `cnf_grid`, `cnf_nll` |

pub mod bench;
pub mod density;
pub mod field;
pub mod fm;
pub mod fm32;
pub mod fm_step;
pub mod gemm_wasm;
pub mod gmm;
pub mod hutchinson;
pub mod layer;
pub mod mlp_fast;
pub mod mlp_field;
mod mlp_panel;
pub mod planar_cnf;
pub mod solve;
pub mod solver_error;
pub mod through_ode;

pub use field::{Field, FieldVjp, FieldWork};
pub use layer::{CnfField, CnfLayer, CnfMap, CnfSpec, Orient};
pub use mlp_fast::MlpFast;
pub use mlp_field::{Act, MlpField};
pub use planar_cnf::PlanarCnf;
pub use solve::{Method, Pair, SolveWork};
