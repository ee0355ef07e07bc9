#!/usr/bin/env python3
"""Reference values for tests/core_cnf.rs, computed independently of the Rust engine in numpy float64.

Run:  python3 -m venv /tmp/ref && /tmp/ref/bin/pip install numpy && /tmp/ref/bin/python tests/reference/cnf_reference.py
It prints the lines committed in tests/reference/cnf_reference.txt (about half a minute).

1. Linear field v = A z, A = [[0.3, -1.2], [0.8, -0.5]]: z(1) = e^A z(0), so p_1 = N(0, e^A e^{A^T}). Max error of
   the RK4 log-density (N steps, backward from 1 to 0) on the 41 x 41 grid over [-4, 4]^2. e^A by scaling and
   squaring of its Taylor series.
2. The flow-matching ideal field of the 8-gaussians mixture (pi_k = 1/8, mu_k = 4 (cos k pi/4, sin k pi/4)/1.414,
   Sigma_k = (0.5/1.414)^2 I), sigma_min = 0: the log-density by Euler / midpoint / RK4 against the closed-form
   p_1 on the 64 x 64 grid over [-4, 4]^2: max error, max where p_1 >= 1e-3, and the p-weighted mean error.
3. The benchmark MLP [x, t] -> 64 -> 64 -> 2 (SiLU) with the SplitMix64 parameters P, RK4 with 32 steps from 1 to 0,
   exact trace by two forward-mode tangents (not the engine's d2^T M d1 form): log p at five points.
"""
import math
import numpy as np

LOG2PI = math.log(2 * math.pi)


def rk_solve(F, z, t0, t1, n, method):
    """Augmented [z, A] with dA/dt = tr; returns z(t1), A(t1). F(z, t) -> (v, tr)."""
    h = (t1 - t0) / n
    acc = np.zeros(z.shape[0])
    for i in range(n):
        t = t0 + i * h
        if method == "euler":
            v, tr = F(z, t)
            z, acc = z + h * v, acc + h * tr
        elif method == "midpoint":
            v, tr = F(z, t)
            v2, tr2 = F(z + 0.5 * h * v, t + 0.5 * h)
            z, acc = z + h * v2, acc + h * tr2
        else:
            k1, r1 = F(z, t)
            k2, r2 = F(z + 0.5 * h * k1, t + 0.5 * h)
            k3, r3 = F(z + 0.5 * h * k2, t + 0.5 * h)
            k4, r4 = F(z + h * k3, t + h)
            z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            acc = acc + h / 6 * (r1 + 2 * r2 + 2 * r3 + r4)
    return z, acc


def logp_by_ode(F, x, n, method, tau=1.0):
    z, acc = rk_solve(F, x, tau, 0.0, n, method)
    return -0.5 * (z ** 2).sum(1) - LOG2PI + acc


def grid(n, half):
    xs = np.linspace(-half, half, n)
    gx, gy = np.meshgrid(xs, xs)
    return np.c_[gx.ravel(), gy.ravel()]


def expm(a):
    s = 8
    b = a / 2 ** s
    e, term = np.eye(2), np.eye(2)
    for k in range(1, 30):
        term = term @ b / k
        e = e + term
    for _ in range(s):
        e = e @ e
    return e


def linear():
    a = np.array([[0.3, -1.2], [0.8, -0.5]])
    x = grid(41, 4.0)
    e = expm(a)
    cov = e @ e.T
    inv = np.linalg.inv(cov)
    exact = -0.5 * np.einsum("ni,ij,nj->n", x, inv, x) - 0.5 * math.log(np.linalg.det(cov)) - LOG2PI
    F = lambda z, t: (z @ a.T, np.full(z.shape[0], np.trace(a)))
    for n in (4, 8, 32, 128):
        err = np.abs(logp_by_ode(F, x, n, "rk4") - exact).max()
        print(f"linear rk4 N={n} max_err={err:.3e}")


