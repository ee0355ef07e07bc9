//! Ground truth for the Python package (python/, issue 21): the engine's own numbers for models
//! of every layer family, which `python/tests` compare the Python reimplementation against.
//!
//! `cargo run --release -p flow-playground-app --example python_reference -- <outdir>`
//!
//! For each model (every family alone, and one stack holding all of them) it writes
//! `<name>.model.json`, exported by the app's own `model_to_json`, and `<name>.reference.json`:
//! the evaluation points and, for both directions (a model file does not say which; the app's
//! objective decides: points → normalizing, energy → generative),
//!
//! - `probe`: `Flow::probe(x).total`, the exact scalar `log q_K(x)` (libm `tanh`, the `f64`
//!   fields, each layer's own inverse and log-determinant);
//! - `log_density`: `Flow::log_density` at stage `K`, the batch path of the density picture
//!   (fast `tanh`/`ln`; the continuous MLP field's mixed-precision twin);
//! - `stages`: base points carried through every generative step `g_1..g_K` with the scalar
//!   maps (`positions[s][i]` is point `i` at stage `s`), and `push`: the same by the batch
//!   `Flow::push_to_stage` to stage `K` (what sampling does);
//! - `layers`: each layer's `LayerMap::forward` and `LayerMap::inverse` (output and
//!   `log|det J|`) at a few points, in the direction's orientation.
//!
//! Raw parameters: the engine's seeded initialisation (`init_params`, `Init::Default`) plus
//! `σ·N(0, 1)` noise per kind (from `Init::SmallNormal`), so coupling outputs and every
//! constraint are non-trivial. Numbers are written with `{:e}` (shortest round-trip), `null`
//! for non-finite values.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flow_playground::core::cnf::{CnfSpec, Method};
use flow_playground::core::flow::orient;
use flow_playground::core::{
    init_params, Direction, Flow, Init, Keep, LayerKind, LayerMap, Vec2, Workspace,
};
use flow_playground::state::model_to_json;

const SEED: u64 = 21;

/// The noise added to a kind's initial raw parameters.
fn noise_scale(kind: LayerKind) -> f64 {
    match kind {
        LayerKind::Planar | LayerKind::Radial => 0.5,
        LayerKind::Sylvester | LayerKind::Scale => 0.3,
        LayerKind::Affine(_) => 0.15,
        LayerKind::Spline(_) => 0.3,
        LayerKind::Cnf(spec) => match spec.field {
            flow_playground::core::cnf::CnfField::Mlp => 0.1,
            flow_playground::core::cnf::CnfField::Planar(_) => 0.3,
        },
    }
}

fn params_for(kinds: &[LayerKind], seed: u64) -> Vec<f64> {
    let mut p = init_params(kinds, Init::Default, seed);
    let noise = init_params(kinds, Init::SmallNormal(1.0), seed + 1000);
    let mut at = 0;
    for &kind in kinds {
        let n = kind.n_params();
        let s = noise_scale(kind);
        for (v, e) in p[at..at + n].iter_mut().zip(&noise[at..at + n]) {
            *v += s * e;
        }
        at += n;
    }
    p
}

fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:e}")
    } else {
        "null".into()
    }
}

fn list(vs: impl IntoIterator<Item = f64>) -> String {
    let items: Vec<String> = vs.into_iter().map(num).collect();
    format!("[{}]", items.join(", "))
}

fn points(ps: &[Vec2]) -> String {
    let items: Vec<String> = ps
        .iter()
        .map(|p| format!("[{}, {}]", num(p[0]), num(p[1])))
        .collect();
    format!("[{}]", items.join(", "))
}

/// Evaluation points: a 9 × 9 grid over [−4, 4]², points on the spline's bound and far out.
fn eval_points() -> Vec<Vec2> {
    let mut ps = Vec::new();
    for j in 0..9 {
        for i in 0..9 {
            ps.push([-4.0 + i as f64, -4.0 + j as f64]);
        }
    }
    ps.extend_from_slice(&[
        [0.123, -0.456],
        [3.0, -3.0],
        [-2.999, 2.5],
        [8.0, 0.5],
        [-0.25, 12.0],
        [20.0, -15.0],
        [-30.0, 25.0],
        [55.5, 7.25],
        [-1e3, 1e3],
    ]);
    ps
}

/// Base points carried through the stages, and the layer-level probe points.
fn few_points() -> Vec<Vec2> {
    vec![
        [0.0, 0.0],
        [0.7, -1.3],
        [-1.9, 0.4],
        [2.6, 2.2],
        [-3.5, -4.5],
        [9.0, -6.0],
    ]
}

