//! Pure render functions against independent expectations.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::render::colormap::luminance;
use flow_playground::render::{Colormap, DensityScale, Heatmap, ViewTransform};

#[test]
fn viridis_matches_matplotlib() {
    // Entries of matplotlib's 256-entry viridis table (8-bit), mostly between the anchors we store.
    let cases = [
        (0, [68, 1, 84]),
        (37, [70, 51, 127]),
        (100, [42, 118, 142]),
        (127, [33, 144, 141]),
        (180, [70, 192, 111]),
        (251, [244, 230, 30]),
        (255, [253, 231, 37]),
    ];
    for (i, want) in cases {
        let got = Colormap::Viridis.at(i as f64 / 255.0);
        for ch in 0..3 {
            assert!(
                (got[ch] as i32 - want[ch]).abs() <= 1,
                "entry {i}: {got:?} vs {want:?}"
            );
        }
    }
}

#[test]
fn viridis_lightness_is_monotone() {
    // A sequential map must read in greyscale (and for colour-blind viewers): luminance strictly rises.
    let lut = Colormap::Viridis.lut();
    for pair in lut.windows(8).step_by(8) {
        assert!(
            luminance(pair[7]) > luminance(pair[0]),
            "{:?} -> {:?}",
            pair[0],
            pair[7]
        );
    }
}

#[test]
fn diverging_is_light_in_the_middle_and_dark_at_both_ends() {
    let mid = luminance(Colormap::Diverging.at(0.5));
    assert!(mid > 0.85);
    assert!(luminance(Colormap::Diverging.at(0.0)) < 0.3 * mid);
    assert!(luminance(Colormap::Diverging.at(1.0)) < 0.3 * mid);
    // Ends differ in hue (blue vs orange), not just lightness.
    let (a, b) = (Colormap::Diverging.at(0.0), Colormap::Diverging.at(1.0));
    assert!(a[2] > a[0] && b[0] > b[2]);
}

#[test]
fn transform_round_trip_and_y_flip() {
    let t = ViewTransform::new(640.0, 480.0);
    // The origin is at the canvas centre; data y up is canvas y down.
    assert_eq!(t.canvas_from_data([0.0, 0.0]), [320.0, 240.0]);
    let up = t.canvas_from_data([0.0, 1.0]);
    assert!(up[1] < 240.0);
    // The shorter side (480 px) spans [-4, 4].
    assert!((t.canvas_from_data([0.0, 4.0])[1] - 0.0).abs() < 1e-9);
    for p in [[1.5, -2.25], [-3.9, 3.9], [1e3, -1e-3]] {
        let q = t.data_from_canvas(t.canvas_from_data(p));
        assert!((q[0] - p[0]).abs() < 1e-9 && (q[1] - p[1]).abs() < 1e-9);
    }
    // Zoom keeps the anchor's data point fixed; pan moves content with the pointer.
    let anchor = [100.0, 50.0];
    let before = t.data_from_canvas(anchor);
    let z = t.zoomed(2.0, anchor);
    let after = z.data_from_canvas(anchor);
    assert!((before[0] - after[0]).abs() < 1e-9 && (before[1] - after[1]).abs() < 1e-9);
    assert!((z.half_extent - 2.0).abs() < 1e-12);
    let p = t.panned([10.0, 0.0]);
    assert!((p.canvas_from_data([0.0, 0.0])[0] - 330.0).abs() < 1e-9);
}

#[test]
fn pixel_centers_run_top_row_first() {
    let t = ViewTransform::new(4.0, 4.0);
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    t.pixel_centers(4, 4, &mut xs, &mut ys);
    assert_eq!(xs.len(), 16);
    // Pixel (0,0) is the top-left: smallest x, largest y; cells are 2 data units wide.
    assert_eq!((xs[0], ys[0]), (-3.0, 3.0));
    assert_eq!((xs[15], ys[15]), (3.0, -3.0));
    assert_eq!((xs[1], ys[4]), (-1.0, 1.0));
}

#[test]
fn heatmap_maps_max_to_top_colour_and_non_finite_to_bottom() {
    let mut h = Heatmap::new(Colormap::Viridis);
    let log_p = [0.0, -1.0, f64::NAN, f64::NEG_INFINITY, -50.0];
    let mut rgba = Vec::new();
    h.colorize(&log_p, DensityScale::Linear, &mut rgba);
    assert_eq!(rgba.len(), 20);
    assert_eq!(&rgba[0..3], &Colormap::Viridis.at(1.0));
    assert_eq!(&rgba[8..11], &Colormap::Viridis.at(0.0));
    assert_eq!(&rgba[12..15], &Colormap::Viridis.at(0.0));
    assert!(rgba.chunks(4).all(|p| p[3] == 255));
    // Linear: e^{-1} of the max; log with a 10-nat range: 0.9 of the way up.
    let lut = Colormap::Viridis.lut();
    assert_eq!(
        &rgba[4..7],
        &lut[(255.0 * (-1.0f64).exp()).round() as usize]
    );
    h.colorize(&log_p, DensityScale::Log { range: 10.0 }, &mut rgba);
    assert_eq!(&rgba[4..7], &lut[(255.0 * 0.9f64).round() as usize]);
    assert_eq!(h.max_log, 0.0);
}
