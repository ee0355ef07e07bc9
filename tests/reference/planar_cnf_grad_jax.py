#!/usr/bin/env python3
"""The planar CNF's reverse-KL loss and its gradient by JAX autodiff, for tests/core_cnf.rs.

The loss and the field are those of the reference fit script (../shared/reference/continuous/fit_continuous.py,
`sample_logq("cnf", ...)` and `energy`), imported from it, in float64:

    L(theta) = mean_i [ log N(z0_i) - A_i(1) + beta U(z_i(1)) ],   [z, A] by RK4, 16 fixed steps from t = 0 to 1,

for width M = 8 (parameters linear in t) at a point where every parameter matters (slopes and biases non-zero),
64 base points, beta = 0.6, on U2 and U4 (both with the wall, which some points reach). The parameters and points are
closed-form expressions, so the Rust test builds the same ones without reading a file.

Run (needs jax and optax; the JAX peer's environment has them):
    python tests/reference/planar_cnf_grad_jax.py [path/to/fit_continuous.py's directory]
It prints the lines committed in tests/reference/planar_cnf_grad_jax.txt.
"""
import math
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/continuous")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)
import fit_continuous as fc  # noqa: E402

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
        z, lq = fc.sample_logq("cnf", p, Z0, STEPS)
        return jnp.mean(lq + BETA * fc.energy(en, z))
    z1, _ = fc.sample_logq("cnf", p, Z0, STEPS)
    l, g = jax.value_and_grad(loss)(p)
    G = np.zeros((M, 10))
    G[:, 0:2], G[:, 2:4], G[:, 4] = g["u0"], g["w0"], g["b0"]
    G[:, 5:7], G[:, 7:9], G[:, 9] = g["u1"], g["w1"], g["b1"]
    walled = int(np.sum(np.abs(np.asarray(z1[:, 0])) > 4))
    print(f"{en} loss {float(l)!r} points_past_wall {walled}")
    print(f"{en} grad " + " ".join(repr(float(x)) for x in G.ravel()))
