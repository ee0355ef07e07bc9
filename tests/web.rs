//! Browser tests (wasm-bindgen-test in headless Chromium): the canvas path really puts pixels on
//! a real `<canvas>`, in the orientation the pure render code promises.
#![cfg(target_arch = "wasm32")]

use flow_playground::render::{Colormap, DensityScale, Heatmap, ViewTransform};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(w: u32, h: u32) -> web_sys::HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: web_sys::HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

#[wasm_bindgen_test]
fn density_blit_keeps_orientation() {
    // A density that is high in the top-right quadrant only (x > 0, y > 0 in data space).
    let n = 32usize;
    let view = ViewTransform::new(n as f64, n as f64);
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    view.pixel_centers(n, n, &mut xs, &mut ys);
    let log_p: Vec<f64> = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| if *x > 0.0 && *y > 0.0 { 0.0 } else { -30.0 })
        .collect();
    let mut rgba = Vec::new();
    Heatmap::new(Colormap::Viridis).colorize(&log_p, DensityScale::Linear, &mut rgba);

    let c = canvas(n as u32, n as u32);
    let ctx: web_sys::CanvasRenderingContext2d =
        c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let img = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&rgba),
        n as u32,
        n as u32,
    )
    .unwrap();
    ctx.put_image_data(&img, 0.0, 0.0).unwrap();

    let px = |cx: f64, cy: f64| ctx.get_image_data(cx, cy, 1.0, 1.0).unwrap().data().0;
    let bright = Colormap::Viridis.at(1.0);
    let dark = Colormap::Viridis.at(0.0);
    // Canvas top-right is data top-right.
    assert_eq!(&px(n as f64 - 2.0, 1.0)[..3], &bright);
    assert_eq!(&px(1.0, 1.0)[..3], &dark);
    assert_eq!(&px(n as f64 - 2.0, n as f64 - 2.0)[..3], &dark);
}
