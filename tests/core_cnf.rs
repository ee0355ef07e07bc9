#![cfg(not(target_arch = "wasm32"))]
//! Continuous flows against independent ground truth (docs/maths/continuous.md): the ODE
//! log-density of a linear field and of a Gaussian mixture's flow-matching field against their
//! closed forms, with the error of each scheme equal to the one an independent numpy
//! implementation measures (tests/reference/cnf_reference.py, its output committed beside it),
//! exact traces and Jacobians against central differences, the benchmark field's log-densities
//! against the same script's float64 values (two forward-mode tangents, not the engine's
//! `d₂ᵀMd₁`), one planar unit against its closed-form flow, and every gradient against central
//! differences of the loss it differentiates.

use flow_playground::core::cnf::density::{log_density, log_normal, push_forward};
use flow_playground::core::cnf::fm::{loss_grad, FmBatch, FmWork};
use flow_playground::core::cnf::gmm::MixtureField;
use flow_playground::core::cnf::mlp_field::{init_params, splitmix_params, N_PARAMS};
use flow_playground::core::cnf::solve::{adaptive, integrate};
use flow_playground::core::cnf::through_ode::{energy_loss_grad, nll_grad, OdeWork};
use flow_playground::core::cnf::{
    Act, Field, FieldVjp, FieldWork, Method, MlpField, Pair, PlanarCnf, SolveWork,
};
use flow_playground::core::{Energy, Vec2};
use nalgebra::Matrix2;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// `v = A z`: `z(1) = e^A z(0)`, so `p₁ = N(0, e^A e^{Aᵀ})`.
struct Linear(Matrix2<f64>);

impl Field for Linear {
    fn eval(
        &self,
        _t: f64,
        zx: &[f64],
        zy: &[f64],
        vx: &mut [f64],
        vy: &mut [f64],
        tr: &mut [f64],
        _w: &mut FieldWork,
    ) {
        let a = &self.0;
        for k in 0..zx.len() {
            vx[k] = a[(0, 0)] * zx[k] + a[(0, 1)] * zy[k];
            vy[k] = a[(1, 0)] * zx[k] + a[(1, 1)] * zy[k];
            tr[k] = a.trace();
        }
    }
    fn jacobian(&self, _z: Vec2, _t: f64) -> [Vec2; 2] {
        [
            [self.0[(0, 0)], self.0[(0, 1)]],
            [self.0[(1, 0)], self.0[(1, 1)]],
        ]
    }
}

fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
        .collect()
}

fn grid(n: usize, half: f64) -> (Vec<f64>, Vec<f64>) {
    let xs = linspace(-half, half, n);
    let mut gx = Vec::new();
    let mut gy = Vec::new();
    for &y in &xs {
        for &x in &xs {
            gx.push(x);
            gy.push(y);
        }
    }
    (gx, gy)
}

fn linear_field() -> Linear {
    Linear(Matrix2::new(0.3, -1.2, 0.8, -0.5))
}

fn linear_closed_form(a: &Matrix2<f64>, x: f64, y: f64) -> f64 {
    let e = a.exp();
    let cov = e * e.transpose();
    let inv = cov.try_inverse().unwrap();
    let v = nalgebra::Vector2::new(x, y);
    -0.5 * v.dot(&(inv * v)) - 0.5 * cov.determinant().ln() - (2.0 * std::f64::consts::PI).ln()
}

