//! The layer editor's parameter fields (one table per layer kind: how to read a value from a
//! layer and how to set it, refusing values that would break invertibility) and how a typed
//! value is read; a value is shown by `state::numtext::fmt_edit`. The layer panel
//! (`ui::panels::layer_details`) renders them; the verdict on invertibility is
//! [`super::verdict`].

use crate::core::scale::Scale;
use crate::core::stack::inv_softplus;
use crate::core::sylvester::Sylvester;
use crate::core::train::PARAM_EXPLODE;
use crate::core::{Layer, Planar, Radial};
use crate::render::handles::W_NORM_MIN;
use crate::state::numtext::fmt_edit;

/// A typed value (`−` reads as `-`), or why not (naming the value `kept`).
pub fn parse_value(raw: &str, kept: f64) -> Result<f64, String> {
    let t = raw.trim().replace('−', "-");
    match crate::state::decimal::parse(&t) {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(format!(
            "“{}” is not a number; kept {}.",
            raw.trim().chars().take(30).collect::<String>(),
            fmt_edit(kept)
        )),
    }
}

fn check_raw(v: f64, kept: f64) -> Result<f64, String> {
    if v.abs() > PARAM_EXPLODE {
        Err(format!(
            "Use a value between −{PARAM_EXPLODE:.0} and {PARAM_EXPLODE:.0} (training treats larger raw parameters as divergence); kept {}.",
            fmt_edit(kept)
        ))
    } else {
        Ok(v)
    }
}

/// One editable parameter of a layer kind.
#[derive(Clone, Copy)]
pub struct Field {
    /// Element id.
    pub id: &'static str,
    /// Label.
    pub label: &'static str,
    /// What it is.
    pub help: &'static str,
    /// Reads the value.
    pub get: fn(&Layer) -> f64,
    /// The layer with the value set, or why not.
    pub set: fn(&Layer, f64) -> Result<Layer, String>,
}

fn planar_of(l: &Layer) -> Planar {
    match l {
        Layer::Planar(p) => *p,
        _ => Planar {
            u: [0.0; 2],
            w: [1.0, 0.0],
            b: 0.0,
        },
    }
}

fn radial_of(l: &Layer) -> Radial {
    match l {
        Layer::Radial(r) => *r,
        _ => Radial {
            z0: [0.0; 2],
            alpha_raw: 0.0,
            beta_raw: 0.0,
        },
    }
}

fn set_w(l: &Layer, j: usize, v: f64) -> Result<Layer, String> {
    let mut p = planar_of(l);
    let kept = p.w[j];
    p.w[j] = check_raw(v, kept)?;
    if p.w[0].hypot(p.w[1]) < W_NORM_MIN {
        return Err(format!(
            "‖w‖ must be at least {W_NORM_MIN} so the line has a normal (and û, which divides by ‖w‖², stays finite); kept {}.",
            fmt_edit(kept)
        ));
    }
    Ok(Layer::Planar(p))
}

/// A planar layer's fields.
pub const PLANAR_FIELDS: [Field; 5] = [
    Field {
        id: "edit-u0",
        label: "u₀",
        help: "raw u, x",
        get: |l| planar_of(l).u[0],
        set: |l, v| {
            let mut p = planar_of(l);
            p.u[0] = check_raw(v, p.u[0])?;
            Ok(Layer::Planar(p))
        },
    },
    Field {
        id: "edit-u1",
        label: "u₁",
        help: "raw u, y",
        get: |l| planar_of(l).u[1],
        set: |l, v| {
            let mut p = planar_of(l);
            p.u[1] = check_raw(v, p.u[1])?;
            Ok(Layer::Planar(p))
        },
    },
    Field {
        id: "edit-w0",
        label: "w₀",
        help: "normal w, x",
        get: |l| planar_of(l).w[0],
        set: |l, v| set_w(l, 0, v),
    },
    Field {
        id: "edit-w1",
        label: "w₁",
        help: "normal w, y",
        get: |l| planar_of(l).w[1],
        set: |l, v| set_w(l, 1, v),
    },
    Field {
        id: "edit-b",
        label: "b",
        help: "bias (shifts the line)",
        get: |l| planar_of(l).b,
        set: |l, v| {
            let mut p = planar_of(l);
            p.b = check_raw(v, p.b)?;
            Ok(Layer::Planar(p))
        },
    },
];

fn set_alpha_beta(r: Radial, alpha: f64, beta: f64, kept: f64) -> Result<Layer, String> {
    let (a_raw, b_raw) = (inv_softplus(alpha), inv_softplus(alpha + beta));
    if !(a_raw.is_finite() && b_raw.is_finite())
        || a_raw.abs() > PARAM_EXPLODE
        || b_raw.abs() > PARAM_EXPLODE
    {
        return Err(format!(
            "That value is out of the range training can use; kept {}.",
            fmt_edit(kept)
        ));
    }
    Ok(Layer::Radial(Radial {
        alpha_raw: a_raw,
        beta_raw: b_raw,
        ..r
    }))
}

