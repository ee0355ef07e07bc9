//! A flow: a stack of layers over the standard 2-D Gaussian base `N(0, I)`, with all raw
//! parameters in one flat `Vec<f64>` (what Adam, the URL codec and the gradient checker see).
//!
//! ## Direction: what the layers' forward maps mean
//! - [`Direction::Generative`] (reverse KL to an energy; the paper's setting): `z₀ ~ N(0, I)`,
//!   `x = f_K∘…∘f_1(z₀)`. Sampling is cheap; the density needs the layers' inverses.
//! - [`Direction::Normalizing`] (maximum likelihood on points; FlowJAX-style):
//!   `z = f_K∘…∘f_1(x)`, `log p(x) = log N(z) + Σ_k log|det J_{f_k}|`. The density is cheap;
//!   sampling needs the inverses.
//!
//! ## Stages: always generative
//! The visualiser shows the generative steps `g_1..g_K` from the base to the model:
//! `g_k = f_k` (Generative) or `g_k = f_{K+1−k}⁻¹` (Normalizing). Stage `s ∈ [0, K]` is real:
//! `s = j + t` applies `g_1..g_j` fully and `g_{j+1}` at fraction `t` (the fractional layer of
//! [`Layer::map`]; for Normalizing, `g_{j+1}` at `t` is the inverse of `f_{K−j}` at `t`).
//! Stage 0 is the base Gaussian, stage `K` the model. The density at stage `s` is the exact
//! push-forward `q_s(x) = N(z₀) · Π_k |det J_{g_k}(z_{k−1})|⁻¹`, pulled back from `x`.
//!
//! Batch methods take structure-of-arrays slices and a reusable [`Workspace`] (no allocation
//! after warm-up). Determinants are multiplied in a running product, flushed into a log sum
//! whenever the layers' worst-case bound would leave `e^{±650}` (usually one log per point).

use rand::Rng;

use super::cnf::layer::Orient;
use super::fastmath;
pub use super::grid::Grid;
use super::layer::{Layer, LayerKind, LayerMap};
use super::mlp::MlpActs;
use super::num::{fill_std_normal, std_normal_log_pdf, Vec2, LN_2PI};

/// Meaning of the layers' forward maps (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `x = f_K∘…∘f_1(z₀)`: sampling cheap, density through inverses.
    Generative,
    /// `z = f_K∘…∘f_1(x)`: density cheap, sampling through inverses.
    Normalizing,
}

/// How a continuous layer of a flow in direction `d` runs (`cnf/layer.rs`).
pub fn orient(d: Direction) -> Orient {
    match d {
        Direction::Generative => Orient::Generative,
        Direction::Normalizing => Orient::Normalizing,
    }
}

/// Largest `|Σ log det|` kept in a running product before it is flushed into a log.
pub(crate) const PRODUCT_BUDGET: f64 = 650.0;

/// Points per block in the batch loops: all layers run on one block while it sits in L1.
const BLOCK: usize = 256;

/// A stack of layers with flat raw parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    kinds: Vec<LayerKind>,
    offsets: Vec<usize>,
    params: Vec<f64>,
    direction: Direction,
}

/// One point traced through every stage (see [`Flow::probe`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// Position at stages `0..=K` (index = stage); `positions[K]` is the probed point.
    pub positions: Vec<Vec2>,
    /// `log q₀(z₀)` of the base Gaussian at `positions[0]`.
    pub log_q0: f64,
    /// `step_terms[k−1] = −log|det J_{g_k}|` at the step's input `positions[k−1]`.
    pub step_terms: Vec<f64>,
    /// `log q_K(x) = log_q0 + Σ step_terms`.
    pub total: f64,
}

/// Reusable buffers for the batch methods; grows to the largest batch seen, then never
/// allocates again (coupling maps are refilled in place; `matrixmultiply`, behind the coupling
/// conditioners' products, allocates its own packing buffer per product).
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    maps: Vec<LayerMap>,
    /// Conditioner activations of coupling layers.
    mlp: MlpActs,
    zx: Vec<f64>,
    zy: Vec<f64>,
    det: Vec<f64>,
    acc: Vec<f64>,
    grid_x: Vec<f64>,
    grid_y: Vec<f64>,
    /// Pull-back scratch: a step's preimages, and a copy the determinant pass overwrites.
    inv_x: Vec<f64>,
    inv_y: Vec<f64>,
    tmp_x: Vec<f64>,
    tmp_y: Vec<f64>,
}

