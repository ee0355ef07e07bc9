//! The model (layer kinds and raw parameters) as JSON, for export and re-import.
//!
//! ```text
//! {
//!   "format": "flow-playground-model",
//!   "version": 1,
//!   "K": 2,
//!   "direction": "normalizing",
//!   "raw_order": { "planar": "u0 u1 w0 w1 b", "radial": "z0x z0y alpha_raw beta_raw",
//!                  "sylvester": "theta lambda1 lambda2 rho1 rho2 r12 rt12 b1 b2",
//!                  "affine-x": "…", … },
//!   … coupling layers:
//!     { "type": "affine-x", "raw": [1,186 values],
//!       "constrained": { "keeps": "x", "transforms": "y", "conditioner": "1→32→32→2, tanh" } },
//!   "layers": [
//!     { "type": "planar", "raw": [u0, u1, w0, w1, b],
//!       "constrained": { "u_hat": [ûx, ûy], "w": [wx, wy], "b": b } },
//!     { "type": "radial", "raw": [z0x, z0y, α̂, β̂],
//!       "constrained": { "z0": [x, y], "alpha": α, "beta": β } }
//!   ]
//! }
//! ```
//!
//! `direction` says which way the layers map: `normalizing` (data to base: a model trained on
//! points) or `generative` (base to model: one trained against an energy); code that rebuilds
//! the flow elsewhere needs it (the app itself takes the direction of its current target, and
//! ignores it on import). `raw` is what the optimiser and the link store (exact, shortest round-trip decimals);
//! `constrained` is for human readers only (planar `û` with `wᵀû > −1`, radial `α > 0`,
//! `β > −α`; Sylvester `θ`, the triangular `R`, `R̃` and `mᵢ = rᵢᵢr̃ᵢᵢ > −1`; coupling layers
//! the coordinate kept and the conditioner's shape, whose raw layout `raw_order` spells out;
//! scale layers the per-axis factor `e^{ℓ}` and shift `c`) and is ignored on import. Types:
//! `planar`, `radial`, `sylvester`, `affine-x`, `affine-y`, `spline-x`, `spline-y` (the letter
//! is the coordinate kept), `scale`. Import checks the format tag (if present), the layer
//! types, the number of raw values per layer, finiteness, the `±RAW_PARAM_LIMIT` range and
//! `K ≤ MAX_LAYERS`; any problem rejects the whole file with a message naming the layer.

use crate::core::layer::RAW_PARAM_LIMIT;
use crate::core::mlp::HIDDEN;
use crate::core::spline::{BINS, BOUND, OUTPUTS};
use crate::core::{Direction, LayerKind, Planar, Radial, Scale, Sylvester};

use super::config::MAX_LAYERS;
use super::import::{precheck, ImportError};
use super::json::{num, string, Json, Parser};
use super::layers_codec::n_params;
use super::text::{line_col, quote};

/// The `format` tag of a model file.
pub const MODEL_FORMAT: &str = "flow-playground-model";

