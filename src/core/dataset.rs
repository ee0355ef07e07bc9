//! Seeded 2-D toy datasets: the FFJORD generators (rtqichen/ffjord `lib/toy_data.py`, as
//! distributions in docs/maths/datasets.md) and the benchmark's standardized two moons
//! (docs/benchmarks.md).
//!
//! Every generator is deterministic per `(n, noise, seed)` (its own `SmallRng`, no global
//! state). `noise` is the standard deviation of the Gaussian jitter in output units; each
//! preset's [`Preset::default_noise`] reproduces FFJORD exactly. Reference NLL floors (the
//! generator's entropy at the default noise, docs/maths/datasets.md, "Entropy floors") are in
//! [`Preset::entropy_floor`].

use std::f64::consts::PI;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::num::normal_pair;
use super::points::Points;

/// A preset point cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Two interleaved half circles (`make_moons(noise=.1)·2 + (−1, −0.2)`).
    TwoMoons,
    /// Eight Gaussians on a circle of radius 4/√2.
    EightGaussians,
    /// Two concentric circles, radii 3 and 1.5.
    Circles,
    /// Four concentric rings, radii 3, 2.25, 1.5, 0.75.
    Rings,
    /// Five curved arms.
    Pinwheel,
    /// Two interleaved spirals.
    TwoSpirals,
    /// Uniform on 8 squares of a 4×4 checkerboard over `[−4, 4]²`.
    Checkerboard,
    /// A 2-D swiss roll.
    SwissRoll,
}

impl Preset {
    /// All presets, in menu order.
    pub const ALL: [Preset; 8] = [
        Preset::TwoMoons,
        Preset::EightGaussians,
        Preset::Circles,
        Preset::Rings,
        Preset::Pinwheel,
        Preset::TwoSpirals,
        Preset::Checkerboard,
        Preset::SwissRoll,
    ];

