//! Shared by `tests/core_gemm32.rs` (native: the portable lanes) and `tests/web.rs` (Chromium:
//! the SIMD128 lanes): `gemm_wasm::gemm` against the plain triple loop, at many sizes and
//! layouts. The packed path sums in `k` order with one rounding per multiply and per add, as
//! the loop does, so its results must be bit-identical; the dot-product path (`a` row-major,
//! `b` column-major) keeps four partial sums, so it must agree within the rounding bound of a
//! reordered sum, `2k·ε·Σ|a b|`.

use flow_playground::core::cnf::gemm_wasm::{gemm, GemmWork, View};

/// Deterministic values in `(−1, 1)` (a linear congruential generator).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// `y[r + c·m] = Σ_k a(r, k) b(k, c)`, summed in `k` order in `f32`, and `Σ_k |a b|`.
fn triple_loop(a: View, b: View) -> (Vec<f32>, Vec<f32>) {
    let (m, k, n) = (a.1, a.2, b.2);
    let (mut y, mut abs) = (vec![0.0f32; m * n], vec![0.0f32; m * n]);
    for c in 0..n {
        for r in 0..m {
            let (mut s, mut t) = (0.0f32, 0.0f32);
            for i in 0..k {
                let p = a.0[r * a.3 + i * a.4] * b.0[i * b.3 + c * b.4];
                s += p;
                t += p.abs();
            }
            y[r + c * m] = s;
            abs[r + c * m] = t;
        }
    }
    (y, abs)
}

/// The strides of an `r × c` matrix: column-major, row-major, or column-major with 3 spare
/// rows per column (a leading dimension larger than the row count).
fn strides(layout: usize, r: usize, c: usize) -> (usize, usize, usize) {
    match layout {
        0 => (1, r, r * c),
        1 => (c, 1, r * c),
        _ => (1, r + 3, (r + 3) * c),
    }
}

/// Every size in `sizes` for `m`, `k`, `n` and every layout pair: the kernel equals the loop
/// bit for bit and writes exactly `m·n` values. Returns the number of products checked.
pub fn check_all(sizes: &[usize]) -> usize {
    let mut work = GemmWork::default();
    let mut count = 0;
    for &m in sizes {
        for &k in sizes {
            for &n in sizes {
                for la in 0..3 {
                    for lb in 0..3 {
                        let (ars, acs, alen) = strides(la, m, k);
                        let (brs, bcs, blen) = strides(lb, k, n);
                        let ad = values(alen, (m * 1000 + k) as u64);
                        let bd = values(blen, (k * 1000 + n) as u64 + 7);
                        let a = (&ad[..], m, k, ars, acs);
                        let b = (&bd[..], k, n, brs, bcs);
                        let (want, abs) = triple_loop(a, b);
                        let mut y = vec![f32::NAN; m * n + 5];
                        gemm(&mut y, a, b, &mut work);
                        let dot = acs == 1 && brs == 1;
                        let tol = 2.0 * k as f32 * f32::EPSILON;
                        for (i, (got, want)) in y.iter().zip(&want).enumerate() {
                            let ok = if dot {
                                (got - want).abs() <= tol * abs[i]
                            } else {
                                got.to_bits() == want.to_bits()
                            };
                            assert!(
                                ok,
                                "m {m} k {k} n {n} layouts {la}/{lb}: y[{i}] = {got}, loop {want}"
                            );
                        }
                        assert!(y[m * n..].iter().all(|v| v.is_nan()), "wrote past m·n");
                        count += 1;
                    }
                }
            }
        }
    }
    count
}
