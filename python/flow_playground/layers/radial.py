"""Radial layer (src/core/radial.rs; docs/maths/radial.md)::

    f(z) = z + β/(α + r)·(z − z₀),  r = ‖z − z₀‖,  α = softplus(α̂),  γ = α + β = softplus(β̂)
    log|det ∂f/∂z| = log((γ + r)/A) + log((r/A)·((r + 2α)/A) + (α/A)·(γ/A)),  A = α + r

Raw parameters ``z0x z0y alpha_raw beta_raw``; ``α`` and ``γ`` floored at 1e−100. The inverse is
closed form: ``r`` is the positive root of ``r² + (γ − ρ)r − αρ = 0``, ``ρ = ‖y − z₀‖``, taken
without cancellation, then ``z = z₀ + (α + r)/(γ + r)·(y − z₀)``.
"""

from .._scalar import softplus

N_PARAMS = 4
POS_MIN = 1e-100


class Params:
    def __init__(self, z0, alpha, gamma):
        self.z0, self.alpha, self.gamma = z0, alpha, gamma


def constrain(xp, raw):
    alpha = xp.max0(softplus(xp, raw[2]), POS_MIN)
    gamma = xp.max0(softplus(xp, raw[3]), POS_MIN)
    return Params((raw[0], raw[1]), alpha, gamma)


def _norm(xp, a, b):
    s = a * a + b * b
    ok = xp.isfinite(s) & (s > 1e-290)
    return xp.where(ok, xp.sqrt(xp.where(ok, s, 1.0)), xp.hypot(a, b))


def _log_det(xp, p, r):
    al, ga = p.alpha, p.gamma
    inv_a = 1.0 / (al + r)
    ra = (ga + r) * inv_a
    rb = (r * inv_a) * ((r + 2.0 * al) * inv_a) + (al * inv_a) * (ga * inv_a)
    return xp.log(ra) + xp.log(rb)


def forward(xp, p, z):
    d0, d1 = z[:, 0] - p.z0[0], z[:, 1] - p.z0[1]
    r = _norm(xp, d0, d1)
    q = (p.gamma - p.alpha) / (p.alpha + r)
    return xp.stack2(z[:, 0] + q * d0, z[:, 1] + q * d1), _log_det(xp, p, r)


def inverse(xp, p, y):
    al, ga = p.alpha, p.gamma
    d0, d1 = y[:, 0] - p.z0[0], y[:, 1] - p.z0[1]
    rho = _norm(xp, d0, d1)
    bb = ga - rho
    disc = _norm(xp, bb, 2.0 * xp.sqrt(al * rho))
    pos = bb > 0.0
    r = xp.where(pos, 2.0 * al * rho / xp.where(pos, bb + disc, 1.0), 0.5 * (disc - bb))
    k = (al + r) / (ga + r)
    z = xp.stack2(p.z0[0] + k * d0, p.z0[1] + k * d1)
    return z, _log_det(xp, p, r)


def describe(xp, p):
    return {"z0": [float(p.z0[0]), float(p.z0[1])], "alpha": float(p.alpha),
            "beta": float(p.gamma - p.alpha)}
