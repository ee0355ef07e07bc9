//! Adam (Kingma & Ba 2015) over a flat parameter slice, and global-norm gradient clipping.
//!
//! ```text
//!   m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²,   θ ← θ − lr·m̂/(√v̂ + ε)
//!   m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)           (β₁ = 0.9, β₂ = 0.999, ε = 1e−8)
//! ```
//! Same update as the JAX peer's `adam_step`. The whole optimiser state is plain data so the
//! trainer can snapshot and restore it when a step diverges.

/// Adam state for `n` parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    /// Learning rate.
    pub lr: f64,
    /// First-moment decay.
    pub beta1: f64,
    /// Second-moment decay.
    pub beta2: f64,
    /// Denominator guard.
    pub eps: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: u64,
}

impl Adam {
    /// Fresh state (zero moments) with the standard constants.
    pub fn new(n: usize, lr: f64) -> Self {
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    /// Zeroes the moments and the step count.
    pub fn reset(&mut self) {
        self.m.fill(0.0);
        self.v.fill(0.0);
        self.t = 0;
    }

    /// Updates taken so far.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Copies the moments and step count of `other` (same size) without allocating.
    pub fn copy_state_from(&mut self, other: &Adam) {
        self.m.copy_from_slice(&other.m);
        self.v.copy_from_slice(&other.v);
        self.t = other.t;
    }

    /// One update of `params` with gradient `grads` (same length as the state).
    pub fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        self.t += 1;
        let (b1, b2) = (self.beta1, self.beta2);
        let c1 = 1.0 / (1.0 - b1.powi(self.t.min(i32::MAX as u64) as i32));
        let c2 = 1.0 / (1.0 - b2.powi(self.t.min(i32::MAX as u64) as i32));
        for ((p, g), (m, v)) in params
            .iter_mut()
            .zip(grads)
            .zip(self.m.iter_mut().zip(self.v.iter_mut()))
        {
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            *p -= self.lr * (*m * c1) / ((*v * c2).sqrt() + self.eps);
        }
    }
}

/// Scales `grads` so its Euclidean norm is at most `max_norm`; returns the norm before clipping.
pub fn clip_global_norm(grads: &mut [f64], max_norm: f64) -> f64 {
    let norm = grads.iter().map(|g| g * g).sum::<f64>().sqrt();
    if norm > max_norm && norm.is_finite() {
        let s = max_norm / norm;
        grads.iter_mut().for_each(|g| *g *= s);
    }
    norm
}

impl Adam {
    /// Writes the whole state (constants, moments, step count) as words (`core::words`).
    pub fn write_words(&self, w: &mut super::words::Writer) {
        for x in [self.lr, self.beta1, self.beta2, self.eps] {
            w.f64(x);
        }
        w.f64s(&self.m);
        w.f64s(&self.v);
        w.u64(self.t);
    }

    /// Reads what [`Adam::write_words`] wrote, for `n` parameters.
    pub fn read_words(
        r: &mut super::words::Reader,
        n: usize,
    ) -> Result<Self, super::words::Malformed> {
        let (lr, beta1, beta2, eps) = (r.f64()?, r.f64()?, r.f64()?, r.f64()?);
        let (m, v) = (r.f64s(n)?, r.f64s(n)?);
        if m.len() != n || v.len() != n {
            return Err(super::words::Malformed(
                "optimiser size differs from the stack",
            ));
        }
        Ok(Adam {
            lr,
            beta1,
            beta2,
            eps,
            m,
            v,
            t: r.u64()?,
        })
    }
}
