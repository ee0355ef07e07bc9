//! The `f32` matrix product of WebAssembly (`core::cnf::gemm_wasm`), compiled here with its
//! portable lanes (`[f32; 4]`, the same blocking and order of operations as the SIMD128 path):
//! bit-identical to the triple loop at every size from 0 to 65 (edges of the 8 × 4 tiles) and
//! in every layout the call sites use (column-major, row-major, a leading dimension larger
//! than the rows). `tests/web.rs` runs the same cases on the real `f32x4` path in Chromium.

mod gemm_cases;

#[test]
fn gemm_matches_triple_loop_at_odd_sizes_and_layouts() {
    let sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 17, 33, 64, 65];
    assert_eq!(gemm_cases::check_all(&sizes), sizes.len().pow(3) * 9);
}

#[test]
fn gemm_matches_triple_loop_at_the_trainers_shapes() {
    // n × 64 · 64 × 64 (n = a chunk of 256, the batch's tail), and the gradient's
    // 64 × n · n × 64 with both operands transposed in memory.
    assert_eq!(gemm_cases::check_all(&[64, 256]), 8 * 9);
    assert_eq!(gemm_cases::check_all(&[64, 100]), 8 * 9);
}

#[test]
#[should_panic(expected = "inner dimensions")]
fn gemm_rejects_mismatched_inner_dimensions() {
    use flow_playground::core::cnf::gemm_wasm::{gemm, GemmWork};
    let (a, b) = ([1.0f32; 6], [1.0f32; 6]);
    let mut y = [0.0f32; 4];
    gemm(
        &mut y,
        (&a, 2, 3, 1, 2),
        (&b, 2, 3, 1, 2),
        &mut GemmWork::default(),
    );
}
