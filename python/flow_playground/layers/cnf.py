"""Continuous layers (src/core/cnf/{layer,planar_cnf,mlp_field,solve,density}.rs;
docs/maths/continuous.md): the ODE ``dz/dt = v(z, t)`` over ``t ∈ [0, 1]`` (base at 0, model at
1) with the augmented state ``A``, ``dA/dt = tr ∂v/∂z``, integrated by a fixed-step scheme.

- ``cnf-planar`` (width ``M``): ``v = Σₘ uₘ(t)·tanh(wₘ(t)ᵀz + bₘ(t))``, every parameter linear in
  ``t``; raw parameters per unit ``u⁰₁ u⁰₂ w⁰₁ w⁰₂ b⁰ u¹₁ u¹₂ w¹₁ w¹₂ b¹``;
  ``tr = Σₘ sech²(aₘ)·wₘᵀuₘ``.
- ``cnf-mlp``: ``[z₁, z₂, t] → 64 → 64 → 2``, SiLU, raw ``W1 (64×3) | c1 | W2 (64×64) | c2 |
  W3 (2×64) | c3`` row-major; exact trace ``d₂ᵀ M d₁`` with ``dᵢ = s′(aᵢ)`` and
  ``M = W₂ ∘ (W₃ᵀ W₁[:, :2]ᵀ)``.

Solvers: ``euler``, ``midpoint``, ``rk4`` with ``steps`` equal steps (src/core/cnf/solve.rs).
A layer's forward map depends on the flow's direction (``Orient``): generative ``φ₁`` (solve
0 → 1), normalizing ``φ₁⁻¹`` (solve 1 → 0), ``log|det| = A`` of that solve. The inverse runs the
same scheme the other way and returns ``−A``: it inverts the discrete map up to the solver's
error, exactly as the engine does.
"""

from .._scalar import sech2

PER_UNIT = 10
MLP_WIDTH = 64
MLP_N_PARAMS = 3 * 64 + 64 + 64 * 64 + 64 + 2 * 64 + 2
METHODS = ("euler", "midpoint", "rk4")
MAX_WIDTH = 64
MAX_STEPS = 128
DEFAULTS = {"cnf-mlp": ("rk4", 8, None), "cnf-planar": ("rk4", 16, 8)}


class Spec:
    """A continuous layer's field, solver and steps (``width`` for the planar field)."""

    def __init__(self, field, method, steps, width=None):
        self.field, self.method, self.steps, self.width = field, method, steps, width

    def n_params(self):
        return MLP_N_PARAMS if self.field == "cnf-mlp" else PER_UNIT * self.width

    def as_dict(self):
        d = {"solver": self.method, "steps": self.steps}
        if self.width is not None:
            d["width"] = self.width
        return d

    def __repr__(self):
        w = f", width={self.width}" if self.width is not None else ""
        return f"Spec({self.field!r}, {self.method!r}, steps={self.steps}{w})"


class Params:
    def __init__(self, spec, generative, field):
        self.spec, self.generative, self.field = spec, generative, field


def constrain(xp, raw, spec, generative):
    raw = xp.clip(raw, -1e6, 1e6)
    if spec.field == "cnf-mlp":
        field = _MlpField(xp, raw)
    else:
        field = _PlanarField(xp, raw.reshape(spec.width, PER_UNIT))
    return Params(spec, generative, field)


class _PlanarField:
    def __init__(self, xp, units):
        self.xp, self.units = xp, units

    def __call__(self, t, zx, zy):
        xp = self.xp
        vx = vy = tr = 0.0
        for m in range(self.units.shape[0]):
            p = self.units[m]
            u0, u1 = p[0] + t * p[5], p[1] + t * p[6]
            w0, w1 = p[2] + t * p[7], p[3] + t * p[8]
            b = p[4] + t * p[9]
            wu = w0 * u0 + w1 * u1
            a = w0 * zx + w1 * zy + b
            h = xp.tanh(a)
            vx = vx + u0 * h
            vy = vy + u1 * h
            tr = tr + sech2(xp, a) * wu
        return vx, vy, tr


