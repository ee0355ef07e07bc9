//! A density `p(x, y)` a lecturer types as a formula, to draw a point cloud from for maximum
//! likelihood: checked on the integration box like a typed energy (`typed_energy.rs`), sampled
//! exactly from its cell-wise approximation, with the entropy that bounds the held-out NLL
//! (docs/maths/formulas.md, "Points from a typed density").
//!
//! `p` need not be normalised. Sampling picks a cell of the [`CELLS`]² grid on `[−BOX, BOX]²`
//! with probability `p(centre) · h²` (normalised), then a uniform point inside it: the points
//! follow the piecewise-constant density `p̃` that equals `p(centre)/Z` on each cell, whose
//! entropy `H(p̃)` is what a perfect model's expected NLL on them is.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::formula::{Formula, Scratch};
use super::num::Vec2;
use super::typed_energy::{TypedProblem, BOX, EDGE_SHARE};

/// Cells per side of the sampling grid (finer than the energies': the points are drawn from it).
pub const CELLS: usize = 512;

/// A typed density, checked, with its sampling table.
#[derive(Clone, Debug)]
pub struct TypedDensity {
    text: String,
    /// Cumulative cell weights (normalised, last = 1).
    cdf: Vec<f64>,
    /// `H(p̃)` in nats.
    entropy: f64,
    /// Share of the mass in the box's outer ring.
    edge_share: f64,
}

impl TypedDensity {
    /// Parses and checks `text` (a density: finite and ≥ 0 on the box, some mass, little at
    /// the edge) and tabulates it (`CELLS`² evaluations).
    pub fn new(text: &str) -> Result<TypedDensity, TypedProblem> {
        let formula = Formula::parse(text).map_err(TypedProblem::Syntax)?;
        let n = CELLS;
        let h = 2.0 * BOX / n as f64;
        let ring = n / 16;
        let mut scratch = Scratch::default();
        let mut w = Vec::with_capacity(n * n);
        let (mut total, mut edge) = (0.0, 0.0);
        for j in 0..n {
            let y = -BOX + (j as f64 + 0.5) * h;
            for i in 0..n {
                let x = -BOX + (i as f64 + 0.5) * h;
                let p = formula.value_grad_with(x, y, &mut scratch).0;
                if !p.is_finite() || p < 0.0 {
                    return Err(TypedProblem::Undefined { at: [x, y] });
                }
                total += p;
                if i < ring || j < ring || i >= n - ring || j >= n - ring {
                    edge += p;
                }
                w.push(p);
            }
        }
        if !(total > 0.0 && total.is_finite()) {
            return Err(TypedProblem::NoMass);
        }
        let edge_share = edge / total;
        if edge_share > EDGE_SHARE {
            return Err(TypedProblem::NotNormalisable { edge_share });
        }
        // H(p̃) = −Σ P_i log(P_i / h²) over cells with P_i > 0.
        let mut entropy = 0.0;
        let mut acc = 0.0;
        let log_area = 2.0 * h.ln();
        for v in w.iter_mut() {
            let pi = *v / total;
            if pi > 0.0 {
                entropy -= pi * (pi.ln() - log_area);
            }
            acc += pi;
            *v = acc;
        }
        if let Some(last) = w.last_mut() {
            *last = 1.0;
        }
        Ok(TypedDensity {
            text: text.to_string(),
            cdf: w,
            entropy,
            edge_share,
        })
    }

    /// The formula as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `H(p̃)` in nats: the lowest expected NLL of any model on points drawn from it.
    pub fn entropy(&self) -> f64 {
        self.entropy
    }

    /// Share of the mass in the box's outer ring.
    pub fn edge_share(&self) -> f64 {
        self.edge_share
    }

    /// `n` points drawn from `p̃` with the stream `seed`.
    pub fn sample(&self, n: usize, seed: u64) -> Vec<Vec2> {
        let mut rng = SmallRng::seed_from_u64(seed);
        let cells = CELLS;
        let h = 2.0 * BOX / cells as f64;
        (0..n)
            .map(|_| {
                let u: f64 = rng.random();
                let k = self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1);
                let (i, j) = (k % cells, k / cells);
                let x = -BOX + (i as f64 + rng.random::<f64>()) * h;
                let y = -BOX + (j as f64 + rng.random::<f64>()) * h;
                [x, y]
            })
            .collect()
    }
}
