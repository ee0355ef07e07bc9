//! The training tape: a batched forward pass through `f_1..f_K` that stores every layer's
//! input (the planar `tanh` and `1/det` activations, the coupling conditioners' hidden
//! activations), then the hand-written backward pass (docs/maths/training.md, "The tape and the
//! backward pass"; each layer's in docs/maths/) that accumulates the flat raw-parameter gradient.
//!
//! Both objectives run the layers in their forward direction (data → latent for maximum
//! likelihood, base → model for reverse KL), so the same tape serves both; the seeds differ
//! (`g_y = z/B` or `β∇U/B` at the top, `g_L = −1/B` for every layer). Layout is
//! structure-of-arrays: block `k` of `zx`/`zy` (length `B`) is the input of layer `k`, block `K`
//! the output. The layers' maps are refilled in place each step ([`LayerMap::assign`]), so
//! nothing is allocated once the buffers have reached the batch size (apart from
//! `matrixmultiply`'s packing buffer inside each coupling-conditioner product).

use super::flow::{flush_product, orient, Flow, PRODUCT_BUDGET};
use super::layer::LayerMap;
use super::mlp::{MlpActs, MlpGrads};
use super::planar::Planar;
use super::radial::Radial;
use super::scale::Scale;
use super::sylvester::Sylvester;

/// Reusable forward activations and backward buffers for one batch.
#[derive(Clone, Debug, Default)]
pub struct Tape {
    b: usize,
    k: usize,
    zx: Vec<f64>,
    zy: Vec<f64>,
    th: Vec<f64>,
    inv_det: Vec<f64>,
    det: Vec<f64>,
    logdet: Vec<f64>,
    gx: Vec<f64>,
    gy: Vec<f64>,
    maps: Vec<LayerMap>,
    /// Conditioner activations per layer (empty for the small kinds).
    acts: Vec<MlpActs>,
    mlp_grads: MlpGrads,
}

impl Tape {
    /// An empty tape.
    pub fn new() -> Self {
        Self::default()
    }

    fn grow(v: &mut Vec<f64>, n: usize) {
        if v.len() < n {
            v.resize(n, 0.0);
        }
    }

    /// Batch size of the last forward pass.
    pub fn batch(&self) -> usize {
        self.b
    }

    /// Runs `f_1..f_K` (at `t = 1`) on the batch `(xs, ys)`, recording the activations.
    pub fn forward(&mut self, flow: &Flow, xs: &[f64], ys: &[f64]) {
        let (b, k) = (xs.len().min(ys.len()), flow.len());
        self.b = b;
        self.k = k;
        for v in [&mut self.zx, &mut self.zy] {
            Self::grow(v, (k + 1) * b);
        }
        Self::grow(&mut self.th, k * b);
        Self::grow(&mut self.inv_det, k * b);
        for v in [&mut self.det, &mut self.logdet, &mut self.gx, &mut self.gy] {
            Self::grow(v, b);
        }
        for (i, &kind) in flow.kinds().iter().enumerate() {
            let p = &flow.params()[flow.param_range(i)];
            let o = orient(flow.direction());
            match self.maps.get_mut(i) {
                Some(m) => m.assign_oriented(kind, p, 1.0, o),
                None => self.maps.push(LayerMap::new_oriented(kind, p, 1.0, o)),
            }
        }
        self.maps.truncate(k);
        if self.acts.len() < k {
            self.acts.resize_with(k, MlpActs::default);
        }
        self.zx[..b].copy_from_slice(&xs[..b]);
        self.zy[..b].copy_from_slice(&ys[..b]);
        let (det, logdet) = (&mut self.det[..b], &mut self.logdet[..b]);
        det.fill(1.0);
        logdet.fill(0.0);
        let mut budget = 0.0;
        for (i, m) in self.maps.iter().enumerate() {
            let bound = m.log_det_bound();
            if budget + bound > PRODUCT_BUDGET {
                flush_product(det, logdet);
                budget = 0.0;
            }
            budget += bound;
            let (inp_x, out_x) = self.zx.split_at_mut((i + 1) * b);
            let (inp_y, out_y) = self.zy.split_at_mut((i + 1) * b);
            let (ix, iy) = (&inp_x[i * b..], &inp_y[i * b..]);
            let (ox, oy) = (&mut out_x[..b], &mut out_y[..b]);
            match m {
                LayerMap::Planar(p) => {
                    let blk = i * b..(i + 1) * b;
                    p.forward_tape(
                        ix,
                        iy,
                        ox,
                        oy,
                        &mut self.th[blk.clone()],
                        &mut self.inv_det[blk],
                        det,
                    )
                }
                LayerMap::Radial(r) => r.forward_tape(ix, iy, ox, oy, det),
                LayerMap::Sylvester(m) => {
                    ox.copy_from_slice(&ix[..b]);
                    oy.copy_from_slice(&iy[..b]);
                    m.forward_batch(ox, oy, det);
                }
                LayerMap::Affine(m) => m.forward_tape(ix, iy, ox, oy, det, &mut self.acts[i]),
                LayerMap::Spline(m) => m.forward_tape(ix, iy, ox, oy, det, &mut self.acts[i]),
                LayerMap::Scale(m) => m.forward_tape(ix, iy, ox, oy, det),
                LayerMap::Cnf(m) => {
                    ox.copy_from_slice(&ix[..b]);
                    oy.copy_from_slice(&iy[..b]);
                    m.forward_batch(ox, oy, det);
                }
            }
        }
        flush_product(det, logdet);
    }

