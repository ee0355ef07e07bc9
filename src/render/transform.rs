//! The one coordinate transform between data space (y up) and canvas pixels (y down).
//!
//! A [`ViewTransform`] is a `Copy` value: a square data window (centre and half-width) shown in a
//! `width × height` pixel rectangle with uniform scale (the shorter side spans the full window).
//! Names follow the space they live in: `canvas_from_data` maps a data point to pixels.

/// Data window shown on a canvas of a given pixel size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    /// Centre of the view in data coordinates.
    pub center: [f64; 2],
    /// Half the data extent spanned by the canvas' shorter side.
    pub half_extent: f64,
    /// Canvas width in pixels.
    pub width: f64,
    /// Canvas height in pixels.
    pub height: f64,
}

impl ViewTransform {
    /// The default playground view: [−4, 4]² on a `width × height` canvas.
    pub fn new(width: f64, height: f64) -> Self {
        Self {
            center: [0.0, 0.0],
            half_extent: 4.0,
            width,
            height,
        }
    }

    /// Pixels per data unit.
    pub fn scale(&self) -> f64 {
        self.width.min(self.height) / (2.0 * self.half_extent)
    }

    /// Data point → canvas pixel (y flipped).
    pub fn canvas_from_data(&self, p: [f64; 2]) -> [f64; 2] {
        let s = self.scale();
        [
            self.width * 0.5 + (p[0] - self.center[0]) * s,
            self.height * 0.5 - (p[1] - self.center[1]) * s,
        ]
    }

    /// Canvas pixel → data point (inverse of [`Self::canvas_from_data`]).
    pub fn data_from_canvas(&self, c: [f64; 2]) -> [f64; 2] {
        let s = self.scale();
        [
            self.center[0] + (c[0] - self.width * 0.5) / s,
            self.center[1] - (c[1] - self.height * 0.5) / s,
        ]
    }

    /// Data-space bounds `[x_min, x_max, y_min, y_max]` of the whole canvas.
    pub fn data_bounds(&self) -> [f64; 4] {
        let [x0, y1] = self.data_from_canvas([0.0, 0.0]);
        let [x1, y0] = self.data_from_canvas([self.width, self.height]);
        [x0, x1, y0, y1]
    }

    /// Zoom by `factor` (> 1 zooms in) keeping the data point under canvas pixel `anchor` fixed.
    pub fn zoomed(&self, factor: f64, anchor: [f64; 2]) -> Self {
        if !(factor.is_finite() && factor > 0.0) {
            return *self;
        }
        let before = self.data_from_canvas(anchor);
        let half = (self.half_extent / factor).clamp(0.05, 1.0e3);
        let mut out = Self {
            half_extent: half,
            ..*self
        };
        let after = out.data_from_canvas(anchor);
        out.center = [
            out.center[0] + before[0] - after[0],
            out.center[1] + before[1] - after[1],
        ];
        out
    }

    /// Pan by a canvas-space displacement (the content follows the pointer).
    pub fn panned(&self, d_canvas: [f64; 2]) -> Self {
        let s = self.scale();
        Self {
            center: [
                self.center[0] - d_canvas[0] / s,
                self.center[1] + d_canvas[1] / s,
            ],
            ..*self
        }
    }

    /// Pixel-centre data coordinates of an `nx × ny` sampling grid covering the canvas, row-major
    /// from the top row (largest y) down, as structure-of-arrays.
    pub fn pixel_centers(&self, nx: usize, ny: usize, xs: &mut Vec<f64>, ys: &mut Vec<f64>) {
        xs.clear();
        ys.clear();
        let [x0, x1, y0, y1] = self.data_bounds();
        let dx = (x1 - x0) / nx as f64;
        let dy = (y1 - y0) / ny as f64;
        for row in 0..ny {
            let y = y1 - (row as f64 + 0.5) * dy;
            for col in 0..nx {
                xs.push(x0 + (col as f64 + 0.5) * dx);
                ys.push(y);
            }
        }
    }
}
