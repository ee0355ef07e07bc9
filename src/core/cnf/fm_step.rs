//! The flow-matching step of the app's trainer (`core::train`): a minibatch drawn from the data
//! rows and the stream, its loss and gradient by the `f32` pass (`fm32.rs`).

use rand::Rng;

use super::fm::FmBatch;
use super::fm32::{loss_grad32, FmWork32};
use crate::core::num::normal_pair;

/// Reusable state of flow-matching steps inside the app's trainer (`core::train`): the
/// regression batch and the buffers of its `f32` pass (`fm32.rs`).
#[derive(Clone, Debug, Default)]
pub struct FmScratch {
    batch: FmBatch,
    work: FmWork32,
}

impl FmScratch {
    /// A flow-matching minibatch from data rows `(xs, ys)` (its `x₁`), with `x₀ ~ N(0, I)` and
    /// `t ~ U[0, 1)` from `rng`, and its loss at `params`; the gradient is written to `grads`.
    pub fn step<R: Rng + ?Sized>(
        &mut self,
        params: &[f64],
        xs: &[f64],
        ys: &[f64],
        rng: &mut R,
        grads: &mut [f64],
    ) -> f64 {
        self.batch.clear();
        for (&x, &y) in xs.iter().zip(ys) {
            let x0 = normal_pair(rng);
            let t = rng.random::<f64>();
            self.batch.push(x0, [x, y], t);
        }
        self.loss(params, Some(grads))
    }

    /// The loss of the last minibatch at `params` (and its gradient, if asked), in `f32` as the
    /// reference fits train.
    pub fn loss(&mut self, params: &[f64], grads: Option<&mut [f64]>) -> f64 {
        loss_grad32(params, &self.batch, grads, &mut self.work)
    }
}
