"""Stable scalar helpers and the bracketed root solver, as the engine has them.

- ``softplus(x) = max(x, 0) + log1p(e^{-|x|})`` (src/core/num.rs).
- ``sech2(a)`` from ``e^{-2|a|}``, relatively accurate where ``1 - tanh²`` would cancel.
- :func:`rtsafe`: the safeguarded Newton of src/core/root.rs (Numerical Recipes *rtsafe*),
  vectorised: every lane runs the engine's scalar iteration (same bracket, start, Newton/bisection
  choice and stopping rules) until its own stop.
- :func:`solve_planar_equation`: ``α + m·tanh(α + c) = rhs`` on ``rhs ± 2|m|``, the scalar
  equation behind the planar and Sylvester inverses (src/core/planar.rs, sylvester.rs).
"""

import numpy as np

LN_2PI = 1.8378770664093453
EPSILON = float(np.finfo(np.float64).eps)
MAX_ITER = 200
INVERSE_TOL = 1e-14
# |g''| = |2m·tanh·sech²| ≤ (4/(3√3))|m|: the engine's Newton error constant.
C2_FACTOR = 0.769_800_358_919_501


def softplus(xp, x):
    return xp.max0(x, 0.0) + xp.log1p(xp.exp(-xp.abs(x)))


def sech2(xp, a):
    e = xp.exp(-2.0 * xp.abs(a))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def std_normal_log_pdf(z):
    """``log N(z; 0, I)`` of ``(n, 2)`` points (``−½‖z‖² − log 2π``)."""
    return -0.5 * (z[..., 0] * z[..., 0] + z[..., 1] * z[..., 1]) - LN_2PI


def rtsafe(xp, g, lo, hi, x0, tol, c2):
    """Roots of increasing ``g`` (``x ↦ (g, g')``, vectorised) in ``[lo, hi]`` from ``x0``.

    Lanes whose bracket, start or ``g`` is not finite come back NaN (the engine's ``None``).
    """
    with xp.errstate():
        failed = ~(xp.isfinite(lo) & xp.isfinite(hi) & xp.isfinite(x0))
        lo, hi = xp.where(lo <= hi, lo, hi), xp.where(lo <= hi, hi, lo)
        x = xp.clip(x0, lo, hi)
        done = failed | (lo == hi)
        x = xp.where(lo == hi, lo, x)
        dx_old = hi - lo
        dx = dx_old
        for _ in range(MAX_ITER):
            if xp.all(done):
                break
            f, df = g(x)
            bad = ~(xp.isfinite(f) & xp.isfinite(df)) & ~done
            failed = failed | bad
            done = done | bad | (f == 0.0)
            act = ~done
            neg = f < 0.0
            lo = xp.where(act & neg, x, lo)
            hi = xp.where(act & ~neg, x, hi)
            newton_inside = ((x - hi) * df - f) * ((x - lo) * df - f) < 0.0
            halving = xp.abs(2.0 * f) <= xp.abs(dx_old * df)
            newton = newton_inside & halving
            dx_n = f / df
            x_n = x - dx_n
            dx_b = 0.5 * (hi - lo)
            x_b = lo + dx_b
            new_dx = xp.where(newton, dx_n, dx_b)
            new_x = xp.where(newton, x_n, x_b)
            scale = tol * (1.0 + xp.abs(new_x))
            stop = (
                (newton & (c2 * dx_n * dx_n <= scale))
                | (xp.abs(new_dx) <= scale)
                | (hi - lo <= EPSILON * (1.0 + xp.abs(new_x)))
            )
            x = xp.where(act, new_x, x)
            dx_old = xp.where(act, dx, dx_old)
            dx = xp.where(act, new_dx, dx)
            done = done | (act & stop)
        return xp.where(failed, float("nan"), x)


def solve_planar_equation(xp, m, kappa, c, rhs):
    """``α`` with ``α + m·tanh(α + c) = rhs`` (``m = κ − 1 > −1``), per lane."""

    def g(al):
        th = xp.tanh(al + c)
        return al + m * th - rhs, th * th + kappa * sech2(xp, al + c)

    half = 2.0 * xp.abs(m)
    start = rhs - m * xp.tanh(rhs + c)
    c2 = C2_FACTOR * xp.abs(m) / (2.0 * xp.min0(kappa, 1.0))
    return rtsafe(xp, g, rhs - half, rhs + half, start, INVERSE_TOL, c2)