/// A radial layer's fields.
pub const RADIAL_FIELDS: [Field; 4] = [
    Field {
        id: "edit-z0x",
        label: "z₀ₓ",
        help: "centre, x",
        get: |l| radial_of(l).z0[0],
        set: |l, v| {
            let mut r = radial_of(l);
            r.z0[0] = check_raw(v, r.z0[0])?;
            Ok(Layer::Radial(r))
        },
    },
    Field {
        id: "edit-z0y",
        label: "z₀ᵧ",
        help: "centre, y",
        get: |l| radial_of(l).z0[1],
        set: |l, v| {
            let mut r = radial_of(l);
            r.z0[1] = check_raw(v, r.z0[1])?;
            Ok(Layer::Radial(r))
        },
    },
    Field {
        id: "edit-alpha",
        label: "α",
        help: "scale, > 0",
        get: |l| radial_of(l).alpha(),
        set: |l, v| {
            let r = radial_of(l);
            let (alpha, beta) = (r.alpha(), r.beta());
            if v <= 0.0 {
                return Err(format!(
                    "α must be greater than 0 (α = softplus(α̂)); kept {}.",
                    fmt_edit(alpha)
                ));
            }
            if beta <= -v {
                return Err(format!(
                    "With α = {}, the current β = {} would be ≤ −α and the map would fold; raise β first. Kept α = {}.",
                    fmt_edit(v),
                    fmt_edit(beta),
                    fmt_edit(alpha)
                ));
            }
            set_alpha_beta(r, v, beta, alpha)
        },
    },
    Field {
        id: "edit-beta",
        label: "β",
        help: "strength, > −α",
        get: |l| radial_of(l).beta(),
        set: |l, v| {
            let r = radial_of(l);
            let (alpha, beta) = (r.alpha(), r.beta());
            if v <= -alpha {
                return Err(format!(
                    "β must be greater than −α = {}: at β ≤ −α points near z₀ are pushed through the centre and the map folds (not invertible). Kept {}.",
                    fmt_edit(-alpha),
                    fmt_edit(beta)
                ));
            }
            set_alpha_beta(r, alpha, v, beta)
        },
    },
];

fn sylvester_of(l: &Layer) -> Sylvester {
    match l {
        Layer::Sylvester(s) => *s,
        _ => Sylvester::from_params(&[0.0; Sylvester::N_PARAMS]),
    }
}

/// Sets raw parameter `j` of a Sylvester layer (every raw value gives an invertible layer).
fn set_sylvester(l: &Layer, j: usize, v: f64) -> Result<Layer, String> {
    let s = sylvester_of(l);
    let mut p = [0.0; Sylvester::N_PARAMS];
    s.write_params(&mut p);
    p[j] = check_raw(v, p[j])?;
    Ok(Layer::Sylvester(Sylvester::from_params(&p)))
}

fn sylvester_raw(l: &Layer, j: usize) -> f64 {
    let mut p = [0.0; Sylvester::N_PARAMS];
    sylvester_of(l).write_params(&mut p);
    p[j]
}

macro_rules! sylvester_field {
    ($j:expr, $id:expr, $label:expr, $help:expr) => {
        Field {
            id: $id,
            label: $label,
            help: $help,
            get: |l| sylvester_raw(l, $j),
            set: |l, v| set_sylvester(l, $j, v),
        }
    };
}

/// A Sylvester layer's fields: its raw parameters (docs/maths/sylvester.md, "Parametrisation").
pub const SYLVESTER_FIELDS: [Field; 9] = [
    sylvester_field!(0, "edit-theta", "θ", "rotation angle of Q"),
    sylvester_field!(1, "edit-lambda1", "λ₁", "r̃₁₁ = e^λ₁"),
    sylvester_field!(2, "edit-lambda2", "λ₂", "r̃₂₂ = e^λ₂"),
    sylvester_field!(3, "edit-rho1", "ρ₁", "m₁ = r₁₁r̃₁₁ = softplus(ρ₁) − 1 > −1"),
    sylvester_field!(4, "edit-rho2", "ρ₂", "m₂ = r₂₂r̃₂₂ = softplus(ρ₂) − 1 > −1"),
    sylvester_field!(5, "edit-r12", "r₁₂", "off-diagonal of R"),
    sylvester_field!(6, "edit-rt12", "r̃₁₂", "off-diagonal of R̃"),
    sylvester_field!(7, "edit-b1", "b₁", "bias, first"),
    sylvester_field!(8, "edit-b2", "b₂", "bias, second"),
];

fn scale_of(l: &Layer) -> Scale {
    match l {
        Layer::Scale(s) => *s,
        _ => Scale::from_params(&[0.0; Scale::N_PARAMS]),
    }
}

fn scale_raw(l: &Layer, j: usize) -> f64 {
    let mut p = [0.0; Scale::N_PARAMS];
    scale_of(l).write_params(&mut p);
    p[j]
}

/// Sets raw parameter `j` of a scale-and-shift layer (every raw value gives an invertible layer).
fn set_scale(l: &Layer, j: usize, v: f64) -> Result<Layer, String> {
    let mut p = [0.0; Scale::N_PARAMS];
    scale_of(l).write_params(&mut p);
    p[j] = check_raw(v, p[j])?;
    Ok(Layer::Scale(Scale::from_params(&p)))
}

macro_rules! scale_field {
    ($j:expr, $id:expr, $label:expr, $help:expr) => {
        Field {
            id: $id,
            label: $label,
            help: $help,
            get: |l| scale_raw(l, $j),
            set: |l, v| set_scale(l, $j, v),
        }
    };
}

/// A scale-and-shift layer's fields: log-scales and shifts.
pub const SCALE_FIELDS: [Field; 4] = [
    scale_field!(0, "edit-l1", "ℓ₁", "x is scaled by e^ℓ₁"),
    scale_field!(1, "edit-l2", "ℓ₂", "y is scaled by e^ℓ₂"),
    scale_field!(2, "edit-c1", "c₁", "shift of x"),
    scale_field!(3, "edit-c2", "c₂", "shift of y"),
];
