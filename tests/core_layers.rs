#![cfg(not(target_arch = "wasm32"))]
//! Every layer kind through every property, against independent ground truth (central
//! finite differences of the exact forward map, round trips), from ONE registry of random
//! layers ([`arb_layer`]): adding a `LayerKind` without a strategy here fails to compile.
//! The scale layer's data-dependent start ([`standardizing`]) is checked by recomputing the
//! moments of the mapped points.
//!
//! Coupling layers are random conditioners: hidden layers scaled so that some units saturate,
//! output layers from nearly the identity to strongly warping (affine log-scales past the soft
//! clamp, spline logits with standard deviation up to ~4: bins from ~0.01 to most of the
//! interval, derivatives from ~0.02 to ~50). Their backward pass is checked against central
//! differences for every one of their 1,186 / 1,879 raw parameters.

use flow_playground::core::coupling::{AffineCoupling, Keep};
use flow_playground::core::layer::{Layer, LayerKind, LayerMap};
use flow_playground::core::mlp::{n_params, HIDDEN};
use flow_playground::core::points::Points;
use flow_playground::core::scale::{standardizing, LOG_SCALE_LIMIT, SIGMA_MIN};
use flow_playground::core::spline::{SplineCoupling, BOUND, OUTPUTS};
use flow_playground::core::{Planar, Radial, Scale, Sylvester, Vec2};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Random conditioner parameters for `outputs` outputs: hidden weights `U(±2)` (first layer)
/// and `U(±2/√H)` (second), output weights scaled so each output has standard deviation about
/// `out_scale`.
fn conditioner(outputs: usize, seed: u64, out_scale: f64) -> Vec<f64> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let h = HIDDEN;
    let l2 = 2.0 / (h as f64).sqrt();
    let l3 = out_scale * (3.0 / h as f64).sqrt() * 1.5;
    let mut p = Vec::with_capacity(n_params(outputs));
    for _ in 0..2 * h {
        p.push(rng.random_range(-2.0..2.0));
    }
    for _ in 0..h * h + h {
        p.push(rng.random_range(-l2..l2));
    }
    for _ in 0..outputs * h + outputs {
        p.push(rng.random_range(-l3..l3));
    }
    p
}

