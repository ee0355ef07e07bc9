//! Pure geometry of the layer editor: where a layer's handles sit in data space, and the raw
//! parameters a dragged handle gives back (Rezende & Mohamed 2015, Eqs. 10–14, App. A).
//!
//! Everything is drawn **in the space where the layer's formula takes its input** (see
//! [`input_stage`]); every position here is in that data space (y up). No browser types.
//!
//! ## Planar `f(z) = z + û·tanh(wᵀz + b)`
//! - The *anchor* is the foot of a caller-chosen pivot on the line `wᵀz + b = 0` (the UI keeps
//!   it fixed during a drag, so the line turns about it).
//! - The normal arrow runs from the anchor to `anchor + w`, the `û` arrow to `anchor + û`, the raw
//!   `u` arrow to `anchor + u`; `u − û` is parallel to `w` (the reparametrisation only moves `u`
//!   along `w`).
//! - The level lines `a = wᵀz + b = ±1` bound the band where `tanh` is not saturated. Since
//!   `wᵀ(anchor + û) + b = wᵀû`, the condition `wᵀû > −1` says exactly: **the `û` tip stays on the
//!   far side of the `a = −1` line** — the "wall" drawn for the invertibility lesson.
//! - Drags: the line (or its anchor) shifts `b` (the line passes through the pointer); the normal
//!   tip sets `w = tip − anchor` and `b = −wᵀanchor` (the line turns about the anchor); the `u`
//!   tip sets raw `u`; the `û` tip solves `û(w, u) = tip − anchor` for `u`, which needs
//!   `wᵀû > −1` — a drag past the wall stops [`UHAT_GAP`] short of it (floors never move a
//!   layer that already sits closer to them, so a drag in place changes nothing).
//!
//! ## Radial `f(z) = z + β(z − z₀)/(α + ‖z − z₀‖)`, `α = softplus(α̂)`, `γ = α + β = softplus(β̂)`
//! - The centre `z₀`; the ring of radius `α` (the scale); the ring's image under `f`, radius
//!   `α + β/2 = (α + γ)/2`: inside the `α` ring the layer contracts (`β < 0`), outside it expands.
//! - `β ≥ −α` is the same as "the image ring stays outside radius `α/2`" (the *fold* ring):
//!   below it points near `z₀` would be pushed through the centre and the map would fold.
//! - Drags: the centre moves `z₀`; the `α` handle sets `α = ‖tip − z₀‖` keeping `γ/α` (the
//!   magnification at the centre); the `β` handle sets the image-ring radius `ρ`, so
//!   `γ = 2ρ − α`, floored at [`GAMMA_REL_MIN`]`·α`.
//!
//! Every drag returns an admissible layer: raw values are clamped to ±[`RAW_PARAM_LIMIT`],
//! `‖w‖ ≥` [`W_NORM_MIN`], `α ≥` [`ALPHA_MIN`]; the reparametrisations do the rest. A non-finite
//! target leaves the layer unchanged.
//!
//! ## Sylvester
//! Its two lines, their crossing (a fixed point) and a rotation arm: `sylvester_handles`.
//!
//! ## Other kinds (affine and spline coupling, scale)
//! No handles: [`layer_handles`] gives [`LayerHandles::None`] (nothing to draw or pick) and
//! [`apply_drag`] returns the layer unchanged.
//!
//! The file also holds the editor's stage bookkeeping ([`input_stage`], [`layer_at_input_stage`],
//! [`insert_for_stage`]) and default layers for "put a layer here" ([`new_planar_at`],
//! [`new_radial_at`]).

use crate::core::layer::RAW_PARAM_LIMIT;
use crate::core::num::{dot, softplus, Vec2};
use crate::core::stack::inv_softplus;
use crate::core::{Direction, Layer, Planar, Radial};

use super::sylvester_handles::{
    sylvester_drag, sylvester_handles, SylvesterHandle, SylvesterHandles,
};
use super::transform::ViewTransform;