fn max_err_fixed<F: Field>(
    f: &F,
    method: Method,
    steps: usize,
    gx: &[f64],
    gy: &[f64],
    exact: &[f64],
) -> f64 {
    let mut out = vec![0.0; gx.len()];
    log_density(
        f,
        1.0,
        method,
        steps,
        gx,
        gy,
        &mut out,
        &mut SolveWork::default(),
    );
    out.iter()
        .zip(exact)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

#[test]
fn linear_field_matches_its_closed_form() {
    // 41 × 41 on [−4, 4]², max error of log p for RK4 with N = 4, 8, 32, 128 steps: the errors
    // of the scheme itself on this ODE, as tests/reference/cnf_reference.py measures them.
    let f = linear_field();
    let (gx, gy) = grid(41, 4.0);
    let exact: Vec<f64> = gx
        .iter()
        .zip(&gy)
        .map(|(&x, &y)| linear_closed_form(&f.0, x, y))
        .collect();
    for (n, table) in [
        (4, 1.265e-3),
        (8, 7.650e-5),
        (32, 2.893e-7),
        (128, 1.122e-9),
    ] {
        let e = max_err_fixed(&f, Method::Rk4, n, &gx, &gy, &exact);
        assert!(
            (e / table - 1.0).abs() < 0.01,
            "RK4 N = {n}: {e:e} vs {table:e}"
        );
    }
    // Euler and midpoint converge at orders 1 and 2.
    let e1 = max_err_fixed(&f, Method::Euler, 256, &gx, &gy, &exact);
    let e2 = max_err_fixed(&f, Method::Euler, 512, &gx, &gy, &exact);
    assert!((e1 / e2 - 2.0).abs() < 0.15, "Euler order: {}", e1 / e2);
    let m1 = max_err_fixed(&f, Method::Midpoint, 64, &gx, &gy, &exact);
    let m2 = max_err_fixed(&f, Method::Midpoint, 128, &gx, &gy, &exact);
    assert!((m1 / m2 - 4.0).abs() < 0.4, "midpoint order: {}", m1 / m2);
    // Adaptive pairs: ≤ 1e−8 with Dormand–Prince at rtol = atol = 1e−10.
    let mut w = FieldWork::default();
    for pair in [Pair::Dopri5, Pair::Bosh3] {
        let tol = if pair == Pair::Dopri5 { 1e-10 } else { 1e-11 };
        let mut worst = 0.0_f64;
        for (k, (&x, &y)) in gx.iter().zip(&gy).enumerate().step_by(7) {
            let end = adaptive(&f, pair, tol, tol, [x, y], 1.0, 0.0, &mut w).unwrap();
            let lp = log_normal(end.z[0], end.z[1]) + end.acc;
            worst = worst.max((lp - exact[k]).abs());
        }
        assert!(worst <= 1e-8, "{pair:?}: {worst:e}");
    }
}

#[test]
fn mixture_field_density_matches_the_closed_form_p_t() {
    // The 8-gaussians ideal field, 64 × 64 over [−4, 4]²: (a) max over the grid, (b) max where
    // p₁ ≥ 1e−3, (c) p-weighted mean, for each scheme; the values of
    // tests/reference/cnf_reference.py (the scheme and the field are fixed, so the errors are too).
    let f = MixtureField::eight_gaussians();
    let (gx, gy) = grid(64, 4.0);
    let exact: Vec<f64> = gx
        .iter()
        .zip(&gy)
        .map(|(&x, &y)| f.log_density([x, y], 1.0))
        .collect();
    let table = [
        (Method::Rk4, 8, 8.2757, 3.8698e-2, 2.0320e-3),
        (Method::Rk4, 16, 1.0770, 4.8522e-3, 7.2798e-5),
        (Method::Rk4, 32, 2.2271e-2, 1.4331e-4, 3.4501e-6),
        (Method::Rk4, 64, 6.5441e-4, 6.7053e-6, 1.8420e-7),
        (Method::Midpoint, 16, 7.4318e-1, 9.1080e-2, 1.0317e-2),
        (Method::Euler, 32, 3.6334, 6.6123e-1, 7.0452e-2),
    ];
    let mut out = vec![0.0; gx.len()];
    for (method, n, a, b, c) in table {
        log_density(
            &f,
            1.0,
            method,
            n,
            &gx,
            &gy,
            &mut out,
            &mut SolveWork::default(),
        );
        let (mut ma, mut mb, mut sw, mut sc) = (0.0_f64, 0.0_f64, 0.0, 0.0);
        for (o, e) in out.iter().zip(&exact) {
            let err = (o - e).abs();
            ma = ma.max(err);
            let p = e.exp();
            if p >= 1e-3 {
                mb = mb.max(err);
            }
            sw += p;
            sc += p * err;
        }
        let mc = sc / sw;
        for (got, want, what) in [
            (ma, a, "max"),
            (mb, b, "visible max"),
            (mc, c, "p-weighted"),
        ] {
            assert!(
                (got / want - 1.0).abs() < 0.005,
                "{method:?} N = {n}, {what}: {got:e} vs table {want:e}"
            );
        }
    }
    // Adaptive: ≤ 1e−8 at rtol = atol = 1e−10 (every 5th pixel).
    let mut w = FieldWork::default();
    let mut worst = 0.0_f64;
    for (k, (&x, &y)) in gx.iter().zip(&gy).enumerate().step_by(5) {
        let end = adaptive(&f, Pair::Dopri5, 1e-10, 1e-10, [x, y], 1.0, 0.0, &mut w).unwrap();
        worst = worst.max((log_normal(end.z[0], end.z[1]) + end.acc - exact[k]).abs());
    }
    assert!(worst <= 1e-8, "Dormand–Prince: {worst:e}");
    // An intermediate time: p_{0.5} by solving 0.5 → 0 (RK4, 128 steps).
    log_density(
        &f,
        0.5,
        Method::Rk4,
        128,
        &gx,
        &gy,
        &mut out,
        &mut SolveWork::default(),
    );
    let e = gx
        .iter()
        .zip(&gy)
        .zip(&out)
        .map(|((&x, &y), o)| (o - f.log_density([x, y], 0.5)).abs())
        .fold(0.0, f64::max);
    assert!(e < 2e-8, "p_0.5: {e:e}");
}

#[test]
fn push_forward_carries_the_density_along_trajectories() {
    // Forward from base points, log p_t(z(t)) = log N(z₀) − A(t): equals the closed-form p_t at
    // the point reached, at every step.
    let f = MixtureField::eight_gaussians();
    let (mut zx, mut zy) = grid(9, 2.5);
    let mut lp = vec![0.0; zx.len()];
    let mut worst = 0.0_f64;
    push_forward(
        &f,
        1.0,
        Method::Rk4,
        256,
        &mut zx,
        &mut zy,
        &mut lp,
        &mut SolveWork::default(),
        |i, t, x, y, l| {
            if i % 32 == 0 {
                for k in 0..x.len() {
                    worst = worst.max((l[k] - f.log_density([x[k], y[k]], t)).abs());
                }
            }
        },
    );
    assert!(worst < 1e-5, "{worst:e}");
}

fn central_jacobian<F: Field>(f: &F, z: Vec2, t: f64) -> [Vec2; 2] {
    let h = 1e-5;
    let mut w = FieldWork::default();
    let mut j = [[0.0; 2]; 2];
    for c in 0..2 {
        let (mut zp, mut zm) = (z, z);
        zp[c] += h;
        zm[c] -= h;
        let (vp, _) = f.eval_point(zp, t, &mut w);
        let (vm, _) = f.eval_point(zm, t, &mut w);
        for r in 0..2 {
            j[r][c] = (vp[r] - vm[r]) / (2.0 * h);
        }
    }
    j
}

fn check_trace<F: Field>(f: &F, what: &str, tol: f64) {
    let mut rng = SmallRng::seed_from_u64(5);
    let mut w = FieldWork::default();
    for _ in 0..40 {
        let z = [rng.random_range(-3.0..3.0), rng.random_range(-3.0..3.0)];
        let t = rng.random::<f64>();
        let fd = central_jacobian(f, z, t);
        let (_, tr) = f.eval_point(z, t, &mut w);
        assert!(
            (tr - (fd[0][0] + fd[1][1])).abs() < tol,
            "{what} trace at {z:?}: {tr} vs {:?}",
            fd
        );
        let j = f.jacobian(z, t);
        for r in 0..2 {
            for c in 0..2 {
                assert!(
                    (j[r][c] - fd[r][c]).abs() < tol,
                    "{what} J[{r}][{c}]: {} vs {}",
                    j[r][c],
                    fd[r][c]
                );
            }
        }
        // The batch path agrees with the point path.
        let (mut vx, mut vy, mut trb) = ([0.0; 3], [0.0; 3], [0.0; 3]);
        f.eval(
            t,
            &[z[0], 0.3, z[0]],
            &[z[1], -0.2, z[1]],
            &mut vx,
            &mut vy,
            &mut trb,
            &mut w,
        );
        assert!((trb[2] - tr).abs() < 1e-12 && (trb[0] - tr).abs() < 1e-12);
    }
}

#[test]
fn exact_traces_and_jacobians_equal_central_differences() {
    let mut rng = SmallRng::seed_from_u64(1);
    {
        let act = Act::Silu;
        let f =
            MlpField::new(init_params(&mut rng).iter().map(|p| 2.0 * p).collect(), act).unwrap();
        check_trace(&f, "mlp", 1e-7);
    }
    for m in [1, 2, 8, 32] {
        let p: Vec<f64> = (0..m * 10).map(|_| rng.random_range(-1.5..1.5)).collect();
        check_trace(&PlanarCnf::new(p).unwrap(), "planar", 1e-7);
    }
    check_trace(&MixtureField::eight_gaussians(), "mixture", 1e-6);
}

#[test]
fn benchmark_field_reproduces_the_peers_float64_log_densities() {
    // docs/benchmarks.md, "cnf_grid": the SplitMix parameters P, RK4 with 32 steps from 1 to 0;
    // the float64 values of tests/reference/cnf_reference.py at five points (the benchmark
    // peer's float64 checksums agree with them to the 6 digits it prints).
    let f = MlpField::new(splitmix_params(), Act::Silu).unwrap();
    assert_eq!(f.params().len(), N_PARAMS);
    let pts = [
        [0.0, 0.0],
        [1.0, -1.0],
        [-2.0, 0.5],
        [3.0, 3.0],
        [-4.0, -4.0],
    ];
    let want = [-1.8831262, -2.8047144, -3.8611333, -11.4051114, -16.8823939];
    let xs: Vec<f64> = pts.iter().map(|p| p[0]).collect();
    let ys: Vec<f64> = pts.iter().map(|p| p[1]).collect();
    let mut out = [0.0; 5];
    log_density(
        &f,
        1.0,
        Method::Rk4,
        32,
        &xs,
        &ys,
        &mut out,
        &mut SolveWork::default(),
    );
    for (got, want) in out.iter().zip(want) {
        assert!((got - want).abs() < 1e-7, "{got} vs {want}");
    }
}

#[test]
fn one_planar_unit_follows_its_closed_form_flow() {
    // docs/maths/continuous.md, "The planar CNF": for constant u, w, b, β = wᵀz + b obeys sinh β(τ) = e^{cτ} sinh β(0),
    // c = wᵀu, and z(τ) = z + u (β(τ) − β(0))/c; log det = cτ + log cosh β(0) − log cosh β(τ).
    let mut rng = SmallRng::seed_from_u64(9);
    let mut w = FieldWork::default();
    for _ in 0..50 {
        let u = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
        let wv = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
        let b = rng.random_range(-1.0..1.0);
        let f = PlanarCnf::new(vec![u[0], u[1], wv[0], wv[1], b, 0.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
        let z = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
        let c = wv[0] * u[0] + wv[1] * u[1];
        let b0: f64 = wv[0] * z[0] + wv[1] * z[1] + b;
        let b1 = (c.exp() * b0.sinh()).asinh();
        let z1 = [z[0] + u[0] * (b1 - b0) / c, z[1] + u[1] * (b1 - b0) / c];
        let logdet = c + b0.cosh().ln() - b1.cosh().ln();
        let end = adaptive(&f, Pair::Dopri5, 1e-11, 1e-11, z, 0.0, 1.0, &mut w).unwrap();
        assert!((end.z[0] - z1[0]).abs() < 1e-8 && (end.z[1] - z1[1]).abs() < 1e-8);
        assert!((end.acc - logdet).abs() < 1e-8, "{} vs {logdet}", end.acc);
        let (mut zx, mut zy, mut acc) = ([z[0]], [z[1]], [0.0]);
        integrate(
            &f,
            Method::Rk4,
            400,
            0.0,
            1.0,
            &mut zx,
            &mut zy,
            &mut acc,
            &mut SolveWork::default(),
            |_, _, _, _, _| {},
        );
        assert!((acc[0] - logdet).abs() < 1e-7);
    }
}

#[test]
fn flow_matching_in_f32_follows_the_f64_pass() {
    // The app trains flow matching in f32 (fm32.rs); the f64 pass is the one checked against
    // central differences below. Over 600 rows (three chunks) the loss agrees to single
    // precision and every gradient entry to 1e-4 of the largest.
    use flow_playground::core::cnf::fm32::{loss_grad32, FmWork32};
    let mut rng = SmallRng::seed_from_u64(12);
    let field = MlpField::new(init_params(&mut rng), Act::Silu).unwrap();
    let mut batch = FmBatch::default();
    for _ in 0..600 {
        let x0 = [rng.random_range(-3.0..3.0), rng.random_range(-3.0..3.0)];
        let x1 = [rng.random_range(-3.0..3.0), rng.random_range(-3.0..3.0)];
        batch.push(x0, x1, rng.random());
    }
    let mut g64 = vec![0.0; N_PARAMS];
    let l64 = loss_grad(&field, &batch, Some(&mut g64), &mut FmWork::default());
    let mut g32 = vec![0.0; N_PARAMS];
    let mut w = FmWork32::default();
    let l32 = loss_grad32(field.params(), &batch, Some(&mut g32), &mut w);
    assert!((l32 - l64).abs() < 1e-5 * l64, "loss {l32} vs {l64}");
    let big = g64.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    for k in 0..N_PARAMS {
        assert!(
            (g32[k] - g64[k]).abs() < 1e-4 * big,
            "param {k}: {} vs {}",
            g32[k],
            g64[k]
        );
    }
    // Without a gradient: the same loss; and the buffers are reused.
    assert_eq!(loss_grad32(field.params(), &batch, None, &mut w), l32);
}

#[test]
fn flow_matching_gradient_equals_central_differences() {
    let mut rng = SmallRng::seed_from_u64(3);
    let mut field = MlpField::new(init_params(&mut rng), Act::Silu).unwrap();
    let mut batch = FmBatch::default();
    for _ in 0..300 {
        let x0 = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
        let x1 = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
        batch.push(x0, x1, rng.random());
    }
    // Independent loss: per row through the point path of the field.
    let loss_of = |f: &MlpField| -> f64 {
        let mut w = FieldWork::default();
        let mut s = 0.0;
        for k in 0..batch.len() {
            let (v, _) = f.eval_point([batch.x[k], batch.y[k]], batch.t[k], &mut w);
            s += (v[0] - batch.tx[k]).powi(2) + (v[1] - batch.ty[k]).powi(2);
        }
        s / batch.len() as f64
    };
    let mut grad = vec![0.0; N_PARAMS];
    let l = loss_grad(&field, &batch, Some(&mut grad), &mut FmWork::default());
    assert!((l - loss_of(&field)).abs() < 1e-12 * l.abs().max(1.0));
    let p0 = field.params().to_vec();
    for k in (0..N_PARAMS)
        .step_by(37)
        .chain([0, 191, 192, 255, 256, 4351, 4352, 4480, 4544, 4545])
    {
        let h = 1e-6;
        let mut p = p0.clone();
        p[k] += h;
        field.set_params(&p);
        let lp = loss_of(&field);
        p[k] -= 2.0 * h;
        field.set_params(&p);
        let lm = loss_of(&field);
        field.set_params(&p0);
        let fd = (lp - lm) / (2.0 * h);
        assert!(
            (grad[k] - fd).abs() < 1e-7 + 1e-5 * fd.abs(),
            "param {k}: {} vs {fd}",
            grad[k]
        );
    }
}

#[test]
fn planar_cnf_vjp_and_ode_gradients_equal_central_differences() {
    let mut rng = SmallRng::seed_from_u64(11);
    let p: Vec<f64> = (0..4 * 10).map(|_| rng.random_range(-1.0..1.0)).collect();
    let mut f = PlanarCnf::new(p.clone()).unwrap();
    let base: Vec<Vec2> = (0..20)
        .map(|_| [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)])
        .collect();
    let (xs, ys): (Vec<f64>, Vec<f64>) =
        base.iter().map(|z| (z[0] * 0.7, z[1] * 0.7 + 0.3)).unzip();
    let mut work = OdeWork::default();
    let mut g_kl = vec![0.0; p.len()];
    let (loss, _) = energy_loss_grad(&f, Energy::U2, 0.7, &base, 6, Some(&mut g_kl), &mut work);
    let mut g_ml = vec![0.0; p.len()];
    let nll = nll_grad(&f, &xs, &ys, 6, Some(&mut g_ml), &mut work);
    assert!(loss.is_finite() && nll.is_finite());
    // The discretised objectives, recomputed independently with the batch RK4 solver.
    let kl_of = |f: &PlanarCnf| -> f64 {
        let (mut zx, mut zy): (Vec<f64>, Vec<f64>) = base.iter().map(|z| (z[0], z[1])).unzip();
        let mut acc = vec![0.0; base.len()];
        integrate(
            f,
            Method::Rk4,
            6,
            0.0,
            1.0,
            &mut zx,
            &mut zy,
            &mut acc,
            &mut SolveWork::default(),
            |_, _, _, _, _| {},
        );
        (0..base.len())
            .map(|k| {
                log_normal(base[k][0], base[k][1]) - acc[k] + 0.7 * Energy::U2.value([zx[k], zy[k]])
            })
            .sum::<f64>()
            / base.len() as f64
    };
    let nll_of = |f: &PlanarCnf| -> f64 {
        let mut out = vec![0.0; xs.len()];
        log_density(
            f,
            1.0,
            Method::Rk4,
            6,
            &xs,
            &ys,
            &mut out,
            &mut SolveWork::default(),
        );
        -out.iter().sum::<f64>() / xs.len() as f64
    };
    assert!((kl_of(&f) - loss).abs() < 1e-12);
    assert!((nll_of(&f) - nll).abs() < 1e-12);
    for k in 0..p.len() {
        let h = 1e-6;
        f.params_mut()[k] = p[k] + h;
        let (kp, np) = (kl_of(&f), nll_of(&f));
        f.params_mut()[k] = p[k] - h;
        let (km, nm) = (kl_of(&f), nll_of(&f));
        f.params_mut()[k] = p[k];
        let (fk, fn_) = ((kp - km) / (2.0 * h), (np - nm) / (2.0 * h));
        assert!(
            (g_kl[k] - fk).abs() < 1e-6 + 1e-5 * fk.abs(),
            "KL param {k}: {} vs {fk}",
            g_kl[k]
        );
        assert!(
            (g_ml[k] - fn_).abs() < 1e-6 + 1e-5 * fn_.abs(),
            "NLL param {k}: {} vs {fn_}",
            g_ml[k]
        );
    }
    // The point VJP: ∂/∂z of g_vᵀv + g_tr·tr against central differences.
    let mut w = FieldWork::default();
    for _ in 0..20 {
        let z = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
        let (t, gv, gt) = (rng.random::<f64>(), [0.3, -1.1], 0.7);
        let mut sink = vec![0.0; p.len()];
        let gz = f.vjp_point(z, t, gv, gt, &mut sink);
        for c in 0..2 {
            let (mut zp, mut zm) = (z, z);
            zp[c] += 1e-6;
            zm[c] -= 1e-6;
            let l = |z: Vec2, w: &mut FieldWork| {
                let (v, tr) = f.eval_point(z, t, w);
                gv[0] * v[0] + gv[1] * v[1] + gt * tr
            };
            let fd = (l(zp, &mut w) - l(zm, &mut w)) / 2e-6;
            assert!((gz[c] - fd).abs() < 1e-7, "{} vs {fd}", gz[c]);
        }
    }
}

#[test]
fn mixed_precision_field_agrees_with_the_float64_one() {
    // The f32-inside twin used for pictures: log-densities through 32 RK4 steps within 1e−4
    // nats of the f64 field (f32 has 24 bits; the peer's f32 NLL agrees with float64 to 6
    // digits), with the same trace.
    use flow_playground::core::cnf::MlpFast;
    {
        let act = Act::Silu;
        let f = MlpField::new(splitmix_params(), act).unwrap();
        let fast = MlpFast::new(&f);
        let (gx, gy) = grid(23, 4.0);
        let (mut a, mut b) = (vec![0.0; gx.len()], vec![0.0; gx.len()]);
        log_density(
            &f,
            1.0,
            Method::Rk4,
            32,
            &gx,
            &gy,
            &mut a,
            &mut SolveWork::default(),
        );
        log_density(
            &fast,
            1.0,
            Method::Rk4,
            32,
            &gx,
            &gy,
            &mut b,
            &mut SolveWork::default(),
        );
        let worst = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-4, "{act:?}: {worst:e}");
        assert!(worst > 0.0, "the twin really is f32 inside");
        // Small batches (no gemm) agree with large ones.
        let mut w = FieldWork::default();
        let (v1, t1) = fast.eval_point([0.3, -0.7], 0.4, &mut w);
        let (mut vx, mut vy, mut tr) = (vec![0.0; 40], vec![0.0; 40], vec![0.0; 40]);
        fast.eval(
            0.4,
            &[0.3; 40],
            &[-0.7; 40],
            &mut vx,
            &mut vy,
            &mut tr,
            &mut w,
        );
        assert!(
            (v1[0] - vx[39]).abs() < 1e-5
                && (v1[1] - vy[39]).abs() < 1e-5
                && (t1 - tr[39]).abs() < 1e-5
        );
        // Native builds evaluate by panels of 24 points (the last one padded); wasm32 by
        // `gemm32` chunks. Both paths agree, at any batch size.
        let wasm_path = MlpFast::new(&f).gemm_path();
        for n in [1, 23, 24, 37, 300] {
            let zx: Vec<f64> = (0..n).map(|k| -3.0 + 0.021 * k as f64).collect();
            let zy: Vec<f64> = (0..n).map(|k| 2.5 - 0.017 * k as f64).collect();
            let mut got = [vec![0.0; n], vec![0.0; n], vec![0.0; n]];
            let mut want = got.clone();
            for (fld, o) in [(&fast, &mut got), (&wasm_path, &mut want)] {
                let [a, b, c] = o;
                fld.eval(0.7, &zx, &zy, a, b, c, &mut w);
            }
            for (g, e) in got.iter().zip(&want) {
                for (x, y) in g.iter().zip(e) {
                    assert!((x - y).abs() < 1e-5 * (1.0 + y.abs()), "n {n}: {x} vs {y}");
                }
            }
        }
    }
}

#[test]
fn mlp_vjp_of_field_and_trace_equals_central_differences() {
    // ℓ = g_vᵀv + g_tr·tr at one point: ∂ℓ/∂z and ∂ℓ/∂θ (through s″ and M) against central
    // differences of ℓ computed with the batch path; then the maximum-likelihood gradient through
    // RK4 with the MLP field.
    let mut rng = SmallRng::seed_from_u64(21);
    {
        let act = Act::Silu;
        let p0: Vec<f64> = init_params(&mut rng).iter().map(|p| 1.5 * p).collect();
        let mut f = MlpField::new(p0.clone(), act).unwrap();
        let (z, t, gv, gt) = ([0.4, -0.9], 0.35, [0.7, -0.4], 1.3);
        let ell = |f: &MlpField, z: Vec2| {
            let (v, tr) = f.eval_point(z, t, &mut FieldWork::default());
            gv[0] * v[0] + gv[1] * v[1] + gt * tr
        };
        let mut grad = vec![0.0; N_PARAMS];
        let gz = f.vjp_point(z, t, gv, gt, &mut grad);
        for c in 0..2 {
            let (mut zp, mut zm) = (z, z);
            zp[c] += 1e-6;
            zm[c] -= 1e-6;
            let fd = (ell(&f, zp) - ell(&f, zm)) / 2e-6;
            assert!((gz[c] - fd).abs() < 1e-6, "{act:?} z{c}: {} vs {fd}", gz[c]);
        }
        for k in (0..N_PARAMS)
            .step_by(29)
            .chain([1, 2, 190, 4415, 4416, 4480, 4545])
        {
            let mut p = p0.clone();
            p[k] += 1e-6;
            f.set_params(&p);
            let lp = ell(&f, z);
            p[k] -= 2e-6;
            f.set_params(&p);
            let lm = ell(&f, z);
            f.set_params(&p0);
            let fd = (lp - lm) / 2e-6;
            assert!(
                (grad[k] - fd).abs() < 1e-6 + 1e-5 * fd.abs(),
                "{act:?} θ{k}: {} vs {fd}",
                grad[k]
            );
        }
    }
    // Maximum likelihood through 3 RK4 steps.
    let p0 = init_params(&mut rng);
    let mut f = MlpField::new(p0.clone(), Act::Silu).unwrap();
    let (xs, ys) = (vec![0.3, -1.2, 0.8], vec![0.5, 0.1, -0.7]);
    let mut g = vec![0.0; N_PARAMS];
    let nll = nll_grad(&f, &xs, &ys, 3, Some(&mut g), &mut OdeWork::default());
    let nll_of = |f: &MlpField| {
        let mut out = vec![0.0; 3];
        log_density(
            f,
            1.0,
            Method::Rk4,
            3,
            &xs,
            &ys,
            &mut out,
            &mut SolveWork::default(),
        );
        -out.iter().sum::<f64>() / 3.0
    };
    assert!((nll - nll_of(&f)).abs() < 1e-10);
    for k in (5..N_PARAMS).step_by(211) {
        let mut p = p0.clone();
        p[k] += 1e-6;
        f.set_params(&p);
        let a = nll_of(&f);
        p[k] -= 2e-6;
        f.set_params(&p);
        let b = nll_of(&f);
        f.set_params(&p0);
        let fd = (a - b) / 2e-6;
        assert!(
            (g[k] - fd).abs() < 1e-6 + 1e-5 * fd.abs(),
            "NLL θ{k}: {} vs {fd}",
            g[k]
        );
    }
}

#[test]
fn hutchinsons_estimator_is_off_by_the_integral_of_the_symmetric_part() {
    use flow_playground::core::cnf::hutchinson::{log_density_hutchinson, rademacher};
    // With Rademacher ε, εᵀJε = tr J + ε₁ε₂(J₁₂ + J₂₁): for the linear field J₁₂ + J₂₁ = −0.4
    // everywhere, so one probe moves log p₁ by exactly −ε₁ε₂·(−0.4)·1 (RK4 integrates the
    // constant exactly), and p probes by the mean of ε₁ε₂ times that.
    let f = linear_field();
    let (gx, gy) = grid(9, 3.0);
    let mut exact = vec![0.0; gx.len()];
    log_density(
        &f,
        1.0,
        Method::Rk4,
        16,
        &gx,
        &gy,
        &mut exact,
        &mut SolveWork::default(),
    );
    for probes in [1usize, 10] {
        let mut est = vec![0.0; gx.len()];
        log_density_hutchinson(&f, 1.0, Method::Rk4, 16, &gx, &gy, &mut est, probes, 7, 0);
        for i in 0..gx.len() {
            let mean: f64 = (0..probes as u64)
                .map(|p| {
                    let e = rademacher(7, i as u64, p);
                    e[0] * e[1]
                })
                .sum::<f64>()
                / probes as f64;
            assert!(
                (est[i] - exact[i] - 0.4 * mean).abs() < 1e-12,
                "probes {probes}, point {i}"
            );
        }
    }
    // A field whose Jacobian's symmetric off-diagonal part vanishes (a rotation plus a
    // scaling): the estimator is exact.
    struct Rot;
    impl Field for Rot {
        fn eval(
            &self,
            _t: f64,
            zx: &[f64],
            zy: &[f64],
            vx: &mut [f64],
            vy: &mut [f64],
            tr: &mut [f64],
            _w: &mut FieldWork,
        ) {
            for k in 0..zx.len() {
                vx[k] = -0.3 * zx[k] - 1.1 * zy[k];
                vy[k] = 1.1 * zx[k] + 0.2 * zy[k];
                tr[k] = -0.1;
            }
        }
        fn jacobian(&self, _z: Vec2, _t: f64) -> [Vec2; 2] {
            [[-0.3, -1.1], [1.1, 0.2]]
        }
    }
    let (mut a, mut b) = (vec![0.0; gx.len()], vec![0.0; gx.len()]);
    log_density(
        &Rot,
        1.0,
        Method::Rk4,
        8,
        &gx,
        &gy,
        &mut a,
        &mut SolveWork::default(),
    );
    log_density_hutchinson(&Rot, 1.0, Method::Rk4, 8, &gx, &gy, &mut b, 1, 3, 0);
    assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12));
    // On the mixture's ideal field the speckle is real and shrinks like 1/√probes: the RMS
    // error over the grid with 10 probes is 0.2–0.5 of the one with 1 (1/√10 = 0.32).
    let g = MixtureField::eight_gaussians();
    let (hx, hy) = grid(24, 3.0);
    let mut ex = vec![0.0; hx.len()];
    log_density(
        &g,
        1.0,
        Method::Rk4,
        32,
        &hx,
        &hy,
        &mut ex,
        &mut SolveWork::default(),
    );
    let rms = |probes: usize| {
        let mut est = vec![0.0; hx.len()];
        log_density_hutchinson(&g, 1.0, Method::Rk4, 32, &hx, &hy, &mut est, probes, 11, 0);
        (est.iter()
            .zip(&ex)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            / hx.len() as f64)
            .sqrt()
    };
    let (r1, r10) = (rms(1), rms(10));
    assert!(
        r1 > 0.05 && r10 / r1 > 0.2 && r10 / r1 < 0.5,
        "RMS {r1} with 1 probe, {r10} with 10"
    );
}
