//! Lessons (one-click set-ups with a one-line caption) and comparisons (the same target fitted
//! by two or three flows side by side). A lesson is just a link config (`lesson_setup` builds
//! it), so it travels in links, restores on reload and can be undone like any other state.

use crate::core::{Energy, LayerKind, StackPattern};

/// Which flows a comparison fits side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Planar and radial stacks of the main model's depth.
    Kinds,
    /// Planar stacks of depth 2, 8 and 32 (the paper's Figure 3).
    Depths,
    /// Planar K = 32, affine coupling K = 8 and spline coupling K = 4 (why coupling flows won).
    Families,
    /// Planar K = n against the continuous planar flow of width M = n, n one of
    /// [`RESIDUAL_SIZES`] (a planar flow is a residual step: Chen et al. 2018, Figure 4).
    Residual(u8),
    /// The flow-matching MLP field trained by flow matching and by maximum likelihood through
    /// the ODE, for the same wall time (why flow matching replaced it).
    FmVsMl,
}

/// The sizes of the residual comparison: planar depth K = continuous width M (the setting of
/// Chen et al. 2018, Figure 4).
pub const RESIDUAL_SIZES: [u8; 4] = [1, 2, 8, 32];

/// `n` if it is one of [`RESIDUAL_SIZES`], else 8.
fn residual_size(n: u8) -> u8 {
    if RESIDUAL_SIZES.contains(&n) {
        n
    } else {
        8
    }
}

/// One flow of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareEntry {
    /// Caption, e.g. `planar K = 8`.
    pub label: String,
    /// Its layer stack.
    pub kinds: Vec<LayerKind>,
    /// Maximum likelihood through the ODE even where flow matching could train it.
    pub through_ode: bool,
}

impl Compare {
    /// Both, for menus.
    pub const ALL: [Compare; 5] = [
        Compare::Kinds,
        Compare::Depths,
        Compare::Families,
        Compare::Residual(8),
        Compare::FmVsMl,
    ];

    /// Link name (`cmp=` value).
    pub fn slug(self) -> &'static str {
        match self {
            Compare::Kinds => "kinds",
            Compare::Depths => "depths",
            Compare::Families => "families",
            Compare::Residual(1) => "residual-1",
            Compare::Residual(2) => "residual-2",
            Compare::Residual(32) => "residual-32",
            Compare::Residual(_) => "residual",
            Compare::FmVsMl => "fm-vs-ml",
        }
    }

    /// The comparison named `slug`.
    pub fn parse(slug: &str) -> Option<Compare> {
        Compare::ALL
            .into_iter()
            .chain(RESIDUAL_SIZES.map(Compare::Residual))
            .find(|c| c.slug() == slug)
    }

    /// The entry of [`Compare::ALL`] it is a variant of (every size of the residual comparison
    /// is the menu's one entry).
    pub fn menu_entry(self) -> Compare {
        match self {
            Compare::Residual(_) => Compare::Residual(8),
            c => c,
        }
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            Compare::Kinds => "planar vs radial",
            Compare::Depths => "K = 2 / 8 / 32",
            Compare::Families => "planar 32 / affine 8 / spline 4",
            Compare::Residual(1) => "planar K = 1 / continuous M = 1",
            Compare::Residual(2) => "planar K = 2 / continuous M = 2",
            Compare::Residual(32) => "planar K = 32 / continuous M = 32",
            Compare::Residual(_) => "planar K = 8 / continuous M = 8",
            Compare::FmVsMl => "flow matching / ML through the ODE",
        }
    }

    /// The flows compared, for a main model of `k` layers (at least one layer each).
    pub fn entries(self, k: usize) -> Vec<CompareEntry> {
        let stack = |kind: LayerKind, k: usize, name: &str| CompareEntry {
            label: format!("{name} K = {k}"),
            kinds: vec![kind; k],
            through_ode: false,
        };
        match self {
            Compare::Kinds => {
                let k = k.clamp(1, 64);
                vec![
                    stack(LayerKind::Planar, k, "planar"),
                    stack(LayerKind::Radial, k, "radial"),
                ]
            }
            Compare::Residual(n) => {
                let n = residual_size(n);
                vec![
                    stack(LayerKind::Planar, usize::from(n), "planar"),
                    CompareEntry {
                        label: format!("continuous planar M = {n}"),
                        kinds: vec![LayerKind::Cnf(crate::core::cnf::CnfSpec::planar(n))],
                        through_ode: false,
                    },
                ]
            }
            Compare::FmVsMl => [("flow matching", false), ("ML through the ODE", true)]
                .into_iter()
                .map(|(label, through_ode)| CompareEntry {
                    label: label.into(),
                    kinds: StackPattern::FlowMatching.kinds(1),
                    through_ode,
                })
                .collect(),
            Compare::Depths => [2, 8, 32]
                .into_iter()
                .map(|k| stack(LayerKind::Planar, k, "planar"))
                .collect(),
            // The coupling stacks at their suggested depths start with a scale-and-shift layer:
            // labelled by their coupling layers, the layer in front named.
            Compare::Families => [
                (StackPattern::AllPlanar, "planar"),
                (StackPattern::AllAffine, "affine coupling"),
                (StackPattern::AllSpline, "spline coupling"),
            ]
            .into_iter()
            .map(|(p, name)| {
                let kinds = if p == StackPattern::AllPlanar {
                    p.kinds(32)
                } else {
                    p.kinds(p.suggested_k())
                };
                let scale = kinds.iter().filter(|k| **k == LayerKind::Scale).count();
                let k = kinds.len() - scale;
                let front = if scale > 0 { " (+ scale)" } else { "" };
                CompareEntry {
                    label: format!("{name} K = {k}{front}"),
                    kinds,
                    through_ode: false,
                }
            })
            .collect(),
        }
    }
}

