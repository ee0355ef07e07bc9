#![cfg(not(target_arch = "wasm32"))]
//! A continuous flow as a layer of a stack (`cnf/layer.rs`, docs/maths/continuous.md, "A CNF as
//! a layer"): the stage-t density of a flow whose only layer is a CNF equals the ODE density
//! `p_t` computed directly by `cnf::density` in both directions, pushed base points follow
//! `φ_t`, densities integrate to one at every stage with other layers around it, and both
//! training objectives' gradients through the tape equal central differences.

use flow_playground::core::cnf::density::{log_density, push_forward};
use flow_playground::core::cnf::layer::AnyField;
use flow_playground::core::cnf::{CnfSpec, Method, SolveWork};
use flow_playground::core::layer::LayerKind;
use flow_playground::core::objective::{ml_loss_grad, reverse_kl_loss_grad};
use flow_playground::core::stack::{init_params, Init};
use flow_playground::core::tape::Tape;
use flow_playground::core::{Direction, Energy, Flow, Grid, Workspace};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn cnf_flow(spec: CnfSpec, dir: Direction, seed: u64) -> Flow {
    let kinds = [LayerKind::Cnf(spec)];
    Flow::with_params(&kinds, &init_params(&kinds, Init::Default, seed), dir).unwrap()
}

#[test]
fn stage_density_of_a_cnf_layer_is_p_t_in_both_directions() {
    let mut rng = SmallRng::seed_from_u64(4);
    let xs: Vec<f64> = (0..50).map(|_| rng.random_range(-3.0..3.0)).collect();
    let ys: Vec<f64> = (0..50).map(|_| rng.random_range(-3.0..3.0)).collect();
    for spec in [CnfSpec::planar(4), CnfSpec::MLP] {
        for dir in [Direction::Generative, Direction::Normalizing] {
            let flow = cnf_flow(spec, dir, 3);
            let field = AnyField::new(spec, flow.params());
            for t in [0.25, 0.5, 1.0] {
                let mut got = vec![0.0; xs.len()];
                flow.log_density(t, &xs, &ys, &mut got, &mut Workspace::default());
                let steps = (spec.steps as f64 * t).ceil() as usize;
                let mut want = vec![0.0; xs.len()];
                log_density(
                    field.exact(),
                    t,
                    spec.method,
                    steps,
                    &xs,
                    &ys,
                    &mut want,
                    &mut SolveWork::default(),
                );
                // The MLP's batches run in mixed precision (docs/maths/continuous.md).
                let tol = if spec == CnfSpec::MLP { 1e-4 } else { 1e-9 };
                for (g, w) in got.iter().zip(&want) {
                    assert!((g - w).abs() < tol, "{spec:?} {dir:?} t = {t}: {g} vs {w}");
                }
                // Base points pushed to stage t follow φ_t, with p_t along them.
                let (mut px, mut py) = (xs.clone(), ys.clone());
                flow.push_to_stage(t, &mut px, &mut py, &mut Workspace::default());
                let (mut qx, mut qy, mut lp) = (xs.clone(), ys.clone(), vec![0.0; xs.len()]);
                push_forward(
                    field.exact(),
                    t,
                    spec.method,
                    steps,
                    &mut qx,
                    &mut qy,
                    &mut lp,
                    &mut SolveWork::default(),
                    |_, _, _, _, _| {},
                );
                for i in 0..xs.len() {
                    // Normalizing pushes by the inverse of φ_t⁻¹ (a backward solve, then forward):
                    // equal up to the solver's error.
                    let tol = if dir == Direction::Generative && spec != CnfSpec::MLP {
                        1e-9
                    } else {
                        2e-3
                    };
                    assert!(
                        (px[i] - qx[i]).abs() < tol && (py[i] - qy[i]).abs() < tol,
                        "{spec:?} {dir:?} push"
                    );
                }
            }
            // The probe's ledger: one step, the whole integral.
            let p = flow.probe([0.4, -0.3]).unwrap();
            let mut want = [0.0];
            log_density(
                field.exact(),
                1.0,
                spec.method,
                spec.steps as usize,
                &[0.4],
                &[-0.3],
                &mut want,
                &mut SolveWork::default(),
            );
            assert!((p.total - want[0]).abs() < 1e-9, "{spec:?} {dir:?} probe");
        }
    }
}

