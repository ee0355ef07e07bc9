//! Layer stacks from a pattern, and seeded initial parameters.
//!
//! Initialisation (deterministic per seed, one `SmallRng` for the whole stack, layers in order):
//! - planar: `w ~ U(−1, 1)²` (normflows' `U(±√(2/d))`; at least 0.3 long), `b = 0`, and
//!   `u = r + softplus⁻¹(1)·w/‖w‖²` with `r ~ U(−1, 1)²/√K`. The shift along `w` puts the
//!   constraint's `m(wᵀu) = −1 + softplus(wᵀu)` at `wᵀû ≈ σ(0.54)·wᵀr`, centred on 0 (without
//!   it every layer starts at `wᵀû ≈ −0.31`, a contraction a deep stack compounds); scaling `r`
//!   down with the depth keeps a deep random stack a mild warp of N(0, I) (docs/maths/planar.md,
//!   "Initialisation").
//! - radial: `z₀ ~ N(0, I)`, `α = softplus(α̂)` with `α̂ ~ U(−½, ½)`, and `γ = α + β` with
//!   `β ~ U(−½α, ½α)` (so `β̂ = softplus⁻¹(γ)`): a mild random contraction or expansion around
//!   a random centre (docs/maths/radial.md, "Initialisation").
//! - sylvester: `θ ~ U(−π, π)`, `λ ~ U(−½, ½)²` (`r̃ᵢᵢ ∈ [0.6, 1.65]`),
//!   `ρᵢ = softplus⁻¹(1) + ε·U(−1, 1)` so `mᵢ ≈ 0.63·ε·U(−1, 1)` is centred on the identity's 0,
//!   `r₁₂ = ε·U(−1, 1)`, `r̃₁₂ ~ U(−1, 1)`, `b = 0`, with `ε = 1/√K` as planar's `r`: a mild
//!   random warp around the identity (docs/maths/sylvester.md, "Initialisation").
//! - affine and spline coupling: the conditioner's hidden weights and biases `U(±1/√fan_in)`,
//!   its output layer zero, so the layer starts as the exact identity (docs/maths/mlp.md,
//!   "Initialisation") and training moves it.
//! - scale: the identity, `ℓ = c = 0` (a data-dependent start is [`super::scale::standardizing`]
//!   of the training points, which the caller writes into the layer: initialisation here sees
//!   no data).
//! - [`Init::SmallNormal`]: every raw parameter `~ σ·N(0, 1)` (the JAX peer uses σ = 0.1).
//!
//! ## The coupling patterns lead with a scale layer
//! [`StackPattern::AllAffine`], [`StackPattern::AllSpline`] and [`StackPattern::AffineSpline`]
//! start with a [`LayerKind::Scale`] layer (the spline acts on `[−3, 3]`, the presets reach ±4.5:
//! the scale layer standardizes inside the flow). **`k` counts every layer, the scale layer
//! included**: `AllSpline.kinds(5)` = `[Scale, Spline(X), Spline(Y), Spline(X), Spline(Y)]`, so
//! `kinds(k).len() == k` for every pattern (what the depth field, `pattern_of` and the links
//! rely on), and a `k`-layer coupling stack has `k − 1` coupling layers (`kinds(1)` is the scale
//! layer alone, `kinds(0)` empty). [`StackPattern::suggested_k`] is therefore one more than the
//! benchmark's coupling count: 9 = scale + 8 affine, 5 = scale + 4 spline, i.e. "K = 4 spline
//! coupling" still means four spline layers. The coupling layers after the scale layer keep
//! x, y, x, … (coupling layer `j`, counted from 0, keeps `j mod 2`), so a pattern is the
//! benchmark scenarios' stack (docs/benchmarks.md) with a scale layer in front. The benchmark
//! scenarios themselves ([`super::bench`]) list their kinds explicitly, without a scale layer.
//!
//! [`StackPattern::AllFamilies`] is a tour of every family in a six-cycle that starts with the
//! scale layer (scale, planar, radial, Sylvester, affine, spline, scale, …; Glow puts an ActNorm
//! in every step, so a mid-stack scale layer is a sensible member of the tour); its coupling
//! layers keep coordinate `i mod 2` at stack position `i`, which alternates x, y, x, y.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::coupling::Keep;
use super::layer::LayerKind;
use super::mlp;
use super::num::{normal_pair, softplus};
use super::scale::Scale;

