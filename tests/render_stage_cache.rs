//! The warped grid's prefix cache (`render::stage_cache`) gives exactly what a full
//! `Flow::push_to_stage` gives, through scrubbing, edits of any layer, and shape changes.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::{init_params, Direction, Flow, Init, LayerKind, Workspace};
use flow_playground::render::overlay::base_grid;
use flow_playground::render::stage_cache::StageCache;

fn full(flow: &Flow, s: f64, xs: &[f64], ys: &[f64], ws: &mut Workspace) -> (Vec<f64>, Vec<f64>) {
    let (mut x, mut y) = (xs.to_vec(), ys.to_vec());
    flow.push_to_stage(s, &mut x, &mut y, ws);
    (x, y)
}

fn check(cache: &mut StageCache, flow: &Flow, s: f64, xs: &[f64], ys: &[f64], what: &str) {
    let mut ws = Workspace::default();
    let (ex, ey) = full(flow, s, xs, ys, &mut ws);
    let (mut gx, mut gy) = (Vec::new(), Vec::new());
    cache.push(flow, s, xs, ys, &mut gx, &mut gy, &mut ws);
    assert_eq!(gx.len(), ex.len());
    for i in 0..ex.len() {
        // Same operations in the same order: equal up to the last bit (1e−12 for safety).
        assert!(
            (gx[i] - ex[i]).abs() <= 1e-12 * (1.0 + ex[i].abs())
                && (gy[i] - ey[i]).abs() <= 1e-12 * (1.0 + ey[i].abs()),
            "{what}, s = {s}, point {i}: ({}, {}) vs ({}, {})",
            gx[i],
            gy[i],
            ex[i],
            ey[i]
        );
    }
}

#[test]
fn cached_pushes_equal_full_pushes() {
    let grid = base_grid(5, 4.0, 12);
    let kinds: Vec<LayerKind> = (0..9)
        .map(|i| {
            if i % 3 == 1 {
                LayerKind::Radial
            } else {
                LayerKind::Planar
            }
        })
        .collect();
    for dir in [Direction::Generative, Direction::Normalizing] {
        let params = init_params(&kinds, Init::Default, 3);
        let mut flow = Flow::with_params(&kinds, &params, dir).unwrap();
        let mut cache = StageCache::new();
        // Scrub forward and backward, fractional and integer stages.
        for s in [
            0.0,
            0.4,
            1.0,
            2.5,
            3.0,
            3.7,
            6.2,
            9.0,
            8.5,
            2.2,
            0.0,
            5.0,
            5.5,
            f64::NAN,
            12.0,
        ] {
            check(
                &mut cache,
                &flow,
                s,
                &grid.xs,
                &grid.ys,
                &format!("{dir:?} scrub"),
            );
        }
        // Edit every layer in turn while looking at its input stage (what the editor does).
        for i in 0..kinds.len() {
            let s = match dir {
                Direction::Generative => i,
                Direction::Normalizing => kinds.len() - i,
            } as f64;
            for step in 0..3 {
                let r = flow.param_range(i);
                flow.params_mut()[r.start] += 0.05 * (step as f64 + 1.0);
                check(
                    &mut cache,
                    &flow,
                    s,
                    &grid.xs,
                    &grid.ys,
                    &format!("{dir:?} edit {i}"),
                );
            }
        }
        // A different shape, a different direction, different source points.
        let short =
            Flow::with_params(&kinds[..4], &flow.params()[..flow.param_range(3).end], dir).unwrap();
        check(&mut cache, &short, 3.0, &grid.xs, &grid.ys, "shorter flow");
        let mut other = short.clone();
        other.set_direction(match dir {
            Direction::Generative => Direction::Normalizing,
            Direction::Normalizing => Direction::Generative,
        });
        check(
            &mut cache,
            &other,
            3.0,
            &grid.xs,
            &grid.ys,
            "other direction",
        );
        let moved: Vec<f64> = grid.xs.iter().map(|x| x + 0.1).collect();
        check(&mut cache, &other, 3.0, &moved, &grid.ys, "other points");
        let empty = Flow::new(&[], dir);
        check(&mut cache, &empty, 0.0, &grid.xs, &grid.ys, "empty flow");
    }
}