/// The registry: random layers of each kind (raw parameters over ranges that include strongly
/// contracting, expanding and saturated layers).
fn arb_layer(kind: LayerKind) -> BoxedStrategy<Layer> {
    match kind {
        LayerKind::Affine(keep) => (any::<u64>(), 0.2..6.0f64)
            .prop_map(move |(seed, scale)| {
                Layer::Affine(AffineCoupling::from_params(
                    keep,
                    &conditioner(2, seed, scale),
                ))
            })
            .boxed(),
        LayerKind::Spline(keep) => (any::<u64>(), 0.2..4.0f64)
            .prop_map(move |(seed, scale)| {
                Layer::Spline(SplineCoupling::from_params(
                    keep,
                    &conditioner(OUTPUTS, seed, scale),
                ))
            })
            .boxed(),
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
        // m ≈ 2 (tanh-shaped); O(1) off-diagonals and biases (away from the identity:
        // docs/maths/sylvester.md, "Map and log-determinant").
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
        // Scales e^{±2.5} (0.08 … 12: strongly contracting and expanding, and anisotropic),
        // shifts up to ±4 (the presets' means and the standardizing shifts −m/σ).
        LayerKind::Scale => ([-2.5..2.5f64, -2.5..2.5f64], [-4.0..4.0f64, -4.0..4.0f64])
            .prop_map(|(log_scale, shift)| Layer::Scale(Scale { log_scale, shift }))
            .boxed(),
        // Continuous layers are not in `LayerKind::ALL` (their inverse is a solve, exact to the
        // solver's error; tests/core_cnf_layer.rs covers them), but the registry can draw them.
        LayerKind::Cnf(spec) => any::<u64>()
            .prop_map(move |seed| {
                let mut rng = SmallRng::seed_from_u64(seed);
                let params = (0..spec.n_params())
                    .map(|_| rng.random_range(-1.0..1.0))
                    .collect();
                Layer::Cnf(flow_playground::core::cnf::CnfLayer { spec, params })
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

/// Central-difference Jacobian of `f` at `z`, Richardson-extrapolated (`(4·D(h/2) − D(h))/3`,
/// fourth order): the spline's narrow bins have third derivatives ~1e4–1e5, where a plain
/// central difference with `h = 1e−5` is off by ~1e−6.
fn fd_jacobian(f: impl Fn(Vec2) -> Vec2, z: Vec2, h: f64) -> [[f64; 2]; 2] {
    let central = |h: f64| {
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
    };
    let (a, b) = (central(h), central(0.5 * h));
    let mut j = [[0.0; 2]; 2];
    for r in 0..2 {
        for c in 0..2 {
            j[r][c] = (4.0 * b[r][c] - a[r][c]) / 3.0;
        }
    }
    j
}

/// Compares `log det` with the determinant of the FD Jacobian. Fourth-order FD with h = 1e−5
/// has truncation error ~h⁴·|f⁽⁵⁾|/30 ≲ 1e−10 per entry here (|f⁽⁵⁾| ≲ 1e10 in the narrowest
/// spline bins) and rounding ~1e−10, so the determinant's absolute error is below
/// 1e−7·(1 + max|J|)²; where the determinant is not tiny we also compare logs to 1e−6.
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

/// Distance from `z` to where the layer's map is not C² (finite differences of the Jacobian
/// across it are meaningless): the radial centre, or the nearest spline knot of the
/// transformed coordinate (the spline is C¹ with a jump in curvature at its knots and at ±B).
fn kink_distance(l: &Layer, z: Vec2, t: f64) -> f64 {
    match l {
        Layer::Radial(r) => (z[0] - r.z0[0]).hypot(z[1] - r.z0[1]),
        Layer::Spline(sp) => {
            let LayerMap::Spline(m) = l.map(t) else {
                unreachable!()
            };
            let (a, b) = (sp.keep.index(), sp.keep.transformed());
            let (xk, _, _) = m.knots(z[a]);
            xk.iter()
                .map(|k| (z[b] - k).abs())
                .fold(f64::INFINITY, f64::min)
        }
        _ => f64::INFINITY,
    }
}

#[test]
fn log_det_matches_finite_difference_jacobian() {
    for_every_kind(300, |l, z, _| {
        // The radial map has a kink at z₀, the spline curvature jumps at knots (FD across them
        // is meaningless).
        prop_assume!(kink_distance(&l, z, 1.0) > 1e-3);
        check_log_det(&l.map(1.0), z)
    });
}

#[test]
fn fractional_layers_log_det_matches_finite_difference() {
    for_every_kind(200, |l, z, t| {
        prop_assume!(kink_distance(&l, z, t) > 1e-3);
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
        Ok(())
    });
}

/// `|a − b| ≤ 1e-12·(1 + |b|)` for each coordinate and the log-determinant.
fn close(got: (Vec2, f64), want: (Vec2, f64), what: &str) {
    let ok = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
    assert!(
        ok(got.0[0], want.0[0]) && ok(got.0[1], want.0[1]) && ok(got.1, want.1),
        "{what}: got {got:?}, want {want:?}"
    );
}

#[test]
fn fractional_maps_match_the_papers_closed_forms() {
    // Ground truth written out from the papers' formulas for specific numbers (not through the
    // layer code): t = 1 is the layer itself, t = 1/2 the documented fraction of it.
    let sp = |x: f64| (1.0 + x.exp()).ln();
    let z = [0.4, -0.2];

    // Planar (Rezende & Mohamed Eq. 10, App. A.1): u = (1, 0.5), w = (0.5, −1), b = 0.3.
    // wᵀu = 0, so m = softplus(0) − 1 = ln 2 − 1, û = u + (m − 0)·w/‖w‖², wᵀû = m.
    let planar = Layer::Planar(Planar {
        u: [1.0, 0.5],
        w: [0.5, -1.0],
        b: 0.3,
    });
    let m = 2f64.ln() - 1.0;
    // û = u + m·w/‖w‖² with w = (0.5, −1), ‖w‖² = 1.25.
    let uh = [1.0 + m * 0.5 / 1.25, 0.5 - m / 1.25];
    let a: f64 = 0.5 * 0.4 + 0.2 + 0.3; // wᵀz + b = 0.5·0.4 + (−1)·(−0.2) + 0.3 = 0.7
    let sech2 = 1.0 / a.cosh().powi(2);
    for t in [1.0, 0.5] {
        let want = (
            [z[0] + t * uh[0] * a.tanh(), z[1] + t * uh[1] * a.tanh()],
            (1.0 + sech2 * t * m).ln(),
        );
        close(planar.map(t).forward(z), want, &format!("planar t = {t}"));
    }

    // Radial (Eq. 14, App. A.2): z₀ = (−0.6, −0.2), so r = ‖z − z₀‖ = 1; α = softplus(0) = ln 2,
    // β = −α + softplus(1).
    let radial = Layer::Radial(Radial {
        z0: [-0.6, -0.2],
        alpha_raw: 0.0,
        beta_raw: 1.0,
    });
    let (al, r) = (2f64.ln(), 1.0);
    let beta = sp(1.0) - al;
    for t in [1.0, 0.5] {
        let b = t * beta;
        let h = 1.0 / (al + r);
        let dh = -1.0 / (al + r).powi(2);
        // det = (1 + βh)^{d−1}·(1 + βh + βh′r) with d = 2.
        let want = (
            [z[0] + b * h * (z[0] + 0.6), z[1] + b * h * (z[1] + 0.2)],
            (1.0 + b * h).ln() + (1.0 + b * h + b * dh * r).ln(),
        );
        close(radial.map(t).forward(z), want, &format!("radial t = {t}"));
    }

    // Scale (Glow's ActNorm): ℓ = (0.5, −1), c = (1, 2); f_t(z) = e^{tℓ}⊙z + t·c.
    let scale = Layer::Scale(Scale {
        log_scale: [0.5, -1.0],
        shift: [1.0, 2.0],
    });
    for t in [1.0, 0.5] {
        let want = (
            [
                (t * 0.5f64).exp() * z[0] + t * 1.0,
                (-t).exp() * z[1] + t * 2.0,
            ],
            t * (0.5 - 1.0),
        );
        close(scale.map(t).forward(z), want, &format!("scale t = {t}"));
    }

    // Affine coupling (RealNVP) keeping x, with a conditioner whose weights are all zero: its
    // outputs are its output biases (ŝ, μ) = (1.2, 0.7), so s = 3·tanh(ŝ/3) for every point.
    let mut p = vec![0.0; n_params(2)];
    let n = p.len();
    p[n - 2] = 1.2;
    p[n - 1] = 0.7;
    let affine = Layer::Affine(AffineCoupling::from_params(Keep::X, &p));
    let s = 3.0 * (1.2f64 / 3.0).tanh();
    for t in [1.0, 0.5] {
        let want = ([z[0], z[1] * (t * s).exp() + t * 0.7], t * s);
        close(affine.map(t).forward(z), want, &format!("affine t = {t}"));
    }
}

#[test]
fn determinant_is_positive_for_every_fraction() {
    // docs/maths/fractional-layers.md: every fractional layer is an orientation-preserving
    // bijection. Independent checks at 11 fractions: the finite-difference Jacobian's determinant
    // is positive (where it is large enough for FD to resolve its sign), and a coupling layer's
    // transformed coordinate is strictly increasing along a 2,001-point line through all its bins
    // and both tails.
    for_every_kind(40, |l, z, _| {
        for i in 0..=10 {
            let t = i as f64 / 10.0;
            let m = l.map(t);
            let ld = m.log_det(z);
            prop_assert!(ld.is_finite(), "t = {t}: log det {ld}");
            if kink_distance(&l, z, t) > 1e-3 && ld > -8.0 {
                let j = fd_jacobian(|p| m.forward(p).0, z, 1e-5);
                let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
                prop_assert!(det > 0.0, "t = {t}: FD det {det}, log det {ld}");
            }
            if let Some(keep) = l.kind().keep() {
                let line: Vec<f64> = (0..=2000).map(|k| -4.0 + 8.0 * k as f64 / 2000.0).collect();
                let kept = vec![z[keep.index()]; line.len()];
                let (mut xs, mut ys) = match keep {
                    Keep::X => (kept.clone(), line.clone()),
                    Keep::Y => (line.clone(), kept.clone()),
                };
                let mut det = vec![1.0; line.len()];
                m.forward_batch(&mut xs, &mut ys, &mut det);
                let (ya, yb) = match keep {
                    Keep::X => (&xs, &ys),
                    Keep::Y => (&ys, &xs),
                };
                prop_assert!(ya == &kept);
                prop_assert!(det.iter().all(|d| *d > 0.0));
                for k in 1..line.len() {
                    prop_assert!(yb[k] > yb[k - 1], "t = {t}: not increasing at {}", line[k]);
                }
            }
        }
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
    // docs/maths/sylvester.md, "Inverse": nearly singular (ρ = −40: m = −1 + 4e−18),
    // sharp (r̃ = e⁵), saturated (|a| ≫ 20) and flat (r̃ = e^{−12}, |r| ≈ 1e5: ill-conditioned,
    // |∂v'₁/∂v₂| ≈ 1e5).
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

/// Round trip and values at the spline's knots, one ulp either side, the bin edges ±B and in
/// the tails (docs/maths/coupling-spline.md, "Bin search"), for random and extreme splines (logits
/// with standard deviation up to ~8: bins down to the minimum width, derivatives 1e−3 … ~3e3).
#[test]
fn spline_values_and_round_trips_at_knots_edges_and_tails() {
    let mut rng = SmallRng::seed_from_u64(17);
    for case in 0..60 {
        let scale = [1.0, 4.0, 8.0][case % 3];
        let keep = if case % 2 == 0 { Keep::X } else { Keep::Y };
        let l = SplineCoupling::from_params(keep, &conditioner(OUTPUTS, case as u64, scale));
        let t = if case % 5 == 4 {
            rng.random_range(0.0..1.0)
        } else {
            1.0
        };
        let m = Layer::Spline(l.clone()).map(t);
        let LayerMap::Spline(sm) = &m else {
            unreachable!()
        };
        let (a, b) = (keep.index(), keep.transformed());
        let xa = rng.random_range(-3.0..3.0);
        let (xk, yk, dk) = sm.knots(xa);
        assert_eq!((xk[0], xk[8], yk[0], yk[8]), (-BOUND, BOUND, -BOUND, BOUND));
        assert_eq!((dk[0], dk[8]), (1.0, 1.0));
        assert!(xk.windows(2).all(|w| w[0] < w[1]) && yk.windows(2).all(|w| w[0] < w[1]));
        let at = |v: f64| {
            let mut z = [0.0; 2];
            z[a] = xa;
            z[b] = v;
            z
        };
        let mut xs: Vec<f64> = Vec::new();
        for &k in &xk {
            xs.extend([k, k.next_up(), k.next_down()]);
        }
        xs.extend([-1e6, 1e6, 3.000_000_1, -3.000_000_1, 0.0]);
        for &x in &xs {
            let (y, ld) = m.forward(at(x));
            assert!(y[b].is_finite() && ld.is_finite(), "{x}");
            assert_eq!(y[a], xa);
            if !(-BOUND..=BOUND).contains(&x) {
                assert_eq!((y[b], ld), (x, 0.0), "identity tail at {x}");
            }
            // On a knot the spline passes through the y-knot.
            if let Some(i) = xk.iter().position(|&k| k == x) {
                assert!(
                    (y[b] - yk[i]).abs() <= 4e-15 * (1.0 + yk[i].abs()),
                    "knot {i}"
                );
            }
            let (zr, lr) = m.inverse(y).expect("finite");
            let slope = ld.exp();
            let err = (zr[b] - x).abs();
            assert!(
                err <= 1e-14 * (1.0 + x.abs()) / slope.min(1.0),
                "{x}: {err:e}, slope {slope:e}"
            );
            // The inverse's log-det is the forward one at the recovered point (near a knot
            // with δ = 1e−3 beside a steep bin, log dy/dx moves ~1e6 per unit of x, so it is
            // compared there rather than at x).
            let (yr, l_at) = m.forward(zr);
            assert!((lr - l_at).abs() <= 1e-8, "{x}: {lr} vs {l_at}");
            assert!(
                (yr[b] - y[b]).abs() <= 1e-14 * (1.0 + y[b].abs()),
                "{x}: residual"
            );
        }
        // The inverse at every y-knot lands on the x-knot.
        for (i, &y) in yk.iter().enumerate() {
            let (z, _) = m.inverse(at(y)).expect("finite");
            assert!(
                (z[b] - xk[i]).abs() <= 4e-15 * (1.0 + xk[i].abs()),
                "y-knot {i}"
            );
        }
    }
}

/// The affine layer at the soft clamp (|ŝ| ≫ 3: s = ±3 exactly) and with saturated hidden
/// units: finite, invertible, determinant e^{±3}.
#[test]
fn affine_saturated_scale_round_trips() {
    for (sign, keep) in [(1.0, Keep::X), (-1.0, Keep::Y)] {
        let mut p = conditioner(2, 5, 1.0);
        let n = p.len();
        p[n - 2] = sign * 1e4; // c₃ of ŝ
        let m = Layer::Affine(AffineCoupling::from_params(keep, &p)).map(1.0);
        for i in 0..41 {
            let z = [-40.0 + 2.0 * i as f64, 3.0 - 0.15 * i as f64];
            let (y, ld) = m.forward(z);
            assert!((ld - 3.0 * sign).abs() < 1e-12, "{ld}");
            let (zr, _) = m.inverse(y).unwrap();
            let scale = 1.0 + z[0].abs() + z[1].abs();
            assert!((zr[0] - z[0]).abs() <= 1e-14 * scale * 20.0);
            assert!((zr[1] - z[1]).abs() <= 1e-14 * scale * 20.0);
        }
    }
}

/// Richardson-extrapolated central difference of `f` at 0 with step `h` (fourth order).
fn fd4(f: impl Fn(f64) -> f64, h: f64) -> f64 {
    let d = |h: f64| (f(h) - f(-h)) / (2.0 * h);
    (4.0 * d(0.5 * h) - d(h)) / 3.0
}

/// Fake loss `ℓ = cᵀy + k·L`. Fourth-order central differences with h = 1e−5: truncation
/// ~h⁴·|ℓ⁽⁵⁾|/30 ≲ 1e−9 even where a spline's knots move fast with the kept coordinate across
/// a narrow bin (third derivatives up to ~1e8 there, which a second-order difference with
/// h = 1e−6 misses by ~2e−5), rounding ~1e−16·|ℓ|/h ≲ 1e−9; tolerance 1e−6·(1 + |g|).
fn check_backward(l: &Layer, z: Vec2, c: Vec2, k: f64) -> Result<(), TestCaseError> {
    let loss = |l: &Layer, z: Vec2| {
        let (y, ld) = l.forward(z);
        c[0] * y[0] + c[1] * y[1] + k * ld
    };
    let np = l.n_params();
    let mut grads = vec![0.0; np];
    let gz = l.backward(z, c, k, &mut grads);
    let h = 1e-5;
    for i in 0..2 {
        let fd = fd4(
            |d| {
                let mut zd = z;
                zd[i] += d;
                loss(l, zd)
            },
            h,
        );
        prop_assert!(
            (gz[i] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "dz[{i}] {} vs FD {fd}",
            gz[i]
        );
    }
    let p = l.params();
    for i in 0..np {
        let fd = fd4(
            |d| {
                let mut pd = p.clone();
                pd[i] += d;
                loss(&Layer::from_params(l.kind(), &pd), z)
            },
            h,
        );
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
        // Every case checks every raw parameter: 300 cases for the small kinds; 50 for each
        // coupling kind, i.e. 59,300 (affine) and 93,950 (spline) parameter checks per kind.
        let cases = if kind.keep().is_some() { 50 } else { 300 };
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(
                &(arb_layer(kind), arb_point(), arb_point(), -2.0..2.0f64),
                |(l, z, c, k)| {
                    // FD steps move spline knots by ~1e−6 too: stay clear of them.
                    prop_assume!(kink_distance(&l, z, 1.0) > 1e-3);
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
    let mut raw_sets: Vec<(LayerKind, Vec<f64>)> = vec![
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
        (LayerKind::Sylvester, vec![0.0; 9]), // m = softplus(0) − 1, all else 0
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
        (LayerKind::Scale, vec![0.0; 4]),               // identity
        (LayerKind::Scale, vec![1e6, -1e6, 1e6, -1e6]), // ℓ clamped both ways, huge shift
        (LayerKind::Scale, vec![40.0, 40.0, 0.0, 0.0]), // ℓ past the clamp: det e^{60}
        (
            LayerKind::Scale,
            vec![f64::NAN, big, f64::NEG_INFINITY, f64::INFINITY],
        ),
    ];
    // Coupling layers: zero (identity), huge weights of both signs (saturated tanh, affine
    // log-scale at the clamp, spline logits ~1e7: minimal bins, derivatives ~1e7), and
    // NaN/∞ mixed in.
    for kind in [LayerKind::Affine(Keep::X), LayerKind::Spline(Keep::Y)] {
        let n = kind.n_params();
        raw_sets.push((kind, vec![0.0; n]));
        raw_sets.push((
            kind,
            (0..n)
                .map(|i| if i % 3 == 0 { 1e6 } else { -1e6 })
                .collect(),
        ));
        raw_sets.push((
            kind,
            (0..n)
                .map(|i| match i % 4 {
                    0 => f64::NAN,
                    1 => big,
                    2 => f64::NEG_INFINITY,
                    _ => 0.5,
                })
                .collect(),
        ));
    }
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
        let radial_centre = match &l {
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

/// Per-axis mean and population standard deviation, computed directly.
fn moments(xs: &[f64], ys: &[f64]) -> ([f64; 2], [f64; 2]) {
    let n = xs.len() as f64;
    let mut m = [0.0; 2];
    let mut sd = [0.0; 2];
    for (c, col) in [xs, ys].into_iter().enumerate() {
        m[c] = col.iter().sum::<f64>() / n;
        sd[c] = (col.iter().map(|v| (v - m[c]).powi(2)).sum::<f64>() / n).sqrt();
    }
    (m, sd)
}

#[test]
fn standardizing_maps_seeded_clouds_to_zero_mean_and_unit_deviation() {
    // Ground truth: push the points through the layer (scalar exact path and the batch kernel)
    // and recompute their moments; the log-determinant must be −log σₓσᵧ of the raw cloud.
    let mut rng = SmallRng::seed_from_u64(23);
    let mut clouds: Vec<Points> = [
        flow_playground::core::Preset::Checkerboard,
        flow_playground::core::Preset::TwoMoons,
        flow_playground::core::Preset::EightGaussians,
    ]
    .iter()
    .map(|p| p.generate(1000, p.default_noise(), 7))
    .collect();
    // Anisotropic, far off-centre, tiny and huge spreads.
    for (m, s) in [
        ([30.0, -12.0], [0.01, 5.0]),
        ([-0.5, 0.25], [250.0, 0.02]),
        ([1e3, 1e3], [1.0, 1.0]),
    ] {
        let pairs: Vec<Vec2> = (0..777)
            .map(|_| {
                let (u, v): (f64, f64) = (rng.random_range(-1.0..1.0), rng.random());
                [m[0] + s[0] * u, m[1] + s[1] * (v * v - 0.3)]
            })
            .collect();
        clouds.push(Points::from_pairs(&pairs));
    }
    for (c, pts) in clouds.iter().enumerate() {
        let raw = standardizing(pts);
        assert!(raw.iter().all(|v| v.is_finite()), "cloud {c}: {raw:?}");
        let layer = Layer::from_params(LayerKind::Scale, &raw);
        let (_, sd0) = moments(&pts.x, &pts.y);
        let mapped: Vec<(Vec2, f64)> = pts.iter().map(|p| layer.forward(p)).collect();
        let xs: Vec<f64> = mapped.iter().map(|(p, _)| p[0]).collect();
        let ys: Vec<f64> = mapped.iter().map(|(p, _)| p[1]).collect();
        let (m, sd) = moments(&xs, &ys);
        for a in 0..2 {
            assert!(m[a].abs() < 1e-9, "cloud {c} axis {a}: mean {}", m[a]);
            assert!(
                (sd[a] - 1.0).abs() < 1e-12,
                "cloud {c} axis {a}: sd {}",
                sd[a]
            );
        }
        let want = -(sd0[0].ln() + sd0[1].ln());
        assert!(mapped.iter().all(|(_, l)| (l - want).abs() < 1e-12));
        // The batch kernel gives the same points and determinants.
        let (mut bx, mut by, mut det) = (pts.x.clone(), pts.y.clone(), vec![1.0; pts.len()]);
        layer.map(1.0).forward_batch(&mut bx, &mut by, &mut det);
        for i in 0..pts.len() {
            assert!((bx[i] - xs[i]).abs() <= 1e-15 * (1.0 + xs[i].abs()));
            assert!((by[i] - ys[i]).abs() <= 1e-15 * (1.0 + ys[i].abs()));
            assert!((det[i].ln() - want).abs() < 1e-12);
        }
    }
}

#[test]
fn standardizing_degenerate_clouds_gives_finite_parameters() {
    let line_x: Vec<Vec2> = (0..50).map(|i| [i as f64 * 0.1 - 2.0, 1.5]).collect();
    let far_line: Vec<Vec2> = (0..50).map(|i| [5000.0, i as f64]).collect();
    let diagonal: Vec<Vec2> = (0..50).map(|i| [i as f64, 2.0 * i as f64]).collect();
    let cases: Vec<(&str, Points)> = vec![
        ("empty", Points::default()),
        ("one point", Points::from_pairs(&[[3.0, -7.0]])),
        (
            "two equal points",
            Points::from_pairs(&[[1.0, 1.0], [1.0, 1.0]]),
        ),
        ("horizontal line", Points::from_pairs(&line_x)),
        ("line at x = 5000", Points::from_pairs(&far_line)),
        ("diagonal line", Points::from_pairs(&diagonal)),
        (
            "non-finite points mixed in",
            Points::from_pairs(&[
                [f64::NAN, 0.0],
                [1.0, 2.0],
                [3.0, f64::INFINITY],
                [2.0, 5.0],
            ]),
        ),
        ("only non-finite", Points::from_pairs(&[[f64::NAN, 1.0]])),
        (
            "huge",
            Points::from_pairs(&[[1e300, -1e300], [-1e300, 1e300]]),
        ),
        (
            "tiny",
            Points::from_pairs(&[[1e-300, 0.0], [-1e-300, 1e-300]]),
        ),
    ];
    for (name, pts) in &cases {
        let raw = standardizing(pts);
        assert!(raw.iter().all(|v| v.is_finite()), "{name}: {raw:?}");
        assert!(
            raw[..2].iter().all(|l| l.abs() <= LOG_SCALE_LIMIT),
            "{name}"
        );
        let m = Layer::from_params(LayerKind::Scale, &raw).map(1.0);
        assert!(m.log_det_bound().is_finite(), "{name}");
        for p in pts.iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
            let (y, l) = m.forward(p);
            assert!(
                y[0].is_finite() && y[1].is_finite() && l.is_finite(),
                "{name}"
            );
        }
    }
    let by_name = |n: &str| standardizing(&cases.iter().find(|c| c.0 == n).unwrap().1);
    // No finite points: the identity.
    assert_eq!(by_name("empty"), [0.0; 4]);
    assert_eq!(by_name("only non-finite"), [0.0; 4]);
    // One point: both axes floored at SIGMA_MIN and centred, so the point maps to the origin.
    let one = by_name("one point");
    let floor = -SIGMA_MIN.ln();
    assert!((one[0] - floor).abs() < 1e-12 && (one[1] - floor).abs() < 1e-12);
    let (y, _) = Layer::from_params(LayerKind::Scale, &one).forward([3.0, -7.0]);
    assert!(y[0].abs() < 1e-9 && y[1].abs() < 1e-9, "{y:?}");
    // An axis-parallel line: the flat axis is floored and centred, the other standardized.
    let h = by_name("horizontal line");
    assert!((h[1] - floor).abs() < 1e-12);
    let (y, _) = Layer::from_params(LayerKind::Scale, &h).forward([0.0, 1.5]);
    assert!(y[1].abs() < 1e-9);
    // The non-finite points are skipped: the moments are those of (1, 2), (2, 5).
    let mixed = by_name("non-finite points mixed in");
    let (m, sd) = moments(&[1.0, 2.0], &[2.0, 5.0]);
    for a in 0..2 {
        assert!((mixed[a] + sd[a].ln()).abs() < 1e-12);
        assert!((mixed[2 + a] + m[a] / sd[a]).abs() < 1e-12);
    }
}

#[test]
fn scale_layer_closed_forms_clamp_and_batch_backward() {
    // log det is ℓ₁ + ℓ₂ everywhere; the fraction t scales it linearly.
    let l = Scale {
        log_scale: [0.7, -1.9],
        shift: [2.0, -0.5],
    };
    let layer = Layer::Scale(l);
    for z in [[0.0, 0.0], [3.0, -1.0], [-1e6, 1e6]] {
        assert_eq!(layer.forward(z).1, 0.7 + -1.9);
        for t in [0.0, 0.25, 1.0] {
            assert!((layer.map(t).log_det(z) - t * (0.7 - 1.9)).abs() < 1e-15);
        }
    }
    // Past ±LOG_SCALE_LIMIT the scale stops growing and ℓ's gradient is 0.
    let far = Scale {
        log_scale: [45.0, -45.0],
        shift: [0.0, 0.0],
    };
    let m = far.map(1.0);
    assert_eq!(m.s, [LOG_SCALE_LIMIT.exp(), (-LOG_SCALE_LIMIT).exp()]);
    let mut g = [0.0; 4];
    far.backward([1.0, 1.0], [1.0, 1.0], 1.0, &mut g);
    assert_eq!((g[0], g[1]), (0.0, 0.0));
    assert_eq!((g[2], g[3]), (1.0, 1.0));
    // The tape's batch backward is the sum of the scalar one (and the same input gradients).
    let mut rng = SmallRng::seed_from_u64(31);
    let n = 300;
    let zx: Vec<f64> = (0..n).map(|_| rng.random_range(-4.0..4.0)).collect();
    let zy: Vec<f64> = (0..n).map(|_| rng.random_range(-4.0..4.0)).collect();
    let mut gx: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let mut gy: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let g_l = -1.0 / n as f64;
    let mut want = [0.0; 4];
    let gz: Vec<Vec2> = (0..n)
        .map(|i| l.backward([zx[i], zy[i]], [gx[i], gy[i]], g_l, &mut want))
        .collect();
    let mut got = [0.5; 4];
    l.backward_batch(&zx, &zy, &mut gx, &mut gy, g_l, &mut got);
    for k in 0..4 {
        assert!(
            (got[k] - 0.5 - want[k]).abs() < 1e-12 * (1.0 + want[k].abs()),
            "param {k}: {} vs {}",
            got[k] - 0.5,
            want[k]
        );
    }
    for i in 0..n {
        assert_eq!([gx[i], gy[i]], gz[i]);
    }
}