    /// The flow's output `f_K∘…∘f_1(x)` for the last batch.
    pub fn output(&self) -> (&[f64], &[f64]) {
        let (b, k) = (self.b, self.k);
        (&self.zx[k * b..(k + 1) * b], &self.zy[k * b..(k + 1) * b])
    }

    /// The input batch of the last forward pass.
    pub fn input(&self) -> (&[f64], &[f64]) {
        (&self.zx[..self.b], &self.zy[..self.b])
    }

    /// `Σ_k log|det J_{f_k}|` per sample of the last batch.
    pub fn log_det(&self) -> &[f64] {
        &self.logdet[..self.b]
    }

    /// The upstream gradient `∂ℓ/∂(output)` to fill before [`Tape::backward`]; after it, this
    /// holds `∂ℓ/∂(input)`.
    pub fn seeds_mut(&mut self) -> (&mut [f64], &mut [f64]) {
        (&mut self.gx[..self.b], &mut self.gy[..self.b])
    }

    /// The output and the seeds at once (to compute the seeds from the output).
    pub fn output_and_seeds(&mut self) -> (&[f64], &[f64], &mut [f64], &mut [f64]) {
        let (b, k) = (self.b, self.k);
        (
            &self.zx[k * b..(k + 1) * b],
            &self.zy[k * b..(k + 1) * b],
            &mut self.gx[..b],
            &mut self.gy[..b],
        )
    }

    /// Backpropagates the seeds, with the batch-constant `g_l = ∂ℓ/∂(log det of each layer)`,
    /// adding the raw-parameter gradient into `grads` (the flow's flat layout). `flow` must be
    /// the flow of the last [`Tape::forward`].
    pub fn backward(&mut self, flow: &Flow, g_l: f64, grads: &mut [f64]) {
        let b = self.b;
        for i in (0..self.k).rev() {
            let (zx, zy) = (&self.zx[i * b..(i + 1) * b], &self.zy[i * b..(i + 1) * b]);
            let (gx, gy) = (&mut self.gx[..b], &mut self.gy[..b]);
            let r = flow.param_range(i);
            let raw = &flow.params()[r.clone()];
            let g = &mut grads[r];
            match &self.maps[i] {
                LayerMap::Planar(_) => {
                    let blk = i * b..(i + 1) * b;
                    Planar::from_params(raw).backward_batch(
                        zx,
                        zy,
                        &self.th[blk.clone()],
                        &self.inv_det[blk],
                        gx,
                        gy,
                        g_l,
                        g,
                    )
                }
                LayerMap::Radial(_) => {
                    Radial::from_params(raw).backward_batch(zx, zy, gx, gy, g_l, g)
                }
                LayerMap::Sylvester(_) => {
                    Sylvester::from_params(raw).backward_batch(zx, zy, gx, gy, g_l, g)
                }
                LayerMap::Affine(m) => {
                    m.backward_batch(zx, zy, &self.acts[i], &mut self.mlp_grads, gx, gy, g_l, g)
                }
                LayerMap::Spline(m) => {
                    m.backward_batch(zx, zy, &self.acts[i], &mut self.mlp_grads, gx, gy, g_l, g)
                }
                LayerMap::Scale(_) => {
                    Scale::from_params(raw).backward_batch(zx, zy, gx, gy, g_l, g)
                }
                // Point by point through the solver (cnf/through_ode.rs).
                LayerMap::Cnf(m) => {
                    for j in 0..b {
                        let gz = m.backward([zx[j], zy[j]], [gx[j], gy[j]], g_l, g);
                        gx[j] = gz[0];
                        gy[j] = gz[1];
                    }
                }
            }
        }
    }
}
