//! ODE solvers for the augmented state `[z, A]` with `dz/dt = v(z, t)` and `dA/dt = tr ∂v/∂z`
//! (docs/maths/continuous.md, "Solvers"). `A` is integrated with the same stages as `z`: a
//! log-density is only as accurate as the scheme applied to both.
//!
//! - Fixed steps on a batch ([`step`], [`integrate`]): Euler (order 1), midpoint (2), classic
//!   RK4 (4). Every point of the batch shares the time, so a stage is one batch evaluation.
//! - Adaptive embedded pairs per point ([`adaptive`]): Dormand–Prince 5(4) and
//!   Bogacki–Shampine 3(2), with the step-size rule of Hairer, Nørsett & Wanner (I, §II.4) and
//!   `A` in the error norm.

use super::field::{Field, FieldWork};
use crate::core::num::Vec2;

/// A fixed-step scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `y ← y + h F(y, t)`.
    Euler,
    /// `y ← y + h F(y + ½h F(y, t), t + ½h)`.
    Midpoint,
    /// The classic fourth-order Runge–Kutta scheme.
    Rk4,
}

impl Method {
    /// Field evaluations per step.
    pub fn evals_per_step(self) -> usize {
        match self {
            Method::Euler => 1,
            Method::Midpoint => 2,
            Method::Rk4 => 4,
        }
    }

    /// Every scheme, in order.
    pub const ALL: [Method; 3] = [Method::Euler, Method::Midpoint, Method::Rk4];

    /// Its name in prose: `Euler`, `midpoint`, `RK4`.
    pub fn title(self) -> &'static str {
        match self {
            Method::Euler => "Euler",
            Method::Midpoint => "midpoint",
            Method::Rk4 => "RK4",
        }
    }

    /// Its name in links and captions.
    pub fn name(self) -> &'static str {
        match self {
            Method::Euler => "euler",
            Method::Midpoint => "midpoint",
            Method::Rk4 => "rk4",
        }
    }
}

/// Buffers of the fixed-step solvers (grown on demand).
#[derive(Clone, Debug, Default)]
pub struct SolveWork {
    /// The field's own buffers.
    pub field: FieldWork,
    sx: Vec<f64>,
    sy: Vec<f64>,
    kx: Vec<f64>,
    ky: Vec<f64>,
    kt: Vec<f64>,
    ax: Vec<f64>,
    ay: Vec<f64>,
    at: Vec<f64>,
}

impl SolveWork {
    fn grow(&mut self, n: usize) {
        for v in [
            &mut self.sx,
            &mut self.sy,
            &mut self.kx,
            &mut self.ky,
            &mut self.kt,
            &mut self.ax,
            &mut self.ay,
            &mut self.at,
        ] {
            if v.len() < n {
                v.resize(n, 0.0);
            }
        }
    }
}

