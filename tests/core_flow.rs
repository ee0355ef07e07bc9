#![cfg(not(target_arch = "wasm32"))]
//! Whole flows (K = 12 mixing all six families: scale, planar, radial, Sylvester, affine and
//! spline coupling) in both directions, and the app's standardizing stack (a scale layer from
//! `standardizing` of the checkerboard, then spline couplings): normalisation of the density at integer and fractional
//! stages, the probe ledger, push-forward vs density (histogram of exact samples), and both
//! objectives' flat gradients vs finite differences of independently computed losses (scalar
//! exact layer maps, no tape).

use flow_playground::core::layer::{Layer, LayerKind};
use flow_playground::core::mlp::{n_params, HIDDEN};
use flow_playground::core::num::std_normal_log_pdf;
use flow_playground::core::objective::{ml_loss_grad, reverse_kl_loss_grad};
use flow_playground::core::tape::Tape;
use flow_playground::core::{Direction, Energy, Flow, Grid, Vec2, Workspace};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const K: usize = 12;

/// A K = 12 flow cycling through the six families (`StackPattern::AllFamilies`: scale, planar,
/// radial, Sylvester, affine coupling keeping x, spline coupling keeping y, scale, …) with
/// clearly non-trivial random parameters (scales e^{±0.4} with shifts up to ±0.5, |û| up to ~2,
/// radial contractions/expansions up to ~3×, Sylvester m ∈ (−0.8, 0.7), affine log-scales and
/// shifts ~±0.5, spline logits ~N(0, 0.7²)).
fn mixed_flow(direction: Direction, seed: u64) -> Flow {
    let kinds = flow_playground::core::StackPattern::AllFamilies.kinds(K);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut params = Vec::new();
    for k in &kinds {
        match k {
            LayerKind::Scale => {
                for _ in 0..2 {
                    params.push(rng.random_range(-0.4..0.4)); // ℓ
                }
                for _ in 0..2 {
                    params.push(rng.random_range(-0.5..0.5)); // c
                }
            }
            LayerKind::Planar => {
                for _ in 0..4 {
                    params.push(rng.random_range(-1.2..1.2));
                }
                params.push(rng.random_range(-0.5..0.5));
            }
            LayerKind::Radial => {
                params.push(rng.random_range(-1.0..1.0));
                params.push(rng.random_range(-1.0..1.0));
                params.push(rng.random_range(-1.0..1.0));
                params.push(rng.random_range(-1.0..1.5));
            }
            LayerKind::Sylvester => {
                params.push(rng.random_range(-3.1..3.1)); // θ
                for _ in 0..2 {
                    params.push(rng.random_range(-0.5..0.5)); // λ
                }
                for _ in 0..2 {
                    params.push(rng.random_range(-1.5..1.5)); // ρ: m ∈ (−0.8, 0.7)
                }
                for _ in 0..2 {
                    params.push(rng.random_range(-1.0..1.0)); // r₁₂, r̃₁₂
                }
                for _ in 0..2 {
                    params.push(rng.random_range(-0.5..0.5)); // b
                }
            }
            LayerKind::Cnf(s) => {
                for _ in 0..s.n_params() {
                    params.push(rng.random_range(-0.5..0.5));
                }
            }
            LayerKind::Affine(_) | LayerKind::Spline(_) => {
                let (outputs, scale) = if matches!(k, LayerKind::Affine(_)) {
                    (2, 0.5)
                } else {
                    (23, 0.7)
                };
                let h = HIDDEN;
                let l2 = 1.0 / (h as f64).sqrt();
                let l3 = scale * (3.0 / h as f64).sqrt() * 1.5;
                for _ in 0..2 * h {
                    params.push(rng.random_range(-1.0..1.0));
                }
                for _ in 0..h * h + h {
                    params.push(rng.random_range(-l2..l2));
                }
                for _ in 0..n_params(outputs) - (h * h + 3 * h) {
                    params.push(rng.random_range(-l3..l3));
                }
            }
        }
    }
    Flow::with_params(&kinds, &params, direction).unwrap()
}

fn integrate(flow: &Flow, stage: f64, grid: &Grid) -> f64 {
    let mut out = vec![0.0; grid.len()];
    flow.log_density_grid(stage, grid, &mut out, &mut Workspace::default());
    assert!(out.iter().all(|v| !v.is_nan()));
    out.iter().map(|l| l.exp()).sum::<f64>() * grid.cell_area()
}

