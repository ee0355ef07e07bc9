//! The vector-field overlay of a continuous step (docs/maths/continuous.md, "A CNF as a layer"):
//! arrows of `v(x, t)` on a lattice over the view, at the ODE time the stage shows, as line
//! segments in data space (a shaft and two head strokes each).

use crate::core::cnf::layer::AnyField;
use crate::core::cnf::FieldWork;
use crate::core::{Flow, Layer};

use super::ViewTransform;

/// The arrows of the continuous step shown at stage `s` on an `n × n` lattice over `view`: each
/// scaled so the longest is 0.85 of a lattice cell (the arrows compare speeds within a frame;
/// the caption gives the largest). Empty when the step at `s` is not continuous. Returns the
/// segments and the largest speed `|v|`.
pub fn field_arrows(
    flow: &Flow,
    s: f64,
    view: &ViewTransform,
    n: usize,
) -> (Vec<[[f64; 2]; 2]>, f64) {
    let k = flow.len();
    if k == 0 || n == 0 {
        return (Vec::new(), 0.0);
    }
    let (j, t) = flow.split_stage(s);
    // At the end of the stack, the last step at its end time.
    let (step, t) = if j == k { (k, 1.0) } else { (j + 1, t) };
    let Layer::Cnf(layer) = flow.layer(flow.step_layer_index(step)) else {
        return (Vec::new(), 0.0);
    };
    let field = AnyField::new(layer.spec, &layer.params);
    // The lattice over the view's visible rectangle (the shorter side spans ±half_extent).
    let aspect = if view.height > 0.0 {
        view.width / view.height
    } else {
        1.0
    };
    let (hx, hy) = if aspect >= 1.0 {
        (view.half_extent * aspect, view.half_extent)
    } else {
        (view.half_extent, view.half_extent / aspect)
    };
    let cell = 2.0 * hx.max(hy) / n as f64;
    let (nx, ny) = (
        ((2.0 * hx / cell).round() as usize).max(1),
        ((2.0 * hy / cell).round() as usize).max(1),
    );
    let (mut xs, mut ys) = (Vec::with_capacity(nx * ny), Vec::with_capacity(nx * ny));
    for iy in 0..ny {
        for ix in 0..nx {
            xs.push(view.center[0] - hx + (ix as f64 + 0.5) * 2.0 * hx / nx as f64);
            ys.push(view.center[1] - hy + (iy as f64 + 0.5) * 2.0 * hy / ny as f64);
        }
    }
    let m = xs.len();
    let (mut vx, mut vy, mut tr) = (vec![0.0; m], vec![0.0; m], vec![0.0; m]);
    field.batch().eval(
        t,
        &xs,
        &ys,
        &mut vx,
        &mut vy,
        &mut tr,
        &mut FieldWork::default(),
    );
    let mut arrows = Vec::with_capacity(m);
    let mut vmax = 0.0f64;
    for i in 0..m {
        let v = [vx[i], vy[i]];
        if v[0].is_finite() && v[1].is_finite() {
            vmax = vmax.max(v[0].hypot(v[1]));
            arrows.push(([xs[i], ys[i]], v));
        }
    }
    if vmax <= 0.0 {
        return (Vec::new(), 0.0);
    }
    let scale = 0.85 * cell / vmax;
    let mut segs = Vec::with_capacity(3 * arrows.len());
    for (x, v) in arrows {
        let tip = [x[0] + scale * v[0], x[1] + scale * v[1]];
        let len = (scale * v[0]).hypot(scale * v[1]);
        segs.push([x, tip]);
        if len > 0.15 * cell {
            // Two head strokes at ±25° back from the tip, a third of the arrow long (at most
            // a quarter cell).
            let h = (len / 3.0).min(0.25 * cell) / len;
            let (bx, by) = (-scale * v[0] * h, -scale * v[1] * h);
            let (c, sn) = (25f64.to_radians().cos(), 25f64.to_radians().sin());
            segs.push([tip, [tip[0] + c * bx - sn * by, tip[1] + sn * bx + c * by]]);
            segs.push([tip, [tip[0] + c * bx + sn * by, tip[1] - sn * bx + c * by]]);
        }
    }
    (segs, vmax)
}
