"""Planar layer (src/core/planar.rs; docs/maths/planar.md), ``h = tanh``::

    f(z) = z + û·tanh(wᵀz + b)
    û    = u + (softplus(−s) − 1)·w/‖w‖²,  s = wᵀu      (so wᵀû = softplus(s) − 1 > −1)
    log|det ∂f/∂z| = log(tanh²a + κ·sech²a),  a = wᵀz + b,  κ = softplus(s)

Raw parameters ``u0 u1 w0 w1 b``. ``‖w‖²`` is floored at 1e−24 (then ``κ = 1 + wᵀû``) and ``κ``
at 1e−100, as in the engine. The inverse solves ``α + m·tanh(α + b) = wᵀy`` (``m = κ − 1``) for
``α = wᵀz`` with the engine's safeguarded Newton, then ``z = y − û·tanh(α + b)``.
"""

from .._scalar import sech2, softplus, solve_planar_equation

N_PARAMS = 5
W_NORM2_MIN = 1e-24
KAPPA_MIN = 1e-100


class Params:
    def __init__(self, uh, w, b, kappa):
        self.uh, self.w, self.b, self.kappa = uh, w, b, kappa


def constrain(xp, raw):
    u0, u1, w0, w1, b = (raw[i] for i in range(5))
    s = w0 * u0 + w1 * u1
    n_raw = w0 * w0 + w1 * w1
    n = xp.max0(n_raw, W_NORM2_MIN)
    c = softplus(xp, -s) - 1.0
    uh = (u0 + c * w0 / n, u1 + c * w1 / n)
    kappa = xp.where(n_raw >= W_NORM2_MIN, softplus(xp, s), 1.0 + s + c * n_raw / n)
    return Params(uh, (w0, w1), b, xp.max0(kappa, KAPPA_MIN))


def _log_det(xp, p, a):
    th = xp.tanh(a)
    return xp.log(th * th + p.kappa * sech2(xp, a))


def forward(xp, p, z):
    a = p.w[0] * z[:, 0] + p.w[1] * z[:, 1] + p.b
    th = xp.tanh(a)
    y = xp.stack2(z[:, 0] + th * p.uh[0], z[:, 1] + th * p.uh[1])
    return y, _log_det(xp, p, a)


def inverse(xp, p, y):
    wy = p.w[0] * y[:, 0] + p.w[1] * y[:, 1]
    al = solve_planar_equation(xp, p.kappa - 1.0, p.kappa, p.b, wy)
    a = al + p.b
    th = xp.tanh(a)
    z = xp.stack2(y[:, 0] - th * p.uh[0], y[:, 1] - th * p.uh[1])
    return z, _log_det(xp, p, a)


def describe(xp, p):
    """The constrained values as the model file's ``constrained`` object spells them."""
    return {"u_hat": [float(p.uh[0]), float(p.uh[1])], "w": [float(p.w[0]), float(p.w[1])],
            "b": float(p.b)}
