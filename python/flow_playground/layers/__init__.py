"""Every layer family of the engine, each in its own module with the same four functions:
``constrain(xp, raw, …)`` (raw parameters → the constrained map), ``forward(xp, params, z)``
and ``inverse(xp, params, y)`` (each ``(out, log|det ∂f/∂z|)``, the inverse's log-determinant
taken at the recovered point, as the engine's ``LayerMap::inverse``), and ``describe``.
``xp`` is the array backend (``flow_playground._ops``).
"""

from . import cnf, coupling, planar, radial, scale, sylvester

#: The layer types a model file may use (``LayerKind::name`` in src/core/layer.rs).
TYPES = (
    "planar", "radial", "sylvester", "affine-x", "affine-y", "spline-x", "spline-y", "scale",
    "cnf-mlp", "cnf-planar",
)

_SMALL = {"planar": planar, "radial": radial, "sylvester": sylvester, "scale": scale}


def n_params(kind, spec=None):
    """Raw parameters of a layer of ``kind`` (``spec``: a continuous layer's :class:`cnf.Spec`)."""
    if kind in _SMALL:
        return _SMALL[kind].N_PARAMS
    if kind.startswith(("affine", "spline")):
        return coupling.n_params(coupling.OUTPUTS[kind.split("-")[0]])
    return spec.n_params()


def build(xp, kind, raw, spec=None, generative=False):
    """``(module, params)`` of a layer: the module's ``forward``/``inverse`` take ``params``."""
    if kind in _SMALL:
        return _SMALL[kind], _SMALL[kind].constrain(xp, raw)
    if kind.startswith(("affine", "spline")):
        family, letter = kind.split("-")
        return coupling, coupling.constrain(xp, raw, family, "xy".index(letter))
    return cnf, cnf.constrain(xp, raw, spec, generative)