#[test]
fn density_integrates_to_one_at_integer_and_fractional_stages() {
    // Box [−9, 9]²: the model's tails beyond it carry < 1e−4 (checked with the base mass
    // outside, which the layers move by at most a few units). 500² cells of 0.036: the
    // midpoint rule's error ~h²/24·∫|Δq| is ~1e−4 for these smooth densities. So ±0.005 is
    // honest with a wide margin, and a wrong log-det (which changes mass by O(1)) fails.
    let grid = Grid::square(500, -9.0, 9.0);
    for direction in [Direction::Normalizing, Direction::Generative] {
        for seed in [1, 2] {
            let flow = mixed_flow(direction, seed);
            for stage in [K as f64, 7.4, 0.5, 0.0] {
                let mass = integrate(&flow, stage, &grid);
                assert!(
                    (mass - 1.0).abs() < 0.005,
                    "{direction:?} seed {seed} stage {stage}: mass {mass}"
                );
            }
        }
    }
}

#[test]
fn probe_ledger_sums_to_total_and_matches_batch_density() {
    for direction in [Direction::Normalizing, Direction::Generative] {
        let flow = mixed_flow(direction, 3);
        let mut ws = Workspace::default();
        let pts: Vec<Vec2> = (0..25)
            .map(|i| [-3.0 + 0.25 * i as f64, 2.0 - 0.17 * i as f64])
            .collect();
        let xs: Vec<f64> = pts.iter().map(|p| p[0]).collect();
        let ys: Vec<f64> = pts.iter().map(|p| p[1]).collect();
        let mut dens = vec![0.0; pts.len()];
        flow.log_density(K as f64, &xs, &ys, &mut dens, &mut ws);
        for (i, p) in pts.iter().enumerate() {
            let probe = flow.probe(*p).unwrap();
            assert_eq!(probe.positions.len(), K + 1);
            assert_eq!(probe.positions[K], *p);
            assert_eq!(probe.log_q0, std_normal_log_pdf(probe.positions[0]));
            let sum = probe.log_q0 + probe.step_terms.iter().sum::<f64>();
            assert!((sum - probe.total).abs() < 1e-12);
            // Batch (vectorized, fast tanh/ln) vs probe (exact scalar): rounding only.
            assert!(
                (probe.total - dens[i]).abs() < 1e-9,
                "{direction:?} {p:?}: {} vs {}",
                probe.total,
                dens[i]
            );
            // Every intermediate position, pushed from the base, lands on the probe's path.
            for s in 0..=K {
                let (mut x, mut y) = ([probe.positions[0][0]], [probe.positions[0][1]]);
                flow.push_to_stage(s as f64, &mut x, &mut y, &mut ws);
                let q = probe.positions[s];
                assert!(
                    (x[0] - q[0]).abs() < 1e-8 && (y[0] - q[1]).abs() < 1e-8,
                    "{direction:?} stage {s}"
                );
            }
            // The volume-change overlay of each step agrees with the ledger.
            for k in 1..=K {
                let q = probe.positions[k - 1];
                let mut out = [0.0];
                flow.step_log_det(k, 1.0, &[q[0]], &[q[1]], &mut out, &mut ws);
                assert!(
                    (out[0] + probe.step_terms[k - 1]).abs() < 1e-8,
                    "{direction:?} step {k}"
                );
            }
        }
    }
}

#[test]
fn fractional_stage_density_is_the_pushforward_of_the_previous_stage() {
    // log q_s(x) at s = j + t equals log q_j(x') − log|det J_{g_{j+1}}^{(t)}(x')| where x' is x
    // pulled back through the fractional step: check via push and step_log_det.
    for direction in [Direction::Normalizing, Direction::Generative] {
        let flow = mixed_flow(direction, 4);
        let mut ws = Workspace::default();
        let (j, t) = (5usize, 0.37);
        let mut rng = SmallRng::seed_from_u64(9);
        for _ in 0..20 {
            let z0 = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
            let (mut xj, mut yj) = ([z0[0]], [z0[1]]);
            flow.push_to_stage(j as f64, &mut xj, &mut yj, &mut ws);
            let (mut xs, mut ys) = ([z0[0]], [z0[1]]);
            flow.push_to_stage(j as f64 + t, &mut xs, &mut ys, &mut ws);
            let (mut lj, mut ls, mut ld) = ([0.0], [0.0], [0.0]);
            flow.log_density(j as f64, &xj, &yj, &mut lj, &mut ws);
            flow.log_density(j as f64 + t, &xs, &ys, &mut ls, &mut ws);
            flow.step_log_det(j + 1, t, &xj, &yj, &mut ld, &mut ws);
            assert!(
                (ls[0] - (lj[0] - ld[0])).abs() < 1e-8,
                "{direction:?}: {} vs {}",
                ls[0],
                lj[0] - ld[0]
            );
        }
    }
}