/// Smallest `‖w‖` an edit leaves (the line needs a normal; `û` divides by `‖w‖²`).
pub const W_NORM_MIN: f64 = 1e-2;
/// Smallest `α` an edit leaves.
pub const ALPHA_MIN: f64 = 1e-3;
/// Smallest `γ/α` a `β` drag leaves (`β ≥ −α·(1 − GAMMA_REL_MIN)`).
pub const GAMMA_REL_MIN: f64 = 1e-4;
/// Smallest `1 + wᵀû` a `û` drag leaves.
pub const UHAT_GAP: f64 = 1e-3;

pub use super::clip::Window;

fn clamp_raw(x: f64) -> f64 {
    x.clamp(-RAW_PARAM_LIMIT, RAW_PARAM_LIMIT)
}

fn finite(p: Vec2) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

fn add(a: Vec2, b: Vec2) -> Vec2 {
    [a[0] + b[0], a[1] + b[1]]
}

fn sub(a: Vec2, b: Vec2) -> Vec2 {
    [a[0] - b[0], a[1] - b[1]]
}

fn scale(a: Vec2, k: f64) -> Vec2 {
    [a[0] * k, a[1] * k]
}

fn norm(a: Vec2) -> f64 {
    a[0].hypot(a[1])
}

/// `softplus⁻¹(y)` for `y > 0`, `−RAW_PARAM_LIMIT` for `y ≤ 0` or NaN.
fn inv_softplus_safe(y: f64) -> f64 {
    if y.is_nan() || y <= 0.0 {
        -RAW_PARAM_LIMIT
    } else {
        clamp_raw(inv_softplus(y))
    }
}

pub use super::clip::clip_line;

// ---------------------------------------------------------------------------------------------
// Planar
// ---------------------------------------------------------------------------------------------

/// A grabbable part of a planar layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanarHandle {
    /// The line `wᵀz + b = 0` (and its anchor dot): shifts `b`.
    Line,
    /// The tip of the normal `w`: turns and scales `w` about the anchor.
    Normal,
    /// The tip of the constrained `û`.
    UHat,
    /// The tip of the raw `u`.
    U,
}

/// Where a planar layer's parts are drawn (data space of its input stage).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanarHandles {
    /// Foot of the pivot on the line; the arrows start here.
    pub anchor: Vec2,
    /// The line `wᵀz + b = 0` clipped to the window.
    pub line: Option<[Vec2; 2]>,
    /// The level line `wᵀz + b = +1` (edge of the tanh band) clipped to the window.
    pub level_plus: Option<[Vec2; 2]>,
    /// The level line `wᵀz + b = −1`: the `û` tip must stay beyond it (`wᵀû > −1`).
    pub level_minus: Option<[Vec2; 2]>,
    /// `anchor + w`.
    pub normal_tip: Vec2,
    /// `anchor + û`.
    pub u_hat_tip: Vec2,
    /// `anchor + u`.
    pub u_tip: Vec2,
    /// The engine's `û`.
    pub u_hat: Vec2,
    /// `wᵀu` (raw).
    pub w_dot_u: f64,
    /// `wᵀû = softplus(wᵀu) − 1 > −1`.
    pub w_dot_u_hat: f64,
    /// True when `‖w‖ <` [`W_NORM_MIN`]: the line is (nearly) at infinity; the anchor is the pivot.
    pub degenerate: bool,
}

impl PlanarHandles {
    /// True when `u` and `û` differ visibly (by more than `tol` data units).
    pub fn u_differs(&self, tol: f64) -> bool {
        norm(sub(self.u_tip, self.u_hat_tip)) > tol
    }

    /// Position of a handle.
    pub fn position(&self, h: PlanarHandle) -> Vec2 {
        match h {
            PlanarHandle::Line => self.anchor,
            PlanarHandle::Normal => self.normal_tip,
            PlanarHandle::UHat => self.u_hat_tip,
            PlanarHandle::U => self.u_tip,
        }
    }
}

