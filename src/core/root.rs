//! The bracketed scalar solver used by the planar inverse: safeguarded Newton
//! (Numerical Recipes *rtsafe*; docs/maths/planar.md, "The safeguarded Newton solver").
//!
//! For an increasing `g` with its root inside `[lo, hi]`, each iteration shrinks the bracket
//! with the sign of `g`, then takes the Newton step only if it lands strictly inside the
//! bracket **and** `|2g| ≤ |dx_before_last · g'|` (the step is at least halving); otherwise it
//! bisects. Plain Newton oscillates on the planar equation for `m ≳ 2` (test below), and a
//! bracket-only safeguard can crawl; this combination converges in 2–3 iterations typically and
//! never worse than bisection (~60 iterations for the full f64 range). An empty bracket
//! (`lo == hi`) returns `lo` at once (Bijectors.jl #204).

/// Outcome of [`rtsafe`]: the root and the number of iterations used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Root {
    /// The root estimate.
    pub x: f64,
    /// Function evaluations used.
    pub iterations: usize,
}

/// Iteration cap; bisection alone reaches f64 resolution on any finite bracket well before it.
pub const MAX_ITER: usize = 200;

/// Finds the root of an increasing function `g` (given as `x ↦ (g(x), g'(x))`) inside
/// `[lo, hi]`, starting from `x0` (clamped into the bracket).
///
/// Stops when a step is below `tol·(1 + |x|)`, or when a Newton step `dx` guarantees a next
/// error `c2·dx²` below that, where `c2 ≥ max|g''| / (2·min g')` over the bracket is supplied by
/// the caller (Newton's error bound; pass `f64::INFINITY` to disable). This saves the final
/// confirming evaluation. Returns `None` only if the bracket or `g` is not
/// finite. If the bracket does not actually contain a sign change (rounding at its ends), the
/// result converges to the end nearest the root, which is within rounding of it.
pub fn rtsafe<G: Fn(f64) -> (f64, f64)>(
    g: G,
    lo: f64,
    hi: f64,
    x0: f64,
    tol: f64,
    c2: f64,
) -> Option<Root> {
    if !(lo.is_finite() && hi.is_finite() && x0.is_finite()) {
        return None;
    }
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if lo == hi {
        return Some(Root {
            x: lo,
            iterations: 0,
        });
    }
    let mut x = x0.clamp(lo, hi);
    let mut dx_old = hi - lo;
    let mut dx = dx_old;
    for it in 1..=MAX_ITER {
        let (f, df) = g(x);
        if !(f.is_finite() && df.is_finite()) {
            return None;
        }
        if f == 0.0 {
            return Some(Root { x, iterations: it });
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let newton_inside = ((x - hi) * df - f) * ((x - lo) * df - f) < 0.0;
        let halving = (2.0 * f).abs() <= (dx_old * df).abs();
        dx_old = dx;
        if newton_inside && halving {
            dx = f / df;
            x -= dx;
            if c2 * dx * dx <= tol * (1.0 + x.abs()) {
                return Some(Root { x, iterations: it });
            }
        } else {
            dx = 0.5 * (hi - lo);
            x = lo + dx;
        }
        if dx.abs() <= tol * (1.0 + x.abs()) || hi - lo <= f64::EPSILON * (1.0 + x.abs()) {
            return Some(Root { x, iterations: it });
        }
    }
    Some(Root {
        x,
        iterations: MAX_ITER,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_the_oscillating_newton_case() {
        // docs/maths/planar.md, "The safeguarded Newton solver": plain Newton nearly 2-cycles here;
        // the root is −0.954.
        let (m, b, wy) = (4.23, 0.44, -2.95);
        let g = |a: f64| {
            let t = (a + b).tanh();
            (a + m * t - wy, 1.0 + m * (1.0 - t * t))
        };
        let r = rtsafe(g, wy - 2.0 * m, wy + 2.0 * m, wy, 1e-14, f64::INFINITY).unwrap();
        assert!(g(r.x).0.abs() < 1e-13, "{r:?}");
        assert!(r.iterations < 30);
    }

    #[test]
    fn empty_bracket_and_non_finite() {
        assert_eq!(
            rtsafe(|x| (x, 1.0), 2.0, 2.0, 0.0, 1e-12, 0.0).unwrap().x,
            2.0
        );
        assert!(rtsafe(|x| (x, 1.0), f64::NAN, 2.0, 0.0, 1e-12, 0.0).is_none());
        assert!(rtsafe(|_| (f64::NAN, 1.0), 0.0, 2.0, 1.0, 1e-12, 0.0).is_none());
    }
}