#[test]
fn exact_samples_match_the_density_histogram() {
    // 200k exact samples binned on 12×12 cells over [−6, 6]²; each cell's probability from the
    // density (20×20 midpoint sub-grid per cell: error < 1e−3 absolute even where a radial
    // contraction makes a sharp peak). Binomial sd per cell
    // ≤ √(0.25/200k) = 1.1e−3, so |freq − p| < 5 sd + 2e−3 never fails by chance.
    for direction in [Direction::Normalizing, Direction::Generative] {
        let flow = mixed_flow(direction, 5);
        let mut ws = Workspace::default();
        let n = 200_000;
        let (mut xs, mut ys) = (vec![0.0; n], vec![0.0; n]);
        let mut rng = SmallRng::seed_from_u64(11);
        assert_eq!(flow.sample(&mut rng, &mut xs, &mut ys, &mut ws), 0);
        let cells = 12;
        let mut counts = vec![0usize; cells * cells];
        for (x, y) in xs.iter().zip(&ys) {
            let (i, j) = (((x + 6.0) / 1.0).floor(), ((y + 6.0) / 1.0).floor());
            if (0.0..cells as f64).contains(&i) && (0.0..cells as f64).contains(&j) {
                counts[j as usize * cells + i as usize] += 1;
            }
        }
        let sub = 20;
        let fine = Grid::square(cells * sub, -6.0, 6.0);
        let mut dens = vec![0.0; fine.len()];
        flow.log_density_grid(K as f64, &fine, &mut dens, &mut ws);
        let mut p = vec![0.0; cells * cells];
        for j in 0..fine.ny {
            for i in 0..fine.nx {
                p[(j / sub) * cells + i / sub] += dens[j * fine.nx + i].exp() * fine.cell_area();
            }
        }
        for c in 0..cells * cells {
            let f = counts[c] as f64 / n as f64;
            let sd = (p[c] * (1.0 - p[c]) / n as f64).sqrt();
            assert!(
                (f - p[c]).abs() < 5.0 * sd + 2e-3,
                "{direction:?} cell {c}: freq {f} vs p {}",
                p[c]
            );
        }
    }
}

/// Mean NLL of points under a Normalizing flow, computed independently with the exact scalar
/// layer maps (no tape, no batch kernels).
fn nll_scalar(flow: &Flow, xs: &[f64], ys: &[f64]) -> f64 {
    let layers: Vec<Layer> = (0..flow.len()).map(|k| flow.layer(k)).collect();
    let mut sum = 0.0;
    for (&x, &y) in xs.iter().zip(ys) {
        let mut z = [x, y];
        let mut ld = 0.0;
        for l in &layers {
            let (zn, d) = l.forward(z);
            z = zn;
            ld += d;
        }
        sum -= std_normal_log_pdf(z) + ld;
    }
    sum / xs.len() as f64
}

/// Annealed reverse-KL loss, computed independently with the exact scalar layer maps.
fn reverse_kl_scalar(flow: &Flow, energy: Energy, beta: f64, z0x: &[f64], z0y: &[f64]) -> f64 {
    let layers: Vec<Layer> = (0..flow.len()).map(|k| flow.layer(k)).collect();
    let mut sum = 0.0;
    for (&x, &y) in z0x.iter().zip(z0y) {
        let mut z = [x, y];
        let mut lq = std_normal_log_pdf(z);
        for l in &layers {
            let (zn, d) = l.forward(z);
            z = zn;
            lq -= d;
        }
        sum += lq + beta * energy.value(z);
    }
    sum / z0x.len() as f64
}