impl Workspace {
    fn resize(&mut self, n: usize) {
        for v in [
            &mut self.zx,
            &mut self.zy,
            &mut self.det,
            &mut self.acc,
            &mut self.inv_x,
            &mut self.inv_y,
            &mut self.tmp_x,
            &mut self.tmp_y,
        ] {
            if v.len() < n {
                v.resize(n, 0.0);
            }
        }
    }
}

/// Applies `maps` in order to `zx, zy` in place and writes each point's `Σ log det` to
/// `logdet`; `det` is scratch. One log per point per `PRODUCT_BUDGET` of worst-case log-det.
pub(crate) fn forward_chain(
    maps: &[LayerMap],
    zx: &mut [f64],
    zy: &mut [f64],
    det: &mut [f64],
    logdet: &mut [f64],
    acts: &mut MlpActs,
) {
    let n = zx.len();
    let (det, logdet) = (&mut det[..n], &mut logdet[..n]);
    det.fill(1.0);
    logdet.fill(0.0);
    let mut budget = 0.0;
    for m in maps {
        let b = m.log_det_bound();
        if budget + b > PRODUCT_BUDGET {
            flush_product(det, logdet);
            budget = 0.0;
        }
        m.forward_batch_with(zx, zy, det, acts);
        budget += b;
    }
    flush_product(det, logdet);
}

/// `logdet += ln det; det = 1`.
pub(crate) fn flush_product(det: &mut [f64], logdet: &mut [f64]) {
    for (d, l) in det.iter_mut().zip(logdet.iter_mut()) {
        *l += fastmath::ln(*d);
        *d = 1.0;
    }
}

impl Flow {
    /// A flow of the given layer kinds with all raw parameters zero. (Zero planar, radial,
    /// coupling and scale parameters are identity layers: `w = 0 ⇒ û = u = 0`; `α̂ = β̂ ⇒ β = 0`;
    /// a zero conditioner outputs 0; `ℓ = c = 0`. A zero Sylvester layer is a mild contraction,
    /// `mᵢ = softplus(0) − 1 ≈ −0.31`.)
    pub fn new(kinds: &[LayerKind], direction: Direction) -> Self {
        let mut offsets = Vec::with_capacity(kinds.len() + 1);
        let mut n = 0;
        for k in kinds {
            offsets.push(n);
            n += k.n_params();
        }
        offsets.push(n);
        Flow {
            kinds: kinds.to_vec(),
            offsets,
            params: vec![0.0; n],
            direction,
        }
    }

    /// A flow with the given raw parameters; `None` if `params.len()` does not match `kinds`.
    pub fn with_params(kinds: &[LayerKind], params: &[f64], direction: Direction) -> Option<Self> {
        let mut f = Flow::new(kinds, direction);
        if params.len() != f.params.len() {
            return None;
        }
        f.params.copy_from_slice(params);
        Some(f)
    }

    /// Number of layers `K`.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// True if the flow has no layers (the base Gaussian itself).
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The layer kinds, in application order `f_1..f_K`.
    pub fn kinds(&self) -> &[LayerKind] {
        &self.kinds
    }

    /// The direction.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Changes the direction (the parameters keep their values; the model changes meaning).
    pub fn set_direction(&mut self, d: Direction) {
        self.direction = d;
    }

