//! Reference fits of the continuous flows (docs/maths/continuous.md), seeded:
//! `cargo run --release -p flow-playground-app --example cnf_fits [-- --part fm|planar|all]
//! [--only NAME] [--steps N] [--seed S]` (`--seed`: the planar fits' initialisation and base
//! samples). One JSON line per fit.
//!
//! - **Flow matching** (`fm`): the MLP field (SiLU) on the FFJORD moons, 8 Gaussians and
//!   checkerboard at their own scale, minibatch 512, Adam 1e−3 constant, 20,000 steps, through
//!   the app's own trainer. The training set is 200,000 points drawn once (the reference draws a
//!   fresh minibatch each step; see examples/fits.rs). Held-out NLL exact by the ODE (RK4, 16 steps, float64) on 20,000 fresh
//!   points; the mass of `p₁` on a 121² grid over `[−6, 6]²`. Bar: the JAX flow-matching
//!   reference of the same setting + 0.03 (moons 2.483, 8 Gaussians 2.891, checkerboard 3.819).
//! - **Planar CNF, reverse KL** (`planar`): width 32 on U1–U4, batch 256, Adam 5e−3 with cosine
//!   decay to 5 %, β from 0.01 to 1 over the first 1,500 steps, gradient clip 100, 5,000 steps,
//!   RK4 with 16 steps in training; the free energy on 65,536 fresh base samples with RK4-64.
//!   Bar: the reference's free energy + 0.05 (U1 −1.869, U2 −2.211, U3 −2.747, U4 −2.742).

use std::time::Instant;