/// The model as JSON; `None` if `params` does not have the stack's parameter count.
pub fn model_to_json(kinds: &[LayerKind], params: &[f64], direction: Direction) -> Option<String> {
    if params.len() != n_params(kinds) {
        return None;
    }
    let pair = |v: [f64; 2]| format!("[{}, {}]", num(v[0]), num(v[1]));
    let mut out = String::new();
    let direction = match direction {
        Direction::Normalizing => "normalizing",
        Direction::Generative => "generative",
    };
    out.push_str(&format!(
        "{{\n  \"format\": {},\n  \"version\": 1,\n  \"K\": {},\n  \"direction\": {},\n",
        string(MODEL_FORMAT),
        kinds.len(),
        string(direction)
    ));
    let mlp_order = |p: usize| {
        format!(
            "conditioner MLP 1-{HIDDEN}-{HIDDEN}-{p}, tanh: W1 ({HIDDEN}) c1 ({HIDDEN}) W2 ({HIDDEN}x{HIDDEN}, row-major out x in) c2 ({HIDDEN}) W3 ({p}x{HIDDEN}, row-major) c3 ({p})"
        )
    };
    out.push_str(&format!(
        "  \"raw_order\": {{ \"planar\": \"u0 u1 w0 w1 b\", \"radial\": \"z0x z0y alpha_raw beta_raw\", \"sylvester\": \"theta lambda1 lambda2 rho1 rho2 r12 rt12 b1 b2\", \"affine\": {}, \"spline\": {}, \"scale\": \"log_scale1 log_scale2 shift1 shift2\" }},\n",
        string(&format!("{}; outputs (s_hat, mu)", mlp_order(2))),
        string(&format!(
            "{}; outputs {BINS} width, {BINS} height, {} derivative logits, {BINS} bins on [-{BOUND}, {BOUND}]",
            mlp_order(OUTPUTS),
            BINS - 1
        ))
    ));
    out.push_str("  \"layers\": [");
    let mut at = 0;
    for (i, &kind) in kinds.iter().enumerate() {
        let raw = &params[at..at + kind.n_params()];
        at += kind.n_params();
        let raw_text: Vec<String> = raw.iter().map(|&v| num(v)).collect();
        let constrained = match kind {
            LayerKind::Planar => {
                let l = Planar::from_params(raw);
                format!(
                    "{{ \"u_hat\": {}, \"w\": {}, \"b\": {} }}",
                    pair(l.u_hat()),
                    pair(l.w),
                    num(l.b)
                )
            }
            LayerKind::Radial => {
                let l = Radial::from_params(raw);
                format!(
                    "{{ \"z0\": {}, \"alpha\": {}, \"beta\": {} }}",
                    pair(l.z0),
                    num(l.alpha()),
                    num(l.beta())
                )
            }
            LayerKind::Sylvester => {
                let l = Sylvester::from_params(raw);
                let m = l.map(1.0);
                format!(
                    "{{ \"theta\": {}, \"R\": [{}, [0, {}]], \"R_tilde\": [{}, [0, {}]], \"b\": {}, \"m\": {} }}",
                    num(l.theta),
                    pair([m.r[0], m.r12]),
                    num(m.r[1]),
                    pair([m.rt[0], m.rt12]),
                    num(m.rt[1]),
                    pair(l.b),
                    pair(l.m())
                )
            }
            LayerKind::Scale => {
                let m = Scale::from_params(raw).map(1.0);
                format!("{{ \"scale\": {}, \"shift\": {} }}", pair(m.s), pair(m.c))
            }
            LayerKind::Cnf(spec) => cnf_spec_json(spec),
            LayerKind::Affine(keep) | LayerKind::Spline(keep) => {
                let p = kind.n_params() - HIDDEN * HIDDEN - 3 * HIDDEN;
                let p = p / (HIDDEN + 1);
                format!(
                    "{{ \"keeps\": {}, \"transforms\": {}, \"conditioner\": {} }}",
                    string(keep.letter()),
                    string(if keep.index() == 0 { "y" } else { "x" }),
                    string(&format!("1-{HIDDEN}-{HIDDEN}-{p}, tanh"))
                )
            }
        };
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "    {{ \"type\": {}, \"raw\": [{}],\n      \"constrained\": {} }}",
            string(kind.name()),
            raw_text.join(", "),
            constrained
        ));
    }
    out.push_str(if kinds.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    Some(out)
}

/// Reads a model written by [`model_to_json`] (or by hand in the same shape; a bare list of
/// layers is accepted too). Returns the kinds and the flat raw parameters.
pub fn model_from_json(text: &str) -> Result<(Vec<LayerKind>, Vec<f64>), ImportError> {
    precheck(text)?;
    let mut p = Parser::new(text);
    let bad_json = |pos: usize, message: String| {
        let (line, column) = line_col(text, pos);
        ImportError::BadJson {
            line,
            column,
            message,
        }
    };
    let doc = p.value().map_err(|e| bad_json(e.pos, e.msg))?;
    if !p.at_end() {
        return Err(bad_json(p.i, "unexpected text after the JSON value".into()));
    }
    let bad = |m: String| Err(ImportError::BadModel(m));
    let layers = match &doc {
        Json::Arr(items) => items,
        Json::Obj(_) => {
            if let Some(f) = doc.get("format") {
                if *f != Json::Str(MODEL_FORMAT.into()) {
                    let shown = match f {
                        Json::Str(s) => format!("'{}'", quote(s)),
                        other => other.type_name().to_string(),
                    };
                    return bad(format!("its format is {shown}, expected '{MODEL_FORMAT}'"));
                }
            }
            match doc.get("layers") {
                Some(Json::Arr(items)) => items,
                Some(other) => {
                    return bad(format!(
                        "\"layers\" is {}, expected a list",
                        other.type_name()
                    ))
                }
                None if doc.get("points").is_some() => {
                    return bad("this file holds points; import it as points".into());
                }
                None => return bad("it has no \"layers\" list".into()),
            }
        }
        other => {
            return bad(format!(
                "expected an object with \"layers\", found {}",
                other.type_name()
            ))
        }
    };
    if layers.len() > MAX_LAYERS {
        return bad(format!(
            "it has {} layers; at most {MAX_LAYERS} are supported",
            layers.len()
        ));
    }
    let mut kinds = Vec::with_capacity(layers.len());
    let mut params = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        if matches!(layer, Json::Arr(_)) {
            return bad(format!(
                "layer {i} is a list; this file looks like points, not a model"
            ));
        }
        let kind = match layer.get("type") {
            Some(Json::Str(t)) => match LayerKind::ALL
                .into_iter()
                .chain(LayerKind::CONTINUOUS)
                .find(|k| k.name().eq_ignore_ascii_case(t.trim()))
            {
                Some(LayerKind::Cnf(spec)) => match read_cnf_spec(spec, layer.get("constrained")) {
                    Ok(s) => LayerKind::Cnf(s),
                    Err(m) => return bad(format!("layer {i}: {m}")),
                },
                Some(k) => k,
                None => {
                    return bad(format!(
                        "layer {i} has unknown type '{}' (expected {})",
                        quote(t),
                        kind_names()
                    ))
                }
            },
            Some(other) => {
                return bad(format!(
                    "layer {i}: \"type\" is {}, expected a string ({})",
                    other.type_name(),
                    kind_names()
                ))
            }
            None => return bad(format!("layer {i} has no \"type\"")),
        };
        let Some(Json::Arr(raw)) = layer.get("raw") else {
            return bad(format!("layer {i} has no \"raw\" list of parameters"));
        };
        if raw.len() != kind.n_params() {
            return bad(format!(
                "layer {i} ({}) has {} raw values; it needs {}",
                kind.name(),
                raw.len(),
                kind.n_params()
            ));
        }
        for (j, v) in raw.iter().enumerate() {
            let Some(x) = v.as_f64() else {
                return bad(format!(
                    "layer {i}, raw value {j} is {}, not a number",
                    v.type_name()
                ));
            };
            if !x.is_finite() || x.abs() > RAW_PARAM_LIMIT {
                return bad(format!(
                    "layer {i}, raw value {j} is not a finite number within ±{RAW_PARAM_LIMIT:e}"
                ));
            }
            params.push(x);
        }
        kinds.push(kind);
    }
    Ok((kinds, params))
}

