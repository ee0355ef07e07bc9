#![cfg(not(target_arch = "wasm32"))]
//! Every layer kind through every property, against independent ground truth (central
//! finite differences of the exact forward map, round trips), from ONE registry of random
//! layers ([`arb_layer`]): adding a `LayerKind` without a strategy here fails to compile.

use flow_playground::core::layer::{Layer, LayerKind, LayerMap};
use flow_playground::core::{Planar, Radial, Sylvester, Vec2};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// The registry: random layers of each kind (raw parameters over ranges that include strongly
/// contracting, expanding and saturated layers).
fn arb_layer(kind: LayerKind) -> BoxedStrategy<Layer> {
    match kind {
        LayerKind::Planar => (
            -3.0..3.0f64,
            -3.0..3.0f64,
            -2.0..2.0f64,
            -2.0..2.0f64,
            -2.0..2.0f64,
        )
            .prop_map(|(u0, u1, w0, w1, b)| {
                Layer::Planar(Planar {
                    u: [u0, u1],
                    w: [w0, w1],
                    b,
                })
            })
            .boxed(),
        LayerKind::Radial => (-2.0..2.0f64, -2.0..2.0f64, -3.0..2.0f64, -3.0..3.0f64)
            .prop_map(|(x, y, a, b)| {
                Layer::Radial(Radial {
                    z0: [x, y],
                    alpha_raw: a,
                    beta_raw: b,
                })
            })
            .boxed(),
        // θ over a full turn; λ so r̃ ∈ [0.2, 4.5]; ρ from m ≈ −0.98 (strong contraction) to
        // m ≈ 2 (tanh-shaped); O(1) off-diagonals and biases (away from the identity: pitfall S5).
        LayerKind::Sylvester => (
            -3.2..3.2f64,
            [-1.5..1.5f64, -1.5..1.5f64],
            [-4.0..3.0f64, -4.0..3.0f64],
            -2.0..2.0f64,
            -2.0..2.0f64,
            [-1.5..1.5f64, -1.5..1.5f64],
        )
            .prop_map(|(theta, lambda, rho, r12, rt12, b)| {
                Layer::Sylvester(Sylvester {
                    theta,
                    lambda,
                    rho,
                    r12,
                    rt12,
                    b,
                })
            })
            .boxed(),
    }
}

fn arb_point() -> impl Strategy<Value = Vec2> {
    (-3.0..3.0f64, -3.0..3.0f64).prop_map(|(x, y)| [x, y])
}

/// Runs `prop` on `cases` random (layer, point, t) triples for every kind in `LayerKind::ALL`.
fn for_every_kind(cases: u32, prop: impl Fn(Layer, Vec2, f64) -> Result<(), TestCaseError>) {
    for kind in LayerKind::ALL {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&(arb_layer(kind), arb_point(), 0.0..1.0f64), |(l, z, t)| {
                prop(l, z, t)
            })
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
}

/// Central-difference Jacobian of `f` at `z`.
fn fd_jacobian(f: impl Fn(Vec2) -> Vec2, z: Vec2, h: f64) -> [[f64; 2]; 2] {
    let mut j = [[0.0; 2]; 2];
    for c in 0..2 {
        let (mut zp, mut zm) = (z, z);
        zp[c] += h;
        zm[c] -= h;
        let (yp, ym) = (f(zp), f(zm));
        for r in 0..2 {
            j[r][c] = (yp[r] - ym[r]) / (2.0 * h);
        }
    }
    j
}

