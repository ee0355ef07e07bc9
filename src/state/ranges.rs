//! The ranges of the link's keys and the memory budget (see [`super::keys`], the table that
//! uses them): every bound is written once, here, and read by the table's write, read, check and
//! repair functions, by the session's fields and by the messages that name them.

use crate::core::layer::RAW_PARAM_LIMIT;
use crate::core::points::COORD_LIMIT;
use crate::core::LayerKind;

use super::text::fmt_f64;

/// A closed or half-open interval of reals, with how messages describe it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Real {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound (inclusive).
    pub hi: f64,
    /// The lower bound is excluded (`(lo, hi]`).
    pub open_lo: bool,
}

impl Real {
    /// Whether `v` lies in the interval (NaN never does).
    pub fn contains(&self, v: f64) -> bool {
        (if self.open_lo {
            v > self.lo
        } else {
            v >= self.lo
        }) && v <= self.hi
    }

    /// `in (0, 10]` or `between 0 and 10`.
    pub fn describe(&self) -> String {
        if self.open_lo {
            format!("in ({}, {}]", fmt_f64(self.lo), fmt_f64(self.hi))
        } else {
            format!("between {} and {}", fmt_f64(self.lo), fmt_f64(self.hi))
        }
    }
}

/// An inclusive range of whole numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Whole {
    /// Smallest value.
    pub lo: u64,
    /// Largest value.
    pub hi: u64,
}

impl Whole {
    /// Whether `v` lies in the range.
    pub fn contains(&self, v: u64) -> bool {
        (self.lo..=self.hi).contains(&v)
    }

    /// `1 to 8192`.
    pub fn describe(&self) -> String {
        format!("{} to {}", self.lo, self.hi)
    }
}

/// Version of the link format (the `v` key).
pub const FORMAT_VERSION: u32 = 1;
/// Layers: `K ∈ 0..=64`.
pub const LAYERS: Whole = Whole { lo: 0, hi: 64 };
/// Points a config (or an import, or the brush) may hold.
pub const POINTS: Whole = Whole { lo: 0, hi: 20_000 };
/// A preset's number of points.
pub const PRESET_N: Whole = Whole { lo: 1, hi: 20_000 };
/// A preset's jitter.
pub const NOISE: Real = Real {
    lo: 0.0,
    hi: 10.0,
    open_lo: false,
};
/// Learning rate: the same range as the field accepts (absurd rates are allowed on purpose, to
/// show divergence and its recovery).
pub const LR: Real = Real {
    lo: 0.0,
    hi: 1e6,
    open_lo: true,
};
/// Minibatch size (and the memory budget below).
pub const BATCH: Whole = Whole { lo: 1, hi: 8192 };
/// Annealing length in steps.
pub const ANNEAL_STEPS: Whole = Whole {
    lo: 10,
    hi: 1_000_000,
};
/// Gradient-norm clip threshold (or off).
pub const CLIP: Real = Real {
    lo: 0.0,
    hi: 1e6,
    open_lo: true,
};
/// Timeline speed, stages per second.
pub const SPEED: Real = Real {
    lo: 0.0,
    hi: 100.0,
    open_lo: true,
};
/// A view centre coordinate.
pub const CENTER: Real = Real {
    lo: -COORD_LIMIT,
    hi: COORD_LIMIT,
    open_lo: false,
};
/// The view's half-width.
pub const HALF_EXTENT: Real = Real {
    lo: 1e-3,
    hi: 1e4,
    open_lo: false,
};
/// Raw parameters, each within `±RAW_PARAM_LIMIT`.
pub const PARAM: Real = Real {
    lo: -RAW_PARAM_LIMIT,
    hi: RAW_PARAM_LIMIT,
    open_lo: false,
};
/// Entries of the hide list.
pub const HIDE_ENTRIES: Whole = Whole { lo: 0, hi: 32 };
/// The paper's annealing length: β reaches 1 after 10,000 steps.
pub const ANNEAL_STEPS_PAPER: u32 = 10_000;
/// The fast schedule the lessons use (β = 1 after 1,500 steps).
pub const ANNEAL_STEPS_FAST: u32 = 1_500;

/// Most memory (bytes) training a state may need: 128 MiB. The largest stacks (64 spline
/// coupling layers) train on at most ~1,900 points per minibatch within it.
pub const TRAIN_BUDGET_BYTES: usize = 128 << 20;

/// Training memory per minibatch point and layer (bytes), by kind: the tape of activations and
/// gradients one step keeps. Measured natively (`tests/state_budget.rs`: 49 B for the small
/// kinds, 750 B for affine coupling, 919 B for spline coupling), rounded up.
pub fn point_layer_bytes(kind: LayerKind) -> usize {
    match kind {
        LayerKind::Planar | LayerKind::Radial | LayerKind::Sylvester | LayerKind::Scale => 64,
        LayerKind::Affine(_) => 800,
        LayerKind::Spline(_) => 1000,
        // The tape keeps the layer's input; the backward pass re-solves one point at a time.
        LayerKind::Cnf(_) => 64,
    }
}

/// Estimated training memory of a stack of `kinds` on minibatches of `batch` points.
pub fn train_bytes(kinds: &[LayerKind], batch: usize) -> usize {
    let per_point: usize = 64 + kinds.iter().map(|&k| point_layer_bytes(k)).sum::<usize>();
    batch.saturating_mul(per_point)
}

/// The largest minibatch (within [`BATCH`]) that trains `kinds` within [`TRAIN_BUDGET_BYTES`].
pub fn max_batch(kinds: &[LayerKind]) -> usize {
    let per_point = train_bytes(kinds, 1).max(1);
    (TRAIN_BUDGET_BYTES / per_point).clamp(1, BATCH.hi as usize)
}
