//! A prefix cache for pushing a fixed point set (the warped grid's vertices) to a stage.
//!
//! Pushing base points to stage `s` applies the generative steps `g_1 … g_⌈s⌉`; in a
//! Normalizing flow each step is an exact inverse (a root solve per point), so at `K = 32` the
//! grid costs tens of milliseconds. Editing one layer, or scrubbing within a layer, leaves the
//! first steps unchanged: this cache keeps the points pushed to stage `⌊s⌋ − 1` and reuses them
//! while the layers behind those steps keep exactly the same kinds and raw parameters (compared
//! value by value, so it can never serve stale points). The remaining one or two steps are
//! applied on every call. The result is the same sequence of operations as
//! [`Flow::push_to_stage`] from stage 0, so the points are bit-for-bit identical.

use crate::core::{Direction, Flow, LayerKind, Workspace};

/// Points pushed to an integer stage, with the exact prefix they depend on.
#[derive(Clone, Debug, Default)]
pub struct StageCache {
    stage: usize,
    k: usize,
    direction: Option<Direction>,
    kinds: Vec<LayerKind>,
    params: Vec<f64>,
    src_x: Vec<f64>,
    src_y: Vec<f64>,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

/// Layer indices behind the generative steps `g_{a+1} … g_b` (`a ≤ b ≤ K`), as a range.
fn layers_of_steps(flow: &Flow, a: usize, b: usize) -> std::ops::Range<usize> {
    let k = flow.len();
    match flow.direction() {
        Direction::Generative => a..b,
        // g_j = f_{K+1−j}⁻¹ is layer K − j (0-based).
        Direction::Normalizing => (k - b)..(k - a),
    }
}

/// The flat parameter range of layers `r`.
fn param_span(flow: &Flow, r: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    if r.is_empty() {
        return 0..0;
    }
    flow.param_range(r.start).start..flow.param_range(r.end - 1).end
}

/// Push points given at integer stage `a` on to stage `b ≥ a` (real), in place.
fn push_between(flow: &Flow, a: usize, b: f64, xs: &mut [f64], ys: &mut [f64], ws: &mut Workspace) {
    let k = flow.len();
    let b = b.clamp(a as f64, k as f64);
    let top = (b.ceil() as usize).min(k);
    if top <= a {
        return;
    }
    let layers = layers_of_steps(flow, a, top);
    let span = param_span(flow, &layers);
    let Some(sub) = Flow::with_params(
        &flow.kinds()[layers.clone()],
        &flow.params()[span],
        flow.direction(),
    ) else {
        return;
    };
    sub.push_to_stage(b - a as f64, xs, ys, ws);
}

impl StageCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the cached points are `src` pushed to `self.stage` by the current `flow`.
    fn valid(&self, flow: &Flow, src_x: &[f64], src_y: &[f64]) -> bool {
        if self.direction != Some(flow.direction())
            || self.k != flow.len()
            || self.stage > flow.len()
            || self.src_x != src_x
            || self.src_y != src_y
        {
            return false;
        }
        let layers = layers_of_steps(flow, 0, self.stage);
        flow.kinds()[layers.clone()] == self.kinds[..]
            && flow.params()[param_span(flow, &layers)] == self.params[..]
    }

    fn store(
        &mut self,
        flow: &Flow,
        stage: usize,
        src_x: &[f64],
        src_y: &[f64],
        xs: &[f64],
        ys: &[f64],
    ) {
        let layers = layers_of_steps(flow, 0, stage);
        self.stage = stage;
        self.k = flow.len();
        self.direction = Some(flow.direction());
        self.kinds.clear();
        self.kinds.extend_from_slice(&flow.kinds()[layers.clone()]);
        self.params.clear();
        self.params
            .extend_from_slice(&flow.params()[param_span(flow, &layers)]);
        copy_into(&mut self.src_x, src_x);
        copy_into(&mut self.src_y, src_y);
        copy_into(&mut self.xs, xs);
        copy_into(&mut self.ys, ys);
    }

    /// `out = src` pushed to stage `s` (as [`Flow::push_to_stage`] would), reusing the cached
    /// prefix when it is still exact. `out_x`, `out_y` are resized to the source's length.
    pub fn push(
        &mut self,
        flow: &Flow,
        s: f64,
        src_x: &[f64],
        src_y: &[f64],
        out_x: &mut Vec<f64>,
        out_y: &mut Vec<f64>,
        ws: &mut Workspace,
    ) {
        let n = src_x.len().min(src_y.len());
        let (src_x, src_y) = (&src_x[..n], &src_y[..n]);
        let k = flow.len();
        let s = if s.is_nan() {
            k as f64
        } else {
            s.clamp(0.0, k as f64)
        };
        // Cache one full step before the shown one: editing the layer behind the last step, or
        // scrubbing inside it, keeps the cache valid.
        let want = (s.floor() as usize).saturating_sub(1).min(k);
        let mut at = 0;
        if self.valid(flow, src_x, src_y) && self.stage <= want {
            copy_into(out_x, &self.xs);
            copy_into(out_y, &self.ys);
            at = self.stage;
        } else {
            copy_into(out_x, src_x);
            copy_into(out_y, src_y);
        }
        if want > at {
            push_between(flow, at, want as f64, out_x, out_y, ws);
            at = want;
            self.store(flow, want, src_x, src_y, out_x, out_y);
        }
        push_between(flow, at, s, out_x, out_y, ws);
    }
}

/// `dst ← src`, reusing the allocation.
fn copy_into(dst: &mut Vec<f64>, src: &[f64]) {
    dst.clear();
    dst.extend_from_slice(src);
}
