//! The state each lesson sets up: a [`Config`] with the lesson's caption, target, stack and
//! view.

use crate::core::cnf::{CnfSpec, Method};
use crate::core::{Energy, LayerKind, Preset, StackPattern};

use super::config::{Config, Mode, PresetInfo, ANNEAL_STEPS_FAST, SOLVER_ERROR_PICTURE};
use super::lessons::{Compare, Lesson};

impl Lesson {
    /// The state the lesson sets up.
    pub fn config(self) -> Config {
        let mut c = Config {
            lesson: Some(self),
            ..Config::default()
        };
        match self {
            Lesson::Figure3(e) => {
                c.mode = Mode::Energy(e.into());
                c.kinds = vec![LayerKind::Planar; 32];
                // The paper anneals β (without it the flows settle on one of U1's two modes);
                // a lecture cannot wait 10,000 steps, so β reaches 1 after 1,500.
                c.train.anneal = true;
                c.train.anneal_steps = ANNEAL_STEPS_FAST;
                c.train.lr = 0.01;
                c.compare = Some(Compare::Depths);
                c.view.overlays.grid = false;
                c.view.overlays.data = true;
                c.view.overlays.contours = true;
            }
            Lesson::PlanarVsRadial => {
                let p = PresetInfo::new(Preset::Circles);
                c.mode = Mode::Points(Some(p));
                c.points = p.generate();
                c.kinds = vec![LayerKind::Planar; 16];
                c.compare = Some(Compare::Kinds);
            }
            Lesson::CouplingWon => {
                let p = PresetInfo {
                    n: 5000,
                    ..PresetInfo::new(Preset::Checkerboard)
                };
                c.mode = Mode::Points(Some(p));
                c.points = p.generate();
                c.kinds = StackPattern::AllSpline.kinds(StackPattern::AllSpline.suggested_k());
                // One learning rate for every flow compared: coupling layers want a smaller step
                // than the app's planar default.
                c.train.lr = 2e-3;
                c.compare = Some(Compare::Families);
                c.view.overlays.grid = false;
            }
            Lesson::FlowMatching => {
                let p = PresetInfo::new(Preset::TwoMoons);
                c.mode = Mode::Points(Some(p));
                c.points = p.generate();
                c.kinds = StackPattern::FlowMatching.kinds(1);
                // The flow-matching reference setting (docs/maths/continuous.md): Adam 1e−3.
                c.train.lr = 1e-3;
                c.view.overlays.grid = false;
                c.view.overlays.field = true;
                c.view.overlays.paths = true;
            }
            Lesson::StepsVsError => {
                let p = PresetInfo::new(Preset::EightGaussians);
                c.mode = Mode::Points(Some(p));
                c.points = p.generate();
                c.kinds = vec![LayerKind::Cnf(CnfSpec {
                    method: Method::Euler,
                    steps: 4,
                    ..CnfSpec::MLP
                })];
                c.train.lr = 1e-3;
                c.view.overlays.grid = false;
                c.view.overlays.particles = true;
                c.view.trace_probes = SOLVER_ERROR_PICTURE;
            }
            Lesson::FmVsMl => {
                let p = PresetInfo::new(Preset::TwoMoons);
                c.mode = Mode::Points(Some(p));
                c.points = p.generate();
                c.kinds = StackPattern::FlowMatching.kinds(1);
                c.train.lr = 1e-3;
                c.compare = Some(Compare::FmVsMl);
                c.view.overlays.grid = false;
            }
            Lesson::Hutchinson => {
                let p = PresetInfo::new(Preset::EightGaussians);
                c.mode = Mode::Points(Some(p));
                c.points = p.generate();
                c.kinds = StackPattern::FlowMatching.kinds(1);
                c.train.lr = 1e-3;
                c.view.overlays.grid = false;
                c.view.trace_probes = 1;
            }
            Lesson::ResidualStep => {
                c.mode = Mode::Energy(Energy::U1.into());
                c.kinds = StackPattern::ContinuousPlanar.kinds(1);
                c.train.anneal = true;
                c.train.anneal_steps = ANNEAL_STEPS_FAST;
                c.train.lr = 5e-3;
                c.compare = Some(Compare::Residual(8));
                c.view.overlays.grid = false;
                c.view.overlays.data = true;
                c.view.overlays.contours = true;
                c.view.overlays.field = true;
            }
            Lesson::OneLayer | Lesson::Constraint => {
                c.mode = Mode::Energy(Energy::U1.into());
                c.kinds = vec![LayerKind::Planar];
                // Raw planar parameters (u₀, u₁, w₀, w₁, b).
                c.params = if self == Lesson::OneLayer {
                    vec![2.0, 0.0, 3.0, 0.0, 0.0]
                } else {
                    vec![-2.0, 0.0, 2.0, 0.0, 0.0]
                };
                c.train.anneal = false;
                c.view.overlays.grid = true;
                c.view.overlays.volume = self == Lesson::Constraint;
                c.view.overlays.data = self == Lesson::OneLayer;
                c.view.overlays.contours = self == Lesson::OneLayer;
            }
        }
        if let Mode::Energy(_) = c.mode {
            c.points.clear(); // unused by an energy; keeps the link short
        }
        c.view.stage = c.kinds.len() as f64;
        c
    }
}
