//! The long-lived, non-reactive session: trainer (model + optimiser), the data, render buffers.
//!
//! Views never mirror parameter vectors into signals: they read the session when a cheap
//! version counter tells them something changed (ARCHITECTURE.md, "State in the UI").

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::core::{
    Annealing, Direction, Energy, Hyper, Init, Objective, Points, Preset, StackPattern, Trainer,
    Vec2, Workspace,
};
use crate::render::overlay::{base_grid, Polylines};

/// Every `HELDOUT_EVERY`-th point is held out for evaluation (a stable split as points are added).
pub const HELDOUT_EVERY: usize = 5;
/// Most points a session keeps (the brush refuses more, with a notice).
pub const MAX_POINTS: usize = 20_000;
/// Particles that ride along the flow.
const N_PARTICLES: usize = 500;

/// What the flow is fitted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Maximum likelihood on the session's points (drawn or from a preset).
    Points,
    /// Reverse KL to one of the paper's energies.
    Energy(Energy),
}

/// The model's shape: how many layers of which kinds, from which seed.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSpec {
    /// Number of layers.
    pub k: usize,
    /// Which kinds.
    pub pattern: StackPattern,
    /// Initialisation seed (reset reproduces exactly the same weights).
    pub seed: u64,
}

/// The whole non-reactive session.
pub struct Session {
    /// Model, optimiser, objective and history.
    pub trainer: Trainer,
    /// The model's shape.
    pub spec: ModelSpec,
    /// What the flow is fitted to.
    pub target: Target,
    /// All points (the training and held-out split is derived, see [`HELDOUT_EVERY`]).
    pub points: Vec<Vec2>,
    /// Why the current points cannot be trained on, if they cannot.
    pub data_problem: Option<String>,
    /// Entropy floor (best possible NLL) while the points are an unedited preset.
    pub preset_floor: Option<f64>,
    /// Engine scratch space.
    pub ws: Workspace,
    /// Base-space particles (fixed per session, so they move smoothly between stages).
    pub particles: (Vec<f64>, Vec<f64>),
    /// The base-space grid whose image is the warped grid.
    pub grid: Polylines,
    /// Random source for the spray brush.
    pub brush_rng: SmallRng,
}

fn objective_for(target: Target, points: &[Vec2], annealing: Annealing) -> Objective {
    match target {
        Target::Energy(energy) => Objective::Energy { energy, annealing },
        Target::Points => {
            let (mut train, mut heldout) = (Points::with_capacity(points.len()), Points::default());
            for (i, p) in points.iter().enumerate() {
                if i % HELDOUT_EVERY == HELDOUT_EVERY - 1 {
                    heldout.push(*p);
                } else {
                    train.push(*p);
                }
            }
            Objective::MaxLikelihood { train, heldout }
        }
    }
}

/// Hyper-parameters for a target, with the user's learning rate and batch size.
pub fn hyper_for(target: Target, lr: f64, batch: usize) -> Hyper {
    let mut h = match target {
        Target::Points => Hyper::ml_default(),
        Target::Energy(_) => Hyper::energy_default(),
    };
    h.lr = lr;
    h.batch = batch;
    h
}

/// The default preset of a fresh page.
pub const DEFAULT_PRESET: Preset = Preset::TwoMoons;
/// Points of a preset cloud by default.
pub const DEFAULT_COUNT: usize = 1000;

impl Session {
    /// A session fitting `DEFAULT_PRESET` with planar K = 16.
    pub fn new() -> Self {
        let points = preset_points(
            DEFAULT_PRESET,
            DEFAULT_COUNT,
            DEFAULT_PRESET.default_noise(),
            1,
        );
        let spec = ModelSpec {
            k: 16,
            pattern: StackPattern::AllPlanar,
            seed: 1,
        };
        let target = Target::Points;
        let hyper = hyper_for(target, Hyper::ml_default().lr, Hyper::ml_default().batch);
        let objective = objective_for(target, &points, Annealing::Off);
        let kinds = spec.pattern.kinds(spec.k);
        let trainer = Trainer::new(&kinds, Init::Default, objective, hyper, spec.seed)
            .expect("the default preset is valid training data");
        let mut rng = SmallRng::seed_from_u64(0xF10F);
        let (mut px, mut py) = (vec![0.0; N_PARTICLES], vec![0.0; N_PARTICLES]);
        for i in 0..N_PARTICLES {
            let [a, b] = crate::core::num::normal_pair(&mut rng);
            px[i] = a;
            py[i] = b;
        }
        Session {
            trainer,
            spec,
            target,
            points,
            data_problem: None,
            preset_floor: Some(DEFAULT_PRESET.entropy_floor()),
            ws: Workspace::default(),
            particles: (px, py),
            grid: base_grid(17, 4.0, 96),
            brush_rng: SmallRng::seed_from_u64(0xB2057),
        }
    }