/// Compares `log det` with the determinant of the FD Jacobian. FD with h = 1e−5 has
/// truncation error ~h²·|f'''| ≲ 1e−8 per entry here and rounding ~1e−11, so the determinant's
/// absolute error is below 1e−7·(1 + max|J|)²; where the determinant is not tiny we also
/// compare logs to 1e−6.
fn check_log_det(m: &LayerMap, z: Vec2) -> Result<(), TestCaseError> {
    let j = fd_jacobian(|p| m.forward(p).0, z, 1e-5);
    let det_fd = j[0][0] * j[1][1] - j[0][1] * j[1][0];
    let l = m.log_det(z);
    let jmax = j.iter().flatten().fold(0.0f64, |a, b| a.max(b.abs()));
    prop_assert!(l.is_finite());
    prop_assert!(
        (l.exp() - det_fd).abs() <= 1e-7 * (1.0 + jmax).powi(2),
        "det {} vs FD {det_fd}",
        l.exp()
    );
    if det_fd > 1e-3 {
        prop_assert!(
            (l - det_fd.ln()).abs() < 1e-6,
            "log det {l} vs FD {}",
            det_fd.ln()
        );
    }
    prop_assert_eq!(l, m.forward(z).1);
    Ok(())
}

fn radius_from_centre(l: &Layer, z: Vec2) -> f64 {
    match l {
        Layer::Radial(r) => (z[0] - r.z0[0]).hypot(z[1] - r.z0[1]),
        _ => f64::INFINITY,
    }
}

#[test]
fn log_det_matches_finite_difference_jacobian() {
    for_every_kind(300, |l, z, _| {
        // The radial map has a kink at z₀ (FD across it is meaningless).
        prop_assume!(radius_from_centre(&l, z) > 1e-3);
        check_log_det(&l.map(1.0), z)
    });
}

#[test]
fn fractional_layers_log_det_matches_finite_difference() {
    for_every_kind(200, |l, z, t| {
        prop_assume!(radius_from_centre(&l, z) > 1e-3);
        check_log_det(&l.map(t), z)
    });
}

#[test]
fn fraction_zero_is_identity_and_one_is_the_layer() {
    for_every_kind(200, |l, z, _| {
        let (y0, l0) = l.map(0.0).forward(z);
        prop_assert!(
            (y0[0] - z[0]).abs() <= 1e-15 * (1.0 + z[0].abs())
                && (y0[1] - z[1]).abs() <= 1e-15 * (1.0 + z[1].abs())
        );
        prop_assert!(l0.abs() <= 1e-15);
        let (zi, _) = l.map(0.0).inverse(z).unwrap();
        prop_assert!(
            (zi[0] - z[0]).abs() <= 1e-15 * (1.0 + z[0].abs())
                && (zi[1] - z[1]).abs() <= 1e-15 * (1.0 + z[1].abs())
        );
        // t = 1 is bit-identical to the layer's own forward map.
        prop_assert_eq!(l.map(1.0).forward(z), l.forward(z));
        Ok(())
    });
}

/// Round trip at fraction `t`. Backward error: `f(f⁻¹(y))` reproduces `y` to ~1e−13 (the
/// solver's tolerance plus rounding). Forward error: `|f⁻¹(f(z)) − z|` is that times the
/// conditioning `1/det`, so we allow `1e−12·(1 + |z| + |y|)/min(1, det)`.
fn check_round_trip(m: &LayerMap, z: Vec2) -> Result<(), TestCaseError> {
    let (y, l) = m.forward(z);
    let (zr, lr) = m
        .inverse(y)
        .ok_or_else(|| TestCaseError::fail("inverse failed"))?;
    let (yr, _) = m.forward(zr);
    let scale = 1.0 + z[0].abs().max(z[1].abs()) + y[0].abs().max(y[1].abs());
    let res = (yr[0] - y[0]).abs().max((yr[1] - y[1]).abs());
    prop_assert!(res <= 1e-13 * scale, "residual {res:e}");
    let err = (zr[0] - z[0]).abs().max((zr[1] - z[1]).abs());
    prop_assert!(
        err <= 1e-12 * scale / l.exp().min(1.0),
        "round trip error {err:e}, det {}",
        l.exp()
    );
    prop_assert!(
        (lr - l).abs() <= 1e-9 / l.exp().min(1.0),
        "inverse's log det {lr} vs {l}"
    );
    Ok(())
}

#[test]
fn inverse_round_trips() {
    for_every_kind(400, |l, z, t| {
        check_round_trip(&l.map(1.0), z)?;
        check_round_trip(&l.map(t), z)
    });
}

