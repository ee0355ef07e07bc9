#![cfg(not(target_arch = "wasm32"))]
//! Trajectories (`core/trajectory.rs`): every sample equals the points pushed from the base to
//! that stage by `Flow::push_to_stage` (which composes the whole stack each time), for stacks
//! with every kind of step in both directions; the samples stop at the stage asked for.

use flow_playground::core::cnf::CnfSpec;
use flow_playground::core::stack::{init_params, Init};
use flow_playground::core::{Direction, Flow, Keep, LayerKind, Workspace};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

#[test]
fn every_sample_is_the_push_to_its_stage() {
    let kinds = [
        LayerKind::Planar,
        LayerKind::Cnf(CnfSpec::planar(3)),
        LayerKind::Radial,
        LayerKind::Affine(Keep::X),
        LayerKind::Sylvester,
    ];
    let mut rng = SmallRng::seed_from_u64(3);
    let xs: Vec<f64> = (0..17).map(|_| rng.random_range(-2.0..2.0)).collect();
    let ys: Vec<f64> = (0..17).map(|_| rng.random_range(-2.0..2.0)).collect();
    for dir in [Direction::Generative, Direction::Normalizing] {
        let p = init_params(&kinds, Init::Default, 8);
        let flow = Flow::with_params(&kinds, &p, dir).unwrap();
        for upto in [0.0, 0.4, 1.0, 2.75, 5.0] {
            let tr = flow.trajectories(upto, 4, &xs, &ys);
            assert_eq!(tr.stages[0], 0.0);
            assert_eq!(*tr.stages.last().unwrap(), upto);
            assert_eq!(tr.xs.len(), tr.stages.len() * xs.len());
            for (i, &s) in tr.stages.iter().enumerate() {
                let (mut px, mut py) = (xs.clone(), ys.clone());
                flow.push_to_stage(s, &mut px, &mut py, &mut Workspace::default());
                for p in 0..xs.len() {
                    let (a, b) = (tr.xs[i * xs.len() + p], tr.ys[i * xs.len() + p]);
                    assert!(
                        (a - px[p]).abs() < 1e-10 && (b - py[p]).abs() < 1e-10,
                        "{dir:?} stage {s}: point {p} at [{a}, {b}], pushed to [{}, {}]",
                        px[p],
                        py[p]
                    );
                }
            }
        }
    }
}

#[test]
fn samples_are_evenly_spaced_within_each_step() {
    let kinds = [LayerKind::Planar, LayerKind::Planar];
    let flow = Flow::with_params(
        &kinds,
        &init_params(&kinds, Init::Default, 1),
        Direction::Generative,
    )
    .unwrap();
    let tr = flow.trajectories(1.5, 4, &[0.5], &[-0.5]);
    assert_eq!(tr.stages, [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5]);
    let tr = flow.trajectories(9.0, 2, &[0.5], &[-0.5]);
    assert_eq!(tr.stages, [0.0, 0.5, 1.0, 1.5, 2.0], "clamped to K");
}

#[test]
fn trail_lines_stop_at_the_stage_shown() {
    use flow_playground::render::trails::trail_lines;
    let kinds = [LayerKind::Cnf(CnfSpec::planar(3))];
    let flow = Flow::with_params(
        &kinds,
        &init_params(&kinds, Init::Default, 2),
        Direction::Generative,
    )
    .unwrap();
    let (xs, ys) = (vec![0.3, -1.0, 2.0], vec![0.1, 0.5, -0.7]);
    let tr = flow.trajectories(1.0, 32, &xs, &ys);
    // At t = 0.5: samples 0, 1/32 … 16/32, nothing interpolated (on a sample).
    let lines = trail_lines(&tr, 0.5);
    assert_eq!(lines.starts, [0, 17, 34]);
    assert_eq!(lines.xs.len(), 51);
    // Between samples: the last vertex is where the ODE has the particle at that time, to the
    // linear interpolation's error over 1/32 of the time.
    let lines = trail_lines(&tr, 0.51);
    let (mut px, mut py) = (xs.clone(), ys.clone());
    flow.push_to_stage(0.51, &mut px, &mut py, &mut Workspace::default());
    for (p, r) in lines.ranges().enumerate() {
        let end = r.end - 1;
        assert_eq!(r.len(), 18);
        assert!((lines.xs[end] - px[p]).hypot(lines.ys[end] - py[p]) < 1e-3);
    }
    // At the base there is no path yet.
    assert!(trail_lines(&tr, 0.0).starts.is_empty());
}
