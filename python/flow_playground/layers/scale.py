"""Scale (elementwise affine, ActNorm) layer (src/core/scale.rs; docs/maths/scale.md)::

    f(z) = e^{ℓ} ⊙ z + c,   log|det ∂f/∂z| = ℓ₁ + ℓ₂,   f⁻¹(y) = e^{−ℓ} ⊙ (y − c)

Raw parameters ``log_scale1 log_scale2 shift1 shift2``; ``ℓ`` clamped to ±30 as in the engine.
"""

N_PARAMS = 4
LOG_SCALE_LIMIT = 30.0


class Params:
    def __init__(self, s, inv_s, c, log_det):
        self.s, self.inv_s, self.c, self.log_det = s, inv_s, c, log_det


def constrain(xp, raw):
    l0 = xp.clip(raw[0], -LOG_SCALE_LIMIT, LOG_SCALE_LIMIT)
    l1 = xp.clip(raw[1], -LOG_SCALE_LIMIT, LOG_SCALE_LIMIT)
    return Params((xp.exp(l0), xp.exp(l1)), (xp.exp(-l0), xp.exp(-l1)), (raw[2], raw[3]), l0 + l1)


def forward(xp, p, z):
    y = xp.stack2(p.s[0] * z[:, 0] + p.c[0], p.s[1] * z[:, 1] + p.c[1])
    return y, xp.full_like(z[:, 0], 0.0) + p.log_det


def inverse(xp, p, y):
    z = xp.stack2((y[:, 0] - p.c[0]) * p.inv_s[0], (y[:, 1] - p.c[1]) * p.inv_s[1])
    return z, xp.full_like(y[:, 0], 0.0) + p.log_det


def describe(xp, p):
    return {"scale": [float(p.s[0]), float(p.s[1])], "shift": [float(p.c[0]), float(p.c[1])]}