#[test]
fn planar_inverse_nearly_singular_and_saturated() {
    // Nearly singular: s = wᵀu = −13.8, so wᵀû = softplus(s) − 1 ≈ −1 + 1e−6; also tanh-shaped
    // with m ≫ 2 (plain Newton oscillates there) and fully saturated tanh (|a| ≫ 20).
    let cases = [
        Planar {
            u: [-6.9, 0.0],
            w: [2.0, 0.0],
            b: 0.3,
        },
        Planar {
            u: [-20.0, -20.0],
            w: [1.0, 1.0],
            b: -0.5,
        },
        Planar {
            u: [4.23, 0.0],
            w: [1.0, 0.0],
            b: 0.44,
        },
        Planar {
            u: [5.0, -3.0],
            w: [40.0, 25.0],
            b: 5.0,
        },
        Planar {
            u: [-2.0, 1.0],
            w: [60.0, -80.0],
            b: -30.0,
        },
    ];
    for p in cases {
        let m = p.map(1.0);
        for i in 0..41 {
            for j in 0..41 {
                let z = [-4.0 + 0.2 * i as f64, -4.0 + 0.2 * j as f64];
                let (y, l) = m.forward(z);
                assert!(l.is_finite() && y[0].is_finite());
                let (zr, _) = m.inverse(y).unwrap();
                let (yr, _) = m.forward(zr);
                // Backward error at the solver tolerance, whatever the conditioning.
                let res = (yr[0] - y[0]).abs().max((yr[1] - y[1]).abs());
                assert!(
                    res <= 1e-12 * (1.0 + y[0].abs() + y[1].abs()),
                    "{p:?} z {z:?}: residual {res:e}"
                );
                // Forward error: conditioning is 1/det ≤ 1e6 here, so ≤ 1e−9 (1e−6 for the
                // s = −40 layer, whose determinant reaches 4e−18 only on a measure-zero line).
                let err = (zr[0] - z[0]).abs().max((zr[1] - z[1]).abs());
                let bound = 1e-13 * (1.0 + z[0].abs() + y[0].abs()) / l.exp().min(1.0);
                assert!(
                    err <= bound.max(1e-13),
                    "{p:?} z {z:?}: error {err:e} > {bound:e}"
                );
            }
        }
    }
}

#[test]
fn sylvester_inverse_nearly_singular_sharp_and_flat() {
    // families-math §1.3 / §5 1b: nearly singular (ρ = −40: m = −1 + 4e−18), sharp (r̃ = e⁵),
    // saturated (|a| ≫ 20) and flat (r̃ = e^{−12}, |r| ≈ 1e5: ill-conditioned, |∂v'₁/∂v₂| ≈ 1e5).
    let layer = |lambda: [f64; 2], rho: [f64; 2], r12: f64, rt12: f64, b: [f64; 2]| Sylvester {
        theta: 0.9,
        lambda,
        rho,
        r12,
        rt12,
        b,
    };
    let cases = [
        (
            layer([0.2, -0.3], [-40.0, -40.0], 0.7, -1.2, [0.3, -0.2]),
            1.0f64,
        ),
        (layer([5.0, 5.0], [2.0, -1.0], 1.5, 0.5, [0.0, 0.0]), 1.0),
        (
            layer([4.0, 3.0], [1.0, 1.0], -2.0, 30.0, [25.0, -30.0]),
            1.0,
        ),
        (layer([-12.0, -12.0], [2.0, 0.3], 0.5, 3.0, [0.1, 0.2]), 1e6),
    ];
    for (l, cond) in cases {
        let m = l.map(1.0);
        for i in 0..41 {
            for j in 0..41 {
                let z = [-4.0 + 0.2 * i as f64, -4.0 + 0.2 * j as f64];
                let (y, ld) = m.forward(z);
                assert!(ld.is_finite() && y[0].is_finite() && y[1].is_finite());
                let (zr, _) = m.inverse(y).unwrap();
                let (yr, _) = m.forward(zr);
                let scale = 1.0 + y[0].abs() + y[1].abs();
                let res = (yr[0] - y[0]).abs().max((yr[1] - y[1]).abs());
                assert!(
                    res <= 1e-12 * cond.min(1e3) * scale,
                    "{l:?} z {z:?}: residual {res:e}"
                );
                // Forward error ≲ cond(J)·ε·|y|: the determinant bounds it for the first three
                // layers; the flat layer's shear (1e5) for the last.
                let err = (zr[0] - z[0]).abs().max((zr[1] - z[1]).abs());
                let bound = 1e-13 * scale * cond / ld.exp().min(1.0);
                assert!(
                    err <= bound.max(1e-13),
                    "{l:?} z {z:?}: error {err:e} > {bound:e}"
                );
            }
        }
    }
}

