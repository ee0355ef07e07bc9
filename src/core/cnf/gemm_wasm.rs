//! An `f32` matrix product for WebAssembly SIMD128: `y ← a·b`, the 64 × 64 products of the
//! flow-matching field (`fm32.rs`: `W₂h₁` forward; `h₁ᵀ·g_a₂` and `g_a₂·W₂` backward;
//! `mlp_fast.rs`: the same forward and the trace's `M d₁` for pictures).
//!
//! **Why.** Natively these go through nalgebra's `gemm` → `matrixmultiply`, whose AVX2/FMA
//! kernels are fast; `matrixmultiply` has no wasm SIMD kernel, and its generic one runs scalar
//! in WebAssembly (README, "Speed"). [`super::mlp_fast::sgemm`] selects this file on `wasm32`
//! only; the portable twin of [`lanes`] (plain `[f32; 4]`) compiles the same blocking on every
//! other target, so the native tests (`tests/core_gemm32.rs`) check the logic against triple
//! loops, and `tests/web.rs` checks the real `f32x4` path in Chromium.
//!
//! **How** (the classic packed scheme, small): `b` is copied once into panels of [`NR`]
//! columns (`k`-major: the `NR` values of row `k` side by side), each block of [`MR`] rows of
//! `a` into one panel (`k`-major: the `MR` values of column `k` side by side); both are padded
//! with zeros to whole panels, so the micro-kernel ([`tile`]) never branches: per `k` it loads
//! two vectors of `a`, broadcasts four values of `b` and adds eight products into eight
//! accumulators (`MR × NR` = 8 × 4; eight of V8's sixteen vector registers: wider tiles spill,
//! `mlp/blocked.rs`). Packing reads any strides, so the transposed operands of the gradient
//! cost nothing extra; it is `O(mk + kn)` against the product's `O(mkn)`. Sums run in `k`
//! order with a separate multiply and add (no FMA in SIMD128), so a result differs from the
//! triple loop's only by `f32` rounding of a reordered sum.
//!
//! Safe code only: loads are built from fixed-size chunks (`f32x4(a[0], …)`), which LLVM
//! turns into one `v128.load`.

/// A strided `f32` matrix: `(data, rows, cols, row stride, column stride)`; element `(r, c)`
/// is `data[r·rs + c·cs]`.
pub type View<'a> = (&'a [f32], usize, usize, usize, usize);

/// Rows of `a` per micro-tile (two vectors).
pub const MR: usize = 8;
/// Columns of `b` per micro-tile.
pub const NR: usize = 4;

/// Four `f32` lanes: `v128` on WebAssembly with SIMD128, `[f32; 4]` elsewhere (same order of
/// operations, so the same results).
mod lanes {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    mod imp {
        use core::arch::wasm32::*;
        pub type V = v128;
        #[inline(always)]
        pub fn zero() -> V {
            f32x4_splat(0.0)
        }
        #[inline(always)]
        pub fn load(s: &[f32; 4]) -> V {
            f32x4(s[0], s[1], s[2], s[3])
        }
        #[inline(always)]
        pub fn splat(x: f32) -> V {
            f32x4_splat(x)
        }
        /// `acc + a·b` (rounded twice, as the scalar loop).
        #[inline(always)]
        pub fn mul_add(acc: V, a: V, b: V) -> V {
            f32x4_add(acc, f32x4_mul(a, b))
        }
        #[inline(always)]
        pub fn to_array(v: V) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(v),
                f32x4_extract_lane::<1>(v),
                f32x4_extract_lane::<2>(v),
                f32x4_extract_lane::<3>(v),
            ]
        }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    mod imp {
        pub type V = [f32; 4];
        #[inline(always)]
        pub fn zero() -> V {
            [0.0; 4]
        }
        #[inline(always)]
        pub fn load(s: &[f32; 4]) -> V {
            *s
        }
        #[inline(always)]
        pub fn splat(x: f32) -> V {
            [x; 4]
        }
        #[inline(always)]
        pub fn mul_add(acc: V, a: V, b: V) -> V {
            std::array::from_fn(|l| acc[l] + a[l] * b[l])
        }
        #[inline(always)]
        pub fn to_array(v: V) -> [f32; 4] {
            v
        }
    }
    pub use imp::*;
}

use lanes::V;

/// Reusable packing buffers (grown on demand; the product allocates nothing once they have).
#[derive(Clone, Debug, Default)]
pub struct GemmWork {
    a: Vec<f32>,
    b: Vec<f32>,
}

/// `y ← a·b` with `y` column-major `a.rows × b.cols` (leading dimension `a.rows`), any strides
/// for `a` and `b`. Panics if the inner dimensions differ or a buffer is too short.
#[inline(never)]
pub fn gemm(y: &mut [f32], a: View, b: View, work: &mut GemmWork) {
    let (m, k, n) = (a.1, a.2, b.2);
    assert_eq!(k, b.1, "inner dimensions");
    let y = &mut y[..m * n];
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        y.fill(0.0);
        return;
    }
    if a.4 == 1 && b.3 == 1 {
        return gemm_dot(y, a, b);
    }
    let bpack = pack_b(&mut work.b, b);
    for r0 in (0..m).step_by(MR) {
        let rows = MR.min(m - r0);
        let apack = pack_a(&mut work.a, a, r0, rows);
        for (p, bp) in bpack.chunks_exact(k * NR).enumerate() {
            let c0 = p * NR;
            let acc = tile(apack, bp);
            for (c, pair) in acc.chunks_exact(2).take(NR.min(n - c0)).enumerate() {
                let (lo, hi) = (lanes::to_array(pair[0]), lanes::to_array(pair[1]));
                let col = &mut y[(c0 + c) * m + r0..][..rows];
                for (r, v) in col.iter_mut().enumerate() {
                    *v = if r < 4 { lo[r] } else { hi[r - 4] };
                }
            }
        }
    }
}