/// Central differences (h = 1e−6; losses are O(1) and smooth, so truncation + rounding
/// ≲ 1e−8): tolerance 1e−6·(1 + |g|). Every parameter of the planar, radial and Sylvester
/// layers, and a seeded sample of 120 of each coupling layer's 1,186 / 1,879 (all of which
/// `core_layers` checks layer by layer; here the point is the chaining through the tape).
fn check_flat_gradient(name: &str, flow: &Flow, grad: &[f64], loss: impl Fn(&Flow) -> f64) {
    let h = 1e-6;
    let mut rng = SmallRng::seed_from_u64(99);
    let mut indices = Vec::new();
    for k in 0..flow.len() {
        let r = flow.param_range(k);
        if flow.kinds()[k].keep().is_some() {
            indices.extend((0..120).map(|_| rng.random_range(r.clone())));
        } else {
            indices.extend(r);
        }
    }
    for i in indices {
        let g = grad[i];
        let (mut fp, mut fm) = (flow.clone(), flow.clone());
        fp.params_mut()[i] += h;
        fm.params_mut()[i] -= h;
        let fd = (loss(&fp) - loss(&fm)) / (2.0 * h);
        assert!(
            (g - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "{name}: param {i}: {g} vs FD {fd}"
        );
    }
}

#[test]
fn maximum_likelihood_gradient_matches_finite_differences() {
    let flow = mixed_flow(Direction::Normalizing, 6);
    let mut rng = SmallRng::seed_from_u64(12);
    let xs: Vec<f64> = (0..64).map(|_| rng.random_range(-2.5..2.5)).collect();
    let ys: Vec<f64> = (0..64).map(|_| rng.random_range(-2.5..2.5)).collect();
    let mut grads = vec![0.0; flow.params().len()];
    let mut tape = Tape::new();
    let loss = ml_loss_grad(&flow, &xs, &ys, &mut tape, &mut grads);
    assert!((loss - nll_scalar(&flow, &xs, &ys)).abs() < 1e-10);
    check_flat_gradient("ML", &flow, &grads, |f| nll_scalar(f, &xs, &ys));
}

#[test]
fn reverse_kl_gradient_matches_finite_differences() {
    for energy in Energy::ALL {
        let flow = mixed_flow(Direction::Generative, 7);
        let mut rng = SmallRng::seed_from_u64(13);
        let z0x: Vec<f64> = (0..64).map(|_| rng.random_range(-2.5..2.5)).collect();
        let z0y: Vec<f64> = (0..64).map(|_| rng.random_range(-2.5..2.5)).collect();
        let mut grads = vec![0.0; flow.params().len()];
        let (mut tape, mut scratch) = (Tape::new(), Vec::new());
        let beta = 0.7;
        let r = reverse_kl_loss_grad(
            &flow,
            energy,
            beta,
            &z0x,
            &z0y,
            &mut tape,
            &mut scratch,
            &mut grads,
        );
        assert!((r.loss - reverse_kl_scalar(&flow, energy, beta, &z0x, &z0y)).abs() < 1e-9);
        assert!(r.ess > 0.0 && r.ess <= 1.0);
        check_flat_gradient(energy.name(), &flow, &grads, |f| {
            reverse_kl_scalar(f, energy, beta, &z0x, &z0y)
        });
    }
}

#[test]
fn batch_density_never_nan_and_workspace_reuse_is_consistent() {
    let flow = mixed_flow(Direction::Generative, 8);
    let mut ws = Workspace::default();
    let xs = [0.0, f64::NAN, 1e6, -3.0, f64::INFINITY];
    let ys = [0.0, 1.0, -1e6, 2.0, 0.0];
    let mut out = [0.0; 5];
    for direction in [Direction::Generative, Direction::Normalizing] {
        let mut f = flow.clone();
        f.set_direction(direction);
        f.log_density(5.5, &xs, &ys, &mut out, &mut ws);
        assert!(out.iter().all(|v| !v.is_nan()), "{direction:?}: {out:?}");
        assert_eq!(out[1], f64::NEG_INFINITY);
        let mut again = [0.0; 5];
        f.log_density(5.5, &xs, &ys, &mut again, &mut ws);
        assert_eq!(out, again);
    }
}

#[test]
fn sampled_log_densities_match_the_density_at_the_samples() {
    // sample_with_log_density accumulates log q along the sampling path (forward maps for
    // Generative, inverses for Normalizing); log_density recomputes it the other way round.
    for direction in [Direction::Normalizing, Direction::Generative] {
        let flow = mixed_flow(direction, 10);
        let mut ws = Workspace::default();
        let n = 700;
        let (mut xs, mut ys, mut lq) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let mut rng = SmallRng::seed_from_u64(21);
        flow.sample_with_log_density(&mut rng, &mut xs, &mut ys, &mut lq, &mut ws);
        let mut dens = vec![0.0; n];
        flow.log_density(K as f64, &xs, &ys, &mut dens, &mut ws);
        for i in 0..n {
            assert!(
                (lq[i] - dens[i]).abs() < 1e-8,
                "{direction:?} {i}: {} vs {}",
                lq[i],
                dens[i]
            );
        }
    }
}

/// The app's standardizing stack at FFJORD scale: a scale layer from `standardizing` of 1,000
/// raw checkerboard points (σ ≈ 2.3 per axis, so `e^{ℓ} ≈ 0.43`), then 4 spline couplings
/// with random conditioners (logits ~N(0, 0.7²)) keeping x, y, x, y.
fn standardizing_flow(direction: Direction, seed: u64) -> (Flow, flow_playground::core::Points) {
    use flow_playground::core::{standardizing, Preset, StackPattern};
    let pts = Preset::Checkerboard.generate(1000, 0.0, 3);
    let kinds = StackPattern::AllSpline.kinds(5);
    assert_eq!(kinds[0], LayerKind::Scale);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut params = standardizing(&pts).to_vec();
    let h = HIDDEN;
    let (l2, l3) = (1.0 / (h as f64).sqrt(), 0.7 * (3.0 / h as f64).sqrt() * 1.5);
    for _ in 1..kinds.len() {
        for _ in 0..2 * h {
            params.push(rng.random_range(-1.0..1.0));
        }
        for _ in 0..h * h + h {
            params.push(rng.random_range(-l2..l2));
        }
        for _ in 0..n_params(23) - (h * h + 3 * h) {
            params.push(rng.random_range(-l3..l3));
        }
    }
    (Flow::with_params(&kinds, &params, direction).unwrap(), pts)
}

#[test]
fn standardizing_stack_integrates_to_one_at_ffjord_scale() {
    // The model lives at the data's scale (base radius 5 ↦ ~12 through σ ≈ 2.3, plus the
    // splines' warp inside ±3σ), so the box is [−14, 14]²: the base mass beyond radius 5.3 is
    // < 1e−6. 450² cells of 0.062: midpoint error ~1e−4. The scale step is generative step 5
    // for Normalizing (the layer's inverse, an expansion by σ: stage 4.5 is halfway, in log
    // scale) and step 1 for Generative (stage 0.6), so both stage lists pass through it.
    let grid = Grid::square(450, -14.0, 14.0);
    for direction in [Direction::Normalizing, Direction::Generative] {
        let (flow, _) = standardizing_flow(direction, 1);
        for stage in [5.0, 4.5, 0.6] {
            let mass = integrate(&flow, stage, &grid);
            assert!(
                (mass - 1.0).abs() < 0.005,
                "{direction:?} stage {stage}: mass {mass}"
            );
        }
    }
}

#[test]
fn standardizing_stack_gradients_match_finite_differences() {
    // Maximum likelihood on raw checkerboard points (the app's setting), and reverse KL for
    // the same stack in the generative direction; every scale parameter and 120 of each
    // spline layer's.
    let (flow, pts) = standardizing_flow(Direction::Normalizing, 2);
    let (xs, ys) = (&pts.x[..64], &pts.y[..64]);
    let mut grads = vec![0.0; flow.params().len()];
    let mut tape = Tape::new();
    let loss = ml_loss_grad(&flow, xs, ys, &mut tape, &mut grads);
    assert!((loss - nll_scalar(&flow, xs, ys)).abs() < 1e-10);
    check_flat_gradient("ML, scale + spline", &flow, &grads, |f| {
        nll_scalar(f, xs, ys)
    });
    let mut flow = flow;
    flow.set_direction(Direction::Generative);
    let mut rng = SmallRng::seed_from_u64(14);
    let z0x: Vec<f64> = (0..64).map(|_| rng.random_range(-2.5..2.5)).collect();
    let z0y: Vec<f64> = (0..64).map(|_| rng.random_range(-2.5..2.5)).collect();
    let mut grads = vec![0.0; flow.params().len()];
    let (mut tape, mut scratch) = (Tape::new(), Vec::new());
    let r = reverse_kl_loss_grad(
        &flow,
        Energy::U2,
        0.7,
        &z0x,
        &z0y,
        &mut tape,
        &mut scratch,
        &mut grads,
    );
    assert!((r.loss - reverse_kl_scalar(&flow, Energy::U2, 0.7, &z0x, &z0y)).abs() < 1e-9);
    check_flat_gradient("reverse KL, scale + spline", &flow, &grads, |f| {
        reverse_kl_scalar(f, Energy::U2, 0.7, &z0x, &z0y)
    });
}