    /// Display name.
    pub fn display_name(self) -> &'static str {
        match self {
            Preset::TwoMoons => "Two moons",
            Preset::EightGaussians => "8 Gaussians",
            Preset::Circles => "Circles",
            Preset::Rings => "Rings",
            Preset::Pinwheel => "Pinwheel",
            Preset::TwoSpirals => "Two spirals",
            Preset::Checkerboard => "Checkerboard",
            Preset::SwissRoll => "Swiss roll",
        }
    }

    /// FFJORD's noise level (output units). For the pinwheel it is the arms' tangential spread;
    /// for the checkerboard (uniform squares) it is 0.
    pub fn default_noise(self) -> f64 {
        match self {
            Preset::TwoMoons => 0.2,
            Preset::EightGaussians => 0.5 / 1.414,
            Preset::Circles => 0.24,
            Preset::Rings => 0.08,
            Preset::Pinwheel => 0.2,
            Preset::TwoSpirals => 0.1,
            Preset::Checkerboard => 0.0,
            Preset::SwissRoll => 0.2,
        }
    }

    /// Differential entropy of the generator at the default noise (nats): the best possible
    /// NLL (docs/maths/datasets.md, "Entropy floors"; Monte Carlo ±0.003).
    pub fn entropy_floor(self) -> f64 {
        match self {
            Preset::TwoMoons => 2.393,
            Preset::EightGaussians => 2.831,
            Preset::Circles => 3.267,
            Preset::Rings => 2.618,
            Preset::Pinwheel => 2.320,
            Preset::TwoSpirals => 2.644,
            Preset::Checkerboard => 3.466,
            Preset::SwissRoll => 2.668,
        }
    }

    /// `n` points with jitter `noise` (negative or NaN reads as 0), deterministic per `seed`.
    pub fn generate(self, n: usize, noise: f64, seed: u64) -> Points {
        let noise = if noise.is_finite() {
            noise.max(0.0)
        } else {
            0.0
        };
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut pts = Points::with_capacity(n);
        for i in 0..n {
            let p = self.draw(i, noise, &mut rng);
            pts.push(p);
        }
        pts
    }

    /// One point; `i` alternates the two halves of two-component sets exactly.
    fn draw(self, i: usize, noise: f64, rng: &mut SmallRng) -> [f64; 2] {
        let jitter = |rng: &mut SmallRng, p: [f64; 2]| {
            let e = normal_pair(rng);
            [p[0] + noise * e[0], p[1] + noise * e[1]]
        };
        match self {
            Preset::TwoMoons => {
                let t = PI * rng.random::<f64>();
                let (s, c) = t.sin_cos();
                let p = if i.is_multiple_of(2) {
                    [2.0 * c - 1.0, 2.0 * s - 0.2]
                } else {
                    [1.0 - 2.0 * c, 0.8 - 2.0 * s]
                };
                jitter(rng, p)
            }
            Preset::EightGaussians => {
                let k = rng.random_range(0..8) as f64;
                let (s, c) = (k * PI / 4.0).sin_cos();
                let r = 4.0 / 1.414;
                jitter(rng, [r * c, r * s])
            }
            Preset::Circles => {
                let r = if i.is_multiple_of(2) { 3.0 } else { 1.5 };
                let (s, c) = (2.0 * PI * rng.random::<f64>()).sin_cos();
                jitter(rng, [r * c, r * s])
            }
            Preset::Rings => {
                let r = [3.0, 2.25, 1.5, 0.75][i % 4];
                let (s, c) = (2.0 * PI * rng.random::<f64>()).sin_cos();
                jitter(rng, [r * c, r * s])
            }
            Preset::Pinwheel => {
                let e = normal_pair(rng);
                let f0 = 1.0 + 0.3 * e[0];
                let f1 = 0.5 * noise * e[1];
                let k = rng.random_range(0..5) as f64;
                let th = 2.0 * PI * k / 5.0 + 0.25 * f0.exp();
                let (s, c) = th.sin_cos();
                [2.0 * (f0 * c + f1 * s), 2.0 * (-f0 * s + f1 * c)]
            }
            Preset::TwoSpirals => {
                let n = 3.0 * PI * rng.random::<f64>().sqrt();
                let (vx, vy): (f64, f64) = (rng.random(), rng.random());
                let (s, c) = n.sin_cos();
                let d = [-c * n + 0.5 * vx, s * n + 0.5 * vy];
                let sign = if i.is_multiple_of(2) { 1.0 } else { -1.0 };
                jitter(rng, [sign * d[0] / 3.0, sign * d[1] / 3.0])
            }
            Preset::Checkerboard => {
                let x1 = 4.0 * rng.random::<f64>() - 2.0;
                let x2 = rng.random::<f64>() - 2.0 * rng.random_range(0..2) as f64;
                let x2 = x2 + x1.floor().rem_euclid(2.0);
                jitter(rng, [2.0 * x1, 2.0 * x2])
            }
            Preset::SwissRoll => {
                let t = 1.5 * PI * (1.0 + 2.0 * rng.random::<f64>());
                let (s, c) = t.sin_cos();
                jitter(rng, [t * c / 5.0, t * s / 5.0])
            }
        }
    }
}

/// The benchmark's two moons (as the JAX peer's `moons`; docs/maths/datasets.md): sklearn-style
/// half circles on a linspace of angles (`n/2` and `n − n/2` points), Gaussian jitter `noise`, then
/// standardized to zero mean and unit (population) variance per axis.
pub fn standardized_moons(n: usize, noise: f64, seed: u64) -> Points {
    let mut rng = SmallRng::seed_from_u64(seed);
    let (n1, n2) = (n / 2, n - n / 2);
    let mut pts = Points::with_capacity(n);
    let lin = |k: usize, m: usize| {
        if m > 1 {
            PI * k as f64 / (m - 1) as f64
        } else {
            0.0
        }
    };
    for k in 0..n1 {
        let (s, c) = lin(k, n1).sin_cos();
        pts.push([c, s]);
    }
    for k in 0..n2 {
        let (s, c) = lin(k, n2).sin_cos();
        pts.push([1.0 - c, 1.0 - s - 0.5]);
    }
    for i in 0..n {
        let e = normal_pair(&mut rng);
        pts.x[i] += noise * e[0];
        pts.y[i] += noise * e[1];
    }
    for col in [&mut pts.x, &mut pts.y] {
        let mean = col.iter().sum::<f64>() / n.max(1) as f64;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n.max(1) as f64;
        let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
        col.iter_mut().for_each(|v| *v = (*v - mean) / sd);
    }
    pts
}
