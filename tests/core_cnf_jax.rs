#![cfg(not(target_arch = "wasm32"))]
//! The planar CNF's reverse-KL objective and its gradient (backpropagation through 16 RK4
//! steps, `core::cnf::through_ode`) against JAX autodiff of the same objective written
//! independently in JAX, float64: tests/reference/planar_cnf_grad_jax.py, its output committed
//! beside it (its values also equal, to 2e−15, those of the continuous reference fit script's own
//! loss, checked on 2026-12-05). Width 8 with every parameter non-zero (slopes and biases
//! included), 64 base points of which 29 end past the wall `|z₁| = 4`, β = 0.6, on U2 and U4.
//!
//! This is what shows that the engine trains the reference's objective, not a neighbour of it:
//! the same loss to rounding and the same gradient, so a fit that differs from the reference's
//! can only differ by its random draws (docs/maths/continuous.md, "Backpropagation through the solver").

use flow_playground::core::cnf::through_ode::{energy_loss_grad, OdeWork};
use flow_playground::core::cnf::PlanarCnf;
use flow_playground::core::{Energy, Vec2};

const REFERENCE: &str = include_str!("reference/planar_cnf_grad_jax.txt");

/// The script's parameters, `raw[m][k]` in the engine's order.
fn params() -> Vec<f64> {
    let mut p = Vec::new();
    for m in 0..8 {
        for k in 0..10 {
            let mut v = 0.8 * (1.7 * (10 * m + k) as f64 + 0.3).sin();
            if k == 2 || k == 3 {
                v *= 2.0;
            }
            if matches!(k, 0 | 1 | 5 | 6) {
                v *= -0.6;
            }
            p.push(v);
        }
    }
    p
}

fn base() -> Vec<Vec2> {
    (0..64)
        .map(|i| {
            let i = i as f64;
            [3.0 * (2.3 * i + 0.1).sin(), 1.5 * (1.1 * i + 0.7).cos()]
        })
        .collect()
}

/// The numbers after `"{energy} {what} "` on the reference's line.
fn reference(energy: &str, what: &str) -> Vec<f64> {
    let head = format!("{energy} {what} ");
    let line = REFERENCE
        .lines()
        .find(|l| l.starts_with(&head))
        .unwrap_or_else(|| panic!("no '{head}' line in the reference"));
    line[head.len()..]
        .split_whitespace()
        .map_while(|w| w.parse().ok())
        .collect()
}

#[test]
fn reverse_kl_loss_and_gradient_equal_jax_autodiff() {
    let f = PlanarCnf::new(params()).expect("finite");
    for (energy, name) in [(Energy::U2, "U2"), (Energy::U4, "U4")] {
        let mut grad = vec![0.0; f.params().len()];
        let (loss, _) = energy_loss_grad(
            &f,
            energy,
            0.6,
            &base(),
            16,
            Some(&mut grad),
            &mut OdeWork::default(),
        );
        let want_loss = reference(name, "loss")[0];
        let want = reference(name, "grad");
        assert_eq!(want.len(), grad.len(), "{name}: gradient length");
        assert!(
            (loss - want_loss).abs() <= 1e-11 * want_loss.abs().max(1.0),
            "{name}: loss {loss} against JAX {want_loss}"
        );
        let scale = want.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        for (k, (g, w)) in grad.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-10 * scale,
                "{name}: ∂L/∂θ[{k}] = {g} against JAX {w} (largest component {scale})"
            );
        }
    }
}
