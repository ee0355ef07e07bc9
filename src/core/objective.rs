//! The two training objectives, their values and hand-written gradients over the flat raw
//! parameter vector (docs/maths/training.md).
//!
//! - **Maximum likelihood** (flow in the Normalizing direction): `z = f_K∘…∘f_1(x)`,
//!   `NLL(x) = ½‖z‖² + log 2π − Σ_k L_k`, minibatch mean in nats. Seeds: `g_y = z/B` at the
//!   top, `g_L = −1/B` for every layer.
//! - **Reverse KL / free energy** (flow in the Generative direction, paper Eq. 15 with
//!   `log p(x, z_K)` replaced by `−U`): `z₀ ~ N(0, I)`, `x = f_K∘…∘f_1(z₀)`,
//!   `F_β = E[log q₀(z₀) − Σ L_k + β·U(x)]`. Seeds: `g_y = β∇U(x)/B`, `g_L = −1/B`. The
//!   reported free energy is `F = F_{β=1} = KL(q‖p) − log Z ≥ −log Z`.
//! - Annealing `β_t = min(1, start + t/steps)` (paper: start 0.01, steps 10 000), or off.
//! - Importance weights `log w = −U(x) − log q(x)` give the effective sample size
//!   `ESS/N = (Σw)²/(N·Σw²) ∈ (0, 1]` (1 = perfect fit).
//!
//! The base is the fixed standard Gaussian (as in the JAX peer); `log q₀` does not depend on
//! the parameters.

use rand::Rng;

use super::energy_target::Potential;
use super::fastmath;
use super::flow::{Flow, Workspace};
use super::num::{std_normal_log_pdf, LN_2PI};
use super::tape::Tape;

/// Inverse-temperature schedule for the energy term.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Annealing {
    /// `β = 1` from the start.
    Off,
    /// `β_t = min(1, start + t/steps)`.
    Linear {
        /// `β` at step 0.
        start: f64,
        /// Steps to reach `β = 1` (from 0).
        steps: u64,
    },
}

impl Annealing {
    /// The paper's schedule, `β_t = min(1, 0.01 + t/10000)`.
    pub const PAPER: Annealing = Annealing::Linear {
        start: 0.01,
        steps: 10_000,
    };

    /// `β` at step `t` (0-based).
    pub fn beta(&self, t: u64) -> f64 {
        match *self {
            Annealing::Off => 1.0,
            Annealing::Linear { start, steps } => (start + t as f64 / steps.max(1) as f64).min(1.0),
        }
    }
}

/// One reverse-KL minibatch's numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReverseKlBatch {
    /// The annealed objective `mean(log q + β·U)` that was differentiated.
    pub loss: f64,
    /// `mean(log q + U)` on the batch (`β = 1`).
    pub free_energy: f64,
    /// `ESS/N` of the batch's importance weights.
    pub ess: f64,
}

/// Free energy and ESS on fresh samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnergyEval {
    /// `E_q[log q + U]` (nats); floor `−log Z`.
    pub free_energy: f64,
    /// `ESS/N ∈ (0, 1]`.
    pub ess: f64,
}

/// Mean NLL of the minibatch `(xs, ys)` and its gradient (overwrites `grads`, the flow's flat
/// layout). The flow's layers are applied data → latent.
pub fn ml_loss_grad(
    flow: &Flow,
    xs: &[f64],
    ys: &[f64],
    tape: &mut Tape,
    grads: &mut [f64],
) -> f64 {
    grads.fill(0.0);
    tape.forward(flow, xs, ys);
    let b = tape.batch();
    if b == 0 {
        return 0.0;
    }
    let inv_b = 1.0 / b as f64;
    let mut sum_sq = 0.0;
    let sum_ld: f64 = tape.log_det().iter().sum();
    let (zx, zy, gx, gy) = tape.output_and_seeds();
    for i in 0..b {
        sum_sq += zx[i] * zx[i] + zy[i] * zy[i];
        gx[i] = zx[i] * inv_b;
        gy[i] = zy[i] * inv_b;
    }
    tape.backward(flow, -inv_b, grads);
    0.5 * sum_sq * inv_b + LN_2PI - sum_ld * inv_b
}

/// Mean NLL (nats) of a whole point set under the model at stage `K`, in blocks (no allocation).
/// Returns `+∞` if any point has zero density, NaN never.
pub fn mean_nll(flow: &Flow, xs: &[f64], ys: &[f64], ws: &mut Workspace) -> f64 {
    const BLOCK: usize = 1024;
    let n = xs.len().min(ys.len());
    if n == 0 {
        return 0.0;
    }
    let mut out = [0.0; BLOCK];
    let mut sum = 0.0;
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        let o = &mut out[..end - start];
        flow.log_density(flow.len() as f64, &xs[start..end], &ys[start..end], o, ws);
        sum -= o.iter().sum::<f64>();
    }
    sum / n as f64
}