    /// All raw parameters, layer after layer.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// Mutable raw parameters.
    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params
    }

    /// Range of layer `k` (0-based) in the flat parameter vector.
    pub fn param_range(&self, k: usize) -> std::ops::Range<usize> {
        self.offsets[k]..self.offsets[k + 1]
    }

    /// Layer `k` (0-based: `f_{k+1}`). Owned: a coupling layer's parameters are copied (the
    /// flow's own batch paths never call this for them).
    pub fn layer(&self, k: usize) -> Layer {
        Layer::from_params(self.kinds[k], &self.params[self.param_range(k)])
    }

    /// Replaces layer `k`'s parameters; `false` (and no change) if its kind differs.
    pub fn set_layer(&mut self, k: usize, layer: &Layer) -> bool {
        if k >= self.len() || layer.kind() != self.kinds[k] {
            return false;
        }
        let r = self.param_range(k);
        layer.write_params(&mut self.params[r]);
        true
    }

    /// Splits a stage `s` (clamped to `[0, K]`; NaN means `K`) into `(j, t)`, `s = j + t`,
    /// `t ∈ [0, 1)`.
    pub fn split_stage(&self, s: f64) -> (usize, f64) {
        let k = self.len();
        let s = if s.is_nan() {
            k as f64
        } else {
            s.clamp(0.0, k as f64)
        };
        let j = (s.floor() as usize).min(k);
        if j == k {
            (k, 0.0)
        } else {
            (j, s - j as f64)
        }
    }

    /// Index (0-based) of the layer behind generative step `g_k` (`k` 1-based).
    pub fn step_layer_index(&self, k: usize) -> usize {
        match self.direction {
            Direction::Generative => k - 1,
            Direction::Normalizing => self.len() - k,
        }
    }

    /// The map of the layer behind step `g_k` at fraction `t`. For Generative `g_k` is this
    /// map; for Normalizing it is its inverse.
    pub(crate) fn step_map(&self, k: usize, t: f64) -> LayerMap {
        let i = self.step_layer_index(k);
        let o = orient(self.direction);
        LayerMap::new_oriented(self.kinds[i], &self.params[self.param_range(i)], t, o)
    }

    /// Writes the map of step `g_k` at `t` into `maps[slot]` (refilled in place if it exists).
    fn put_step_map(&self, maps: &mut Vec<LayerMap>, slot: usize, k: usize, t: f64) {
        let i = self.step_layer_index(k);
        let (kind, p) = (self.kinds[i], &self.params[self.param_range(i)]);
        let o = orient(self.direction);
        match maps.get_mut(slot) {
            Some(m) => m.assign_oriented(kind, p, t, o),
            None => maps.push(LayerMap::new_oriented(kind, p, t, o)),
        }
    }

    /// Fills `maps` with the steps of stage `s` in pull-back order (`g_{j+1}` at `t` first,
    /// then `g_j .. g_1`).
    fn pullback_maps(&self, s: f64, maps: &mut Vec<LayerMap>) {
        let (j, t) = self.split_stage(s);
        let mut slot = 0;
        if t > 0.0 {
            self.put_step_map(maps, slot, j + 1, t);
            slot += 1;
        }
        for k in (1..=j).rev() {
            self.put_step_map(maps, slot, k, 1.0);
            slot += 1;
        }
        maps.truncate(slot);
    }

    /// Fills `maps` with the steps of stage `s` in push order (`g_1 .. g_j`, then `g_{j+1}` at `t`).
    fn push_maps(&self, s: f64, maps: &mut Vec<LayerMap>) {
        let (j, t) = self.split_stage(s);
        let mut slot = 0;
        for k in 1..=j {
            self.put_step_map(maps, slot, k, 1.0);
            slot += 1;
        }
        if t > 0.0 {
            self.put_step_map(maps, slot, j + 1, t);
            slot += 1;
        }
        maps.truncate(slot);
    }

    /// Log-density at stage `s` of the points `(xs[i], ys[i])`, written to `out[i]`.
    ///
    /// Normalizing: forward passes only (vectorized). Generative: pulls each point back through
    /// the exact inverses. A point whose pull-back fails (non-finite input) gets `−∞` (zero
    /// density); the output never contains NaN.
    pub fn log_density(&self, s: f64, xs: &[f64], ys: &[f64], out: &mut [f64], ws: &mut Workspace) {
        let n = xs.len().min(ys.len()).min(out.len());
        let mut maps = std::mem::take(&mut ws.maps);
        self.pullback_maps(s, &mut maps);
        match self.direction {
            Direction::Normalizing => {
                ws.resize(BLOCK.min(n));
                for start in (0..n).step_by(BLOCK) {
                    let m = BLOCK.min(n - start);
                    let (zx, zy) = (&mut ws.zx[..m], &mut ws.zy[..m]);
                    zx.copy_from_slice(&xs[start..start + m]);
                    zy.copy_from_slice(&ys[start..start + m]);
                    forward_chain(
                        &maps,
                        zx,
                        zy,
                        &mut ws.det[..m],
                        &mut ws.acc[..m],
                        &mut ws.mlp,
                    );
                    let out = &mut out[start..start + m];
                    for i in 0..m {
                        let v = -0.5 * (zx[i] * zx[i] + zy[i] * zy[i]) - LN_2PI + ws.acc[i];
                        out[i] = if v.is_nan() { f64::NEG_INFINITY } else { v };
                    }
                }
            }
            Direction::Generative => {
                ws.resize(BLOCK.min(n));
                for start in (0..n).step_by(BLOCK) {
                    let m = BLOCK.min(n - start);
                    pull_back_block(
                        &maps,
                        &xs[start..start + m],
                        &ys[start..start + m],
                        &mut out[start..start + m],
                        ws,
                    );
                }
            }
        }
        ws.maps = maps;
    }

    /// The base point of `x` at stage `s`: `x` pulled back through the steps up to `s` (each
    /// layer in the flow's own orientation, as [`Flow::log_density`] does). `None` if an inverse
    /// fails or a coordinate stops being finite.
    pub fn pull_back(&self, s: f64, x: Vec2) -> Option<Vec2> {
        let mut maps = Vec::new();
        self.pullback_maps(s, &mut maps);
        let mut z = x;
        for map in &maps {
            z = match self.direction {
                Direction::Generative => map.inverse(z)?.0,
                Direction::Normalizing => map.forward(z).0,
            };
            if !(z[0].is_finite() && z[1].is_finite()) {
                return None;
            }
        }
        Some(z)
    }

    /// Log-density at stage `s` on every cell centre of `grid`, written to `out` (length
    /// `grid.len()`, layout of [`Grid`]).
    pub fn log_density_grid(&self, s: f64, grid: &Grid, out: &mut [f64], ws: &mut Workspace) {
        let (mut gx, mut gy) = (
            std::mem::take(&mut ws.grid_x),
            std::mem::take(&mut ws.grid_y),
        );
        grid.fill(&mut gx, &mut gy);
        self.log_density(s, &gx, &gy, out, ws);
        ws.grid_x = gx;
        ws.grid_y = gy;
    }

    /// Pushes base-space points (stage 0) in place to stage `s`: Generative through the forward
    /// maps (vectorized), Normalizing through the exact inverses. Returns how many points could
    /// not be mapped (non-finite input); those keep their last finite position.
    pub fn push_to_stage(
        &self,
        s: f64,
        xs: &mut [f64],
        ys: &mut [f64],
        ws: &mut Workspace,
    ) -> usize {
        let n = xs.len().min(ys.len());
        let mut maps = std::mem::take(&mut ws.maps);
        self.push_maps(s, &mut maps);
        let mut failed = 0;
        match self.direction {
            Direction::Generative => {
                ws.resize(BLOCK.min(n));
                for start in (0..n).step_by(BLOCK) {
                    let end = (start + BLOCK).min(n);
                    for m in &maps {
                        ws.det[..end - start].fill(1.0);
                        m.forward_batch_with(
                            &mut xs[start..end],
                            &mut ys[start..end],
                            &mut ws.det[..end - start],
                            &mut ws.mlp,
                        );
                    }
                }
            }
            Direction::Normalizing => {
                // Block by block, layer by layer (vectorized planar inverses); a point whose
                // inverse fails stops there (`alive` = 0) and keeps its last finite position.
                ws.resize(BLOCK.min(n));
                for start in (0..n).step_by(BLOCK) {
                    let end = (start + BLOCK).min(n);
                    let len = end - start;
                    let (bx, by) = (&mut xs[start..end], &mut ys[start..end]);
                    let (ox, oy) = (&mut ws.zx[..len], &mut ws.zy[..len]);
                    let alive = &mut ws.det[..len];
                    alive.fill(1.0);
                    for m in &maps {
                        m.inverse_batch_with(bx, by, ox, oy, &mut ws.mlp);
                        for i in 0..len {
                            if alive[i] == 0.0 {
                                continue;
                            }
                            if ox[i].is_finite() && oy[i].is_finite() {
                                bx[i] = ox[i];
                                by[i] = oy[i];
                            } else {
                                alive[i] = 0.0;
                                failed += 1;
                            }
                        }
                    }
                }
            }
        }
        ws.maps = maps;
        failed
    }

    /// Traces one model-space point (stage `K`) back through every stage, with the density
    /// ledger. `None` if an inverse fails (non-finite input).
    pub fn probe(&self, x: Vec2) -> Option<Probe> {
        let k_max = self.len();
        let mut positions = vec![[0.0; 2]; k_max + 1];
        let mut step_terms = vec![0.0; k_max];
        positions[k_max] = x;
        let mut z = x;
        for k in (1..=k_max).rev() {
            let m = self.step_map(k, 1.0);
            let (zp, term) = match self.direction {
                // g_k = f: z_{k−1} = f⁻¹(z_k), term = −log det J_f(z_{k−1}).
                Direction::Generative => {
                    let (zp, l) = m.inverse(z)?;
                    (zp, -l)
                }
                // g_k = f⁻¹: z_{k−1} = f(z_k), log det J_{g_k}(z_{k−1}) = −log det J_f(z_k).
                Direction::Normalizing => {
                    let (zp, l) = m.forward(z);
                    (zp, l)
                }
            };
            if !(zp[0].is_finite() && zp[1].is_finite()) {
                return None;
            }
            positions[k - 1] = zp;
            step_terms[k - 1] = term;
            z = zp;
        }
        let log_q0 = std_normal_log_pdf(positions[0]);
        let total = log_q0 + step_terms.iter().sum::<f64>();
        Some(Probe {
            positions,
            log_q0,
            step_terms,
            total,
        })
    }

    /// `log|det J_{g_k}|` of generative step `k` (1-based) at fraction `t` (1 = the full step),
    /// at points given at the step's input stage `k−1`. Points whose inverse fails get 0.
    pub fn step_log_det(
        &self,
        k: usize,
        t: f64,
        xs: &[f64],
        ys: &[f64],
        out: &mut [f64],
        ws: &mut Workspace,
    ) {
        let n = xs.len().min(ys.len()).min(out.len());
        if k == 0 || k > self.len() {
            out[..n].fill(0.0);
            return;
        }
        let m = self.step_map(k, t);
        match self.direction {
            Direction::Generative => {
                ws.resize(n);
                ws.zx[..n].copy_from_slice(&xs[..n]);
                ws.zy[..n].copy_from_slice(&ys[..n]);
                ws.det[..n].fill(1.0);
                m.forward_batch_with(
                    &mut ws.zx[..n],
                    &mut ws.zy[..n],
                    &mut ws.det[..n],
                    &mut ws.mlp,
                );
                for (o, d) in out[..n].iter_mut().zip(&ws.det[..n]) {
                    *o = fastmath::ln(*d);
                }
            }
            Direction::Normalizing => {
                // g_k = f⁻¹: log|det J_g|(y) = −log det J_f(f⁻¹(y)), preimages in a batch.
                ws.resize(n);
                let (ix, iy) = (&mut ws.inv_x[..n], &mut ws.inv_y[..n]);
                m.inverse_batch_with(&xs[..n], &ys[..n], ix, iy, &mut ws.mlp);
                ws.tmp_x[..n].copy_from_slice(ix);
                ws.tmp_y[..n].copy_from_slice(iy);
                ws.det[..n].fill(1.0);
                m.forward_batch_with(
                    &mut ws.tmp_x[..n],
                    &mut ws.tmp_y[..n],
                    &mut ws.det[..n],
                    &mut ws.mlp,
                );
                let pre = ws.inv_x[..n].iter().zip(&ws.inv_y[..n]);
                for ((o, (x, y)), d) in out[..n].iter_mut().zip(pre).zip(&ws.det[..n]) {
                    *o = if x.is_finite() && y.is_finite() {
                        -fastmath::ln(*d)
                    } else {
                        0.0
                    };
                }
            }
        }
    }

    /// Exact samples from the model (stage `K`) into `xs`, `ys`. Returns the number of failed
    /// inverses (Normalizing only; 0 in practice).
    pub fn sample<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        xs: &mut [f64],
        ys: &mut [f64],
        ws: &mut Workspace,
    ) -> usize {
        fill_std_normal(rng, xs, ys);
        self.push_to_stage(self.len() as f64, xs, ys, ws)
    }

    /// Exact samples with their model log-density `log q_K(x)` (used by the reverse-KL
    /// evaluation and importance weights). A failed point gets `log_q = −∞`.
    pub fn sample_with_log_density<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        xs: &mut [f64],
        ys: &mut [f64],
        log_q: &mut [f64],
        ws: &mut Workspace,
    ) {
        let n = xs.len().min(ys.len()).min(log_q.len());
        fill_std_normal(rng, &mut xs[..n], &mut ys[..n]);
        for i in 0..n {
            log_q[i] = std_normal_log_pdf([xs[i], ys[i]]);
        }
        let mut maps = std::mem::take(&mut ws.maps);
        self.push_maps(self.len() as f64, &mut maps);
        match self.direction {
            Direction::Generative => {
                ws.resize(BLOCK.min(n));
                for start in (0..n).step_by(BLOCK) {
                    let (end, m) = ((start + BLOCK).min(n), BLOCK.min(n - start));
                    forward_chain(
                        &maps,
                        &mut xs[start..end],
                        &mut ys[start..end],
                        &mut ws.det[..m],
                        &mut ws.acc[..m],
                        &mut ws.mlp,
                    );
                    for (q, l) in log_q[start..end].iter_mut().zip(&ws.acc[..m]) {
                        *q -= l;
                    }
                }
            }
            Direction::Normalizing => {
                // g = f⁻¹: log|det J_g|(z) = −log det J_f(z'), z' = f⁻¹(z); block by block, a
                // batch of preimages per step, their forward determinants in a running product.
                ws.resize(BLOCK.min(n));
                for start in (0..n).step_by(BLOCK) {
                    let end = (start + BLOCK).min(n);
                    let len = end - start;
                    let (bx, by) = (&mut xs[start..end], &mut ys[start..end]);
                    let (det, acc) = (&mut ws.det[..len], &mut ws.acc[..len]);
                    det.fill(1.0);
                    acc.fill(0.0);
                    let mut budget = 0.0;
                    for m in &maps {
                        let bound = m.log_det_bound();
                        if budget + bound > PRODUCT_BUDGET {
                            flush_product(det, acc);
                            budget = 0.0;
                        }
                        budget += bound;
                        let (ix, iy) = (&mut ws.inv_x[..len], &mut ws.inv_y[..len]);
                        m.inverse_batch_with(bx, by, ix, iy, &mut ws.mlp);
                        ws.tmp_x[..len].copy_from_slice(ix);
                        ws.tmp_y[..len].copy_from_slice(iy);
                        m.forward_batch_with(
                            &mut ws.tmp_x[..len],
                            &mut ws.tmp_y[..len],
                            det,
                            &mut ws.mlp,
                        );
                        for i in 0..len {
                            if ix[i].is_finite() && iy[i].is_finite() {
                                bx[i] = ix[i];
                                by[i] = iy[i];
                            } else {
                                acc[i] = f64::NAN;
                            }
                        }
                    }
                    flush_product(det, acc);
                    for (q, a) in log_q[start..end].iter_mut().zip(acc.iter()) {
                        *q = if a.is_nan() {
                            f64::NEG_INFINITY
                        } else {
                            *q + a
                        };
                    }
                }
            }
        }
        ws.maps = maps;
    }
}

