"""Flow Playground's exported models as code: load the app's ``model.json`` and evaluate the
same flow in NumPy (``log_prob``, ``sample``, per-layer ``forward``/``inverse``, stages) or as a
PyTorch module (``Flow.to_torch()``); or show the app in a notebook, in sync with Python
(``FlowPlayground``, an anywidget). See python/README.md."""

from .flow import DIRECTIONS, Flow, Layer, load_model
from .model_file import FORMAT, LayerSpec, ModelFileError

__all__ = [
    "DIRECTIONS", "FORMAT", "Flow", "FlowPlayground", "Layer", "LayerSpec", "ModelFileError",
    "load_model",
]
__version__ = "0.1.0"


def __getattr__(name):
    # The widget imports anywidget (and ipywidgets): only when it is asked for.
    if name == "FlowPlayground":
        from .widget import FlowPlayground

        return FlowPlayground
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
