//! Log-density grid → RGBA pixels.
//!
//! Input: `n_x × n_y` log-densities, row-major from the top row (the order produced by
//! [`super::ViewTransform::pixel_centers`]). Output: an RGBA byte buffer of the same size, ready for
//! `ImageData`; CSS scales the small canvas up. Non-finite log-densities (a point of zero density,
//! or a numerical failure upstream) draw as the colormap's lowest colour, never as garbage.

use super::colormap::{Colormap, Rgb};

/// How density values map to colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DensityScale {
    /// Colour ∝ p / max p.
    Linear,
    /// Colour ∝ log p over the `range` nats below the maximum (lower values clamp to the bottom).
    Log {
        /// Nats shown below the maximum.
        range: f64,
    },
}

/// Reusable colouring state: colormap table plus the last frame's value range (for the legend).
#[derive(Clone, Debug)]
pub struct Heatmap {
    lut: Vec<Rgb>,
    /// Largest finite log-density of the last frame (−∞ if none was finite).
    pub max_log: f64,
}

impl Heatmap {
    /// A heatmap colouring with `cmap`.
    pub fn new(cmap: Colormap) -> Self {
        Self {
            lut: cmap.lut(),
            max_log: f64::NEG_INFINITY,
        }
    }

    /// Colour `log_p` into `rgba` (resized to `4 · log_p.len()`), alpha 255.
    /// The normalisation is the maximum over this frame, kept in [`Self::max_log`].
    pub fn colorize(&mut self, log_p: &[f64], scale: DensityScale, rgba: &mut Vec<u8>) {
        let max_log = log_p
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        self.max_log = max_log;
        rgba.resize(log_p.len() * 4, 255);
        let top = self.lut.len() - 1;
        for (px, &lp) in rgba.chunks_exact_mut(4).zip(log_p) {
            let t = if !lp.is_finite() || !max_log.is_finite() {
                0.0
            } else {
                match scale {
                    DensityScale::Linear => (lp - max_log).exp(),
                    DensityScale::Log { range } => 1.0 + (lp - max_log) / range.max(1e-9),
                }
            };
            let idx = (t.clamp(0.0, 1.0) * top as f64).round() as usize;
            let c = self.lut[idx];
            px[0] = c[0];
            px[1] = c[1];
            px[2] = c[2];
            px[3] = 255;
        }
    }

    /// Colour values already in `[0, 1]` (clamped; non-finite → 0.5, the map's middle).
    pub fn colorize_unit(&mut self, unit: &[f64], rgba: &mut Vec<u8>) {
        rgba.resize(unit.len() * 4, 255);
        let top = self.lut.len() - 1;
        for (px, &u) in rgba.chunks_exact_mut(4).zip(unit) {
            let u = if u.is_finite() {
                u.clamp(0.0, 1.0)
            } else {
                0.5
            };
            let c = self.lut[(u * top as f64).round() as usize];
            px[..3].copy_from_slice(&c);
            px[3] = 255;
        }
    }
}
