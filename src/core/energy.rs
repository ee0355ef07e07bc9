//! Target energies `p(z) ∝ exp(−U(z))` for reverse-KL training: the four 2-D energies of
//! Rezende & Mohamed 2015, Table 1 (Figure 3), with analytic gradients (docs/maths/energies.md).
//!
//! ```text
//!   w₁ = sin(πz₁/2),  w₂ = 3·exp(−½((z₁−1)/0.6)²),  w₃ = 3·σ((z₁−1)/0.3)
//!   U₁ = ½((‖z‖−2)/0.4)² − log(e^{−½((z₁−2)/0.6)²} + e^{−½((z₁+2)/0.6)²})
//!   U₂ = ½((z₂−w₁)/0.4)²
//!   U₃ = −log(e^{−½((z₂−w₁)/0.35)²} + e^{−½((z₂−w₁+w₂)/0.35)²})
//!   U₄ = −log(e^{−½((z₂−w₁)/0.4)²}  + e^{−½((z₂−w₁+w₃)/0.35)²})
//! ```
//!
//! Stable forms: U₁ as `½((‖z‖−2)/0.4)² + ½((|z₁|−2)/0.6)² − log1p(e^{−4|z₁|/0.36})`
//! (normflows `TwoModes`); U₃, U₄ with a two-term logsumexp. All stay finite far from the origin
//! (docs/maths/energies.md, "Stable forms").
//!
//! **Envelope.** U₂–U₄ have infinite mass along z₁ (reverse KL would be unbounded below), so
//! they get a confining wall outside the paper's display box: `+ ½((|z₁| − 4)₊ / 0.5)²`. It is
//! exactly zero on `|z₁| ≤ 4` (the density there is the paper's), C¹ at the boundary, and
//! `log Z` becomes finite; its value (below) was computed by grid quadrature
//! (`tests/core_energy.rs` recomputes it). U₁ is normalisable and has no envelope.

use super::fastmath;
use super::num::{log_add_exp, sigmoid, Vec2};

/// One of the paper's Table-1 energies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Energy {
    /// Ring of radius 2 split into two modes at z₁ = ±2.
    U1,
    /// Sine ridge.
    U2,
    /// Sine ridge split by a Gaussian bump.
    U3,
    /// Sine ridge split by a sigmoid step.
    U4,
}

const ENV_EDGE: f64 = 4.0;
const ENV_SCALE: f64 = 0.5;
const HALF_PI: f64 = std::f64::consts::FRAC_PI_2;

impl Energy {
    /// All energies, in the paper's order.
    pub const ALL: [Energy; 4] = [Energy::U1, Energy::U2, Energy::U3, Energy::U4];

