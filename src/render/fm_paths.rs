//! Flow matching's conditional paths (docs/maths/continuous.md, "Flow matching"): for a few data
//! points `x₁`, a noise point `x₀` each and the straight path `x_t = (1 − t)x₀ + t x₁` that the
//! regression's targets `x₁ − x₀` are the velocities of, with where each path is at time `t`.

use crate::core::num::normal_pair;
use crate::core::num::Vec2;
use crate::core::stream::Stream;

/// Up to `n` paths (data points spread evenly through `points`, noise from a fixed seed, so the
/// picture stays put while the user scrubs): the segments `x₀ → x₁` and the points `x_t`.
pub fn conditional_paths(points: &[Vec2], t: f64, n: usize) -> (Vec<[Vec2; 2]>, Vec<Vec2>) {
    let len = points.len();
    if len == 0 || n == 0 {
        return (Vec::new(), Vec::new());
    }
    let mut rng = Stream::seed_from_u64(0x00f1_0a7e);
    let t = t.clamp(0.0, 1.0);
    let count = n.min(len);
    let mut segs = Vec::with_capacity(count);
    let mut at = Vec::with_capacity(count);
    for j in 0..count {
        let i = j * len / count;
        let x1 = points[i];
        let x0 = normal_pair(&mut rng);
        segs.push([x0, x1]);
        at.push([(1.0 - t) * x0[0] + t * x1[0], (1.0 - t) * x0[1] + t * x1[1]]);
    }
    (segs, at)
}
