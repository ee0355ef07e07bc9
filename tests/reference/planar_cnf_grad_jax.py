#!/usr/bin/env python3
"""The planar CNF's reverse-KL loss and its gradient by JAX autodiff, for tests/core_cnf_jax.rs.

An implementation independent of the Rust engine, in JAX float64 (the formulas of docs/maths/continuous.md,
"The planar CNF" and "Backpropagation through the solver", and of src/core/energy.rs's U2 and U4 with their wall):

    L(theta) = mean_i [ log N(z0_i) - A_i(1) + beta U(z_i(1)) ],   [z, A] by RK4, 16 fixed steps from t = 0 to 1,
    v(z, t) = sum_m u_m(t) tanh(w_m(t).z + b_m(t)),   dA/dt = tr dv/dz = sum_m sech^2(a_m) w_m(t).u_m(t),

every parameter linear in t, for width M = 8 at a point where every parameter matters (slopes and biases non-zero),
64 base points of which 29 end past the wall |z1| = 4, beta = 0.6, on U2 and U4. The gradient is JAX's reverse mode
through the same 16 RK4 steps, i.e. of the discretised objective, as the engine's. The parameters and points are
closed-form expressions, so the Rust test builds the same ones without reading a file.

Run (needs jax):  python tests/reference/planar_cnf_grad_jax.py
It prints the lines committed in tests/reference/planar_cnf_grad_jax.txt.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

LOG2PI = math.log(2 * math.pi)


def field(p, z, t):
    u, w, b = p["u0"] + t * p["u1"], p["w0"] + t * p["w1"], p["b0"] + t * p["b1"]
    th = jnp.tanh(z @ w.T + b)
    return th @ u, (1 - th * th) @ jnp.sum(w * u, 1)


def push(p, z, n):
    """z(1) and A(1) = int_0^1 tr dt by n RK4 steps, the trace integrated with the same stages as z."""
    h = 1.0 / n
    acc = jnp.zeros(z.shape[0])
    for i in range(n):
        t = i * h
        k1, r1 = field(p, z, t)
        k2, r2 = field(p, z + 0.5 * h * k1, t + 0.5 * h)
        k3, r3 = field(p, z + 0.5 * h * k2, t + 0.5 * h)
        k4, r4 = field(p, z + h * k3, t + h)
        z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        acc = acc + h / 6 * (r1 + 2 * r2 + 2 * r3 + r4)
    return z, acc


def energy(name, z):
    z1, z2 = z[:, 0], z[:, 1]
    w1 = jnp.sin(jnp.pi * z1 / 2)
    wall = 0.5 * (jnp.maximum(jnp.abs(z1) - 4, 0) / 0.5) ** 2
    if name == "U2":
        return 0.5 * ((z2 - w1) / 0.4) ** 2 + wall
    w3 = 3 * jax.nn.sigmoid((z1 - 1) / 0.3)
    return -jnp.logaddexp(-0.5 * ((z2 - w1) / 0.4) ** 2, -0.5 * ((z2 - w1 + w3) / 0.35) ** 2) + wall


M, N, BETA, STEPS = 8, 64, 0.6, 16


def params():
    """raw[m, k] in the engine's order u0_1 u0_2 w0_1 w0_2 b0 u1_1 u1_2 w1_1 w1_2 b1"""
    P = np.array([[0.8 * math.sin(1.7 * (10 * m + k) + 0.3) for k in range(10)] for m in range(M)])
    P[:, 2:4] *= 2.0
    P[:, [0, 1, 5, 6]] *= -0.6   # an expanding field: some points end past the wall |z1| = 4
    return P


def base():
    return np.array([[3.0 * math.sin(2.3 * i + 0.1), 1.5 * math.cos(1.1 * i + 0.7)] for i in range(N)])


P, Z0 = params(), jnp.array(base())
p = dict(u0=jnp.array(P[:, 0:2]), w0=jnp.array(P[:, 2:4]), b0=jnp.array(P[:, 4]),
         u1=jnp.array(P[:, 5:7]), w1=jnp.array(P[:, 7:9]), b1=jnp.array(P[:, 9]))
for en in ("U2", "U4"):
    def loss(p):
        z, acc = push(p, Z0, STEPS)
        lq = -0.5 * (Z0 ** 2).sum(1) - LOG2PI - acc
        return jnp.mean(lq + BETA * energy(en, z))
    z1, _ = push(p, Z0, STEPS)
    l, g = jax.value_and_grad(loss)(p)
    G = np.zeros((M, 10))
    G[:, 0:2], G[:, 2:4], G[:, 4] = g["u0"], g["w0"], g["b0"]
    G[:, 5:7], G[:, 7:9], G[:, 9] = g["u1"], g["w1"], g["b1"]
    walled = int(np.sum(np.abs(np.asarray(z1[:, 0])) > 4))
    print(f"{en} loss {float(l)!r} points_past_wall {walled}")
    print(f"{en} grad " + " ".join(repr(float(x)) for x in G.ravel()))
