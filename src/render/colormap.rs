//! Colour-blind-readable colormaps.
//!
//! * [`Colormap::Viridis`] — perceptually uniform, monotone in lightness, readable in grey and
//!   under the common colour-vision deficiencies; interpolated from 33 anchors of matplotlib's table.
//! * [`Colormap::Diverging`] — blue ↔ near-white ↔ orange (the blue/orange pair stays
//!   distinguishable for deuteranopes and protanopes); used for log |det J| (contracting vs expanding).

/// An sRGB colour with 8-bit channels.
pub type Rgb = [u8; 3];

/// The colormaps the app draws with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colormap {
    /// Sequential, for densities.
    Viridis,
    /// Diverging around the midpoint 0.5, for signed quantities.
    Diverging,
}

/// matplotlib's viridis, entries 0, 8, 16, …, 248 and 255 of its 256-entry table (8-bit sRGB);
/// interpolated linearly in between (max deviation from the full table: 1 level per channel).
const VIRIDIS: [[f64; 3]; 33] = [
    [68.0, 1.0, 84.0],
    [71.0, 13.0, 96.0],
    [72.0, 24.0, 106.0],
    [72.0, 35.0, 116.0],
    [71.0, 45.0, 123.0],
    [69.0, 55.0, 129.0],
    [66.0, 64.0, 134.0],
    [62.0, 73.0, 137.0],
    [59.0, 82.0, 139.0],
    [55.0, 91.0, 141.0],
    [51.0, 99.0, 141.0],
    [47.0, 107.0, 142.0],
    [44.0, 114.0, 142.0],
    [41.0, 122.0, 142.0],
    [38.0, 130.0, 142.0],
    [35.0, 137.0, 142.0],
    [33.0, 145.0, 140.0],
    [31.0, 152.0, 139.0],
    [31.0, 160.0, 136.0],
    [34.0, 167.0, 133.0],
    [40.0, 174.0, 128.0],
    [50.0, 182.0, 122.0],
    [63.0, 188.0, 115.0],
    [78.0, 195.0, 107.0],
    [94.0, 201.0, 98.0],
    [112.0, 207.0, 87.0],
    [132.0, 212.0, 75.0],
    [152.0, 216.0, 62.0],
    [173.0, 220.0, 48.0],
    [194.0, 223.0, 35.0],
    [216.0, 226.0, 25.0],
    [236.0, 229.0, 27.0],
    [253.0, 231.0, 37.0],
];

/// Diverging anchors: dark blue, light blue, near-white, light orange, dark orange.
const DIVERGING: [[f64; 3]; 5] = [
    [33.0, 102.0, 172.0],
    [146.0, 197.0, 222.0],
    [247.0, 247.0, 247.0],
    [253.0, 184.0, 99.0],
    [179.0, 88.0, 6.0],
];

impl Colormap {
    /// Colour at `t ∈ [0, 1]` (clamped; NaN maps to 0).
    pub fn at(self, t: f64) -> Rgb {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        match self {
            Colormap::Viridis => {
                // Table index of anchor k is 8k (k < 32) and 255 for k = 32.
                let idx = t * 255.0;
                let k = ((idx / 8.0).floor() as usize).min(31);
                let (lo, hi) = (
                    8.0 * k as f64,
                    if k == 31 { 255.0 } else { 8.0 * (k + 1) as f64 },
                );
                lerp(VIRIDIS[k], VIRIDIS[k + 1], (idx - lo) / (hi - lo))
            }
            Colormap::Diverging => {
                let x = t * 4.0;
                let i = (x.floor() as usize).min(3);
                lerp(DIVERGING[i], DIVERGING[i + 1], x - i as f64)
            }
        }
    }

    /// A 256-entry lookup table, for per-pixel use without polynomial evaluation.
    pub fn lut(self) -> Vec<Rgb> {
        (0..256).map(|i| self.at(i as f64 / 255.0)).collect()
    }

    /// CSS `linear-gradient` stops for a legend bar (bottom → top when used with `to top`).
    pub fn css_gradient(self, direction: &str) -> String {
        let stops: Vec<String> = (0..=8)
            .map(|i| {
                let [r, g, b] = self.at(i as f64 / 8.0);
                format!("rgb({r},{g},{b}) {}%", i * 100 / 8)
            })
            .collect();
        format!("linear-gradient({direction}, {})", stops.join(", "))
    }
}

fn lerp(a: [f64; 3], b: [f64; 3], f: f64) -> Rgb {
    [0, 1, 2].map(|ch| (a[ch] + (b[ch] - a[ch]) * f).round().clamp(0.0, 255.0) as u8)
}

/// Relative luminance (WCAG) of an sRGB colour, used by tests and for picking legible overlay ink.
pub fn luminance(c: Rgb) -> f64 {
    let lin = |v: u8| {
        let s = v as f64 / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}