/// A one-click lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lesson {
    /// The paper's Figure 3 for one energy: K = 2, 8, 32 planar layers by reverse KL.
    Figure3(Energy),
    /// The same data fitted by planar and by radial layers.
    PlanarVsRadial,
    /// A single planar layer, to scrub and reshape by hand.
    OneLayer,
    /// A planar layer whose raw `wᵀu` would fold the plane, kept invertible by `û`.
    Constraint,
    /// The checkerboard fitted by planar K = 32, affine coupling K = 8 and spline coupling K = 4.
    CouplingWon,
    /// Flow matching on the user's own points: the field, the time axis, `p_t` forming.
    FlowMatching,
    /// K planar layers against the continuous planar flow of the same width (Chen et al. 2018,
    /// Figure 4).
    ResidualStep,
    /// A continuous flow's density with Hutchinson's trace estimator instead of the exact trace.
    Hutchinson,
    /// The same MLP field trained by flow matching and by maximum likelihood through the ODE for
    /// the same wall time.
    FmVsMl,
    /// A continuous flow's solver and step count against a fine reference: the error map.
    StepsVsError,
}

impl Lesson {
    /// Every lesson, in menu order.
    pub const ALL: [Lesson; 13] = [
        Lesson::Figure3(Energy::U1),
        Lesson::Figure3(Energy::U2),
        Lesson::Figure3(Energy::U3),
        Lesson::Figure3(Energy::U4),
        Lesson::PlanarVsRadial,
        Lesson::OneLayer,
        Lesson::Constraint,
        Lesson::CouplingWon,
        Lesson::FlowMatching,
        Lesson::ResidualStep,
        Lesson::Hutchinson,
        Lesson::StepsVsError,
        Lesson::FmVsMl,
    ];