/// The anchor: the foot of `pivot` on the line `wᵀz + b = 0` (the pivot itself if `‖w‖` is
/// below [`W_NORM_MIN`] or the pivot is not finite — then the window-independent origin).
pub fn planar_anchor(p: &Planar, pivot: Vec2) -> Vec2 {
    let pivot = if finite(pivot) { pivot } else { [0.0, 0.0] };
    let n2 = dot(p.w, p.w);
    if n2.sqrt() < W_NORM_MIN {
        return pivot;
    }
    let a = dot(p.w, pivot) + p.b;
    let foot = sub(pivot, scale(p.w, a / n2));
    if finite(foot) {
        foot
    } else {
        pivot
    }
}

/// A planar layer's handles, anchored at the foot of `pivot`, lines clipped to `window`.
pub fn planar_handles(p: &Planar, pivot: Vec2, window: Window) -> PlanarHandles {
    let anchor = planar_anchor(p, pivot);
    let n2 = dot(p.w, p.w);
    let degenerate = n2.sqrt() < W_NORM_MIN;
    let u_hat = p.u_hat();
    let s = dot(p.w, p.u);
    let (line, level_plus, level_minus) = if degenerate {
        (None, None, None)
    } else {
        let d = [-p.w[1], p.w[0]];
        let off = scale(p.w, 1.0 / n2);
        (
            clip_line(anchor, d, window),
            clip_line(add(anchor, off), d, window),
            clip_line(sub(anchor, off), d, window),
        )
    };
    PlanarHandles {
        anchor,
        line,
        level_plus,
        level_minus,
        normal_tip: add(anchor, p.w),
        u_hat_tip: add(anchor, u_hat),
        u_tip: add(anchor, p.u),
        u_hat,
        w_dot_u: s,
        w_dot_u_hat: softplus(s) - 1.0,
        degenerate,
    }
}

/// `w` with length at least [`W_NORM_MIN`] (keeping its direction, or `fallback`'s if `w = 0`).
fn floor_w(w: Vec2, fallback: Vec2) -> Vec2 {
    let n = norm(w);
    if n >= W_NORM_MIN && n.is_finite() {
        return w;
    }
    let dir = if n > 0.0 && n.is_finite() {
        scale(w, 1.0 / n)
    } else {
        let nf = norm(fallback);
        if nf > 0.0 && nf.is_finite() {
            scale(fallback, 1.0 / nf)
        } else {
            [1.0, 0.0]
        }
    };
    scale(dir, W_NORM_MIN)
}

/// Clamp every raw value and floor `‖w‖`: the admissible layer nearest to `p`.
pub fn sanitize_planar(p: Planar, fallback_w: Vec2) -> Planar {
    let c = |x: f64| if x.is_nan() { 0.0 } else { clamp_raw(x) };
    let w = floor_w([c(p.w[0]), c(p.w[1])], fallback_w);
    Planar {
        u: [c(p.u[0]), c(p.u[1])],
        w: [c(w[0]), c(w[1])],
        b: c(p.b),
    }
}

/// The raw parameters after dragging handle `h` to `to` (data space), with the anchor fixed
/// at `anchor` (from [`planar_anchor`] at the start of the drag). Always admissible.
pub fn planar_drag(p: &Planar, anchor: Vec2, h: PlanarHandle, to: Vec2) -> Planar {
    if !(finite(to) && finite(anchor)) {
        return sanitize_planar(*p, p.w);
    }
    let mut q = *p;
    match h {
        PlanarHandle::Line => {
            q.b = -dot(p.w, to);
        }
        PlanarHandle::Normal => {
            q.w = floor_w(sub(to, anchor), p.w);
            q.b = -dot(q.w, anchor);
        }
        PlanarHandle::U => {
            q.u = sub(to, anchor);
        }
        PlanarHandle::UHat => {
            let w = floor_w(p.w, p.w);
            let n2 = dot(w, w);
            let d = sub(to, anchor);
            // û = u + (softplus(−s) − 1)·w/‖w‖² changes only the w-component of u:
            // wᵀû = softplus(s) − 1 = m, so s = softplus⁻¹(1 + m), and u⊥ = û⊥.
            // Past the wall the drag stops UHAT_GAP short of it (or where û already was, if
            // that is closer), so a drag in place never moves u.
            let m1 = (dot(w, d) + 1.0).max(UHAT_GAP.min(softplus(dot(w, p.u))));
            let s = inv_softplus_safe(m1);
            let k = (s - dot(w, d)) / n2;
            q.u = add(d, scale(w, k));
            q.w = w;
        }
    }
    sanitize_planar(q, p.w)
}