use flow_playground::core::adam::{clip_global_norm, Adam};
use flow_playground::core::cnf::density::log_density;
use flow_playground::core::cnf::planar_cnf::{self, PlanarCnf};
use flow_playground::core::cnf::through_ode::{energy_loss_grad, OdeWork};
use flow_playground::core::cnf::{Act, CnfSpec, Method, MlpField, SolveWork};
use flow_playground::core::num::normal_pair;
use flow_playground::core::stream::Stream;
use flow_playground::core::{
    Energy, Hyper, Init, LayerKind, LrSchedule, Objective, Points, Preset, StepOutcome, Trainer,
    Vec2,
};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn fm_fits(steps: usize, only: &Option<String>) {
    for (name, preset, reference) in [
        ("moons", Preset::TwoMoons, 2.483),
        ("8gaussians", Preset::EightGaussians, 2.891),
        ("checkerboard", Preset::Checkerboard, 3.819),
    ] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let train = preset.generate(200_000, preset.default_noise(), 1);
        let test = preset.generate(20_000, preset.default_noise(), 777);
        // Through the app's own trainer: a one-layer flow-matching stack trained by maximum
        // likelihood is trained by flow matching (core::train).
        let objective = Objective::MaxLikelihood {
            train,
            heldout: Points::default(),
        };
        let hyper = Hyper {
            lr: 1e-3,
            batch: 512,
            clip: None,
            schedule: LrSchedule::Constant,
            eval_every: 0,
            eval_samples: 0,
        };
        let kinds = [LayerKind::Cnf(CnfSpec::MLP)];
        let mut t = Trainer::new(&kinds, Init::Default, objective, hyper, 0).expect("valid setup");
        let t0 = Instant::now();
        let mut tail = 0.0;
        for s in 0..steps {
            let StepOutcome::Stepped { loss, .. } = t.step() else {
                panic!("flow matching diverged at step {s}");
            };
            if s + 500 >= steps {
                tail += loss / 500.0;
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        let field = MlpField::new(t.flow().params().to_vec(), Act::Silu).expect("finite");
        let mut w = SolveWork::default();
        let mut lp = vec![0.0; test.len()];
        let nll_at = |n: usize, lp: &mut Vec<f64>, w: &mut SolveWork| {
            log_density(&field, 1.0, Method::Rk4, n, &test.x, &test.y, lp, w);
            -lp.iter().sum::<f64>() / lp.len() as f64
        };
        let (nll8, nll16) = (nll_at(8, &mut lp, &mut w), nll_at(16, &mut lp, &mut w));
        let side = 121;
        let (mut gx, mut gy) = (Vec::new(), Vec::new());
        for j in 0..side {
            for i in 0..side {
                gx.push(-6.0 + 12.0 * i as f64 / (side - 1) as f64);
                gy.push(-6.0 + 12.0 * j as f64 / (side - 1) as f64);
            }
        }
        let mut g = vec![0.0; gx.len()];
        log_density(&field, 1.0, Method::Rk4, 8, &gx, &gy, &mut g, &mut w);
        let cell = (12.0 / (side - 1) as f64).powi(2);
        let mass: f64 = g.iter().map(|l| l.exp() * cell).sum();
        println!(
            "{{\"part\": \"fm\", \"dataset\": \"{name}\", \"steps\": {steps}, \"train_s\": {secs:.1}, \
             \"steps_per_s\": {:.0}, \"loss_last500\": {tail:.4}, \"nll_rk4_8\": {nll8:.4}, \
             \"nll_rk4_16\": {nll16:.4}, \"mass_121_on_6\": {mass:.4}, \"reference\": {reference}, \
             \"bar\": {:.3}, \"ok\": {}}}",
            steps as f64 / secs,
            reference + 0.03,
            nll16 <= reference + 0.03
        );
    }
}

fn planar_fits(steps: usize, only: &Option<String>, seed: u64) {
    for (energy, reference) in [
        (Energy::U1, -1.869),
        (Energy::U2, -2.211),
        (Energy::U3, -2.747),
        (Energy::U4, -2.742),
    ] {
        if only.as_deref().is_some_and(|o| o != energy.name()) {
            continue;
        }
        let mut rng = Stream::seed_from_u64(seed);
        let mut f = PlanarCnf::new(planar_cnf::init_params(32, &mut rng)).expect("finite");
        let mut adam = Adam::new(f.params().len(), 5e-3);
        let mut grad = vec![0.0; f.params().len()];
        let mut work = OdeWork::default();
        let t0 = Instant::now();
        for s in 0..steps {
            let base: Vec<Vec2> = (0..256).map(|_| normal_pair(&mut rng)).collect();
            let beta = (0.01 + 0.99 * s as f64 / 1500.0).min(1.0);
            grad.fill(0.0);
            energy_loss_grad(&f, energy, beta, &base, 16, Some(&mut grad), &mut work);
            clip_global_norm(&mut grad, 100.0);
            let frac = s as f64 / steps as f64;
            adam.lr = 5e-3 * (0.05 + 0.95 * 0.5 * (1.0 + (std::f64::consts::PI * frac).cos()));
            let mut p = f.params().to_vec();
            adam.step(&mut p, &grad);
            f.params_mut().copy_from_slice(&p);
        }
        let secs = t0.elapsed().as_secs_f64();
        let mut eval_rng = Stream::seed_from_u64(99);
        let base: Vec<Vec2> = (0..65_536).map(|_| normal_pair(&mut eval_rng)).collect();
        let (_, free) = energy_loss_grad(&f, energy, 1.0, &base, 64, None, &mut work);
        println!(
            "{{\"part\": \"planar_cnf\", \"energy\": \"{}\", \"seed\": {seed}, \"width\": 32, \"steps\": {steps}, \
             \"train_s\": {secs:.1}, \"free_energy_rk4_64\": {free:.4}, \"floor\": {:.4}, \
             \"reference\": {reference}, \"bar\": {:.3}, \"ok\": {}}}",
            energy.name(),
            -energy.log_z().unwrap_or(f64::NAN),
            reference + 0.05,
            free <= reference + 0.05
        );
    }
}

fn main() {
    let part = arg("--part").unwrap_or_else(|| "all".into());
    let only = arg("--only");
    let steps: Option<usize> = arg("--steps").and_then(|s| s.parse().ok());
    if part == "fm" || part == "all" {
        fm_fits(steps.unwrap_or(20_000), &only);
    }
    if part == "planar" || part == "all" {
        planar_fits(
            steps.unwrap_or(5_000),
            &only,
            arg("--seed").and_then(|s| s.parse().ok()).unwrap_or(0),
        );
    }
}
