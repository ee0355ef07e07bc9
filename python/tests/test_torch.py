"""``Flow.to_torch()``: a plain ``torch.nn.Module`` computing the same numbers as the NumPy flow
(≤ 1e−10, conftest.TOL) and so the engine's; float64 parameters with finite gradients."""

import numpy as np
import pytest

import flow_playground as fp
from conftest import MODELS, arr, assert_engine_close, model_path, reference

torch = pytest.importorskip("torch", reason="torch is not installed (pip install '.[torch]')")


@pytest.mark.parametrize("name", MODELS)
def test_torch_log_prob_matches_numpy_and_the_engine(name, direction):
    flow = fp.load_model(model_path(name), direction=direction)
    module = flow.to_torch()
    assert isinstance(module, torch.nn.Module)
    x = arr(reference(name)["points"])
    got = module.log_prob(torch.tensor(x)).detach().numpy()
    assert_engine_close(got, flow.log_prob(x), f"{name} {direction} torch vs numpy")
    assert_engine_close(got, arr(reference(name)[direction]["probe"]), f"{name} torch vs engine")


@pytest.mark.parametrize("name", MODELS)
def test_torch_layers_and_stages_match_numpy(name, direction):
    flow = fp.load_model(model_path(name), direction=direction)
    module = flow.to_torch()
    z = arr(reference(name)["base_points"])
    for layer, tlayer in zip(flow.layers, module.layers):
        for way in ("forward", "inverse"):
            want, want_ld = getattr(layer, way)(z)
            got, got_ld = getattr(tlayer, way)(torch.tensor(z))
            assert_engine_close(got.detach().numpy(), want, f"{name} {layer.index} {way}")
            assert_engine_close(got_ld.detach().numpy(), want_ld, f"{name} {layer.index} ld")
    stages = module.forward_stages(torch.tensor(z)).detach().numpy()
    assert_engine_close(stages, flow.forward_stages(z), f"{name} stages")


def test_parameters_are_float64_and_gradients_finite(direction):
    module = fp.load_model(model_path("stack"), direction=direction).to_torch()
    params = list(module.parameters())
    assert len(params) == 12 and all(p.dtype == torch.float64 for p in params)
    x = torch.tensor(arr(reference("stack")["points"])[:81])  # the grid, no far tails
    module.log_prob(x).mean().backward()
    for p in params:
        assert p.grad is not None and torch.isfinite(p.grad).all()


def test_sample_is_seeded(direction):
    module = fp.load_model(model_path("stack"), direction=direction).to_torch()
    a, b = module.sample(64, seed=5), module.sample(64, seed=5)
    assert a.shape == (64, 2) and a.dtype == torch.float64
    assert torch.equal(a, b)
    assert torch.isfinite(module.log_prob(a)).all()
    assert np.all(np.isfinite(a.detach().numpy()))