// ---------------------------------------------------------------------------------------------
// Radial
// ---------------------------------------------------------------------------------------------

/// A grabbable part of a radial layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RadialHandle {
    /// The centre `z₀`.
    Centre,
    /// A point on the `α` ring.
    Alpha,
    /// A point on the image of the `α` ring (radius `α + β/2`).
    Beta,
}

/// Where a radial layer's parts are drawn (data space of its input stage).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RadialHandles {
    /// `z₀`.
    pub centre: Vec2,
    /// `α > 0`: the ring's radius.
    pub alpha: f64,
    /// `β = γ − α > −α`.
    pub beta: f64,
    /// `γ = α + β > 0`.
    pub gamma: f64,
    /// Radius of the `α` ring's image, `α + β/2`.
    pub image_radius: f64,
    /// `α/2`: the image ring can approach but never cross it (`β > −α`).
    pub fold_radius: f64,
    /// The `α` handle, on the `α` ring at the caller's angle.
    pub alpha_tip: Vec2,
    /// The `β` handle, on the image ring at the caller's angle.
    pub beta_tip: Vec2,
}

impl RadialHandles {
    /// Position of a handle.
    pub fn position(&self, h: RadialHandle) -> Vec2 {
        match h {
            RadialHandle::Centre => self.centre,
            RadialHandle::Alpha => self.alpha_tip,
            RadialHandle::Beta => self.beta_tip,
        }
    }
}

fn unit(angle: f64) -> Vec2 {
    let a = if angle.is_finite() { angle } else { 0.0 };
    [a.cos(), a.sin()]
}

/// A radial layer's handles; `angles` (radians) place the `α` and `β` handles on their rings.
pub fn radial_handles(r: &Radial, angles: [f64; 2]) -> RadialHandles {
    let m = r.map(1.0);
    let (alpha, gamma) = (m.alpha, m.gamma);
    let image_radius = 0.5 * (alpha + gamma);
    RadialHandles {
        centre: r.z0,
        alpha,
        beta: gamma - alpha,
        gamma,
        image_radius,
        fold_radius: 0.5 * alpha,
        alpha_tip: add(r.z0, scale(unit(angles[0]), alpha)),
        beta_tip: add(r.z0, scale(unit(angles[1]), image_radius)),
    }
}

/// The angle of `to` seen from `centre` (0 if they coincide): where a dragged ring handle sits.
pub fn handle_angle(centre: Vec2, to: Vec2) -> f64 {
    let d = sub(to, centre);
    if finite(d) && (d[0] != 0.0 || d[1] != 0.0) {
        d[1].atan2(d[0])
    } else {
        0.0
    }
}

/// Clamp every raw value (NaN reads as 0): the admissible radial layer nearest to `r`.
pub fn sanitize_radial(r: Radial) -> Radial {
    let c = |x: f64| if x.is_nan() { 0.0 } else { clamp_raw(x) };
    Radial {
        z0: [c(r.z0[0]), c(r.z0[1])],
        alpha_raw: c(r.alpha_raw),
        beta_raw: c(r.beta_raw),
    }
}

/// A radial layer with the given centre and constrained `α`, `β` (clamped to be admissible:
/// `α ≥` [`ALPHA_MIN`], `γ = α + β ≥` [`GAMMA_REL_MIN`]`·α`).
pub fn radial_from(z0: Vec2, alpha: f64, beta: f64) -> Radial {
    let alpha = if alpha.is_finite() {
        alpha.max(ALPHA_MIN)
    } else {
        ALPHA_MIN
    };
    let gamma = alpha + if beta.is_finite() { beta } else { 0.0 };
    let gamma = gamma.max(GAMMA_REL_MIN * alpha);
    sanitize_radial(Radial {
        z0,
        alpha_raw: inv_softplus_safe(alpha),
        beta_raw: inv_softplus_safe(gamma),
    })
}

