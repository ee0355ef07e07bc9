"""Reading the app's model file (src/state/model_json.rs), with the engine's checks.

A model file is the JSON the app's Share/Export panel downloads as ``model.json``::

    {"format": "flow-playground-model", "version": 1, "K": 2, "raw_order": {…},
     "layers": [{"type": "planar", "raw": [u0, u1, w0, w1, b], "constrained": {…}}, …]}

``raw`` holds the exact parameters; ``constrained`` is for readers and ignored, except for the
continuous layers, whose ``width``, ``solver`` and ``steps`` it carries (each missing one takes
the app's default: ``cnf-mlp`` rk4 with 8 steps, ``cnf-planar`` width 8, rk4 with 16 steps). As
in the app a bare list of layers is accepted too, type names ignore case and surrounding space,
and any problem rejects the whole file with a :class:`ModelFileError` naming the layer.
"""

import json
import math
import os
from typing import NamedTuple, Optional

import numpy as np

from .layers import TYPES, cnf, n_params

FORMAT = "flow-playground-model"
VERSION = 1
MAX_LAYERS = 64
RAW_PARAM_LIMIT = 1e6


class ModelFileError(ValueError):
    """A model file the app would reject (the message says why and names the layer)."""


class LayerSpec(NamedTuple):
    """One layer of a model file: its type, raw parameters and (continuous only) spec."""

    kind: str
    raw: np.ndarray
    spec: Optional[cnf.Spec] = None


def read_document(source):
    """The parsed JSON of ``source``: a path, JSON text, or an already parsed dict/list."""
    if isinstance(source, (dict, list)):
        return source
    if isinstance(source, bytes):
        source = source.decode("utf-8-sig")
    if isinstance(source, str) and not source.strip("\ufeff \t\r\n"):
        raise ModelFileError("model file: it is empty")
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and not source.lstrip("\ufeff \t\r\n").startswith(("{", "["))
    ):
        with open(source, encoding="utf-8-sig") as f:
            source = f.read()
    if not isinstance(source, str):
        raise TypeError(f"expected a path, JSON text or a dict, got {type(source).__name__}")
    if not source.strip():
        raise ModelFileError("model file: it is empty")
    try:
        return json.loads(source.lstrip("\ufeff"))
    except json.JSONDecodeError as e:
        raise ModelFileError(f"model file: not JSON ({e})") from None


def _type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    return "an object"


def _bad(msg):
    return ModelFileError(f"model file: {msg}")


def parse_layers(doc):
    """The layers of a parsed model file, checked as the app checks them on import."""
    if isinstance(doc, list):
        layers = doc
    elif isinstance(doc, dict):
        if "format" in doc and doc["format"] != FORMAT:
            f = doc["format"]
            shown = f"'{f}'" if isinstance(f, str) else _type_name(f)
            raise _bad(f"its format is {shown}, expected '{FORMAT}'")
        if "version" in doc and doc["version"] != VERSION:
            raise _bad(f"its version is {doc['version']!r}; this package reads version {VERSION}")
        if "layers" not in doc:
            if "points" in doc:
                raise _bad("this file holds points, not a model")
            raise _bad('it has no "layers" list')
        layers = doc["layers"]
        if not isinstance(layers, list):
            raise _bad(f'"layers" is {_type_name(layers)}, expected a list')
    else:
        raise _bad(f'expected an object with "layers", found {_type_name(doc)}')
    if len(layers) > MAX_LAYERS:
        raise _bad(f"it has {len(layers)} layers; at most {MAX_LAYERS} are supported")
    return [_parse_layer(i, layer) for i, layer in enumerate(layers)]


def _parse_layer(i, layer):
    if isinstance(layer, list):
        raise _bad(f"layer {i} is a list; this file looks like points, not a model")
    if not isinstance(layer, dict):
        raise _bad(f"layer {i} is {_type_name(layer)}, expected an object")
    if "type" not in layer:
        raise _bad(f'layer {i} has no "type"')
    t = layer["type"]
    expected = ", ".join(TYPES[:-1]) + " or " + TYPES[-1]
    if not isinstance(t, str):
        raise _bad(f'layer {i}: "type" is {_type_name(t)}, expected a string ({expected})')
    kind = t.strip().lower()
    if kind not in TYPES:
        raise _bad(f"layer {i} has unknown type '{t}' (expected {expected})")
    spec = None
    if kind.startswith("cnf-"):
        try:
            spec = _cnf_spec(kind, layer.get("constrained"))
        except ValueError as e:
            raise _bad(f"layer {i} ({kind}): {e}") from None
    raw = layer.get("raw")
    if not isinstance(raw, list):
        raise _bad(f'layer {i} ({kind}) has no "raw" list of parameters')
    need = n_params(kind, spec)
    if len(raw) != need:
        raise _bad(f"layer {i} ({kind}) has {len(raw)} raw values; it needs {need}")
    for j, v in enumerate(raw):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _bad(f"layer {i} ({kind}), raw value {j} is {_type_name(v)}, not a number")
        if not math.isfinite(v) or abs(v) > RAW_PARAM_LIMIT:
            raise _bad(
                f"layer {i} ({kind}), raw value {j} is {v!r}, not a finite number within ±1e6"
            )
    return LayerSpec(kind, np.array(raw, dtype=np.float64), spec)


def _whole(v, lo, hi, what):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) \
            or v != int(v) or not lo <= v <= hi:
        raise ValueError(f'"{what}" must be a whole number {lo}–{hi}, not {v!r}')
    return int(v)


def _cnf_spec(kind, obj):
    method, steps, width = cnf.DEFAULTS[kind]
    if obj is None:
        obj = {}
    if not isinstance(obj, dict):
        raise ValueError(f'"constrained" is {_type_name(obj)}, expected an object')
    if kind == "cnf-planar" and "width" in obj:
        width = _whole(obj["width"], 1, cnf.MAX_WIDTH, "width")
    if "solver" in obj:
        m = obj["solver"]
        if not isinstance(m, str) or m.strip().lower() not in cnf.METHODS:
            raise ValueError(f"unknown solver {m!r} (euler, midpoint or rk4)")
        method = m.strip().lower()
    if "steps" in obj:
        steps = _whole(obj["steps"], 1, cnf.MAX_STEPS, "steps")
    return cnf.Spec(kind, method, steps, width)