fn direction_json(flow: &Flow, d: Direction, xs: &[Vec2]) -> String {
    let mut flow = flow.clone();
    flow.set_direction(d);
    let k = flow.len();
    let mut ws = Workspace::default();

    let probe = xs
        .iter()
        .map(|&x| flow.probe(x).map_or(f64::NEG_INFINITY, |p| p.total));
    let (px, py): (Vec<f64>, Vec<f64>) = xs.iter().map(|p| (p[0], p[1])).unzip();
    let mut batch = vec![0.0; xs.len()];
    flow.log_density(k as f64, &px, &py, &mut batch, &mut ws);

    // Stages by the scalar maps: g_k = f_k (generative) or f_{K+1−k}⁻¹ (normalizing).
    let base = few_points();
    let o = orient(d);
    let mut stages = vec![base.clone()];
    let mut cur = base.clone();
    for step in 1..=k {
        let i = flow.step_layer_index(step);
        let m =
            LayerMap::new_oriented(flow.kinds()[i], &flow.params()[flow.param_range(i)], 1.0, o);
        for z in cur.iter_mut() {
            *z = match d {
                Direction::Generative => m.forward(*z).0,
                Direction::Normalizing => m.inverse(*z).map_or([f64::NAN; 2], |r| r.0),
            };
        }
        stages.push(cur.clone());
    }
    let (mut bx, mut by): (Vec<f64>, Vec<f64>) = base.iter().map(|p| (p[0], p[1])).unzip();
    flow.push_to_stage(k as f64, &mut bx, &mut by, &mut ws);
    let pushed: Vec<Vec2> = bx.iter().zip(&by).map(|(x, y)| [*x, *y]).collect();

    let mut layers = Vec::new();
    for i in 0..k {
        let m =
            LayerMap::new_oriented(flow.kinds()[i], &flow.params()[flow.param_range(i)], 1.0, o);
        let fwd: Vec<(Vec2, f64)> = base.iter().map(|&z| m.forward(z)).collect();
        let inv: Vec<(Vec2, f64)> = base
            .iter()
            .map(|&y| m.inverse(y).unwrap_or(([f64::NAN; 2], f64::NAN)))
            .collect();
        let out = |r: &[(Vec2, f64)]| {
            let ps: Vec<Vec2> = r.iter().map(|p| p.0).collect();
            format!(
                "{{ \"out\": {}, \"log_det\": {} }}",
                points(&ps),
                list(r.iter().map(|p| p.1))
            )
        };
        layers.push(format!(
            "{{ \"type\": \"{}\", \"forward\": {}, \"inverse\": {} }}",
            flow.kinds()[i].name(),
            out(&fwd),
            out(&inv)
        ));
    }
    let stage_text: Vec<String> = stages.iter().map(|s| points(s)).collect();
    format!(
        "{{\n    \"probe\": {},\n    \"log_density\": {},\n    \"stages\": [{}],\n    \"push\": {},\n    \"layers\": [\n      {}\n    ]\n  }}",
        list(probe),
        list(batch),
        stage_text.join(", "),
        points(&pushed),
        layers.join(",\n      ")
    )
}

fn write_model(dir: &Path, name: &str, kinds: &[LayerKind], seed: u64) {
    let params = params_for(kinds, seed);
    let model =
        model_to_json(kinds, &params, Direction::Normalizing).expect("parameter count matches");
    std::fs::write(dir.join(format!("{name}.model.json")), model).expect("write model");
    let flow = Flow::with_params(kinds, &params, Direction::Normalizing).expect("sizes match");
    let xs = eval_points();
    let mut out = String::new();
    let _ = write!(
        out,
        "{{\n  \"model\": \"{name}.model.json\",\n  \"points\": {},\n  \"base_points\": {},\n  \"normalizing\": {},\n  \"generative\": {}\n}}\n",
        points(&xs),
        points(&few_points()),
        direction_json(&flow, Direction::Normalizing, &xs),
        direction_json(&flow, Direction::Generative, &xs)
    );
    std::fs::write(dir.join(format!("{name}.reference.json")), out).expect("write reference");
    println!(
        "{name}: {} layers, {} raw parameters",
        kinds.len(),
        params.len()
    );
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "python/tests/reference".into()),
    );
    std::fs::create_dir_all(&dir).expect("create the output directory");
    let alone = LayerKind::ALL.into_iter().chain(LayerKind::CONTINUOUS);
    for (i, kind) in alone.enumerate() {
        write_model(&dir, kind.name(), &[kind], SEED + i as u64);
    }
    let planar3_euler = CnfSpec {
        method: Method::Euler,
        steps: 7,
        ..CnfSpec::planar(3)
    };
    let mlp_midpoint = CnfSpec {
        method: Method::Midpoint,
        steps: 4,
        ..CnfSpec::MLP
    };
    let stack = [
        LayerKind::Scale,
        LayerKind::Planar,
        LayerKind::Radial,
        LayerKind::Sylvester,
        LayerKind::Affine(Keep::X),
        LayerKind::Spline(Keep::Y),
        LayerKind::Cnf(planar3_euler),
        LayerKind::Affine(Keep::Y),
        LayerKind::Spline(Keep::X),
        LayerKind::Cnf(mlp_midpoint),
        LayerKind::Planar,
        LayerKind::Radial,
    ];
    write_model(&dir, "stack", &stack, SEED + 100);
}
