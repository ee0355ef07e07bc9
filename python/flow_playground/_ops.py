"""The array operations the layer maths uses, for NumPy and (lazily) for PyTorch.

Every formula in ``flow_playground.layers`` is written once against this small interface, so
the NumPy flow and the module of :meth:`Flow.to_torch` compute the same function in the same
order of operations. Batches are ``(n, 2)`` arrays; per-coordinate columns are ``(n,)``.
"""

import numpy as np


class NumpyOps:
    """NumPy float64 arrays."""

    name = "numpy"
    tanh = staticmethod(np.tanh)
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    log1p = staticmethod(np.log1p)
    sqrt = staticmethod(np.sqrt)
    abs = staticmethod(np.abs)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    hypot = staticmethod(np.hypot)
    isfinite = staticmethod(np.isfinite)
    where = staticmethod(np.where)

    @staticmethod
    def asarray(x):
        return np.asarray(x, dtype=np.float64)

    @staticmethod
    def max0(x, lo):
        """``max(x, lo)`` elementwise (``lo`` a float or an array)."""
        return np.maximum(x, lo)

    @staticmethod
    def min0(x, hi):
        return np.minimum(x, hi)

    @staticmethod
    def clip(x, lo, hi):
        return np.minimum(np.maximum(x, lo), hi)

    @staticmethod
    def stack2(a, b):
        return np.stack([a, b], axis=-1)

    @staticmethod
    def stack_cols(cols):
        return np.stack(cols, axis=-1)

    @staticmethod
    def full_like(x, v):
        return np.full_like(x, v, dtype=np.float64)

    @staticmethod
    def all(mask):
        return bool(np.all(mask))

    @staticmethod
    def amax(x, axis):
        return np.max(x, axis=axis, keepdims=True)

    @staticmethod
    def sum(x, axis):
        return np.sum(x, axis=axis, keepdims=True)

    @staticmethod
    def matmul(a, b):
        return a @ b

    @staticmethod
    def errstate():
        return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


class TorchOps:
    """PyTorch float64 tensors (built by :func:`torch_ops`, so NumPy-only installs work)."""

    def __init__(self, torch):
        self.torch = torch
        self.name = "torch"
        t = torch
        self.tanh, self.exp, self.log, self.log1p = t.tanh, t.exp, t.log, t.log1p
        self.sqrt, self.abs, self.sin, self.cos = t.sqrt, t.abs, t.sin, t.cos
        self.isfinite = t.isfinite

    def asarray(self, x):
        return self.torch.as_tensor(x, dtype=self.torch.float64)

    def hypot(self, a, b):
        a, b = self.torch.broadcast_tensors(self.asarray(a), self.asarray(b))
        return self.torch.hypot(a, b)

    def where(self, c, a, b):
        if not self.torch.is_tensor(a):
            a = self.asarray(a)
        if not self.torch.is_tensor(b):
            b = self.asarray(b)
        return self.torch.where(c, a, b)

    def max0(self, x, lo):
        x = self.asarray(x)
        return self.torch.maximum(x, lo) if self.torch.is_tensor(lo) else self.torch.clamp(x, min=lo)

    def min0(self, x, hi):
        x = self.asarray(x)
        return self.torch.minimum(x, hi) if self.torch.is_tensor(hi) else self.torch.clamp(x, max=hi)

    def clip(self, x, lo, hi):
        return self.min0(self.max0(x, lo), hi)

    def stack2(self, a, b):
        return self.torch.stack([a, b], dim=-1)

    def stack_cols(self, cols):
        return self.torch.stack(list(cols), dim=-1)

    def full_like(self, x, v):
        return self.torch.full_like(x, v, dtype=self.torch.float64)

    def all(self, mask):
        return bool(self.torch.all(mask))

    def amax(self, x, axis):
        return self.torch.amax(x, dim=axis, keepdim=True)

    def sum(self, x, axis):
        return self.torch.sum(x, dim=axis, keepdim=True)

    def matmul(self, a, b):
        return a @ b

    def errstate(self):
        return _NoErrstate()


class _NoErrstate:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


NP = NumpyOps()
_TORCH_OPS = None


def torch_ops():
    """The PyTorch operations (imports torch on first use)."""
    global _TORCH_OPS
    if _TORCH_OPS is None:
        try:
            import torch
        except ImportError as e:  # pragma: no cover - depends on the install
            raise ImportError(
                "Flow.to_torch() needs PyTorch: pip install 'flow-playground[torch]'"
            ) from e
        _TORCH_OPS = TorchOps(torch)
    return _TORCH_OPS
