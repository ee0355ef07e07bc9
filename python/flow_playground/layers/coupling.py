"""Coupling layers (src/core/coupling.rs, spline.rs, mlp.rs; docs/maths/coupling-*.md, mlp.md).

A coupling layer keeps one coordinate ``a`` (the letter of its type: ``affine-x`` keeps x) and
transforms the other, ``b``, by a monotone scalar map whose parameters the conditioner MLP
``1 → 32 → 32 → P`` (tanh after both hidden layers) computes from ``x_a``. Raw layout, matrices
row-major ``out × in``: ``W1 (32) | c1 (32) | W2 (32·32) | c2 (32) | W3 (P·32) | c3 (P)``.

- **affine** (RealNVP, ``P = 2``, outputs ``(ŝ, μ)``): ``s = 3·tanh(ŝ/3)``,
  ``y_b = x_b·e^{s} + μ``, ``log|det J| = s``.
- **spline** (rational-quadratic, ``P = 23``): 8 bins on ``[−3, 3]``, identity outside; widths
  and heights ``2B·(m + (1 − 8m)·softmax(θ))`` with ``m = 1e−3``, interior derivatives
  ``1e−3 + softplus(θᵟ + c_δ)``, end derivatives 1 (docs/maths/coupling-spline.md).
"""

from .._scalar import softplus

HIDDEN = 32
AFFINE_CLAMP = 3.0
BINS = 8
BOUND = 3.0
MIN_BIN = 1e-3
MIN_DERIV = 1e-3
DERIV_SHIFT = 0.539_742_417_236_952_1  # log(e^{0.999} − 1): zero logits give derivative 1
SPREAD = 2.0 * BOUND * (1.0 - BINS * MIN_BIN)
OUTPUTS = {"affine": 2, "spline": 3 * BINS - 1}


def n_params(outputs):
    return HIDDEN * HIDDEN + (3 + outputs) * HIDDEN + outputs


class Params:
    def __init__(self, kind, keep, w1, c1, w2, c2, w3, c3):
        self.kind, self.keep = kind, keep
        self.w1, self.c1, self.w2, self.c2, self.w3, self.c3 = w1, c1, w2, c2, w3, c3


def constrain(xp, raw, kind, keep):
    h, p = HIDDEN, OUTPUTS[kind]
    raw = xp.clip(raw, -1e6, 1e6)
    o = [0, h, 2 * h, 2 * h + h * h, 3 * h + h * h, 3 * h + h * h + p * h]
    return Params(
        kind,
        keep,
        raw[o[0]:o[1]],
        raw[o[1]:o[2]],
        raw[o[2]:o[3]].reshape(h, h),
        raw[o[3]:o[4]],
        raw[o[4]:o[5]].reshape(p, h),
        raw[o[5]:o[5] + p],
    )


def conditioner(xp, p, xa):
    """The MLP's outputs ``(n, P)`` for the kept coordinates ``xa`` ``(n,)``."""
    h1 = xp.tanh(xa[:, None] * p.w1[None, :] + p.c1[None, :])
    h2 = xp.tanh(xp.matmul(h1, p.w2.T) + p.c2[None, :])
    return xp.matmul(h2, p.w3.T) + p.c3[None, :]


def forward(xp, p, z):
    a, b = p.keep, 1 - p.keep
    o = conditioner(xp, p, z[:, a])
    yb, ld = (_affine_forward if p.kind == "affine" else _spline_forward)(xp, o, z[:, b])
    return _with(xp, z, b, yb), ld


def inverse(xp, p, y):
    a, b = p.keep, 1 - p.keep
    o = conditioner(xp, p, y[:, a])
    xb, ld = (_affine_inverse if p.kind == "affine" else _spline_inverse)(xp, o, y[:, b])
    return _with(xp, y, b, xb), ld


def _with(xp, z, b, col):
    return xp.stack2(col, z[:, 1]) if b == 0 else xp.stack2(z[:, 0], col)


def _affine_s(xp, o):
    return AFFINE_CLAMP * xp.tanh(o[:, 0] / AFFINE_CLAMP)


def _affine_forward(xp, o, x):
    s = _affine_s(xp, o)
    return x * xp.exp(s) + o[:, 1], s


def _affine_inverse(xp, o, y):
    s = _affine_s(xp, o)
    return (y - o[:, 1]) * xp.exp(-s), s


