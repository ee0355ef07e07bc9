"""A stack of layers over the standard 2-D Gaussian base ``N(0, I)`` (src/core/flow.rs).

The flow's **direction** comes from the model file's ``"direction"`` (files exported before it
was written default to normalizing) unless ``load_model`` is given one; the app's objective decides
it:

- ``"normalizing"`` (points mode, maximum likelihood — the app's default): the layers map data
  to base, ``z = f_K∘…∘f_1(x)``, ``log p(x) = log N(z) + Σ log|det J_{f_k}|``; sampling runs the
  layers' inverses from the last to the first.
- ``"generative"`` (energy mode, reverse KL): the layers map base to model,
  ``x = f_K∘…∘f_1(z₀)``; the density pulls ``x`` back through the exact inverses
  (planar and Sylvester by the engine's safeguarded Newton, continuous layers by the reverse
  solve), ``log p(x) = log N(z₀) − Σ log|det J_{f_k}(z_{k−1})|``.

Stages are always generative: stage 0 is the base, stage ``K`` the model, as in the app's
timeline. Densities follow the engine's exact scalar path (its probe): a point whose pull-back
is not finite gets ``−∞``.
"""

import numpy as np

from ._ops import NP
from ._scalar import std_normal_log_pdf
from .layers import build
from .model_file import parse_layers, read_document

DIRECTIONS = ("normalizing", "generative")


def as_points(x):
    """``x`` as a float64 ``(n, 2)`` array (a single point ``(2,)`` becomes ``(1, 2)``)."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1 and a.shape[0] == 2:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"expected points of shape (n, 2), got {a.shape}")
    return a


class Layer:
    """One layer ``f`` with its raw parameters; ``forward``/``inverse`` are its formula's two
    directions, each returning ``(points, log|det ∂f/∂z|)`` (for the inverse, at the recovered
    point). A continuous layer's formula depends on the flow's direction (module docs of
    ``layers.cnf``)."""

    def __init__(self, index, spec, generative):
        self.index = index
        self.type = spec.kind
        self.raw = spec.raw
        self.spec = spec.spec
        self.generative = generative
        self._module, self._params = build(NP, spec.kind, spec.raw, spec.spec, generative)

    def forward(self, z):
        with NP.errstate():
            return self._module.forward(NP, self._params, as_points(z))

    def inverse(self, x):
        with NP.errstate():
            return self._module.inverse(NP, self._params, as_points(x))

    def constrained(self):
        """The constrained values, named as in the model file's ``constrained`` object."""
        return self._module.describe(NP, self._params)

    def __repr__(self):
        extra = f", {self.spec!r}" if self.spec is not None else ""
        return f"Layer({self.index}, {self.type!r}, {self.raw.size} raw{extra})"


class Flow:
    """A model read from the app's model file (see :func:`flow_playground.load_model`)."""

    def __init__(self, specs, direction="normalizing"):
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be 'normalizing' or 'generative', not {direction!r}")
        self.direction = direction
        self.specs = list(specs)
        gen = direction == "generative"
        self.layers = [Layer(i, s, gen) for i, s in enumerate(self.specs)]

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        kinds = ", ".join(layer.type for layer in self.layers)
        return f"Flow({self.direction}, K={len(self)}: {kinds})"

    @property
    def n_params(self):
        return sum(layer.raw.size for layer in self.layers)

    def log_prob(self, x):
        """``log p(x)`` of ``(n, 2)`` points, shape ``(n,)``."""
        z = as_points(x)
        terms = []  # per generative step g_1..g_K, as the engine's probe ledger
        if self.direction == "normalizing":
            for layer in self.layers:
                z, ld = layer.forward(z)
                terms.append(ld)
            terms.reverse()
        else:
            for layer in reversed(self.layers):
                z, ld = layer.inverse(z)
                terms.append(-ld)
            terms.reverse()
        total = 0.0
        for t in terms:
            total = total + t
        with NP.errstate():
            lp = std_normal_log_pdf(z) + total
        lp = np.broadcast_to(lp, (z.shape[0],)).astype(np.float64)
        return np.where(np.isnan(lp), -np.inf, lp)

    def step(self, k, z):
        """Generative step ``g_k`` (``k`` 1-based) applied to stage ``k − 1`` points."""
        if self.direction == "generative":
            return self.layers[k - 1].forward(z)[0]
        return self.layers[len(self) - k].inverse(z)[0]

    def forward_stages(self, z):
        """Base points ``z`` ``(n, 2)`` carried through every stage: ``(K + 1, n, 2)``, index =
        stage (0 the base, ``K`` the model)."""
        z = as_points(z)
        out = [z]
        for k in range(1, len(self) + 1):
            z = self.step(k, z)
            out.append(z)
        return np.stack(out)

    def sample(self, n, seed=None):
        """``n`` exact samples of the model, ``(n, 2)``: base draws pushed to stage ``K``."""
        z = np.random.default_rng(seed).standard_normal((int(n), 2))
        for k in range(1, len(self) + 1):
            z = self.step(k, z)
        return z

    def to_torch(self):
        """The same flow as a ``torch.nn.Module`` with float64 parameters (needs torch)."""
        from .torch_flow import TorchFlow

        return TorchFlow(self)


def load_model(source, direction=None):
    """A :class:`Flow` from the app's model file: a path, its JSON text, or the parsed dict.

    ``direction``: ``"normalizing"`` for a model trained on points (the app's default mode),
    ``"generative"`` for one trained against an energy. By default the file's own
    ``"direction"``; a file without one (exported before the app wrote it) is normalizing.
    """
    doc = read_document(source)
    if direction is None:
        direction = doc.get("direction", "normalizing") if isinstance(doc, dict) else "normalizing"
    return Flow(parse_layers(doc), direction)