    /// Short name (`"U1"` …).
    pub fn name(self) -> &'static str {
        match self {
            Energy::U1 => "U1",
            Energy::U2 => "U2",
            Energy::U3 => "U3",
            Energy::U4 => "U4",
        }
    }

    /// One-paragraph description, including the envelope where there is one.
    pub fn description(self) -> &'static str {
        match self {
            Energy::U1 => {
                "U1 (paper Table 1): a ring of radius 2 and width 0.4, split into two modes at z1 = ±2. \
                 Normalisable as is: log Z = 1.8775, so the best free energy is −1.8775 nats."
            }
            Energy::U2 => {
                "U2 (paper Table 1): the sine ridge z2 = sin(πz1/2) with width 0.4. Its mass is infinite \
                 along z1, so outside the box |z1| ≤ 4 a confining wall ½((|z1|−4)/0.5)² is added \
                 (zero inside the box, where the density is the paper's)."
            }
            Energy::U3 => {
                "U3 (paper Table 1): the sine ridge split in two by a Gaussian bump 3·exp(−½((z1−1)/0.6)²), \
                 widths 0.35. A confining wall ½((|z1|−4)/0.5)² is added outside |z1| ≤ 4."
            }
            Energy::U4 => {
                "U4 (paper Table 1): the sine ridge split in two by a sigmoid step 3·σ((z1−1)/0.3), \
                 widths 0.4 and 0.35. A confining wall ½((|z1|−4)/0.5)² is added outside |z1| ≤ 4."
            }
        }
    }

    /// `log Z = log ∫ exp(−U)`, so the free-energy floor is `−log Z`. U1 exact on R²; U2–U4
    /// with the envelope, by grid quadrature (verified in `tests/core_energy.rs`).
    pub fn log_z(self) -> Option<f64> {
        Some(match self {
            Energy::U1 => 1.877_501_626,
            Energy::U2 => 2.227_629_574,
            Energy::U3 => 2.787_245_362,
            Energy::U4 => 2.856_238_233,
        })
    }

    /// `U(z)`.
    pub fn value(self, z: Vec2) -> f64 {
        self.value_grad(z).0
    }

    /// `∇U(z)`.
    pub fn grad(self, z: Vec2) -> Vec2 {
        self.value_grad(z).1
    }

    /// `(U(z), ∇U(z))`.
    pub fn value_grad(self, z: Vec2) -> (f64, Vec2) {
        let [z1, z2] = z;
        match self {
            Energy::U1 => {
                let r = z1.hypot(z2);
                let ring = (r - 2.0) / 0.4;
                let a = z1.abs();
                let c = 4.0 / 0.36;
                let e = (-c * a).exp();
                let u = 0.5 * ring * ring + 0.5 * ((a - 2.0) / 0.6).powi(2) - e.ln_1p();
                let dr = if r > 0.0 { ring / 0.4 / r } else { 0.0 };
                let sgn = if z1 > 0.0 {
                    1.0
                } else if z1 < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                let d1 = sgn * ((a - 2.0) / 0.36 + c * e / (1.0 + e));
                (u, [dr * z1 + d1, dr * z2])
            }
            Energy::U2 => {
                let (w1, dw1) = w1(z1);
                let eps = (z2 - w1) / 0.4;
                let (env, denv) = envelope(z1);
                (0.5 * eps * eps + env, [-eps * dw1 / 0.4 + denv, eps / 0.4])
            }
            Energy::U3 | Energy::U4 => {
                let (w1, dw1) = w1(z1);
                let (s1, (w, dw)) = if self == Energy::U3 {
                    (0.35, w2(z1))
                } else {
                    (0.4, w3(z1))
                };
                let s2 = 0.35;
                let ea = z2 - w1;
                let eb = z2 - w1 + w;
                let la = -0.5 * (ea / s1).powi(2);
                let lb = -0.5 * (eb / s2).powi(2);
                let lse = log_add_exp(la, lb);
                let (pa, pb) = ((la - lse).exp(), (lb - lse).exp());
                let (env, denv) = envelope(z1);
                let d2 = pa * ea / (s1 * s1) + pb * eb / (s2 * s2);
                let d1 = -pa * ea * dw1 / (s1 * s1) + pb * eb * (dw - dw1) / (s2 * s2) + denv;
                (-lse + env, [d1, d2])
            }
        }
    }

    /// Batch form: `u[i] = U(z_i)`, `(gx[i], gy[i]) = ∇U(z_i)`. U1 (the benchmark target) has a
    /// branch-free vectorizable loop using [`fastmath`] (agrees with [`Energy::value_grad`] to
    /// ~1e−15 relative); the others call the scalar form.
    pub fn eval_batch(self, xs: &[f64], ys: &[f64], u: &mut [f64], gx: &mut [f64], gy: &mut [f64]) {
        let n = xs
            .len()
            .min(ys.len())
            .min(u.len())
            .min(gx.len())
            .min(gy.len());
        let (xs, ys, u, gx, gy) = (&xs[..n], &ys[..n], &mut u[..n], &mut gx[..n], &mut gy[..n]);
        if self == Energy::U1 {
            const C: f64 = 4.0 / 0.36;
            for i in 0..n {
                let (z1, z2) = (xs[i], ys[i]);
                let r = (z1 * z1 + z2 * z2).sqrt();
                let ring = (r - 2.0) / 0.4;
                let a = z1.abs();
                let e = fastmath::exp(-C * a);
                let inv = 1.0 / (1.0 + e);
                let side = (a - 2.0) / 0.6;
                u[i] = 0.5 * ring * ring + 0.5 * side * side - fastmath::ln(1.0 + e);
                let dr = if r > 0.0 { ring / (0.4 * r) } else { 0.0 };
                let d1 = (a - 2.0) / 0.36 + C * e * inv;
                let d1 = if z1 > 0.0 {
                    d1
                } else if z1 < 0.0 {
                    -d1
                } else {
                    0.0
                };
                gx[i] = dr * z1 + d1;
                gy[i] = dr * z2;
            }
            return;
        }
        for i in 0..n {
            let (v, g) = self.value_grad([xs[i], ys[i]]);
            u[i] = v;
            gx[i] = g[0];
            gy[i] = g[1];
        }
    }
}

fn w1(z1: f64) -> (f64, f64) {
    let (s, c) = (HALF_PI * z1).sin_cos();
    (s, HALF_PI * c)
}

fn w2(z1: f64) -> (f64, f64) {
    let w = 3.0 * (-0.5 * ((z1 - 1.0) / 0.6).powi(2)).exp();
    (w, -w * (z1 - 1.0) / 0.36)
}

fn w3(z1: f64) -> (f64, f64) {
    let s = sigmoid((z1 - 1.0) / 0.3);
    (3.0 * s, 3.0 * s * (1.0 - s) / 0.3)
}

/// `½((|z₁| − 4)₊/0.5)²` and its derivative.
fn envelope(z1: f64) -> (f64, f64) {
    let excess = (z1.abs() - ENV_EDGE).max(0.0) / ENV_SCALE;
    (0.5 * excess * excess, z1.signum() * excess / ENV_SCALE)
}
