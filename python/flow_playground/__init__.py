"""Flow Playground's exported models as code: load the app's ``model.json`` and evaluate the
same flow in NumPy (``log_prob``, ``sample``, per-layer ``forward``/``inverse``, stages) or as a
PyTorch module (``Flow.to_torch()``). See python/README.md."""

from .flow import DIRECTIONS, Flow, Layer, load_model
from .model_file import FORMAT, LayerSpec, ModelFileError

__all__ = ["DIRECTIONS", "FORMAT", "Flow", "Layer", "LayerSpec", "ModelFileError", "load_model"]
__version__ = "0.1.0"