#[test]
fn densities_with_a_cnf_layer_integrate_to_one_at_every_stage() {
    let kinds = [
        LayerKind::Scale,
        LayerKind::Cnf(CnfSpec::planar(3)),
        LayerKind::Planar,
    ];
    for dir in [Direction::Generative, Direction::Normalizing] {
        let mut p = init_params(&kinds, Init::Default, 8);
        p[0] = 0.3; // a visible scale
        let flow = Flow::with_params(&kinds, &p, dir).unwrap();
        let grid = Grid::square(160, -8.0, 8.0);
        let mut out = vec![0.0; grid.len()];
        for s in [0.5, 1.0, 1.5, 2.0, 3.0] {
            flow.log_density_grid(s, &grid, &mut out, &mut Workspace::default());
            let mass: f64 = out.iter().map(|l| l.exp()).sum::<f64>() * grid.cell_area();
            assert!((mass - 1.0).abs() < 5e-3, "{dir:?} stage {s}: mass {mass}");
        }
    }
}

fn check_gradient(name: &str, flow: &Flow, grads: &[f64], loss: impl Fn(&Flow) -> f64) {
    let mut f = flow.clone();
    for (k, &g) in grads.iter().enumerate() {
        let h = 1e-6;
        let p0 = f.params()[k];
        f.params_mut()[k] = p0 + h;
        let a = loss(&f);
        f.params_mut()[k] = p0 - h;
        let b = loss(&f);
        f.params_mut()[k] = p0;
        let fd = (a - b) / (2.0 * h);
        assert!(
            (g - fd).abs() < 1e-6 + 1e-5 * fd.abs(),
            "{name} θ{k}: {g} vs {fd}"
        );
    }
}

#[test]
fn both_objectives_differentiate_through_a_cnf_layer_in_a_stack() {
    let kinds = [
        LayerKind::Planar,
        LayerKind::Cnf(CnfSpec::planar(2)),
        LayerKind::Scale,
    ];
    let mut rng = SmallRng::seed_from_u64(2);
    let xs: Vec<f64> = (0..24).map(|_| rng.random_range(-2.0..2.0)).collect();
    let ys: Vec<f64> = (0..24).map(|_| rng.random_range(-2.0..2.0)).collect();
    // Maximum likelihood (normalizing); the loss recomputed by the flow's own density.
    let flow = Flow::with_params(
        &kinds,
        &init_params(&kinds, Init::Default, 1),
        Direction::Normalizing,
    )
    .unwrap();
    let mut grads = vec![0.0; flow.params().len()];
    let loss = ml_loss_grad(&flow, &xs, &ys, &mut Tape::new(), &mut grads);
    let nll = |f: &Flow| {
        let mut out = vec![0.0; xs.len()];
        f.log_density(
            f.len() as f64,
            &xs,
            &ys,
            &mut out,
            &mut Workspace::default(),
        );
        -out.iter().sum::<f64>() / xs.len() as f64
    };
    assert!((loss - nll(&flow)).abs() < 1e-10);
    check_gradient("ML", &flow, &grads, nll);
    // Reverse KL (generative), recomputed from the flow's push and pulled-back density.
    let flow = Flow::with_params(
        &kinds,
        &init_params(&kinds, Init::Default, 5),
        Direction::Generative,
    )
    .unwrap();
    let mut grads = vec![0.0; flow.params().len()];
    let r = reverse_kl_loss_grad(
        &flow,
        Energy::U3,
        0.6,
        &xs,
        &ys,
        &mut Tape::new(),
        &mut Vec::new(),
        &mut grads,
    );
    let kl = |f: &Flow| {
        // Per sample: log N(z₀) − Σ log det + β U(x), the log-dets from each layer's forward.
        let mut total = 0.0;
        for (&x, &y) in xs.iter().zip(&ys) {
            let mut z = [x, y];
            let mut ld = 0.0;
            for k in 0..f.len() {
                let m = flow_playground::core::layer::LayerMap::new(
                    f.kinds()[k],
                    &f.params()[f.param_range(k)],
                    1.0,
                );
                let (zn, l) = m.forward(z);
                z = zn;
                ld += l;
            }
            total += -0.5 * (x * x + y * y) - (2.0 * std::f64::consts::PI).ln() - ld
                + 0.6 * Energy::U3.value(z);
        }
        total / xs.len() as f64
    };
    assert!(
        (r.loss - kl(&flow)).abs() < 1e-9,
        "{} vs {}",
        r.loss,
        kl(&flow)
    );
    check_gradient("reverse KL", &flow, &grads, kl);
}