/// Which layer kinds, in order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StackPattern {
    /// `K` planar layers.
    AllPlanar,
    /// `K` radial layers.
    AllRadial,
    /// Planar, radial, planar, … (`K` layers).
    Alternating,
    /// `K` Sylvester layers.
    AllSylvester,
    /// Sylvester, radial, Sylvester, … (`K` layers).
    SylvesterRadial,
    /// A scale layer, then `K − 1` affine coupling layers (RealNVP), keeping x, y, x, …
    AllAffine,
    /// A scale layer, then `K − 1` rational-quadratic spline coupling layers, keeping x, y, x, …
    AllSpline,
    /// A scale layer, then affine coupling, spline coupling, … (keeping x, y, x, …).
    AffineSpline,
    /// Scale, planar, radial, Sylvester, affine coupling, spline coupling, scale, … (a tour of
    /// every family; coupling layers keep `i mod 2`).
    AllFamilies,
    /// `K` continuous layers with the flow-matching MLP field (one, by default: a single
    /// such layer trains by flow matching).
    FlowMatching,
    /// `K` continuous planar layers of width 8 (one, by default).
    ContinuousPlanar,
    /// An explicit list (its length is `K`).
    Custom(Vec<LayerKind>),
}

impl StackPattern {
    /// The patterns of a menu, in order (every variant but [`StackPattern::Custom`]).
    pub const PRESETS: [StackPattern; 11] = [
        StackPattern::AllPlanar,
        StackPattern::AllRadial,
        StackPattern::Alternating,
        StackPattern::AllSylvester,
        StackPattern::SylvesterRadial,
        StackPattern::AllAffine,
        StackPattern::AllSpline,
        StackPattern::AffineSpline,
        StackPattern::AllFamilies,
        StackPattern::FlowMatching,
        StackPattern::ContinuousPlanar,
    ];

    /// Display name for a menu.
    pub fn name(&self) -> &'static str {
        match self {
            StackPattern::AllPlanar => "planar",
            StackPattern::AllRadial => "radial",
            StackPattern::Alternating => "planar + radial",
            StackPattern::AllSylvester => "Sylvester",
            StackPattern::SylvesterRadial => "Sylvester + radial",
            StackPattern::AllAffine => "affine coupling",
            StackPattern::AllSpline => "spline coupling",
            StackPattern::AffineSpline => "affine + spline coupling",
            StackPattern::AllFamilies => "all families",
            StackPattern::FlowMatching => "continuous: flow matching",
            StackPattern::ContinuousPlanar => "continuous planar",
            StackPattern::Custom(_) => "custom",
        }
    }

    /// A good default depth: 16 for the small kinds; the scale layer plus 8 affine or 4 spline
    /// coupling layers (the sizes of the benchmark scenarios and of docs/maths/datasets.md,
    /// "Reference fits"), i.e. 9 and 5; 12 for the tour (two of each family).
    pub fn suggested_k(&self) -> usize {
        match self {
            StackPattern::AllAffine => 1 + 8,
            StackPattern::AllSpline | StackPattern::AffineSpline => 1 + 4,
            StackPattern::AllFamilies => 12,
            StackPattern::FlowMatching | StackPattern::ContinuousPlanar => 1,
            StackPattern::Custom(v) => v.len(),
            _ => 16,
        }
    }

    /// The kinds of a stack of `k` layers, the leading scale layer of the coupling patterns
    /// included (a custom list ignores `k`).
    pub fn kinds(&self, k: usize) -> Vec<LayerKind> {
        let cycle = |pick: &dyn Fn(usize) -> LayerKind| (0..k).map(pick).collect();
        // A scale layer, then coupling layer `j = i − 1` from `pick(j)`.
        let scaled = |pick: &dyn Fn(usize) -> LayerKind| {
            (0..k)
                .map(|i| {
                    if i == 0 {
                        LayerKind::Scale
                    } else {
                        pick(i - 1)
                    }
                })
                .collect()
        };
        match self {
            StackPattern::AllPlanar => vec![LayerKind::Planar; k],
            StackPattern::AllRadial => vec![LayerKind::Radial; k],
            StackPattern::AllSylvester => vec![LayerKind::Sylvester; k],
            StackPattern::Alternating => cycle(&|i| {
                if i % 2 == 0 {
                    LayerKind::Planar
                } else {
                    LayerKind::Radial
                }
            }),
            StackPattern::SylvesterRadial => cycle(&|i| {
                if i % 2 == 0 {
                    LayerKind::Sylvester
                } else {
                    LayerKind::Radial
                }
            }),
            StackPattern::AllAffine => scaled(&|j| LayerKind::Affine(Keep::at_position(j))),
            StackPattern::AllSpline => scaled(&|j| LayerKind::Spline(Keep::at_position(j))),
            StackPattern::AffineSpline => scaled(&|j| {
                if j % 2 == 0 {
                    LayerKind::Affine(Keep::at_position(j))
                } else {
                    LayerKind::Spline(Keep::at_position(j))
                }
            }),
            StackPattern::AllFamilies => cycle(&|i| match i % 6 {
                0 => LayerKind::Scale,
                1 => LayerKind::Planar,
                2 => LayerKind::Radial,
                3 => LayerKind::Sylvester,
                4 => LayerKind::Affine(Keep::at_position(i)),
                _ => LayerKind::Spline(Keep::at_position(i)),
            }),
            StackPattern::FlowMatching => vec![LayerKind::Cnf(super::cnf::CnfSpec::MLP); k],
            StackPattern::ContinuousPlanar => {
                vec![LayerKind::Cnf(super::cnf::CnfSpec::planar(8)); k]
            }
            StackPattern::Custom(v) => v.clone(),
        }
    }
}