/// Rows of `a` and columns of `b` per dot-product tile ([`gemm_dot`]).
const DR: usize = 4;
const DC: usize = 2;

/// `y ← a·b` when `a`'s rows and `b`'s columns are contiguous (`h₁ᵀ·g_a₂`: a sum over the
/// batch): tiles of [`DR`] × [`DC`] dot products, four partial sums per vector, no packing
/// (both operands are already `k`-major). The lanes are added at the end, so the sum's order
/// differs from the triple loop's (by `f32` rounding).
#[inline(never)]
fn gemm_dot(y: &mut [f32], a: View, b: View) {
    let ((ad, m, k, ars, _), (bd, _, n, _, bcs)) = (a, b);
    let kv = k - k % 4;
    for r0 in (0..m).step_by(DR) {
        let rows = DR.min(m - r0);
        // Missing rows / columns at the edges repeat the first one; their sums are dropped.
        let ar: [&[f32]; DR] =
            std::array::from_fn(|r| &ad[(r0 + if r < rows { r } else { 0 }) * ars..][..k]);
        for c0 in (0..n).step_by(DC) {
            let cols = DC.min(n - c0);
            let bc: [&[f32]; DC] =
                std::array::from_fn(|c| &bd[(c0 + if c < cols { c } else { 0 }) * bcs..][..k]);
            let mut acc = [lanes::zero(); DR * DC];
            for i in (0..kv).step_by(4) {
                let av: [V; DR] = std::array::from_fn(|r| lanes::load(quad(ar[r], i)));
                for (c, col) in bc.iter().enumerate() {
                    let bv = lanes::load(quad(col, i));
                    for r in 0..DR {
                        acc[c * DR + r] = lanes::mul_add(acc[c * DR + r], av[r], bv);
                    }
                }
            }
            for c in 0..cols {
                for r in 0..rows {
                    let l = lanes::to_array(acc[c * DR + r]);
                    let mut s = (l[0] + l[1]) + (l[2] + l[3]);
                    for i in kv..k {
                        s += ar[r][i] * bc[c][i];
                    }
                    y[(c0 + c) * m + r0 + r] = s;
                }
            }
        }
    }
}

/// `s[i .. i + 4]` as an array.
#[inline(always)]
fn quad(s: &[f32], i: usize) -> &[f32; 4] {
    s[i..i + 4].try_into().expect("4 lanes")
}

/// `len` zeros in `buf`, starting on a 16-byte boundary (a `v128` load that straddles two
/// cache lines costs about twice as much; `Vec<f32>` promises only 4-byte alignment).
fn aligned(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    buf.clear();
    buf.resize(len + 3, 0.0);
    let off = (buf.as_ptr() as usize / 4).wrapping_neg() % 4;
    &mut buf[off..off + len]
}

/// `b` (`k × n`) into panels of [`NR`] columns, `k`-major, zero-padded.
fn pack_b<'w>(buf: &'w mut Vec<f32>, b: View) -> &'w [f32] {
    let (data, k, n, rs, cs) = b;
    let dst = aligned(buf, n.div_ceil(NR) * NR * k);
    for c in 0..n {
        let panel = &mut dst[(c / NR) * NR * k..];
        copy_strided(&mut panel[c % NR..], NR, &data[c * cs..], rs, k);
    }
    dst
}

/// Rows `r0 .. r0 + rows` of `a` (`m × k`) into one panel of [`MR`] rows, `k`-major,
/// zero-padded.
fn pack_a<'w>(buf: &'w mut Vec<f32>, a: View, r0: usize, rows: usize) -> &'w [f32] {
    let (data, _, k, rs, cs) = a;
    let dst = aligned(buf, MR * k);
    if rs == 1 && rows == MR {
        // Column-major rows: one contiguous run of MR values per column.
        for (c, d) in dst.chunks_exact_mut(MR).enumerate() {
            d.copy_from_slice(&data[r0 + c * cs..][..MR]);
        }
    } else {
        for r in 0..rows {
            copy_strided(&mut dst[r..], MR, &data[(r0 + r) * rs..], cs, k);
        }
    }
    dst
}

/// `dst[i·ds] = src[i·ss]` for `i < count` (no bounds check per element).
fn copy_strided(dst: &mut [f32], ds: usize, src: &[f32], ss: usize, count: usize) {
    let pairs = dst
        .iter_mut()
        .step_by(ds)
        .zip(src.iter().step_by(ss.max(1)));
    let mut copied = 0;
    for (d, &s) in pairs.take(count) {
        *d = s;
        copied += 1;
    }
    assert_eq!(copied, count, "operand shorter than its view");
}

/// The micro-kernel: the `MR × NR` product of an `a` panel and a `b` panel (same `k`), as
/// `NR` columns of two vectors each (`[col 0 rows 0–3, col 0 rows 4–7, col 1 …]`).
#[inline(always)]
fn tile(ap: &[f32], bp: &[f32]) -> [V; 2 * NR] {
    let mut acc = [lanes::zero(); 2 * NR];
    for (a, b) in ap.chunks_exact(MR).zip(bp.chunks_exact(NR)) {
        let (a0, a1) = a.split_at(4);
        let (a0, a1) = (
            lanes::load(a0.try_into().expect("4 lanes")),
            lanes::load(a1.try_into().expect("4 lanes")),
        );
        for (j, &bj) in b.iter().enumerate() {
            let s = lanes::splat(bj);
            acc[2 * j] = lanes::mul_add(acc[2 * j], a0, s);
            acc[2 * j + 1] = lanes::mul_add(acc[2 * j + 1], a1, s);
        }
    }
    acc
}
