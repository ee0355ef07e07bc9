#![cfg(not(target_arch = "wasm32"))]
//! The Table-1 energies: analytic gradients vs central differences, finiteness far from the
//! origin, and `log Z` by grid quadrature (independent of the stored constants).

use flow_playground::core::Energy;
use proptest::prelude::*;

/// Naive Table-1 formulas (log of a sum of exps, no stable rewrite), valid near the origin:
/// the ground truth for the stable forms.
fn naive(e: Energy, z: [f64; 2]) -> f64 {
    let [z1, z2] = z;
    let w1 = (std::f64::consts::PI * z1 / 2.0).sin();
    let w2 = 3.0 * (-0.5 * ((z1 - 1.0) / 0.6f64).powi(2)).exp();
    let w3 = 3.0 / (1.0 + (-(z1 - 1.0) / 0.3).exp());
    let env = 0.5 * ((z1.abs() - 4.0).max(0.0) / 0.5).powi(2);
    match e {
        Energy::U1 => {
            0.5 * ((z1.hypot(z2) - 2.0) / 0.4).powi(2)
                - ((-0.5 * ((z1 - 2.0) / 0.6f64).powi(2)).exp()
                    + (-0.5 * ((z1 + 2.0) / 0.6f64).powi(2)).exp())
                .ln()
        }
        Energy::U2 => 0.5 * ((z2 - w1) / 0.4).powi(2) + env,
        Energy::U3 => {
            -((-0.5 * ((z2 - w1) / 0.35f64).powi(2)).exp()
                + (-0.5 * ((z2 - w1 + w2) / 0.35f64).powi(2)).exp())
            .ln()
                + env
        }
        Energy::U4 => {
            -((-0.5 * ((z2 - w1) / 0.4f64).powi(2)).exp()
                + (-0.5 * ((z2 - w1 + w3) / 0.35f64).powi(2)).exp())
            .ln()
                + env
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Stable forms equal the naive formulas where the latter do not underflow (|z| ≤ 5).
    #[test]
    fn stable_forms_equal_table_1(z1 in -5.0..5.0f64, z2 in -5.0..5.0f64) {
        for e in Energy::ALL {
            let (a, b) = (e.value([z1, z2]), naive(e, [z1, z2]));
            prop_assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{e:?}: {a} vs {b}");
        }
    }

    /// Central differences, h = 1e−6 (|U'''| ≲ 1e4 near the ring's inner side; truncation
    /// ≲ 1e−8, rounding ≲ 1e−9·|U|): tolerance 1e−5·(1 + |∇U|). Points within 1e−3 of the
    /// U1 cone tip at the origin are skipped (∇‖z‖ is undefined there).
    #[test]
    fn gradients_match_finite_differences(z1 in -6.0..6.0f64, z2 in -6.0..6.0f64) {
        prop_assume!(z1.hypot(z2) > 1e-3 && (z1.abs() - 4.0).abs() > 1e-4);
        for e in Energy::ALL {
            let g = e.grad([z1, z2]);
            let h = 1e-6;
            let fd = [
                (e.value([z1 + h, z2]) - e.value([z1 - h, z2])) / (2.0 * h),
                (e.value([z1, z2 + h]) - e.value([z1, z2 - h])) / (2.0 * h),
            ];
            for i in 0..2 {
                prop_assert!((g[i] - fd[i]).abs() <= 1e-5 * (1.0 + fd[i].abs()), "{e:?} d{i}: {} vs {}", g[i], fd[i]);
            }
        }
    }
}

#[test]
fn finite_far_from_the_origin() {
    for e in Energy::ALL {
        for z in [
            [30.0, 0.0],
            [-30.0, 5.0],
            [1e6, 0.0],
            [0.0, 1e6],
            [-1e6, -1e6],
            [1e6, 1e-3],
            [0.0, 0.0],
        ] {
            let (u, g) = e.value_grad(z);
            assert!(
                u.is_finite() && g[0].is_finite() && g[1].is_finite(),
                "{e:?} at {z:?}: {u} {g:?}"
            );
        }
        // Naive U1 underflows to −log(0) = +∞ at z₁ = 30; the stable form does not.
        assert!(e.value([30.0, 0.0]) < 1e5);
        let mut out = [0.0; 3];
        let (mut gx, mut gy) = ([0.0; 3], [0.0; 3]);
        e.eval_batch(
            &[1e6, 30.0, 0.1],
            &[0.0, -30.0, 0.2],
            &mut out,
            &mut gx,
            &mut gy,
        );
        assert!(out.iter().chain(&gx).chain(&gy).all(|v| v.is_finite()));
        assert!(!e.name().is_empty() && e.description().len() > 40);
    }
}

/// `log ∫ exp(−U)` by the midpoint rule on [−10, 10]² with 2000² cells: the integrands are
/// smooth with widths ≥ 0.35, so the error is < 1e−6 relative, and the mass beyond the box is
/// < e^{−70} (ring, envelope and the z₂ Gaussians all decay fast there).
fn log_z_quadrature(e: Energy) -> f64 {
    let (n, lo, hi) = (2000usize, -10.0, 10.0);
    let h = (hi - lo) / n as f64;
    let mut sum = 0.0;
    for j in 0..n {
        let z2 = lo + (j as f64 + 0.5) * h;
        for i in 0..n {
            let z1 = lo + (i as f64 + 0.5) * h;
            sum += (-e.value([z1, z2])).exp();
        }
    }
    (sum * h * h).ln()
}

#[test]
fn log_z_by_quadrature() {
    let u1 = log_z_quadrature(Energy::U1);
    // docs/maths/energies.md, "Log-partition functions": 1.8775 for U1 (normalisable on R²).
    assert!((u1 - 1.8775).abs() < 1e-4, "U1 log Z {u1}");
    for e in Energy::ALL {
        let q = log_z_quadrature(e);
        let stored = e.log_z().unwrap();
        assert!(
            (q - stored).abs() < 1e-6,
            "{e:?}: quadrature {q} vs stored {stored}"
        );
    }
}