/// One step of `method` from time `t` with step `h` (negative to go backward) for the batch
/// `(zx, zy, acc)`, in place.
pub fn step<F: Field + ?Sized>(
    field: &F,
    method: Method,
    t: f64,
    h: f64,
    zx: &mut [f64],
    zy: &mut [f64],
    acc: &mut [f64],
    w: &mut SolveWork,
) {
    let n = zx.len();
    w.grow(n);
    let SolveWork {
        field: fw,
        sx,
        sy,
        kx,
        ky,
        kt,
        ax,
        ay,
        at,
    } = w;
    let (sx, sy, kx, ky, kt) = (
        &mut sx[..n],
        &mut sy[..n],
        &mut kx[..n],
        &mut ky[..n],
        &mut kt[..n],
    );
    let (ax, ay, at) = (&mut ax[..n], &mut ay[..n], &mut at[..n]);
    match method {
        Method::Euler => {
            field.eval(t, zx, zy, kx, ky, kt, fw);
            for k in 0..n {
                zx[k] += h * kx[k];
                zy[k] += h * ky[k];
                acc[k] += h * kt[k];
            }
        }
        Method::Midpoint => {
            field.eval(t, zx, zy, kx, ky, kt, fw);
            for k in 0..n {
                sx[k] = zx[k] + 0.5 * h * kx[k];
                sy[k] = zy[k] + 0.5 * h * ky[k];
            }
            field.eval(t + 0.5 * h, sx, sy, kx, ky, kt, fw);
            for k in 0..n {
                zx[k] += h * kx[k];
                zy[k] += h * ky[k];
                acc[k] += h * kt[k];
            }
        }
        Method::Rk4 => {
            // Stage i's slope kᵢ is added to the running sum a with weight bᵢ; the next stage's
            // input is z + cᵢ₊₁ h kᵢ.
            const C: [f64; 3] = [0.5, 0.5, 1.0];
            const B: [f64; 4] = [1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0];
            field.eval(t, zx, zy, kx, ky, kt, fw);
            for k in 0..n {
                ax[k] = B[0] * kx[k];
                ay[k] = B[0] * ky[k];
                at[k] = B[0] * kt[k];
            }
            for s in 0..3 {
                for k in 0..n {
                    sx[k] = zx[k] + C[s] * h * kx[k];
                    sy[k] = zy[k] + C[s] * h * ky[k];
                }
                field.eval(t + C[s] * h, sx, sy, kx, ky, kt, fw);
                let b = B[s + 1];
                for k in 0..n {
                    ax[k] += b * kx[k];
                    ay[k] += b * ky[k];
                    at[k] += b * kt[k];
                }
            }
            for k in 0..n {
                zx[k] += h * ax[k];
                zy[k] += h * ay[k];
                acc[k] += h * at[k];
            }
        }
    }
}

/// `steps` uniform steps of `method` from `t0` to `t1` (either order) for the batch, in place;
/// `on_step(i, t)` after step `i` (1-based) reaches time `t`, with the batch at that time.
pub fn integrate<F: Field + ?Sized>(
    field: &F,
    method: Method,
    steps: usize,
    t0: f64,
    t1: f64,
    zx: &mut [f64],
    zy: &mut [f64],
    acc: &mut [f64],
    w: &mut SolveWork,
    mut on_step: impl FnMut(usize, f64, &[f64], &[f64], &[f64]),
) {
    let steps = steps.max(1);
    let h = (t1 - t0) / steps as f64;
    for i in 0..steps {
        let t = t0 + i as f64 * h;
        step(field, method, t, h, zx, zy, acc, w);
        let t_next = if i + 1 == steps {
            t1
        } else {
            t0 + (i + 1) as f64 * h
        };
        on_step(i + 1, t_next, zx, zy, acc);
    }
}

/// An embedded Runge–Kutta pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pair {
    /// Dormand–Prince 5(4): 7 stages, first-same-as-last.
    Dopri5,
    /// Bogacki–Shampine 3(2): 4 stages, first-same-as-last.
    Bosh3,
}

struct Tableau {
    c: &'static [f64],
    a: &'static [&'static [f64]],
    b: &'static [f64],
    b_low: &'static [f64],
    order: f64,
}

const DOPRI5: Tableau = Tableau {
    c: &[0.0, 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0, 1.0, 1.0],
    a: &[
        &[],
        &[1.0 / 5.0],
        &[3.0 / 40.0, 9.0 / 40.0],
        &[44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0],
        &[
            19372.0 / 6561.0,
            -25360.0 / 2187.0,
            64448.0 / 6561.0,
            -212.0 / 729.0,
        ],
        &[
            9017.0 / 3168.0,
            -355.0 / 33.0,
            46732.0 / 5247.0,
            49.0 / 176.0,
            -5103.0 / 18656.0,
        ],
        &[
            35.0 / 384.0,
            0.0,
            500.0 / 1113.0,
            125.0 / 192.0,
            -2187.0 / 6784.0,
            11.0 / 84.0,
        ],
    ],
    b: &[
        35.0 / 384.0,
        0.0,
        500.0 / 1113.0,
        125.0 / 192.0,
        -2187.0 / 6784.0,
        11.0 / 84.0,
        0.0,
    ],
    b_low: &[
        5179.0 / 57600.0,
        0.0,
        7571.0 / 16695.0,
        393.0 / 640.0,
        -92097.0 / 339200.0,
        187.0 / 2100.0,
        1.0 / 40.0,
    ],
    order: 5.0,
};