/// The raw parameters after dragging handle `h` to `to`. Always admissible.
pub fn radial_drag(r: &Radial, h: RadialHandle, to: Vec2) -> Radial {
    if !finite(to) {
        return sanitize_radial(*r);
    }
    let m = r.map(1.0);
    let mut q = *r;
    match h {
        RadialHandle::Centre => q.z0 = to,
        RadialHandle::Alpha => {
            let alpha = norm(sub(to, r.z0)).max(ALPHA_MIN.min(m.alpha));
            // Keep γ/α, the magnification at the centre.
            let gamma = alpha * (m.gamma / m.alpha);
            q.alpha_raw = inv_softplus_safe(alpha);
            q.beta_raw = inv_softplus_safe(gamma.max((GAMMA_REL_MIN * alpha).min(m.gamma)));
        }
        RadialHandle::Beta => {
            let rho = norm(sub(to, r.z0));
            let gamma = (2.0 * rho - m.alpha).max((GAMMA_REL_MIN * m.alpha).min(m.gamma));
            q.beta_raw = inv_softplus_safe(gamma);
        }
    }
    sanitize_radial(q)
}

// ---------------------------------------------------------------------------------------------
// Both kinds
// ---------------------------------------------------------------------------------------------

/// A grabbable part of either kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handle {
    /// A planar part.
    Planar(PlanarHandle),
    /// A radial part.
    Radial(RadialHandle),
    /// A Sylvester part.
    Sylvester(SylvesterHandle),
}

/// Handles of either kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LayerHandles {
    /// Planar.
    Planar(PlanarHandles),
    /// Radial.
    Radial(RadialHandles),
    /// Sylvester.
    Sylvester(SylvesterHandles),
    /// A kind without handles (coupling and scale layers): nothing to draw or grab.
    None,
}

/// Per-layer view state of the handles: the planar pivot and the radial handles' angles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandlePlacement {
    /// The point whose foot on a planar line is the anchor.
    pub pivot: Vec2,
    /// Angles of the radial `α` and `β` handles.
    pub angles: [f64; 2],
}

impl HandlePlacement {
    /// Pivot at `pivot`, `α` handle to the east, `β` handle at 60°.
    pub fn at(pivot: Vec2) -> Self {
        HandlePlacement {
            pivot,
            angles: [0.0, std::f64::consts::FRAC_PI_3],
        }
    }
}

/// The handles of `layer` at `placement`, lines clipped to `window`.
pub fn layer_handles(layer: &Layer, placement: HandlePlacement, window: Window) -> LayerHandles {
    match layer {
        Layer::Planar(p) => LayerHandles::Planar(planar_handles(p, placement.pivot, window)),
        Layer::Radial(r) => LayerHandles::Radial(radial_handles(r, placement.angles)),
        Layer::Sylvester(s) => LayerHandles::Sylvester(sylvester_handles(s, window)),
        _ => LayerHandles::None,
    }
}

impl LayerHandles {
    /// Position of `h` (`None` if `h` is of the other kind).
    pub fn position(&self, h: Handle) -> Option<Vec2> {
        match (self, h) {
            (LayerHandles::Planar(p), Handle::Planar(h)) => Some(p.position(h)),
            (LayerHandles::Radial(r), Handle::Radial(h)) => Some(r.position(h)),
            (LayerHandles::Sylvester(s), Handle::Sylvester(h)) => Some(s.position(h)),
            _ => None,
        }
    }