    /// Link name (`lesson=` value).
    pub fn slug(self) -> &'static str {
        match self {
            Lesson::Figure3(Energy::U1) => "fig3-u1",
            Lesson::Figure3(Energy::U2) => "fig3-u2",
            Lesson::Figure3(Energy::U3) => "fig3-u3",
            Lesson::Figure3(Energy::U4) => "fig3-u4",
            Lesson::PlanarVsRadial => "planar-vs-radial",
            Lesson::OneLayer => "one-layer",
            Lesson::Constraint => "constraint",
            Lesson::CouplingWon => "coupling-won",
            Lesson::FlowMatching => "flow-matching",
            Lesson::ResidualStep => "residual-step",
            Lesson::Hutchinson => "hutchinson",
            Lesson::FmVsMl => "fm-vs-ml",
            Lesson::StepsVsError => "steps-vs-error",
        }
    }

    /// The lesson named `slug`.
    pub fn parse(slug: &str) -> Option<Lesson> {
        Lesson::ALL.into_iter().find(|l| l.slug() == slug)
    }

    /// Menu title.
    pub fn title(self) -> String {
        match self {
            Lesson::Figure3(e) => format!("Figure 3 · {}", e.name()),
            Lesson::PlanarVsRadial => "Planar vs radial".into(),
            Lesson::OneLayer => "One layer at a time".into(),
            Lesson::Constraint => "Why the constraint matters".into(),
            Lesson::CouplingWon => "Why coupling flows won".into(),
            Lesson::FlowMatching => "Flow matching on your own points".into(),
            Lesson::ResidualStep => "A planar flow is a residual step".into(),
            Lesson::Hutchinson => "Exact trace vs Hutchinson".into(),
            Lesson::FmVsMl => "Why flow matching replaced ML through the ODE".into(),
            Lesson::StepsVsError => "Solver steps vs error".into(),
        }
    }

    /// The one-line caption shown with the lesson.
    pub fn caption(self) -> String {
        match self {
            Lesson::Figure3(e) => format!(
                "The paper's Figure 3: {} fitted by reverse KL with K = 2, 8 and 32 planar layers — deeper flows capture more of the target.",
                e.name()
            ),
            Lesson::PlanarVsRadial => "The same two circles fitted by 16 planar and by 16 radial layers: planar layers fold along lines, radial layers swell or shrink around a point.".into(),
            Lesson::OneLayer => "One planar layer, f(z) = z + û·tanh(wᵀz + b): scrub from stage 0 to 1 to watch the Gaussian split along a line, drag its handles with the Edit tool, or train it on U1.".into(),
            Lesson::Constraint => "Here the raw wᵀu is −4, which would fold the plane onto itself; the flow uses û with wᵀû = −1 + softplus(wᵀu) > −1, so a band is squeezed hard (blue) but never folded: the layer stays invertible.".into(),
            Lesson::CouplingWon => "The checkerboard fitted three ways in equal steps: 32 planar layers bend space one line at a time; a coupling layer moves one coordinate by any learned function of the other, so 8 affine or 4 spline layers carve the squares.".into(),
            Lesson::FlowMatching => "Flow matching: v(x, t) learns the mean velocity of straight paths from noise to your points; no ODE is solved in training. Press Train (or draw your own cloud first), then scrub t to watch p_t form.".into(),
            Lesson::Hutchinson => "FFJORD estimates the trace with one random probe per path: here the density is off by ±∫(J₁₂ + J₂₁) dt, a speckle. Train, then switch View → Trace between Hutchinson (1 or 10 probes) and the exact trace, as cheap in 2-D.".into(),
            Lesson::StepsVsError => "The solver's error: p by Euler with 4 steps minus p by RK4 with 32 (orange: too much mass, blue: too little). It trains 4,000 steps, then stops: change the solver and steps under Layers. Doubling the steps halves Euler's error, cuts RK4's 16-fold.".into(),
            Lesson::FmVsMl => "One field, the same moons, the same wall time: flow matching (a regression, no ODE solved) against maximum likelihood through the ODE (each step solves and differentiates it). Per step ML is better; per second it loses. Compare the held-out NLLs.".into(),
            Lesson::ResidualStep => "A planar layer z + u·tanh(wᵀz + b) is one Euler step of dz/dt = u·tanh(wᵀz + b): planar K = 8 against the continuous planar flow of width M = 8 on U1, in equal steps (Chen et al. 2018, Fig. 4). Try K = M = 1, 2, 32 and U2–U4.".into(),
        }
    }
}