const BOSH3: Tableau = Tableau {
    c: &[0.0, 0.5, 0.75, 1.0],
    a: &[
        &[],
        &[0.5],
        &[0.0, 0.75],
        &[2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0],
    ],
    b: &[2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0, 0.0],
    b_low: &[7.0 / 24.0, 0.25, 1.0 / 3.0, 0.125],
    order: 3.0,
};

/// The end of an adaptive solve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaptiveEnd {
    /// `z` at the end time.
    pub z: Vec2,
    /// `A` at the end time (it starts at 0).
    pub acc: f64,
    /// Field evaluations spent.
    pub evals: usize,
}

/// Steps an adaptive solve may take before giving up.
pub const MAX_ADAPTIVE_STEPS: usize = 100_000;

/// Solves `[z, A]` from `(z0, 0)` at `t0` to `t1` with `pair` at tolerances `rtol`, `atol`
/// (first step `0.05`, last step clipped to land on `t1`). `None` if the step size collapses,
/// a value is not finite, or [`MAX_ADAPTIVE_STEPS`] are not enough.
pub fn adaptive<F: Field + ?Sized>(
    field: &F,
    pair: Pair,
    rtol: f64,
    atol: f64,
    z0: Vec2,
    t0: f64,
    t1: f64,
    work: &mut FieldWork,
) -> Option<AdaptiveEnd> {
    let tab = match pair {
        Pair::Dopri5 => &DOPRI5,
        Pair::Bosh3 => &BOSH3,
    };
    let s = tab.c.len();
    let dir = if t1 >= t0 { 1.0 } else { -1.0 };
    let span = (t1 - t0).abs();
    let f = |y: &[f64; 3], t: f64, work: &mut FieldWork| -> [f64; 3] {
        let (v, tr) = field.eval_point([y[0], y[1]], t, work);
        [v[0], v[1], tr]
    };
    let mut y = [z0[0], z0[1], 0.0];
    let mut t = t0;
    let mut h = 0.05_f64.min(span.max(f64::MIN_POSITIVE));
    let mut k = vec![[0.0; 3]; s];
    k[0] = f(&y, t, work);
    let mut evals = 1;
    if span == 0.0 {
        return Some(AdaptiveEnd {
            z: z0,
            acc: 0.0,
            evals,
        });
    }
    for _ in 0..MAX_ADAPTIVE_STEPS {
        let remaining = (t1 - t).abs();
        let last = h >= remaining;
        let hs = dir * if last { remaining } else { h };
        for i in 1..s {
            let mut yi = y;
            for (j, a) in tab.a[i].iter().enumerate() {
                for c in 0..3 {
                    yi[c] += hs * a * k[j][c];
                }
            }
            k[i] = f(&yi, t + tab.c[i] * hs, work);
            evals += 1;
        }
        let mut y_new = y;
        let mut err = 0.0;
        for c in 0..3 {
            let (mut hi, mut lo) = (0.0, 0.0);
            for ((b, bl), ki) in tab.b.iter().zip(tab.b_low).zip(&k) {
                hi += b * ki[c];
                lo += bl * ki[c];
            }
            y_new[c] = y[c] + hs * hi;
            let sc = atol + rtol * y[c].abs().max(y_new[c].abs());
            let e = hs * (hi - lo) / sc;
            err += e * e;
        }
        let err = (err / 3.0).sqrt();
        if !err.is_finite() || y_new.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let factor = if err == 0.0 {
            10.0
        } else {
            (0.9 * err.powf(-1.0 / tab.order)).clamp(0.2, 10.0)
        };
        if err <= 1.0 {
            y = y_new;
            t = if last { t1 } else { t + hs };
            if last {
                return Some(AdaptiveEnd {
                    z: [y[0], y[1]],
                    acc: y[2],
                    evals,
                });
            }
            // First same as last: the last stage was evaluated at the accepted point.
            k[0] = if tab.b[s - 1] == 0.0 && tab.c[s - 1] == 1.0 {
                k[s - 1]
            } else {
                evals += 1;
                f(&y, t, work)
            };
        }
        h = (if last { remaining } else { h }) * factor;
        if h < 1e-14 * span {
            return None;
        }
    }
    None
}