def eight_gaussians():
    ang = np.arange(8) * math.pi / 4
    mu = 4 * np.c_[np.cos(ang), np.sin(ang)] / 1.414
    var = (0.5 / 1.414) ** 2

    def comps(t):
        at = 1 - t
        v = at * at + t * t * var            # V_k = v I (isotropic)
        b = (t * var - at) / v               # B_k = b I
        return v, b

    def log_p(x, t):
        v, _ = comps(t)
        d2 = ((x[:, None, :] - t * mu[None]) ** 2).sum(2)
        l = math.log(1 / 8) - math.log(v) - LOG2PI - 0.5 * d2 / v
        m = l.max(1, keepdims=True)
        return (m + np.log(np.exp(l - m).sum(1, keepdims=True)))[:, 0]

    def F(x, t):
        v, b = comps(t)
        d = x[:, None, :] - t * mu[None]                    # n x 8 x 2
        l = -0.5 * (d ** 2).sum(2) / v
        w = np.exp(l - l.max(1, keepdims=True))
        w /= w.sum(1, keepdims=True)                        # posterior weights
        g = mu[None] + b * d                                # g_k
        r = -d / v                                          # r_k
        u = (w[..., None] * g).sum(1)
        rbar = (w[..., None] * r).sum(1)
        # div u = sum w_k tr B_k + sum w_k g_k . r_k - u . rbar
        div = (w * 2 * b).sum(1) + (w * (g * r).sum(2)).sum(1) - (u * rbar).sum(1)
        return u, div

    x = grid(64, 4.0)
    exact = log_p(x, 1.0)
    p = np.exp(exact)
    vis = p >= 1e-3
    for method, n in (("rk4", 8), ("rk4", 16), ("rk4", 32), ("rk4", 64), ("midpoint", 16), ("euler", 32)):
        err = np.abs(logp_by_ode(F, x, n, method) - exact)
        print(f"8gaussians {method} N={n} max={err.max():.4e} visible_max={err[vis].max():.4e} "
              f"p_weighted={(p * err).sum() / p.sum():.4e}")


def splitmix_params():
    mask = (1 << 64) - 1
    shapes = [(64 * 3, 3), (64, 3), (64 * 64, 64), (64, 64), (2 * 64, 64), (2, 64)]
    s, out = 0, []
    for size, fan in shapes:
        for _ in range(size):
            s = (s + 0x9E3779B97F4A7C15) & mask
            z = s
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
            z ^= z >> 31
            out.append((2 * ((z >> 11) / 2.0 ** 53) - 1) / math.sqrt(fan))
    p = np.array(out)
    W1 = p[:192].reshape(64, 3); c1 = p[192:256]; W2 = p[256:4352].reshape(64, 64); c2 = p[4352:4416]
    W3 = p[4416:4544].reshape(2, 64); c3 = p[4544:]
    return W1, c1, W2, c2, W3, c3


def mlp_benchmark():
    W1, c1, W2, c2, W3, c3 = splitmix_params()
    sig = lambda a: 1 / (1 + np.exp(-a))

    def F(x, t):
        xi = np.c_[x, np.full(x.shape[0], t)]
        a1 = xi @ W1.T + c1
        s1 = sig(a1)
        h1, d1 = a1 * s1, s1 * (1 + a1 * (1 - s1))
        a2 = h1 @ W2.T + c2
        s2 = sig(a2)
        h2, d2 = a2 * s2, s2 * (1 + a2 * (1 - s2))
        v = h2 @ W3.T + c3
        tr = 0.0
        for j in range(2):                  # forward-mode tangent along x_j, keep component j
            dh2 = d2 * ((d1 * W1[:, j]) @ W2.T)
            tr = tr + dh2 @ W3[j]
        return v, tr

    pts = np.array([[0.0, 0.0], [1.0, -1.0], [-2.0, 0.5], [3.0, 3.0], [-4.0, -4.0]])
    lp = logp_by_ode(F, pts, 32, "rk4")
    print("mlp splitmix rk4 N=32 logp " + " ".join(f"({a:g},{b:g})={v:.7f}" for (a, b), v in zip(pts, lp)))


if __name__ == "__main__":
    linear()
    eight_gaussians()
    mlp_benchmark()