    /// The handle under canvas point `at` within `radius_px`, tips before lines and rings.
    /// (`view` maps data to the same canvas pixels as `at`.)
    pub fn pick(&self, view: &ViewTransform, at: Vec2, radius_px: f64) -> Option<Handle> {
        let dist = |p: Vec2| {
            let c = view.canvas_from_data(p);
            (c[0] - at[0]).hypot(c[1] - at[1])
        };
        let mut best: Option<(f64, Handle)> = None;
        let consider = |best: &mut Option<(f64, Handle)>, d: f64, h: Handle| {
            if d.is_finite() && d <= radius_px && best.is_none_or(|(bd, _)| d < bd) {
                *best = Some((d, h));
            }
        };
        match self {
            LayerHandles::Planar(p) => {
                consider(
                    &mut best,
                    dist(p.u_hat_tip),
                    Handle::Planar(PlanarHandle::UHat),
                );
                if p.u_differs(1e-9) {
                    consider(&mut best, dist(p.u_tip), Handle::Planar(PlanarHandle::U));
                }
                consider(
                    &mut best,
                    dist(p.normal_tip),
                    Handle::Planar(PlanarHandle::Normal),
                );
                consider(
                    &mut best,
                    dist(p.anchor),
                    Handle::Planar(PlanarHandle::Line),
                );
                if best.is_none() {
                    if let Some([a, b]) = p.line {
                        let (ca, cb) = (view.canvas_from_data(a), view.canvas_from_data(b));
                        let d = segment_distance(at, ca, cb);
                        consider(&mut best, d, Handle::Planar(PlanarHandle::Line));
                    }
                }
            }
            LayerHandles::None => {}
            LayerHandles::Sylvester(s) => {
                consider(
                    &mut best,
                    dist(s.rotation_tip),
                    Handle::Sylvester(SylvesterHandle::Rotation),
                );
                consider(
                    &mut best,
                    dist(s.centre),
                    Handle::Sylvester(SylvesterHandle::Centre),
                );
            }
            LayerHandles::Radial(r) => {
                consider(
                    &mut best,
                    dist(r.centre),
                    Handle::Radial(RadialHandle::Centre),
                );
                consider(
                    &mut best,
                    dist(r.alpha_tip),
                    Handle::Radial(RadialHandle::Alpha),
                );
                consider(
                    &mut best,
                    dist(r.beta_tip),
                    Handle::Radial(RadialHandle::Beta),
                );
            }
        }
        best.map(|(_, h)| h)
    }
}

/// The offset from a pointer at data point `at` to the point of the line `wᵀz + b = 0` nearest to
/// it: `−(wᵀat + b)·w/‖w‖²` (zero when `w = 0`). A line grabbed anywhere keeps that point of the
/// line under the pointer: a [`PlanarHandle::Line`] drag to `pointer + offset` leaves `b` as it
/// was until the pointer moves.
pub fn line_grab_offset(p: &Planar, at: Vec2) -> Vec2 {
    let n2 = dot(p.w, p.w);
    if n2 > 0.0 {
        scale(p.w, -(dot(p.w, at) + p.b) / n2)
    } else {
        [0.0, 0.0]
    }
}

/// Grabbing handle `h` of `layer` (drawn as `handles`) with the pointer at data point `at`:
/// `(anchor, offset)`, the drag's fixed point and what to add to the pointer to get the drag's
/// target. A planar layer turns about its anchor, and its line is held at the point nearest the
/// pointer ([`line_grab_offset`]); any other handle is held where it sits (offset = handle −
/// pointer) and is its own anchor. `None` if `h` is not one of `handles`.
pub fn grab(handles: &LayerHandles, layer: &Layer, h: Handle, at: Vec2) -> Option<(Vec2, Vec2)> {
    let pos = handles.position(h)?;
    Some(match (handles, layer) {
        (LayerHandles::Planar(ph), Layer::Planar(l)) => {
            let offset = if h == Handle::Planar(PlanarHandle::Line) {
                line_grab_offset(l, at)
            } else {
                sub(pos, at)
            };
            (ph.anchor, offset)
        }
        _ => (pos, sub(pos, at)),
    })
}