/// Fake loss `ℓ = cᵀy + k·L`. Central differences with h = 1e−6: truncation ~h²·|ℓ'''| ≲ 1e−9,
/// rounding ~1e−16·|ℓ|/h ≲ 1e−9; tolerance 1e−6·(1 + |g|).
fn check_backward(l: &Layer, z: Vec2, c: Vec2, k: f64) -> Result<(), TestCaseError> {
    let loss = |l: &Layer, z: Vec2| {
        let (y, ld) = l.forward(z);
        c[0] * y[0] + c[1] * y[1] + k * ld
    };
    let np = l.n_params();
    let mut grads = vec![0.0; np];
    let gz = l.backward(z, c, k, &mut grads);
    let h = 1e-6;
    for i in 0..2 {
        let (mut zp, mut zm) = (z, z);
        zp[i] += h;
        zm[i] -= h;
        let fd = (loss(l, zp) - loss(l, zm)) / (2.0 * h);
        prop_assert!(
            (gz[i] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "dz[{i}] {} vs FD {fd}",
            gz[i]
        );
    }
    let p = l.params();
    for i in 0..np {
        let (mut pp, mut pm) = (p.clone(), p.clone());
        pp[i] += h;
        pm[i] -= h;
        let (lp, lm) = (
            Layer::from_params(l.kind(), &pp),
            Layer::from_params(l.kind(), &pm),
        );
        let fd = (loss(&lp, z) - loss(&lm, z)) / (2.0 * h);
        prop_assert!(
            (grads[i] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "param {i}: {} vs FD {fd}",
            grads[i]
        );
    }
    Ok(())
}

#[test]
fn backward_matches_finite_differences_for_input_and_every_parameter() {
    for kind in LayerKind::ALL {
        let mut runner = TestRunner::new(Config {
            cases: 300,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(
                &(arb_layer(kind), arb_point(), arb_point(), -2.0..2.0f64),
                |(l, z, c, k)| {
                    prop_assume!(radius_from_centre(&l, z) > 1e-3);
                    check_backward(&l, z, c, k)
                },
            )
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
}

#[test]
fn batch_kernels_agree_with_the_exact_scalar_path() {
    // The batch kernels use the vectorizable tanh/ln of `fastmath`; they must agree with the
    // libm scalar path to rounding (1e−13 relative on y, 1e−12 on the determinant).
    for_every_kind(100, |l, z, t| {
        let m = l.map(t);
        let mut xs = [z[0], -z[1], 0.5 * z[0]];
        let mut ys = [z[1], z[0], -2.0 * z[1]];
        let pts: Vec<Vec2> = xs.iter().zip(&ys).map(|(&a, &b)| [a, b]).collect();
        let mut det = [1.0; 3];
        m.forward_batch(&mut xs, &mut ys, &mut det);
        for (i, p) in pts.iter().enumerate() {
            let (y, ld) = m.forward(*p);
            prop_assert!((xs[i] - y[0]).abs() <= 1e-13 * (1.0 + y[0].abs()));
            prop_assert!((ys[i] - y[1]).abs() <= 1e-13 * (1.0 + y[1].abs()));
            prop_assert!((det[i].ln() - ld).abs() <= 1e-12);
        }
        Ok(())
    });
}

#[test]
fn raw_params_round_trip_through_flat_slices() {
    for kind in LayerKind::ALL {
        let mut runner = TestRunner::new(Config {
            cases: 50,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&arb_layer(kind), |l| {
                let p = l.params();
                prop_assert_eq!(p.len(), kind.n_params());
                prop_assert_eq!(Layer::from_params(kind, &p), l);
                Ok(())
            })
            .unwrap();
    }
}

#[test]
fn adversarial_parameters_and_points_stay_finite() {
    let big = 1e300;
    let raw_sets: Vec<(LayerKind, Vec<f64>)> = vec![
        (LayerKind::Planar, vec![1.0, 1.0, 1e6, -1e6, 0.0]), // huge w
        (LayerKind::Planar, vec![1.0, -1.0, 1e-200, 0.0, 0.5]), // tiny w
        (LayerKind::Planar, vec![0.0, 0.0, 0.0, 0.0, 0.0]),  // w = 0
        (LayerKind::Planar, vec![-1e6, -1e6, 1.0, 1.0, 0.0]), // wᵀu ≪ −1
        (LayerKind::Planar, vec![1e6, 1e6, 1e6, 1e6, 1e6]),  // wᵀu ≫ 1
        (
            LayerKind::Planar,
            vec![big, -big, big, f64::NAN, f64::INFINITY],
        ),
        (LayerKind::Radial, vec![0.0, 0.0, -1e6, 0.0]), // α̂ → −∞
        (LayerKind::Radial, vec![0.0, 0.0, -800.0, -800.0]), // α, γ underflow
        (LayerKind::Radial, vec![0.0, 0.0, 1e6, -1e6]), // β ≈ −α, huge α
        (LayerKind::Radial, vec![1e6, -1e6, -1e6, 1e6]), // huge β
        (LayerKind::Radial, vec![f64::NAN, big, -big, f64::INFINITY]),
        (LayerKind::Sylvester, vec![0.0; 9]), // identity
        (
            LayerKind::Sylvester,
            vec![1e6, 1e6, -1e6, -1e6, 1e6, 1e6, -1e6, 1e6, -1e6],
        ), // λ clamped both ways, m ≈ −1 and m huge
        (
            LayerKind::Sylvester,
            vec![0.3, -40.0, 40.0, -800.0, -800.0, 5.0, 5.0, 0.0, 0.0],
        ),
        (
            LayerKind::Sylvester,
            vec![
                f64::NAN,
                big,
                -big,
                f64::INFINITY,
                1.0,
                2.0,
                3.0,
                f64::NEG_INFINITY,
                0.0,
            ],
        ),
    ];
    let points: [Vec2; 7] = [
        [0.0, 0.0],
        [1e-300, -1e-300],
        [1e6, 1e6],
        [-1e6, 3.0],
        [0.5, -0.25],
        [1e6, -1e6],
        [0.0, 1e6],
    ];
    for (kind, raw) in &raw_sets {
        let l = Layer::from_params(*kind, raw);
        let radial_centre = match l {
            Layer::Radial(r) => Some(r.z0),
            _ => None,
        };
        let mut pts = points.to_vec();
        pts.extend(radial_centre); // a point exactly at z₀
        for t in [0.0, 0.3, 1.0] {
            let m = l.map(t);
            for &z in &pts {
                let (y, ld) = m.forward(z);
                assert!(
                    y.iter().all(|v| v.is_finite()) && ld.is_finite(),
                    "{kind:?} {raw:?} t={t} z={z:?}: {y:?} {ld}"
                );
                let (zr, lr) = m.inverse(y).expect("finite input inverts");
                assert!(
                    zr.iter().all(|v| v.is_finite()) && lr.is_finite(),
                    "{kind:?} {raw:?} inverse at {y:?}"
                );
                let mut g = vec![0.0; l.n_params()];
                let gz = l.backward(z, [1.0, -1.0], -1.0, &mut g);
                assert!(
                    gz.iter().chain(&g).all(|v| v.is_finite()),
                    "{kind:?} {raw:?} backward at {z:?}: {gz:?} {g:?}"
                );
            }
        }
    }
}