    /// Number of layers.
    pub fn k(&self) -> usize {
        self.trainer.flow().len()
    }

    /// Rebuilds the trainer for the current spec, target and points (fresh seeded weights).
    /// Keeps the previous trainer if the data cannot be trained on (and says why).
    pub fn rebuild(&mut self, hyper: Hyper, annealing: Annealing) -> Result<(), String> {
        let kinds = self.spec.pattern.kinds(self.spec.k);
        let objective = objective_for(self.target, &self.points, annealing);
        match Trainer::new(&kinds, Init::Default, objective, hyper, self.spec.seed) {
            Ok(t) => {
                self.trainer = t;
                self.data_problem = None;
                Ok(())
            }
            Err(e) => {
                let msg = e.to_string();
                // Keep a model on screen: same shape, last valid objective.
                let old = self.trainer.objective().clone();
                if let Ok(t) = Trainer::new(&kinds, Init::Default, old, hyper, self.spec.seed) {
                    self.trainer = t;
                }
                self.data_problem = Some(msg.clone());
                Err(msg)
            }
        }
    }

    /// Hands the current points to the trainer (keeping its weights), or records why not.
    pub fn points_changed(&mut self, annealing: Annealing) {
        if self.target != Target::Points {
            return;
        }
        let objective = objective_for(self.target, &self.points, annealing);
        match self.trainer.set_objective(objective) {
            Ok(()) => self.data_problem = None,
            Err(e) => self.data_problem = Some(e.to_string()),
        }
    }

    /// Spray `count` points uniformly in a disc of `radius` around `at`. Returns false (adding
    /// nothing) if that would exceed [`MAX_POINTS`].
    pub fn spray(&mut self, at: Vec2, radius: f64, count: usize) -> bool {
        if self.points.len() + count > MAX_POINTS {
            return false;
        }
        for _ in 0..count {
            let r = radius * self.brush_rng.random::<f64>().sqrt();
            let a = std::f64::consts::TAU * self.brush_rng.random::<f64>();
            self.points.push([at[0] + r * a.cos(), at[1] + r * a.sin()]);
        }
        true
    }

    /// Remove every point within `radius` of `at`; returns how many were removed.
    pub fn erase(&mut self, at: Vec2, radius: f64) -> usize {
        let before = self.points.len();
        let r2 = radius * radius;
        self.points
            .retain(|p| (p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2) > r2);
        before - self.points.len()
    }

    /// Pull a point given at stage `s` back to the base space (stage 0).
    pub fn pull_back(&self, s: f64, x: Vec2) -> Option<Vec2> {
        let flow = self.trainer.flow();
        let (j, t) = flow.split_stage(s);
        let mut z = x;
        let mut steps: Vec<(usize, f64)> = Vec::with_capacity(j + 1);
        if t > 0.0 {
            steps.push((j + 1, t));
        }
        steps.extend((1..=j).rev().map(|k| (k, 1.0)));
        for (k, frac) in steps {
            let map = flow.layer(flow.step_layer_index(k)).map(frac);
            z = match flow.direction() {
                Direction::Generative => map.inverse(z)?.0,
                Direction::Normalizing => map.forward(z).0,
            };
            if !(z[0].is_finite() && z[1].is_finite()) {
                return None;
            }
        }
        Some(z)
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// A preset cloud as plain pairs.
pub fn preset_points(preset: Preset, n: usize, noise: f64, seed: u64) -> Vec<Vec2> {
    preset.generate(n, noise, seed).iter().collect()
}