/// The type names a model file may use, for messages: `planar, radial or …`.
fn kind_names() -> String {
    let names: Vec<&str> = LayerKind::ALL
        .iter()
        .chain(&LayerKind::CONTINUOUS)
        .map(|k| k.name())
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// A continuous layer's spec as the model file writes it (and reads it back: the `constrained`
/// object of a `cnf-mlp` or `cnf-planar` layer).
fn cnf_spec_json(spec: crate::core::cnf::CnfSpec) -> String {
    let width = match spec.field {
        crate::core::cnf::CnfField::Mlp => "\"field\": \"mlp [x, y, t]-64-64-2, SiLU\"".to_string(),
        crate::core::cnf::CnfField::Planar(w) => {
            format!("\"field\": \"planar, linear in t\", \"width\": {w}")
        }
    };
    format!(
        "{{ {width}, \"solver\": {}, \"steps\": {} }}",
        string(spec.method.name()),
        spec.steps
    )
}

/// The spec of a continuous layer from its `constrained` object (`width`, `solver`, `steps`;
/// each missing one keeps `default`'s value).
fn read_cnf_spec(
    default: crate::core::cnf::CnfSpec,
    obj: Option<&Json>,
) -> Result<crate::core::cnf::CnfSpec, String> {
    use crate::core::cnf::{CnfField, Method};
    use crate::state::layers_codec::{MAX_CNF_STEPS, MAX_CNF_WIDTH};
    let mut spec = default;
    let Some(obj) = obj else {
        return Ok(spec);
    };
    if let Some(w) = obj.get("width") {
        match (spec.field, w.as_f64()) {
            (CnfField::Planar(_), Some(w))
                if w >= 1.0 && w <= MAX_CNF_WIDTH as f64 && w.fract() == 0.0 =>
            {
                spec.field = CnfField::Planar(w as u8)
            }
            (CnfField::Planar(_), _) => {
                return Err(format!(
                    "\"width\" must be a whole number 1–{MAX_CNF_WIDTH}"
                ))
            }
            _ => {}
        }
    }
    if let Some(m) = obj.get("solver") {
        let Json::Str(m) = m else {
            return Err("\"solver\" must be euler, midpoint or rk4".into());
        };
        spec.method = Method::ALL
            .into_iter()
            .find(|x| x.name().eq_ignore_ascii_case(m.trim()))
            .ok_or_else(|| format!("unknown solver '{}' (euler, midpoint or rk4)", quote(m)))?;
    }
    if let Some(n) = obj.get("steps") {
        match n.as_f64() {
            Some(n) if n >= 1.0 && n <= MAX_CNF_STEPS as f64 && n.fract() == 0.0 => {
                spec.steps = n as u8
            }
            _ => {
                return Err(format!(
                    "\"steps\" must be a whole number 1–{MAX_CNF_STEPS}"
                ))
            }
        }
    }
    Ok(spec)
}