def _softmax_cols(xp, th):
    m = xp.amax(th, 1)
    e = xp.exp(th - m)
    return e * (1.0 / xp.sum(e, 1))


def _knots(xp, o):
    """Knot positions, heights and derivatives, each a list of ``BINS + 1`` columns."""
    pw = _softmax_cols(xp, o[:, 0:BINS])
    ph = _softmax_cols(xp, o[:, BINS:2 * BINS])
    lo = 2.0 * BOUND * MIN_BIN
    start = xp.full_like(o[:, 0], -BOUND)
    xs, ys = [start], [start]
    for k in range(BINS - 1):
        xs.append(xs[k] + (lo + SPREAD * pw[:, k]))
        ys.append(ys[k] + (lo + SPREAD * ph[:, k]))
    end = xp.full_like(o[:, 0], BOUND)
    xs.append(end)
    ys.append(end)
    one = xp.full_like(o[:, 0], 1.0)
    ds = [one] + [MIN_DERIV + softplus(xp, o[:, 2 * BINS + k] + DERIV_SHIFT)
                  for k in range(BINS - 1)] + [one]
    return xs, ys, ds


def _bin_of(xp, knots, v):
    k = 0.0
    for kn in knots[1:BINS]:
        k = k + xp.where(kn <= v, 1.0, 0.0)
    return k


def _pick(xp, cols, k, shift=0):
    out = 0.0
    for j in range(BINS):
        out = out + xp.where(k == j, cols[j + shift], 0.0)
    return out


def _bin(xp, xs, ys, ds, k, xi):
    w = _pick(xp, xs, k, 1) - _pick(xp, xs, k)
    h = _pick(xp, ys, k, 1) - _pick(xp, ys, k)
    s = h / w
    d0, d1 = _pick(xp, ds, k), _pick(xp, ds, k, 1)
    q = xi * (1.0 - xi)
    om = 1.0 - xi
    num = s * xi * xi + d0 * q
    den = s * (xi * xi + om * om) + (d0 + d1) * q
    dn = d1 * xi * xi + 2.0 * s * q + d0 * om * om
    r = s / den
    return h, num, den, r * r * dn


def _inside(v):
    return (v >= -BOUND) & (v <= BOUND)


def _spline_forward(xp, o, x):
    xs, ys, ds = _knots(xp, o)
    k = _bin_of(xp, xs, x)
    xk = _pick(xp, xs, k)
    w = _pick(xp, xs, k, 1) - xk
    xi = xp.clip((x - xk) / w, 0.0, 1.0)
    h, num, den, slope = _bin(xp, xs, ys, ds, k, xi)
    y = _pick(xp, ys, k) + h * num / den
    inside = _inside(x)
    return xp.where(inside, y, x), xp.where(inside, xp.log(slope), 0.0)


def _spline_inverse(xp, o, y):
    xs, ys, ds = _knots(xp, o)
    k = _bin_of(xp, ys, y)
    xk, yk = _pick(xp, xs, k), _pick(xp, ys, k)
    w = _pick(xp, xs, k, 1) - xk
    h = _pick(xp, ys, k, 1) - yk
    s = h / w
    d0, d1 = _pick(xp, ds, k), _pick(xp, ds, k, 1)
    eta = xp.min0(xp.max0(y - yk, 0.0), h)
    dd = d0 + d1 - 2.0 * s
    qa = h * (s - d0) + eta * dd
    qb = h * d0 - eta * dd
    qc = -s * eta
    sq = xp.sqrt(xp.max0(qb * qb - 4.0 * qa * qc, 0.0))
    pos = qb >= 0.0
    xi = xp.where(pos, 2.0 * qc / xp.where(pos, -qb - sq, -1.0),
                  (-qb + sq) / xp.where(pos, 1.0, 2.0 * qa))
    xi = xp.clip(xi, 0.0, 1.0)
    slope = _bin(xp, xs, ys, ds, k, xi)[3]
    inside = _inside(y)
    return xp.where(inside, xk + xi * w, y), xp.where(inside, xp.log(slope), 0.0)


def describe(xp, p):
    h = HIDDEN
    out = OUTPUTS[p.kind]
    return {"keeps": "xy"[p.keep], "transforms": "yx"[p.keep],
            "conditioner": f"1-{h}-{h}-{out}, tanh"}

