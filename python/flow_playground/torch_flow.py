"""The flow as a plain ``torch.nn.Module`` (``Flow.to_torch()``): the same formulas as the NumPy
flow (``flow_playground.layers``, run on the PyTorch backend), with every layer's raw
parameters as a float64 ``nn.Parameter``, so the model can be evaluated, differentiated and
fine-tuned in PyTorch. Only ``torch`` is needed; it is imported here, lazily."""

from ._ops import torch_ops
from ._scalar import std_normal_log_pdf
from .layers import build

T = torch_ops()
torch = T.torch
nn = torch.nn


class TorchLayer(nn.Module):
    """One layer: ``forward(z)`` and ``inverse(x)`` return ``(points, log|det ∂f/∂z|)``."""

    def __init__(self, layer):
        super().__init__()
        self.type = layer.type
        self.spec = layer.spec
        self.generative = layer.generative
        self.raw = nn.Parameter(torch.tensor(layer.raw, dtype=torch.float64))

    def _map(self):
        return build(T, self.type, self.raw, self.spec, self.generative)

    def forward(self, z):
        module, params = self._map()
        return module.forward(T, params, _points(z))

    def inverse(self, x):
        module, params = self._map()
        return module.inverse(T, params, _points(x))

    def extra_repr(self):
        return f"{self.type!r}, {self.raw.numel()} raw"


def _points(x):
    x = T.asarray(x)
    if x.dim() == 1 and x.shape[0] == 2:
        x = x[None, :]
    if x.dim() != 2 or x.shape[1] != 2:
        raise ValueError(f"expected points of shape (n, 2), got {tuple(x.shape)}")
    return x


class TorchFlow(nn.Module):
    """``log_prob(x)`` (also ``forward``), ``sample(n, seed)``, ``forward_stages(z)`` and
    ``layers[i].forward`` / ``.inverse``, as :class:`flow_playground.Flow`."""

    def __init__(self, flow):
        super().__init__()
        self.direction = flow.direction
        self.layers = nn.ModuleList(TorchLayer(layer) for layer in flow.layers)

    def log_prob(self, x):
        z = _points(x)
        terms = []
        if self.direction == "normalizing":
            for layer in self.layers:
                z, ld = layer(z)
                terms.append(ld)
        else:
            for layer in reversed(self.layers):
                z, ld = layer.inverse(z)
                terms.append(-ld)
        terms.reverse()
        total = 0.0
        for t in terms:
            total = total + t
        lp = std_normal_log_pdf(z) + total
        return torch.where(torch.isnan(lp), torch.full_like(lp, -float("inf")), lp)

    def forward(self, x):
        return self.log_prob(x)

    def step(self, k, z):
        if self.direction == "generative":
            return self.layers[k - 1](z)[0]
        return self.layers[len(self.layers) - k].inverse(z)[0]

    def forward_stages(self, z):
        z = _points(z)
        out = [z]
        for k in range(1, len(self.layers) + 1):
            z = self.step(k, z)
            out.append(z)
        return torch.stack(out)

    def sample(self, n, seed=None):
        g = torch.Generator()
        if seed is None:
            g.seed()
        else:
            g.manual_seed(int(seed))
        z = torch.randn(int(n), 2, generator=g, dtype=torch.float64)
        for k in range(1, len(self.layers) + 1):
            z = self.step(k, z)
        return z