/// `log q(x)` by pulling `x` back through `maps` (each a generative step `g = map`, applied
/// through its inverse); `−∞` if an inverse fails.
/// Log-density of one block of points pulled back through `maps` (pull-back order): each step
/// solves all points' preimages in vectorized lock step ([`LayerMap::inverse_batch`]), then
/// multiplies their forward determinants into a running product (one log per point per
/// `PRODUCT_BUDGET`), so `log q = log N(z₀) − Σ log|det J|`. A point whose preimage is not
/// finite gets `−∞`. (Exact inverses; the determinants use the fast `tanh` of the forward pass.)
fn pull_back_block(maps: &[LayerMap], xs: &[f64], ys: &[f64], out: &mut [f64], ws: &mut Workspace) {
    let n = xs.len();
    let (zx, zy) = (&mut ws.zx[..n], &mut ws.zy[..n]);
    let (ix, iy) = (&mut ws.inv_x[..n], &mut ws.inv_y[..n]);
    let (tx, ty) = (&mut ws.tmp_x[..n], &mut ws.tmp_y[..n]);
    let (det, acc) = (&mut ws.det[..n], &mut ws.acc[..n]);
    zx.copy_from_slice(xs);
    zy.copy_from_slice(ys);
    det.fill(1.0);
    acc.fill(0.0);
    let mut budget = 0.0;
    for m in maps {
        let b = m.log_det_bound();
        if budget + b > PRODUCT_BUDGET {
            flush_product(det, acc);
            budget = 0.0;
        }
        m.inverse_batch_with(zx, zy, ix, iy, &mut ws.mlp);
        tx.copy_from_slice(ix);
        ty.copy_from_slice(iy);
        m.forward_batch_with(tx, ty, det, &mut ws.mlp);
        for i in 0..n {
            if ix[i].is_finite() && iy[i].is_finite() {
                zx[i] = ix[i];
                zy[i] = iy[i];
            } else {
                // Lost: keep a finite position (so later steps stay cheap) and a NaN mark.
                acc[i] = f64::NAN;
            }
        }
        budget += b;
    }
    flush_product(det, acc);
    for i in 0..n {
        let v = -0.5 * (zx[i] * zx[i] + zy[i] * zy[i]) - LN_2PI - acc[i];
        out[i] = if v.is_nan() { f64::NEG_INFINITY } else { v };
    }
}
