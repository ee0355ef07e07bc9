//! Clipping an infinite line to the view window (the editor's lines: planar hyperplanes,
//! Sylvester's two lines).

use crate::core::Vec2;

/// `[x_min, x_max, y_min, y_max]` of the window the lines are clipped to.
pub type Window = [f64; 4];

/// The part of the infinite line `p + t·d` inside `window`, or `None` if it misses (Liang–Barsky).
pub fn clip_line(p: Vec2, d: Vec2, window: Window) -> Option<[Vec2; 2]> {
    let finite = |v: Vec2| v[0].is_finite() && v[1].is_finite();
    if !(finite(p) && finite(d)) || (d[0] == 0.0 && d[1] == 0.0) {
        return None;
    }
    let [x0, x1, y0, y1] = window;
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for (pi, di, a, b) in [(p[0], d[0], x0, x1), (p[1], d[1], y0, y1)] {
        if di == 0.0 {
            if pi < a || pi > b {
                return None;
            }
        } else {
            let (t1, t2) = ((a - pi) / di, (b - pi) / di);
            lo = lo.max(t1.min(t2));
            hi = hi.min(t1.max(t2));
        }
    }
    (lo <= hi && lo.is_finite() && hi.is_finite()).then(|| {
        [
            [p[0] + d[0] * lo, p[1] + d[1] * lo],
            [p[0] + d[0] * hi, p[1] + d[1] * hi],
        ]
    })
}