/// Distance from `p` to the segment `a–b` (all in the same units).
pub fn segment_distance(p: Vec2, a: Vec2, b: Vec2) -> f64 {
    let ab = sub(b, a);
    let l2 = dot(ab, ab);
    let t = if l2 > 0.0 {
        (dot(sub(p, a), ab) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    norm(sub(p, add(a, scale(ab, t))))
}

/// The layer after dragging `h` to `to` (`anchor` from the drag's start, used by planar
/// handles). A handle of the other kind leaves the layer unchanged. Always admissible.
pub fn apply_drag(layer: &Layer, anchor: Vec2, h: Handle, to: Vec2) -> Layer {
    match (layer, h) {
        (Layer::Planar(p), Handle::Planar(h)) => Layer::Planar(planar_drag(p, anchor, h, to)),
        (Layer::Radial(r), Handle::Radial(h)) => Layer::Radial(radial_drag(r, h, to)),
        (Layer::Sylvester(s), Handle::Sylvester(h)) => Layer::Sylvester(sylvester_drag(s, h, to)),
        (Layer::Planar(p), _) => Layer::Planar(sanitize_planar(*p, p.w)),
        (Layer::Radial(r), _) => Layer::Radial(sanitize_radial(*r)),
        (other, _) => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Stages and new layers
// ---------------------------------------------------------------------------------------------

/// The stage (generative numbering, `0..=K`) where layer `i`'s formula takes its input:
/// `i` for Generative (`f_{i+1}` maps stage `i` to `i + 1`), `K − i` for Normalizing (the
/// formula acts data → base, from stage `K − i` to `K − i − 1`).
pub fn input_stage(direction: Direction, k: usize, i: usize) -> usize {
    match direction {
        Direction::Generative => i.min(k),
        Direction::Normalizing => k.saturating_sub(i),
    }
}

/// The stage where layer `i`'s formula puts its output.
pub fn output_stage(direction: Direction, k: usize, i: usize) -> usize {
    match direction {
        Direction::Generative => (i + 1).min(k),
        Direction::Normalizing => k.saturating_sub(i + 1),
    }
}

/// The first stage whose picture depends on layer `i`: its output stage `i + 1` for Generative
/// (stages up to `i` come before it), its input stage `K − i` for Normalizing (the generative
/// step into that stage is the layer's inverse).
pub fn first_dependent_stage(direction: Direction, k: usize, i: usize) -> usize {
    match direction {
        Direction::Generative => (i + 1).min(k),
        Direction::Normalizing => k.saturating_sub(i),
    }
}

/// The layer whose formula takes its input at integer stage `s` (`None` past the ends).
pub fn layer_at_input_stage(direction: Direction, k: usize, s: usize) -> Option<usize> {
    match direction {
        Direction::Generative => (s < k).then_some(s),
        Direction::Normalizing => (s >= 1 && s <= k).then(|| k - s),
    }
}

/// Where to insert a new layer so that its formula takes its input in the space shown at stage
/// `s` (rounded, clamped to `0..=K`) of the current `K`-layer flow: `(index, its input stage in
/// the new K + 1-layer flow)`.
pub fn insert_for_stage(direction: Direction, k: usize, s: f64) -> (usize, usize) {
    let s = if s.is_finite() {
        s.round().clamp(0.0, k as f64) as usize
    } else {
        k
    };
    match direction {
        Direction::Generative => (s, s),
        // Layers 0..K−s stay on the data side of the shown space; the new one goes next.
        Direction::Normalizing => (k - s, s + 1),
    }
}

/// A planar layer whose line passes through `at`, normal pointing away from `center` (east if
/// they coincide), `‖w‖ = 2`, `u = ŵ` (so `wᵀu = 2`: a visible expansion across the line).
pub fn new_planar_at(at: Vec2, center: Vec2) -> Planar {
    let d = sub(at, center);
    let n = norm(d);
    let dir = if n > 1e-6 && n.is_finite() {
        scale(d, 1.0 / n)
    } else {
        [1.0, 0.0]
    };
    let w = scale(dir, 2.0);
    sanitize_planar(
        Planar {
            u: dir,
            w,
            b: -dot(w, at),
        },
        [1.0, 0.0],
    )
}

/// A radial layer centred at `at` with `α = 0.5` that concentrates the shown density there:
/// in the generative direction it contracts (`β = −0.4`); in the normalizing direction (the
/// formula acts data → base) it expands (`β = 0.8`), which raises the density at `at` too.
pub fn new_radial_at(at: Vec2, direction: Direction) -> Radial {
    let beta = match direction {
        Direction::Generative => -0.4,
        Direction::Normalizing => 0.8,
    };
    radial_from(at, 0.5, beta)
}
