//! Pure geometry for the overlays drawn over the density.
//!
//! * [`base_grid`] — the regular grid of the base space whose image at a stage is the "warped
//!   grid" (the engine pushes its vertices; we only lay them out).
//! * [`contours`] — marching squares on a sampled field: iso-lines of a target density.
//!
//! Polylines are stored flat as structure-of-arrays with a start index per line, so the engine
//! can push all vertices in one batch call.

/// Polylines as flat vertex arrays: line `i` is `xs[starts[i]..starts[i+1]]` (last ends at len).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Polylines {
    /// Vertex x coordinates.
    pub xs: Vec<f64>,
    /// Vertex y coordinates.
    pub ys: Vec<f64>,
    /// Index of each line's first vertex.
    pub starts: Vec<usize>,
}

impl Polylines {
    /// Index ranges of the lines.
    pub fn ranges(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let n = self.xs.len();
        self.starts
            .iter()
            .enumerate()
            .map(move |(i, &s)| s..self.starts.get(i + 1).copied().unwrap_or(n))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True if there is no line.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// `lines` vertical and `lines` horizontal lines over `[−extent, extent]²`, each sampled at
/// `samples` points (dense enough that the pushed-forward curves look smooth).
pub fn base_grid(lines: usize, extent: f64, samples: usize) -> Polylines {
    let mut out = Polylines::default();
    let lines = lines.max(2);
    let samples = samples.max(2);
    let at = |i: usize, n: usize| -extent + 2.0 * extent * i as f64 / (n - 1) as f64;
    for vertical in [true, false] {
        for i in 0..lines {
            out.starts.push(out.xs.len());
            let c = at(i, lines);
            for j in 0..samples {
                let v = at(j, samples);
                let (x, y) = if vertical { (c, v) } else { (v, c) };
                out.xs.push(x);
                out.ys.push(y);
            }
        }
    }
    out
}

/// Iso-line segments of `field` at `level` by marching squares.
///
/// `field` has `nx × ny` samples, row-major from the top row, at the cell centres that
/// [`super::ViewTransform::pixel_centers`] produces; `to_data(col, row)` maps fractional sample
/// coordinates to data space. Returns segments as pairs of points. Non-finite samples count as
/// below the level.
pub fn contours(
    field: &[f64],
    nx: usize,
    ny: usize,
    level: f64,
    to_data: impl Fn(f64, f64) -> [f64; 2],
) -> Vec<[[f64; 2]; 2]> {
    let mut segs = Vec::new();
    if nx < 2 || ny < 2 || field.len() < nx * ny {
        return segs;
    }
    let v = |c: usize, r: usize| {
        let x = field[r * nx + c];
        if x.is_finite() {
            x
        } else {
            f64::NEG_INFINITY
        }
    };
    // Fraction along an edge from a (value va) to b (value vb) where the level is crossed.
    let frac = |va: f64, vb: f64| {
        if va.is_finite() && vb.is_finite() && (vb - va).abs() > 1e-300 {
            ((level - va) / (vb - va)).clamp(0.0, 1.0)
        } else {
            0.5
        }
    };
    for r in 0..ny - 1 {
        for c in 0..nx - 1 {
            // Corners: tl, tr, br, bl.
            let (tl, tr, br, bl) = (v(c, r), v(c + 1, r), v(c + 1, r + 1), v(c, r + 1));
            let idx = (tl >= level) as u8
                | ((tr >= level) as u8) << 1
                | ((br >= level) as u8) << 2
                | ((bl >= level) as u8) << 3;
            if idx == 0 || idx == 15 {
                continue;
            }
            let (cf, rf) = (c as f64, r as f64);
            let top = || to_data(cf + frac(tl, tr), rf);
            let right = || to_data(cf + 1.0, rf + frac(tr, br));
            let bottom = || to_data(cf + frac(bl, br), rf + 1.0);
            let left = || to_data(cf, rf + frac(tl, bl));
            let centre_high = (tl + tr + br + bl) / 4.0 >= level;
            match idx {
                1 | 14 => segs.push([left(), top()]),
                2 | 13 => segs.push([top(), right()]),
                4 | 11 => segs.push([right(), bottom()]),
                8 | 7 => segs.push([bottom(), left()]),
                3 | 12 => segs.push([left(), right()]),
                6 | 9 => segs.push([top(), bottom()]),
                5 => {
                    // tl and br high: a saddle, resolved by the centre value.
                    if centre_high {
                        segs.push([left(), bottom()]);
                        segs.push([top(), right()]);
                    } else {
                        segs.push([left(), top()]);
                        segs.push([right(), bottom()]);
                    }
                }
                10 => {
                    if centre_high {
                        segs.push([left(), top()]);
                        segs.push([right(), bottom()]);
                    } else {
                        segs.push([left(), bottom()]);
                        segs.push([top(), right()]);
                    }
                }
                _ => {}
            }
        }
    }
    segs
}
