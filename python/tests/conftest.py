"""Shared access to the engine's reference outputs (tests/reference, written by
examples/python_reference.rs; see tests/reference/README.md)."""

import json
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).parent / "reference"
FAMILIES = [
    "planar", "radial", "sylvester", "affine-x", "affine-y", "spline-x", "spline-y", "scale",
    "cnf-mlp", "cnf-planar",
]
MODELS = FAMILIES + ["stack"]
DIRECTIONS = ["normalizing", "generative"]
#: The bar against the engine: |Δ| ≤ TOL·max(1, |engine value|) (absolute below 1, relative
#: above: the far-tail points have log densities near −1e6).
TOL = 1e-10


def model_path(name):
    return REFERENCE / f"{name}.model.json"


def reference(name):
    with open(REFERENCE / f"{name}.reference.json") as f:
        return json.load(f)


def arr(values):
    """JSON numbers (``null`` for the engine's non-finite values) as a float array."""
    return np.array(values, dtype=object).astype(float)


def assert_engine_close(got, want, what, tol=TOL):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, f"{what}: shape {got.shape} vs {want.shape}"
    both_nan = np.isnan(got) & np.isnan(want)
    same_inf = np.isinf(got) & (got == want)
    err = np.where(both_nan | same_inf, 0.0, np.abs(got - want) / np.maximum(1.0, np.abs(want)))
    worst = np.nanmax(np.where(np.isnan(err), np.inf, err)) if err.size else 0.0
    assert worst <= tol, f"{what}: max scaled |Δ| {worst:.3e} > {tol:.0e}"
    return worst


@pytest.fixture(params=DIRECTIONS)
def direction(request):
    return request.param