#[test]
fn planar_cnf_solved_with_each_scheme_has_matching_gradients() {
    for method in Method::ALL {
        let spec = CnfSpec {
            method,
            steps: 5,
            ..CnfSpec::planar(2)
        };
        let kinds = [LayerKind::Cnf(spec)];
        let flow = Flow::with_params(
            &kinds,
            &init_params(&kinds, Init::Default, 9),
            Direction::Normalizing,
        )
        .unwrap();
        let (xs, ys) = (vec![0.5, -1.0, 1.5], vec![0.2, 0.9, -1.1]);
        let mut grads = vec![0.0; flow.params().len()];
        ml_loss_grad(&flow, &xs, &ys, &mut Tape::new(), &mut grads);
        check_gradient(method.name(), &flow, &grads, |f| {
            let mut out = vec![0.0; 3];
            f.log_density(1.0, &xs, &ys, &mut out, &mut Workspace::default());
            -out.iter().sum::<f64>() / 3.0
        });
    }
}

#[test]
fn a_continuous_step_path_carries_the_running_integral_to_the_step_term() {
    // The probe's sub-ledger: the generative path of one point through a continuous step, its
    // running −∫₀ᵗ tr after every solver step, ending at the step's own term.
    for (spec, dir) in [
        (CnfSpec::planar(3), Direction::Generative),
        (CnfSpec::MLP, Direction::Normalizing),
    ] {
        let flow = cnf_flow(spec, dir, 6);
        let flow_playground::core::Layer::Cnf(layer) = flow.layer(0) else {
            unreachable!()
        };
        let x = [0.7, -0.4];
        let p = flow.probe(x).unwrap();
        let path = layer.path(p.positions[0]);
        assert_eq!(path.len(), spec.steps as usize);
        let (t, z, run) = *path.last().unwrap();
        assert_eq!(t, 1.0);
        // Forward from z₀ lands on the probed point and its running term on the step's term, to
        // the solver's round-trip error.
        assert!(
            (z[0] - x[0]).abs() < 1e-3 && (z[1] - x[1]).abs() < 1e-3,
            "{spec:?}: {z:?}"
        );
        assert!(
            (run - p.step_terms[0]).abs() < 1e-3,
            "{spec:?}: {run} vs {}",
            p.step_terms[0]
        );
        // Times increase and the running integral moves continuously.
        assert!(path.windows(2).all(|w| w[1].0 > w[0].0));
    }
}

#[test]
fn a_point_pulled_back_through_a_stack_with_a_cnf_is_pushed_back_to_it() {
    // The probe's click: the base point of a point at stage s, in both directions (a continuous
    // layer of a normalizing flow solves backward in time; it once solved forward here).
    let kinds = [
        LayerKind::Planar,
        LayerKind::Cnf(CnfSpec::planar(4)),
        LayerKind::Radial,
    ];
    let mut rng = SmallRng::seed_from_u64(9);
    for dir in [Direction::Generative, Direction::Normalizing] {
        let p: Vec<f64> = init_params(&kinds, Init::Default, 5)
            .iter()
            .map(|v| 2.0 * v)
            .collect();
        let flow = Flow::with_params(&kinds, &p, dir).unwrap();
        for s in [0.5, 1.0, 1.5, 2.0, 3.0] {
            for _ in 0..10 {
                let x = [rng.random_range(-2.0..2.0), rng.random_range(-2.0..2.0)];
                let z = flow.pull_back(s, x).unwrap();
                let (mut px, mut py) = ([z[0]], [z[1]]);
                flow.push_to_stage(s, &mut px, &mut py, &mut Workspace::default());
                // A fixed-step solve backward is the forward solve's inverse up to the solver's
                // error (RK4, 16 steps).
                let err = (px[0] - x[0]).hypot(py[0] - x[1]);
                assert!(
                    err < 1e-5,
                    "{dir:?} s = {s}: {x:?} → {z:?} → [{}, {}]",
                    px[0],
                    py[0]
                );
            }
        }
    }
}