/// Annealed reverse-KL loss and gradient (overwrites `grads`) for base samples `(z0x, z0y)`.
/// `u_buf` is scratch (resized to the batch). The layers are applied base → model.
pub fn reverse_kl_loss_grad(
    flow: &Flow,
    energy: impl Potential,
    beta: f64,
    z0x: &[f64],
    z0y: &[f64],
    tape: &mut Tape,
    u_buf: &mut Vec<f64>,
    grads: &mut [f64],
) -> ReverseKlBatch {
    grads.fill(0.0);
    tape.forward(flow, z0x, z0y);
    let b = tape.batch();
    if b == 0 {
        return ReverseKlBatch {
            loss: 0.0,
            free_energy: 0.0,
            ess: 1.0,
        };
    }
    u_buf.resize(b, 0.0);
    let (xx, xy, gx, gy) = tape.output_and_seeds();
    energy.u_grad_batch(xx, xy, u_buf, gx, gy);
    let inv_b = 1.0 / b as f64;
    let scale = beta * inv_b;
    for i in 0..b {
        gx[i] *= scale;
        gy[i] *= scale;
    }
    // u_buf becomes log q(x) + U(x) = −log w per sample.
    let (mut sum_lq, mut sum_u) = (0.0, 0.0);
    let (ix, iy) = tape.input();
    let ld = tape.log_det();
    for i in 0..b {
        let lq = std_normal_log_pdf([ix[i], iy[i]]) - ld[i];
        sum_lq += lq;
        sum_u += u_buf[i];
        u_buf[i] += lq;
    }
    let ess = ess_fraction_of_neg_log_weights(u_buf);
    tape.backward(flow, -inv_b, grads);
    ReverseKlBatch {
        loss: (sum_lq + beta * sum_u) * inv_b,
        free_energy: (sum_lq + sum_u) * inv_b,
        ess,
    }
}

/// Free energy `E_q[log q + U]` and `ESS/N` on `n` fresh samples from the model (any
/// direction; exact log-densities), in blocks without allocation.
pub fn evaluate_energy<R: Rng + ?Sized>(
    flow: &Flow,
    energy: impl Potential,
    n: usize,
    rng: &mut R,
    ws: &mut Workspace,
) -> EnergyEval {
    const BLOCK: usize = 1024;
    let (mut xs, mut ys, mut lq) = ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
    let mut acc = EssAccumulator::default();
    let mut sum = 0.0;
    let mut done = 0;
    while done < n {
        let m = BLOCK.min(n - done);
        flow.sample_with_log_density(rng, &mut xs[..m], &mut ys[..m], &mut lq[..m], ws);
        for i in 0..m {
            let f = lq[i] + energy.u([xs[i], ys[i]]);
            sum += f;
            acc.push(-f);
        }
        done += m;
    }
    EnergyEval {
        free_energy: if n > 0 { sum / n as f64 } else { 0.0 },
        ess: acc.ess_fraction(),
    }
}

/// `ESS/N` from `f_i = −log w_i` in two vectorizable passes (minimum, then sums); 0 if no
/// weight is finite.
pub fn ess_fraction_of_neg_log_weights(f: &[f64]) -> f64 {
    let fmin = f
        .iter()
        .fold(f64::INFINITY, |m, &v| if v < m { v } else { m });
    if !fmin.is_finite() || f.is_empty() {
        return 0.0;
    }
    let (mut s1, mut s2) = (0.0, 0.0);
    for &v in f {
        let e = if v.is_finite() {
            fastmath::exp(fmin - v)
        } else {
            0.0
        };
        s1 += e;
        s2 += e * e;
    }
    (s1 * s1 / (f.len() as f64 * s2)).min(1.0)
}

/// Streaming `ESS/N = (Σw)²/(N·Σw²)` from log-weights, with a running maximum for stability.
#[derive(Clone, Copy, Debug)]
pub struct EssAccumulator {
    max: f64,
    s1: f64,
    s2: f64,
    n: usize,
}

impl Default for EssAccumulator {
    fn default() -> Self {
        EssAccumulator {
            max: f64::NEG_INFINITY,
            s1: 0.0,
            s2: 0.0,
            n: 0,
        }
    }
}

impl EssAccumulator {
    /// Adds one log-weight (non-finite weights count as zero weight).
    pub fn push(&mut self, log_w: f64) {
        self.n += 1;
        if !log_w.is_finite() {
            return;
        }
        if log_w > self.max {
            let r = (self.max - log_w).exp();
            self.s1 *= r;
            self.s2 *= r * r;
            self.max = log_w;
        }
        let e = (log_w - self.max).exp();
        self.s1 += e;
        self.s2 += e * e;
    }

    /// `ESS/N`, in `(0, 1]`; 0 if no weight was finite.
    pub fn ess_fraction(&self) -> f64 {
        if self.s2 > 0.0 && self.n > 0 {
            (self.s1 * self.s1 / (self.n as f64 * self.s2)).min(1.0)
        } else {
            0.0
        }
    }
}
