#![cfg(not(target_arch = "wasm32"))]
//! The solver-error picture (`core::cnf::solver_error`; docs/maths/continuous.md, "The error of
//! a fixed-step solve"): against an independent solve of the same augmented ODE (the adaptive
//! Dormand–Prince pair at tolerance 1e−12, per point), the picture's value is the fixed-step
//! scheme's density minus the exact one; it falls at the scheme's order (Euler halves, RK4 a sixteenth per doubling);
//! the reference itself is exact to well below the finest scheme's error; other flows are not
//! pictured.

use flow_playground::core::cnf::density::log_normal;
use flow_playground::core::cnf::layer::AnyField;
use flow_playground::core::cnf::solve::{adaptive, Pair};
use flow_playground::core::cnf::solver_error::solver_error;
use flow_playground::core::cnf::{CnfField, CnfSpec, FieldWork, Method};
use flow_playground::core::layer::LayerKind;
use flow_playground::core::stack::{init_params, Init};
use flow_playground::core::{Direction, Flow};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// A planar CNF of width 4 whose initial parameters are tripled: a field that bends paths
/// visibly within `t ∈ [0, 1]`.
fn flow(method: Method, steps: u8) -> Flow {
    let spec = CnfSpec {
        field: CnfField::Planar(4),
        method,
        steps,
    };
    let kinds = [LayerKind::Cnf(spec)];
    let p: Vec<f64> = init_params(&kinds, Init::Default, 11)
        .iter()
        .map(|v| 3.0 * v)
        .collect();
    Flow::with_params(&kinds, &p, Direction::Normalizing).unwrap()
}

fn points() -> (Vec<f64>, Vec<f64>) {
    let mut rng = SmallRng::seed_from_u64(2);
    let xs = (0..40).map(|_| rng.random_range(-2.5..2.5)).collect();
    let ys = (0..40).map(|_| rng.random_range(-2.5..2.5)).collect();
    (xs, ys)
}

/// `log p_t(x)` by Dormand–Prince at tolerance 1e−12 (independent of the fixed-step code).
fn exact_log_p(f: &Flow, t: f64, x: f64, y: f64) -> f64 {
    let [LayerKind::Cnf(spec)] = f.kinds() else {
        unreachable!()
    };
    let field = AnyField::new(*spec, f.params());
    let end = adaptive(
        field.exact(),
        Pair::Dopri5,
        1e-12,
        1e-12,
        [x, y],
        t,
        0.0,
        &mut FieldWork::default(),
    )
    .unwrap();
    log_normal(end.z[0], end.z[1]) + end.acc
}

/// Largest |error| over the points at stage `t`, and the errors.
fn errors(method: Method, steps: u8, t: f64) -> (f64, Vec<f64>) {
    let f = flow(method, steps);
    let (xs, ys) = points();
    let mut out = vec![0.0; xs.len()];
    assert!(solver_error(&f, t, &xs, &ys, &mut out));
    (out.iter().fold(0.0f64, |m, e| m.max(e.abs())), out)
}

#[test]
fn the_picture_is_the_scheme_minus_the_exact_density() {
    let (xs, ys) = points();
    for (method, steps) in [(Method::Euler, 4), (Method::Midpoint, 2), (Method::Rk4, 1)] {
        let f = flow(method, steps);
        for t in [0.5, 1.0] {
            let mut out = vec![0.0; xs.len()];
            assert!(solver_error(&f, t, &xs, &ys, &mut out));
            // The scheme's own density, by the flow the app draws.
            let mut shown = vec![0.0; xs.len()];
            f.log_density(
                t,
                &xs,
                &ys,
                &mut shown,
                &mut flow_playground::core::Workspace::default(),
            );
            let mut biggest = 0.0f64;
            for i in 0..xs.len() {
                let want = shown[i].exp() - exact_log_p(&f, t, xs[i], ys[i]).exp();
                // The reference's own error (RK4-128) is far below these schemes' errors.
                assert!(
                    (out[i] - want).abs() < 1e-9 + 1e-3 * want.abs(),
                    "{method:?} × {steps} at t = {t}: {} vs {want}",
                    out[i]
                );
                biggest = biggest.max(want.abs());
            }
            assert!(
                biggest > 1e-4,
                "{method:?} × {steps}: the field is too tame ({biggest})"
            );
        }
    }
}

#[test]
fn the_error_falls_at_the_schemes_order() {
    for (method, order, steps) in [
        (Method::Euler, 1.0, [8u8, 16, 32]),
        (Method::Midpoint, 2.0, [8, 16, 32]),
        (Method::Rk4, 4.0, [16, 32, 64]),
    ] {
        let e: Vec<f64> = steps.iter().map(|&n| errors(method, n, 1.0).0).collect();
        for w in e.windows(2) {
            let seen = (w[0] / w[1]).log2();
            assert!(
                (seen - order).abs() < 0.35,
                "{method:?}: errors {e:?} fall at order {seen}, not {order}"
            );
        }
    }
}

#[test]
fn at_time_zero_nothing_is_solved_and_other_flows_are_not_pictured() {
    let (xs, ys) = points();
    let mut out = vec![1.0; xs.len()];
    assert!(solver_error(
        &flow(Method::Euler, 1),
        0.0,
        &xs,
        &ys,
        &mut out
    ));
    assert!(out.iter().all(|&e| e == 0.0));
    let planar = Flow::with_params(
        &[LayerKind::Planar],
        &[1.0, 0.0, 1.0, 0.0, 0.0],
        Direction::Normalizing,
    )
    .unwrap();
    let mut out = vec![7.0; xs.len()];
    assert!(!solver_error(&planar, 1.0, &xs, &ys, &mut out));
    assert!(out.iter().all(|&e| e == 7.0), "untouched");
}
