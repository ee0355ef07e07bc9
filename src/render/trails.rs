//! The trajectories overlay's lines: each particle's path from the base (stage 0) to the stage
//! shown, cut from trajectories sampled up to the model stage (`core/trajectory.rs`), so a
//! scrub or a play only cuts, and the samples are recomputed only when the model changes.

use crate::core::trajectory::Trajectories;

use super::overlay::Polylines;

/// Per-step samples for a stack of `k` steps: 32 for one step (a continuous layer's path then
/// has more vertices than its solver has steps), fewer for deeper stacks, at least 2.
pub fn samples_per_step(k: usize) -> usize {
    (64 / k.max(1)).clamp(2, 32)
}

/// One line per point of `tr`: its samples up to stage `s`, and the point at `s` itself,
/// linearly between the two samples around it. A point lost to a failed map ends where it was
/// last finite.
pub fn trail_lines(tr: &Trajectories, s: f64) -> Polylines {
    let n = tr.n;
    let mut out = Polylines::default();
    let samples = tr.stages.len();
    if n == 0 || samples == 0 || !s.is_finite() {
        return out;
    }
    // The last sample at or before `s`, and the fraction of the way to the next one.
    let last = tr.stages.iter().rposition(|&st| st <= s).unwrap_or(0);
    let frac = match tr.stages.get(last + 1) {
        Some(&next) if next > tr.stages[last] => (s - tr.stages[last]) / (next - tr.stages[last]),
        _ => 0.0,
    };
    for p in 0..n {
        let start = out.xs.len();
        for i in 0..=last {
            let (x, y) = (tr.xs[i * n + p], tr.ys[i * n + p]);
            if !(x.is_finite() && y.is_finite()) {
                break;
            }
            out.xs.push(x);
            out.ys.push(y);
        }
        let kept = out.xs.len() - start;
        if kept == last + 1 && frac > 0.0 {
            let (x0, y0) = (tr.xs[last * n + p], tr.ys[last * n + p]);
            let (x1, y1) = (tr.xs[(last + 1) * n + p], tr.ys[(last + 1) * n + p]);
            if x1.is_finite() && y1.is_finite() {
                out.xs.push(x0 + frac * (x1 - x0));
                out.ys.push(y0 + frac * (y1 - y0));
            }
        }
        if out.xs.len() - start >= 2 {
            out.starts.push(start);
        } else {
            out.xs.truncate(start);
            out.ys.truncate(start);
        }
    }
    out
}
