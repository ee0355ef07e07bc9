//! Point sets (structure of arrays) and the validation of user data before training.
//!
//! Maximum likelihood needs a point cloud with some spread in two directions: with no points,
//! one point, identical points or points on a line the likelihood is unbounded (the flow can
//! collapse onto them), so training is refused with a [`DataError`] whose `Display` is the
//! message to show. Validation is O(n), never panics and never produces NaN.

use std::fmt;

use super::num::Vec2;

/// Coordinates beyond this magnitude are rejected (the view box is a few units wide).
pub const COORD_LIMIT: f64 = 1e4;

/// A point set, structure of arrays: point `i` is `(x[i], y[i])`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Points {
    /// x coordinates.
    pub x: Vec<f64>,
    /// y coordinates.
    pub y: Vec<f64>,
}

impl Points {
    /// An empty set with room for `n` points.
    pub fn with_capacity(n: usize) -> Self {
        Points {
            x: Vec::with_capacity(n),
            y: Vec::with_capacity(n),
        }
    }

    /// From `[x, y]` pairs.
    pub fn from_pairs(pairs: &[Vec2]) -> Self {
        Points {
            x: pairs.iter().map(|p| p[0]).collect(),
            y: pairs.iter().map(|p| p[1]).collect(),
        }
    }

    /// Number of points (the shorter of the two columns).
    pub fn len(&self) -> usize {
        self.x.len().min(self.y.len())
    }

    /// True if there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a point.
    pub fn push(&mut self, p: Vec2) {
        self.x.push(p[0]);
        self.y.push(p[1]);
    }

    /// Point `i`.
    pub fn get(&self, i: usize) -> Vec2 {
        [self.x[i], self.y[i]]
    }

    /// Iterates over the points.
    pub fn iter(&self) -> impl Iterator<Item = Vec2> + '_ {
        self.x.iter().zip(&self.y).map(|(&a, &b)| [a, b])
    }

    /// Splits off the last `⌊frac·n⌋` points (e.g. a held-out set); `self` keeps the rest.
    pub fn split_off_fraction(&mut self, frac: f64) -> Points {
        let n = self.len();
        let k = ((frac.clamp(0.0, 1.0) * n as f64) as usize).min(n);
        Points {
            x: self.x.split_off(n - k),
            y: self.y.split_off(n - k),
        }
    }
}

/// Why a point set cannot be trained on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DataError {
    /// No points at all.
    Empty,
    /// Exactly one point.
    SinglePoint,
    /// A coordinate is NaN, infinite or beyond ±[`COORD_LIMIT`].
    NonFinite {
        /// Index of the first offending point.
        index: usize,
    },
    /// All points coincide.
    AllEqual,
    /// All points lie on one line.
    Collinear,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Empty => write!(f, "There are no points to fit. Draw some points or load a preset."),
            DataError::SinglePoint => {
                write!(f, "There is only one point. A density fitted to one point collapses onto it; add more points.")
            }
            DataError::NonFinite { index } => write!(
                f,
                "Point {} has a coordinate that is not a finite number within ±{COORD_LIMIT}.",
                index + 1
            ),
            DataError::AllEqual => write!(
                f,
                "All points are at the same place. The likelihood is unbounded there; spread the points out."
            ),
            DataError::Collinear => write!(
                f,
                "All points lie on one line. A 2-D density can squeeze onto a line without bound; add points off the line."
            ),
        }
    }
}

impl std::error::Error for DataError {}

/// Checks that `points` can be fitted by maximum likelihood (see [`DataError`]).
pub fn validate(points: &Points) -> Result<(), DataError> {
    let n = points.len();
    if n == 0 {
        return Err(DataError::Empty);
    }
    if let Some(index) = points
        .iter()
        .position(|p| !p.iter().all(|c| c.is_finite() && c.abs() <= COORD_LIMIT))
    {
        return Err(DataError::NonFinite { index });
    }
    if n == 1 {
        return Err(DataError::SinglePoint);
    }
    let (mx, my) = (
        points.x[..n].iter().sum::<f64>() / n as f64,
        points.y[..n].iter().sum::<f64>() / n as f64,
    );
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for [x, y] in points.iter() {
        let (dx, dy) = (x - mx, y - my);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    let scale = mx.abs().max(my.abs()).max(1.0);
    let trace = sxx + syy;
    if trace <= (1e-12 * scale).powi(2) * n as f64 {
        return Err(DataError::AllEqual);
    }
    // Smallest eigenvalue of the scatter matrix relative to the largest: the spread across the
    // best-fitting line. Points on a line (up to rounding) give ~1e−16.
    let det = sxx * syy - sxy * sxy;
    let half = 0.5 * trace;
    let disc = (0.25 * (sxx - syy).powi(2) + sxy * sxy).sqrt();
    let (lmax, lmin) = (half + disc, (det / (half + disc)).max(0.0));
    if lmin <= 1e-10 * lmax {
        return Err(DataError::Collinear);
    }
    Ok(())
}
