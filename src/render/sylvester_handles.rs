//! The Sylvester layer's handles (van den Berg et al. 2018, orthogonal, M = 2):
//! `f(z) = z + Q R tanh(R̃ Qᵀ z + b)`.
//!
//! In the frame rotated by `Q` (`v = Qᵀz`) the pre-activations are
//! `a₂ = r̃₂₂ v₂ + b₂` and `a₁ = r̃₁₁ v₁ + r̃₁₂ v₂ + b₁`. Their zero sets are the layer's two
//! *hyperplanes* (lines in 2-D): along `a₂ = 0` the direction is `q₁` (Q's first column); along
//! `a₁ = 0` it is `Q·(−r̃₁₂, r̃₁₁)`. They cross at the **centre** `c = Q·v*` with
//! `v* = −R̃⁻¹ b`, where both `tanh` vanish: `c` is a fixed point, `f(c) = c`. The **rotation**
//! handle sits at `c + ARM·q₁`.
//!
//! Drags: the centre moves both lines (it sets `b = −R̃ Qᵀ c`); the rotation handle turns `Q`
//! (`θ`) about the centre, which stays where it is. `R`, `R̃` (the stretches) are left to
//! training and the typed fields. Every drag gives an admissible layer (any raw values do).

use crate::core::layer::RAW_PARAM_LIMIT;
use crate::core::sylvester::Sylvester;
use crate::core::Vec2;

use super::clip::clip_line;

/// Length of the rotation arm, data units.
pub const ARM: f64 = 1.25;

/// A grabbable part of a Sylvester layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SylvesterHandle {
    /// The lines' crossing (moves `b`).
    Centre,
    /// The arm along `q₁` (turns `Q`).
    Rotation,
}

/// Where a Sylvester layer's parts are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SylvesterHandles {
    /// The crossing of the two lines, a fixed point of the layer.
    pub centre: Vec2,
    /// The rotation handle, `centre + ARM·q₁`.
    pub rotation_tip: Vec2,
    /// The line `a₁ = 0`, clipped to the window.
    pub line1: Option<[Vec2; 2]>,
    /// The line `a₂ = 0`, clipped to the window.
    pub line2: Option<[Vec2; 2]>,
    /// The rotation angle `θ`.
    pub theta: f64,
}

impl SylvesterHandles {
    /// Position of `h`.
    pub fn position(&self, h: SylvesterHandle) -> Vec2 {
        match h {
            SylvesterHandle::Centre => self.centre,
            SylvesterHandle::Rotation => self.rotation_tip,
        }
    }
}

/// `(r̃₁₁, r̃₂₂, r̃₁₂)` as the layer uses them.
fn rt(s: &Sylvester) -> (f64, f64, f64) {
    let m = s.map(1.0);
    (m.rt[0], m.rt[1], m.rt12)
}

/// The crossing `c = Q·(−R̃⁻¹ b)` of the layer's lines.
pub fn sylvester_centre(s: &Sylvester) -> Vec2 {
    let (r11, r22, r12) = rt(s);
    let v2 = -s.b[1] / r22;
    let v1 = (-s.b[0] - r12 * v2) / r11;
    let (sn, cs) = s.theta.sin_cos();
    [cs * v1 - sn * v2, sn * v1 + cs * v2]
}

/// The handles of `s`, lines clipped to `window` (`[x0, x1, y0, y1]`).
pub fn sylvester_handles(s: &Sylvester, window: [f64; 4]) -> SylvesterHandles {
    let (r11, _, r12) = rt(s);
    let c = sylvester_centre(s);
    let (sn, cs) = s.theta.sin_cos();
    let q1 = [cs, sn];
    let q2 = [-sn, cs];
    let d1 = [-r12 * q1[0] + r11 * q2[0], -r12 * q1[1] + r11 * q2[1]];
    SylvesterHandles {
        centre: c,
        rotation_tip: [c[0] + ARM * q1[0], c[1] + ARM * q1[1]],
        line1: clip_line(c, d1, window),
        line2: clip_line(c, q1, window),
        theta: s.theta,
    }
}

/// `b = −R̃ Qᵀ c`: the bias that puts the lines' crossing at `c`.
fn bias_for(s: &Sylvester, c: Vec2) -> Vec2 {
    let (r11, r22, r12) = rt(s);
    let (sn, cs) = s.theta.sin_cos();
    let v = [cs * c[0] + sn * c[1], -sn * c[0] + cs * c[1]];
    [-(r11 * v[0] + r12 * v[1]), -(r22 * v[1])]
}

/// The layer after dragging `h` to `to`. A non-finite target leaves it unchanged.
pub fn sylvester_drag(s: &Sylvester, h: SylvesterHandle, to: Vec2) -> Sylvester {
    if !(to[0].is_finite() && to[1].is_finite()) {
        return *s;
    }
    let clamp = |x: f64| x.clamp(-RAW_PARAM_LIMIT, RAW_PARAM_LIMIT);
    let mut out = *s;
    match h {
        SylvesterHandle::Centre => out.b = bias_for(s, to).map(clamp),
        SylvesterHandle::Rotation => {
            let c = sylvester_centre(s);
            let d = [to[0] - c[0], to[1] - c[1]];
            if d[0] == 0.0 && d[1] == 0.0 {
                return *s;
            }
            // The nearest angle to the current one (θ stays continuous across ±π).
            let target = d[1].atan2(d[0]);
            let turns = ((s.theta - target) / std::f64::consts::TAU).round();
            out.theta = clamp(target + turns * std::f64::consts::TAU);
            out.b = bias_for(&out, c).map(clamp);
        }
    }
    out
}
