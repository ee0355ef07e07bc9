"""Orthogonal Sylvester layer with ``M = 2`` (src/core/sylvester.rs; docs/maths/sylvester.md)::

    f(z) = z + Q R tanh(R̃ Qᵀ z + b),  Q = rotation by θ,  R, R̃ upper triangular
    r̃ᵢᵢ = e^{λᵢ},  rᵢᵢ = e^{−λᵢ}(κᵢ − 1),  κᵢ = softplus ρᵢ   (so mᵢ = rᵢᵢr̃ᵢᵢ > −1)
    log|det ∂f/∂z| = Σᵢ log(tanh²aᵢ + κᵢ·sech²aᵢ),  a = R̃Qᵀz + b

Raw parameters ``theta lambda1 lambda2 rho1 rho2 r12 rt12 b1 b2``; ``λ`` clamped to ±30, ``κ``
floored at 1e−100. The inverse works in the rotated frame ``v = Qᵀz``, where the map is
triangular: two scalar solves (second coordinate first), as in the engine.
"""

from .._scalar import sech2, softplus, solve_planar_equation

N_PARAMS = 9
LAMBDA_LIMIT = 30.0
KAPPA_MIN = 1e-100


class Params:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def constrain(xp, raw):
    theta = raw[0]
    lam = [xp.clip(raw[1 + i], -LAMBDA_LIMIT, LAMBDA_LIMIT) for i in range(2)]
    kap = [xp.max0(softplus(xp, raw[3 + i]), KAPPA_MIN) for i in range(2)]
    return Params(
        cs=(xp.cos(theta), xp.sin(theta)),
        rt=(xp.exp(lam[0]), xp.exp(lam[1])),
        rt12=raw[6],
        r=(xp.exp(-lam[0]) * (kap[0] - 1.0), xp.exp(-lam[1]) * (kap[1] - 1.0)),
        r12=raw[5],
        b=(raw[7], raw[8]),
        kappa=(kap[0], kap[1]),
    )


def _log_det(xp, p, a0, a1):
    def term(a, k):
        th = xp.tanh(a)
        return xp.log(th * th + k * sech2(xp, a))

    return term(a0, p.kappa[0]) + term(a1, p.kappa[1])


def forward(xp, p, z):
    c, s = p.cs
    v0 = c * z[:, 0] + s * z[:, 1]
    v1 = -s * z[:, 0] + c * z[:, 1]
    a0 = p.rt[0] * v0 + p.rt12 * v1 + p.b[0]
    a1 = p.rt[1] * v1 + p.b[1]
    h0, h1 = xp.tanh(a0), xp.tanh(a1)
    vp0 = v0 + p.r[0] * h0 + p.r12 * h1
    vp1 = v1 + p.r[1] * h1
    return xp.stack2(c * vp0 - s * vp1, s * vp0 + c * vp1), _log_det(xp, p, a0, a1)


def inverse(xp, p, y):
    c, s = p.cs
    u0 = c * y[:, 0] + s * y[:, 1]
    u1 = -s * y[:, 0] + c * y[:, 1]
    m0, m1 = p.kappa[0] - 1.0, p.kappa[1] - 1.0
    al2 = solve_planar_equation(xp, m1, p.kappa[1], p.b[1], p.rt[1] * u1)
    a2 = al2 + p.b[1]
    t2 = xp.tanh(a2)
    v2 = u1 - p.r[1] * t2
    w1 = u0 - p.r12 * t2
    c1 = p.rt12 * v2 + p.b[0]
    al1 = solve_planar_equation(xp, m0, p.kappa[0], c1, p.rt[0] * w1)
    a1 = al1 + c1
    v1 = w1 - p.r[0] * xp.tanh(a1)
    z = xp.stack2(c * v1 - s * v2, s * v1 + c * v2)
    return z, _log_det(xp, p, a1, a2)


def describe(xp, p):
    f = float
    return {
        "R": [[f(p.r[0]), f(p.r12)], [0.0, f(p.r[1])]],
        "R_tilde": [[f(p.rt[0]), f(p.rt12)], [0.0, f(p.rt[1])]],
        "b": [f(p.b[0]), f(p.b[1])],
        "m": [f(p.kappa[0] - 1.0), f(p.kappa[1] - 1.0)],
    }
