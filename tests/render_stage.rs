//! The main view's density picture of a hand-set flow against densities written out by hand:
//! stage K of a Normalizing planar + radial flow (the change-of-variables formula with each
//! layer's map and determinant coded here from the paper), pixel by pixel, through the same
//! pixel centres and colormap the app draws with.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::{Direction, Flow, LayerKind, Workspace};
use flow_playground::render::{Colormap, DensityScale, Heatmap, ViewTransform};

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Planar raw (u₀, u₁, w₀, w₁, b): f(z) = z + û tanh(wᵀz + b), det = 1 + sech²(·) wᵀû.
fn planar(p: &[f64], z: [f64; 2]) -> ([f64; 2], f64) {
    let (u, w, b) = ([p[0], p[1]], [p[2], p[3]], p[4]);
    let wu = w[0] * u[0] + w[1] * u[1];
    let ww = w[0] * w[0] + w[1] * w[1];
    let m = -1.0 + softplus(wu);
    let uh = [u[0] + (m - wu) * w[0] / ww, u[1] + (m - wu) * w[1] / ww];
    let a = w[0] * z[0] + w[1] * z[1] + b;
    let (t, s2) = (a.tanh(), 1.0 / a.cosh().powi(2));
    let det = 1.0 + s2 * (w[0] * uh[0] + w[1] * uh[1]);
    ([z[0] + uh[0] * t, z[1] + uh[1] * t], det.abs().ln())
}

/// Radial raw (z₀ₓ, z₀ᵧ, α̂, β̂): f(z) = z + β h (z − z₀), h = 1/(α + r),
/// det = (1 + βh)(1 + βh − βr/(α + r)²)  (Rezende & Mohamed, Eq. 14).
fn radial(p: &[f64], z: [f64; 2]) -> ([f64; 2], f64) {
    let (c, alpha) = ([p[0], p[1]], softplus(p[2]));
    let beta = -alpha + softplus(p[3]);
    let d = [z[0] - c[0], z[1] - c[1]];
    let r = (d[0] * d[0] + d[1] * d[1]).sqrt();
    let h = 1.0 / (alpha + r);
    let det = (1.0 + beta * h) * (1.0 + beta * h - beta * r * h * h);
    (
        [z[0] + beta * h * d[0], z[1] + beta * h * d[1]],
        det.abs().ln(),
    )
}

/// log p(x) of the Normalizing flow x → planar → radial → N(0, I).
fn by_hand(pp: &[f64], rp: &[f64], x: [f64; 2]) -> f64 {
    let (z1, l1) = planar(pp, x);
    let (z2, l2) = radial(rp, z1);
    -(2.0 * std::f64::consts::PI).ln() - 0.5 * (z2[0] * z2[0] + z2[1] * z2[1]) + l1 + l2
}

#[test]
fn stage_k_of_a_hand_set_flow_matches_the_formula_pixel_by_pixel() {
    let pp = [1.2, -0.4, 1.5, 0.8, 0.3];
    let rp = [0.5, -0.7, 0.2, 1.1];
    let params: Vec<f64> = pp.iter().chain(&rp).copied().collect();
    let kinds = [LayerKind::Planar, LayerKind::Radial];
    let flow = Flow::with_params(&kinds, &params, Direction::Normalizing).unwrap();

    // The app's pixel centres over the default window [−4, 4]², n × n, top row first.
    let n = 96;
    let view = ViewTransform {
        width: n as f64,
        height: n as f64,
        ..ViewTransform::new(1.0, 1.0)
    };
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    view.pixel_centers(n, n, &mut xs, &mut ys);
    assert_eq!(xs.len(), n * n);
    let step = 8.0 / n as f64;
    let mut expect = vec![0.0; n * n];
    for r in 0..n {
        for c in 0..n {
            let i = r * n + c;
            let x = [
                -4.0 + (c as f64 + 0.5) * step,
                4.0 - (r as f64 + 0.5) * step,
            ];
            assert!(
                (xs[i] - x[0]).abs() < 1e-12 && (ys[i] - x[1]).abs() < 1e-12,
                "pixel {r},{c}"
            );
            expect[i] = by_hand(&pp, &rp, x);
        }
    }
    let mut got = vec![0.0; n * n];
    flow.log_density(2.0, &xs, &ys, &mut got, &mut Workspace::default());
    let worst = got
        .iter()
        .zip(&expect)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-9, "max |Δ log p| = {worst}");

    // The picture: each pixel's colour is viridis at p / max p (linear scale), from the
    // hand-computed densities; the heatmap's lookup table is within one step of it.
    let mut rgba = Vec::new();
    let mut heat = Heatmap::new(Colormap::Viridis);
    heat.colorize(&got, DensityScale::Linear, &mut rgba);
    let max = expect.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (i, px) in rgba.chunks_exact(4).enumerate() {
        let want = Colormap::Viridis.at((expect[i] - max).exp());
        for ch in 0..3 {
            assert!(
                (i32::from(px[ch]) - i32::from(want[ch])).abs() <= 2,
                "pixel {i}: {:?} vs {want:?}",
                &px[..3]
            );
        }
        assert_eq!(px[3], 255);
    }
    // And the density integrates to 1 over the window (it is a density, not a picture).
    let mass: f64 = expect.iter().map(|l| l.exp()).sum::<f64>() * step * step;
    assert!((mass - 1.0).abs() < 0.02, "mass in the window {mass}");
}