def _silu(xp, a):
    sg = 1.0 / (1.0 + xp.exp(-xp.clip(a, -700.0, 700.0)))
    return a * sg, sg * (1.0 + a * (1.0 - sg))


class _MlpField:
    def __init__(self, xp, raw):
        h = MLP_WIDTH
        self.xp = xp
        self.w1 = raw[0:3 * h].reshape(h, 3)
        self.c1 = raw[3 * h:4 * h]
        self.w2 = raw[4 * h:4 * h + h * h].reshape(h, h)
        self.c2 = raw[4 * h + h * h:5 * h + h * h]
        self.w3 = raw[5 * h + h * h:7 * h + h * h].reshape(2, h)
        self.c3 = raw[7 * h + h * h:7 * h + h * h + 2]
        # M[i, j] = W2[i, j]·(W3[0, i]·W1[j, 0] + W3[1, i]·W1[j, 1])
        c = self.w3[0][:, None] * self.w1[:, 0][None, :] + self.w3[1][:, None] * self.w1[:, 1][None, :]
        self.m = self.w2 * c

    def __call__(self, t, zx, zy):
        xp = self.xp
        c = self.c1 + self.w1[:, 2] * t
        a1 = zx[:, None] * self.w1[:, 0][None, :] + zy[:, None] * self.w1[:, 1][None, :] + c[None, :]
        h1, d1 = _silu(xp, a1)
        a2 = xp.matmul(h1, self.w2.T) + self.c2[None, :]
        h2, d2 = _silu(xp, a2)
        v = xp.matmul(h2, self.w3.T) + self.c3[None, :]
        tr = (d2 * xp.matmul(d1, self.m.T)).sum(-1)
        return v[:, 0], v[:, 1], tr


def integrate(field, method, steps, t0, t1, zx, zy):
    """``(zx, zy, A)`` after ``steps`` fixed steps from ``t0`` to ``t1`` (either order)."""
    steps = max(1, steps)
    h = (t1 - t0) / steps
    acc = 0.0 * zx
    for i in range(steps):
        t = t0 + i * h
        kx, ky, kt = field(t, zx, zy)
        if method == "euler":
            zx, zy, acc = zx + h * kx, zy + h * ky, acc + h * kt
        elif method == "midpoint":
            kx, ky, kt = field(t + 0.5 * h, zx + 0.5 * h * kx, zy + 0.5 * h * ky)
            zx, zy, acc = zx + h * kx, zy + h * ky, acc + h * kt
        else:
            b = (1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0)
            ax, ay, at = b[0] * kx, b[0] * ky, b[0] * kt
            for s, c in enumerate((0.5, 0.5, 1.0)):
                kx, ky, kt = field(t + c * h, zx + c * h * kx, zy + c * h * ky)
                ax, ay, at = ax + b[s + 1] * kx, ay + b[s + 1] * ky, at + b[s + 1] * kt
            zx, zy, acc = zx + h * ax, zy + h * ay, acc + h * at
    return zx, zy, acc


def _span(p):
    return (0.0, 1.0) if p.generative else (1.0, 0.0)


def forward(xp, p, z):
    a, b = _span(p)
    with xp.errstate():
        zx, zy, acc = integrate(p.field, p.spec.method, p.spec.steps, a, b, z[:, 0], z[:, 1])
    return xp.stack2(zx, zy), acc


def inverse(xp, p, y):
    a, b = _span(p)
    with xp.errstate():
        zx, zy, acc = integrate(p.field, p.spec.method, p.spec.steps, b, a, y[:, 0], y[:, 1])
    return xp.stack2(zx, zy), -acc


def describe(xp, p):
    return p.spec.as_dict()

