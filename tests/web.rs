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

/// Seeded uniform numbers in [0, 1) (xorshift64), so the tests need no RNG crate here.
fn xorshift(mut state: u64) -> impl FnMut() -> f64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[wasm_bindgen_test]
fn simd128_planar_batch_inverse_is_the_scalar_inverse() {
    // The wasm build runs the planar batch inverse as explicit f64x2 SIMD (`core::planar`):
    // it must give the scalar solver's values bit for bit, here where it actually runs.
    use flow_playground::core::Planar;
    let mut u = xorshift(0x2545_f491_4f6c_dd1d);
    let mut rnd = move || u() - 0.5;
    for case in 0..200 {
        let s = if case % 4 == 0 { 6.0 } else { 1.5 };
        let p: Vec<f64> = (0..5).map(|_| s * rnd()).collect();
        let map = Planar::from_params(&p).map(1.0);
        let n = 131;
        let mut xs: Vec<f64> = (0..n).map(|_| 8.0 * rnd()).collect();
        let ys: Vec<f64> = (0..n).map(|_| 8.0 * rnd()).collect();
        xs[5] = f64::NAN;
        let (mut ox, mut oy) = (vec![0.0; n], vec![0.0; n]);
        map.inverse_batch(&xs, &ys, &mut ox, &mut oy);
        for i in 0..n {
            match map.inverse_point([xs[i], ys[i]]) {
                Some(z) => assert!(
                    z[0].to_bits() == ox[i].to_bits() && z[1].to_bits() == oy[i].to_bits(),
                    "case {case} point {i}: {z:?} vs ({}, {})",
                    ox[i],
                    oy[i]
                ),
                None => assert!(!(ox[i].is_finite() && oy[i].is_finite())),
            }
        }
    }
}

#[wasm_bindgen_test]
fn conditioner_kernels_in_the_browser_match_the_exact_scalar_path() {
    // Here the conditioner's batch kernels are the blocked ones (`core::mlp`): the inference
    // forward in f64 (to ~1e−14 of the scalar path) and the training pair in mixed precision
    // (f32 hidden layers: ~1e−6). The training gradient is checked against central
    // differences of the exact scalar path, on a batch that spans several chunks and a
    // ragged end.
    use flow_playground::core::mlp::{n_params, Mlp, MlpActs, MlpGrads};
    let mut u = xorshift(0x9e37_79b9_7f4a_7c15);
    let mut rnd = move || u() * 2.0 - 1.0;
    for out in [2, 23] {
        let p: Vec<f64> = (0..n_params(out)).map(|_| rnd()).collect();
        let mlp = Mlp::new(&p, out);
        let n = 37;
        let xs: Vec<f64> = (0..n).map(|_| 3.0 * rnd()).collect();
        let c: Vec<f64> = (0..out * n).map(|_| rnd()).collect();
        // ℓ = Σ_b Σ_j c_{jb}·o_j(x_b), exactly.
        let loss = |p: &[f64], xs: &[f64]| {
            let m = Mlp::new(p, out);
            let mut o = vec![0.0; out];
            let mut s = 0.0;
            for (b, &x) in xs.iter().enumerate() {
                m.eval(x, &mut o);
                s += (0..out).map(|j| c[j * n + b] * o[j]).sum::<f64>();
            }
            s
        };
        let mut acts = MlpActs::default();
        mlp.eval_batch(&xs, &mut acts);
        let mut o = vec![0.0; out];
        for (b, &x) in xs.iter().enumerate() {
            mlp.eval(x, &mut o);
            for (j, want) in o.iter().enumerate() {
                let got = acts.out_row(j)[b];
                assert!(
                    (got - want).abs() < 1e-13 * (1.0 + want.abs()),
                    "eval P={out}"
                );
            }
        }
        mlp.forward_batch(&xs, &mut acts);
        for (b, &x) in xs.iter().enumerate() {
            mlp.eval(x, &mut o);
            for (j, want) in o.iter().enumerate() {
                let got = acts.out_row(j)[b];
                assert!(
                    (got - want).abs() < 2e-6 * (1.0 + want.abs()),
                    "train P={out}"
                );
            }
        }
        let mut g = MlpGrads::default();
        g.reset(n, out);
        g.g_out_mut(out).copy_from_slice(&c);
        let (mut grads, mut g_x) = (vec![0.0; p.len()], vec![0.0; n]);
        mlp.backward_batch(&xs, &acts, &mut g, &mut grads, &mut g_x);
        let h = 1e-6;
        for q in (0..p.len()).step_by(7) {
            let (mut pp, mut pm) = (p.clone(), p.clone());
            pp[q] += h;
            pm[q] -= h;
            let fd = (loss(&pp, &xs) - loss(&pm, &xs)) / (2.0 * h);
            assert!(
                (grads[q] - fd).abs() <= 1e-5 * (1.0 + fd.abs()),
                "P={out} param {q}: {} vs {fd}",
                grads[q]
            );
        }
        for b in 0..n {
            let (mut xp, mut xm) = (xs.clone(), xs.clone());
            xp[b] += h;
            xm[b] -= h;
            let fd = (loss(&p, &xp) - loss(&p, &xm)) / (2.0 * h);
            assert!(
                (g_x[b] - fd).abs() <= 1e-5 * (1.0 + fd.abs()),
                "P={out} x {b}"
            );
        }
    }
}

mod gemm_cases;

/// The `f32x4` matrix product (`core::cnf::gemm_wasm`, SIMD128 here) is bit-identical to the
/// triple loop at tile-edge sizes and in every layout (`tests/core_gemm32.rs` runs the same
/// cases on the portable lanes natively).
#[wasm_bindgen_test]
fn simd_gemm_matches_triple_loop() {
    let sizes = [0, 1, 3, 4, 5, 7, 8, 9, 13, 33, 64, 65];
    assert_eq!(gemm_cases::check_all(&sizes), sizes.len().pow(3) * 9);
    assert_eq!(gemm_cases::check_all(&[64, 256]), 8 * 9);
}