/// Initialisation scheme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// The defaults described in the module docs.
    Default,
    /// Every raw parameter `σ·N(0, 1)`.
    SmallNormal(f64),
}

/// Seeded initial raw parameters for a stack of `kinds` (flat layout of [`crate::core::Flow`]).
pub fn init_params(kinds: &[LayerKind], init: Init, seed: u64) -> Vec<f64> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let n: usize = kinds.iter().map(|k| k.n_params()).sum();
    let mut p = Vec::with_capacity(n);
    let u_scale = 1.0 / (kinds.len().max(1) as f64).sqrt();
    for &kind in kinds {
        match init {
            Init::SmallNormal(s) => {
                for _ in 0..kind.n_params() {
                    p.push(s * normal_pair(&mut rng)[0]);
                }
            }
            Init::Default => match kind {
                LayerKind::Planar => {
                    let mut uni = || rng.random_range(-1.0..1.0);
                    let u = [uni() * u_scale, uni() * u_scale];
                    let mut w = [uni(), uni()];
                    let n2 = (w[0] * w[0] + w[1] * w[1]).max(1e-12);
                    if n2 < W_MIN * W_MIN {
                        let k = W_MIN / n2.sqrt();
                        w = [w[0] * k, w[1] * k];
                    }
                    // The constraint maps wᵀu to m(wᵀu) = −1 + softplus(wᵀu), and m(0) = −0.31:
                    // a small random u alone gives every layer wᵀû ≈ −0.31, a contraction that
                    // 32 layers compound into a collapsed density. Shifting u along w by
                    // softplus⁻¹(1)/‖w‖² centres m at 0, so the stack starts as a mild warp
                    // of N(0, I) in both directions.
                    let n2 = w[0] * w[0] + w[1] * w[1];
                    let c = inv_softplus(1.0) / n2;
                    p.extend_from_slice(&[u[0] + c * w[0], u[1] + c * w[1], w[0], w[1], 0.0]);
                }
                LayerKind::Radial => {
                    let z0 = normal_pair(&mut rng);
                    let a_raw: f64 = rng.random_range(-0.5..0.5);
                    let alpha = softplus(a_raw);
                    let gamma = alpha * (1.0 + rng.random_range(-0.5..0.5));
                    p.extend_from_slice(&[z0[0], z0[1], a_raw, inv_softplus(gamma)]);
                }
                LayerKind::Sylvester => {
                    let mut uni = || rng.random_range(-1.0..1.0);
                    let theta = std::f64::consts::PI * uni();
                    let lambda = [0.5 * uni(), 0.5 * uni()];
                    let rho0 = inv_softplus(1.0);
                    let rho = [rho0 + u_scale * uni(), rho0 + u_scale * uni()];
                    let (r12, rt12) = (u_scale * uni(), uni());
                    p.extend_from_slice(&[
                        theta, lambda[0], lambda[1], rho[0], rho[1], r12, rt12, 0.0, 0.0,
                    ]);
                }
                LayerKind::Affine(_) | LayerKind::Spline(_) => {
                    let outputs = match kind {
                        LayerKind::Affine(_) => 2,
                        _ => super::spline::OUTPUTS,
                    };
                    mlp::init_params(outputs, &mut rng, &mut p);
                }
                // The identity; draws nothing from `rng`, so the other layers' values do not
                // depend on whether a scale layer precedes them.
                LayerKind::Scale => p.extend_from_slice(&Scale::IDENTITY_PARAMS),
                // The field's own defaults (docs/maths/continuous.md): the MLP at PyTorch's
                // U(±1/√fan_in), the planar CNF's units as its reference fits start them.
                LayerKind::Cnf(spec) => match spec.field {
                    super::cnf::CnfField::Mlp => {
                        p.extend_from_slice(&super::cnf::mlp_field::init_params(&mut rng))
                    }
                    super::cnf::CnfField::Planar(m) => p.extend_from_slice(
                        &super::cnf::planar_cnf::init_params(m.max(1) as usize, &mut rng),
                    ),
                },
            },
        }
    }
    p
}

/// Smallest initial `‖w‖` of a planar layer (a shorter random `w` is scaled up to it).
const W_MIN: f64 = 0.3;

pub use super::num::inv_softplus;
