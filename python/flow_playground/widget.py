"""``FlowPlayground``: the app inline in a notebook (an anywidget), kept in sync with Python.

The front end (``widget.js``) shows the app's single-file build (``static/embed.html``, shipped
with the package) in a sandboxed ``<iframe>`` and relays between the app's ``postMessage``
control API and the traitlets below. What Python asks for (points, training, the stage) is
sent to the app; what the app reports (step, loss, training, stage, the model file, its link,
its points) comes back into the traitlets, read by the properties (``w.points``, ``w.params``,
``w.link``) and by ``w.log_prob`` / ``w.to_torch`` through :func:`load_model`.

Messages between the kernel and the page are handled between cells: a value the app reports
after ``w.train()`` is visible from the next cell on, once the page had time to send it.
"""

import json
import re
from importlib import resources

import numpy as np

try:
    import anywidget
    import traitlets
except ImportError as e:  # pragma: no cover - anywidget is a dependency of the package
    raise ImportError("FlowPlayground needs anywidget: pip install anywidget") from e

from .flow import load_model

#: The most points the app holds (a link's bound, ``MAX_POINTS``).
MAX_POINTS = 20_000
#: The largest coordinate the app accepts (``COORD_LIMIT``).
COORD_LIMIT = 1e4
#: The most layers (``MAX_LAYERS``).
MAX_LAYERS = 64
#: Targets: point-cloud presets, the four energies of Rezende & Mohamed's figure 3, or "draw".
PRESETS = ("moons", "8gaussians", "circles", "rings", "pinwheel", "spirals", "checkerboard", "swissroll")
ENERGIES = ("u1", "u2", "u3", "u4")
TARGETS = PRESETS + ENERGIES + ("draw",)
#: Layer family names (as in the model file) and their letters in a link's ``layers`` key.
FAMILIES = {
    "planar": "p", "radial": "r", "sylvester": "s", "affine-x": "a", "affine-y": "b",
    "spline-x": "n", "spline-y": "m", "scale": "z", "cnf-mlp": "f", "cnf-planar": "c",
    # Coupling layers alternate the coordinate they keep, as the app's own stacks do.
    "affine": "ab", "spline": "nm",
}
_TOKEN = re.compile(r"^\s*([a-z-]+)\s*(?:\*\s*(\d+))?\s*$")
_LINK_CODE = re.compile(r"^(\d*[a-zA-Z](\[[a-z0-9,]*\])?)+$")


def layers_code(spec):
    """A link's ``layers`` value and the number of layers for ``spec``: ``"planar*16"``,
    ``"scale + affine*8"``, ``["radial*4", "planar*4"]``, or a link's own code (``"16p"``,
    ``"f[midpoint,16]"``; its count is then ``None``: the app counts)."""
    parts = spec if isinstance(spec, (list, tuple)) else re.split(r"[+,]", str(spec))
    code, k = [], 0
    for part in parts:
        m = _TOKEN.match(str(part).lower())
        if not m or m.group(1) not in FAMILIES:
            if isinstance(spec, str) and _LINK_CODE.match(spec.strip()):
                return spec.strip(), None
            raise ValueError(
                f"layers: cannot read {str(part).strip()!r}; write families with counts such as "
                f"'planar*16' or 'scale + affine*8' (families: {', '.join(FAMILIES)})"
            )
        letters, n = FAMILIES[m.group(1)], int(m.group(2) or 1)
        code.append("".join(letters[i % len(letters)] for i in range(n)))
        k += n
    if not 1 <= k <= MAX_LAYERS:
        raise ValueError(f"layers: {k} layers; the app holds 1 to {MAX_LAYERS}")
    return "".join(code), k


def check_points(points):
    """``points`` as a float64 array of shape (n, 2), or a ValueError saying what is wrong."""
    a = np.asarray(points, dtype=float)
    if a.ndim != 2 or a.shape[1] != 2:
        if a.size == 0:
            return np.zeros((0, 2))
        raise ValueError(f"points must have shape (n, 2), not {a.shape}")
    if len(a) > MAX_POINTS:
        raise ValueError(f"{len(a)} points; the app holds at most {MAX_POINTS}")
    bad = ~np.isfinite(a).all(axis=1) | (np.abs(a) > COORD_LIMIT).any(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"points[{i}] = {a[i].tolist()}: every coordinate must be a finite number within "
            f"±{COORD_LIMIT:g} ({int(bad.sum())} such row{'s' if bad.sum() > 1 else ''})"
        )
    return a


def _number(name, v, lo, hi, whole=False):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, not {v!r}")
    if not (lo <= v <= hi) or (whole and int(v) != v):
        raise ValueError(f"{name} = {v!r}: must be a{' whole' if whole else ''} number in [{lo}, {hi}]")
    return repr(int(v)) if whole else repr(float(v))


def build_config(target=None, layers="planar*16", seed=None, lr=None, batch=None, n=None,
                 points_given=False, extra=None):
    """The link fragment the widget loads when the app is ready (embed mode)."""
    if target is None:
        target = "draw" if points_given else "moons"
    target = str(target).lower()
    if target not in TARGETS:
        raise ValueError(f"target {target!r}: one of {', '.join(TARGETS)}")
    if points_given and target != "draw":
        raise ValueError(f"points replace the target's data: leave target out (or 'draw'), not {target!r}")
    code, k = layers_code(layers)
    pairs = ["v=1", f"mode={target}"]
    if k is not None:
        pairs.append(f"K={k}")
    pairs.append(f"layers={code}")
    if seed is not None:
        pairs.append("seed=" + _number("seed", seed, 0, 2**64 - 1, whole=True))
    if lr is not None:
        pairs.append("lr=" + _number("lr", lr, 1e-12, 1e6))
    if batch is not None:
        pairs.append("batch=" + _number("batch", batch, 1, 8192, whole=True))
    if n is not None:
        pairs.append("n=" + _number("n", n, 1, MAX_POINTS, whole=True))
    if extra:
        pairs.extend(p for p in str(extra).lstrip("#").split("&") if p)
    pairs.append("embed=1")
    return "&".join(pairs)


def packaged_html():
    """The app's single-file build shipped with the package ('' if this copy has none)."""
    try:
        return resources.files(__package__).joinpath("static", "embed.html").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return ""


class FlowPlayground(anywidget.AnyWidget):
    """Flow Playground inline: ``FlowPlayground(points=xy)`` fits a flow to a NumPy array,
    ``FlowPlayground(target="u2", layers="planar*32")`` one to an energy.

    ``target``: a preset (``moons``, ``8gaussians``, ``circles``, ``rings``, ``pinwheel``,
    ``spirals``, ``checkerboard``, ``swissroll``), an energy (``u1``–``u4``) or ``draw``
    (points drawn by hand or given as ``points``). ``layers``: families with counts
    (``"planar*16"``, ``"scale + affine*8"``, ``"radial*4 + planar*4"``). ``seed``, ``lr``,
    ``batch``, ``n`` (a preset's size) as in the app; ``height`` in pixels (0: as tall as the app
    needs at the cell's width); ``link_extra``: more of a link's
    ``key=value`` pairs (``"show=grid,particles"``). ``src``: the URL of a hosted copy of the
    app to show instead of the packaged one; ``app_url``: where ``w.link`` points
    (default: the app's own address in the frame).
    """

    _esm = resources.files(__package__).joinpath("widget.js").read_text("utf-8")

    # Python -> page.
    _html = traitlets.Unicode("").tag(sync=True)
    src = traitlets.Unicode("").tag(sync=True)
    sandbox = traitlets.Unicode("allow-scripts allow-downloads").tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)  # pixels; 0: fit the app to the cell's width
    config = traitlets.Unicode("").tag(sync=True)
    _points_request = traitlets.Dict({"rev": 0, "points": []}).tag(sync=True)
    # Page -> Python (what the app reports).
    ready = traitlets.Bool(False).tag(sync=True)
    k = traitlets.Int(0).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    loss = traitlets.Float(None, allow_none=True).tag(sync=True)
    training = traitlets.Bool(False).tag(sync=True)
    model_json = traitlets.Unicode("").tag(sync=True)
    _stage = traitlets.Float(0.0).tag(sync=True)
    _link = traitlets.Unicode("").tag(sync=True)
    _app_points = traitlets.List([]).tag(sync=True)
    _points_rev = traitlets.Int(0).tag(sync=True)

    def __init__(self, points=None, target=None, layers="planar*16", *, seed=None, lr=None,
                 batch=None, n=None, link_extra=None, height=0, src=None, app_url=None,
                 sandbox=None, **kwargs):
        config = build_config(target, layers, seed, lr, batch, n, points is not None, link_extra)
        html = "" if src else packaged_html()
        if not src and not html:
            raise RuntimeError(
                "this copy of flow_playground has no app build (static/embed.html): install it "
                "from a built checkout (scripts/build.sh, then scripts/python-assets.sh) or pass "
                "src='https://…/' (a hosted Flow Playground)"
            )
        super().__init__(_html=html, src=src or "", config=config, height=int(height), **kwargs)
        # The packaged app is one file that runs with an opaque origin; a hosted one loads its
        # script and WebAssembly from its server, which (without CORS headers) needs its own
        # origin: the app's embed snippet's sandbox (on another origin than the notebook's).
        if sandbox is None and src:
            sandbox = ("allow-scripts allow-same-origin allow-downloads allow-popups "
                       "allow-popups-to-escape-sandbox")
        if sandbox is not None:
            self.sandbox = sandbox
        self._app_url = app_url
        self._flow_cache = (None, None)
        if points is not None:
            self.points = points

    # ---- commands ----

    def _command(self, **msg):
        self.send(msg)

    def train(self, steps=None):
        """Starts training (``steps``: that many more steps, then pause)."""
        if steps is None:
            self._command(type="flow:train")
        else:
            self._command(type="flow:train", steps=int(_number("steps", steps, 1, 10_000_000, whole=True)))

    def pause(self):
        """Pauses training."""
        self._command(type="flow:pause-training")

    def play(self, on=True):
        """Plays (or pauses) the layer animation."""
        self._command(type="flow:play" if on else "flow:pause")

    def refresh(self):
        """Asks the app for its model, link and points now (it also reports them by itself)."""
        self._command(type="flow:get-model")

    # ---- state ----

    @property
    def points(self):
        """The points, (n, 2) float64: those last set from Python until the app has them, then
        the app's own (drawn by hand, say)."""
        req = self._points_request
        if req["rev"] and self._points_rev != req["rev"]:
            return np.array(req["points"], dtype=float).reshape(-1, 2)
        return np.array(self._app_points, dtype=float).reshape(-1, 2)

    @points.setter
    def points(self, value):
        a = check_points(value)
        self._points_request = {"rev": self._points_request["rev"] + 1, "points": a.tolist()}

    @property
    def stage(self):
        """The stage shown (0 = base … K = model); settable."""
        return self._stage

    @stage.setter
    def stage(self, s):
        s = float(s)
        if not np.isfinite(s):
            raise ValueError(f"stage must be finite, not {s}")
        self._command(type="flow:set-stage", stage=s)

    @property
    def link(self):
        """The link that opens this state in the full app: ``app_url#v=1&…`` (with the packaged
        app and no ``app_url``, just ``#v=1&…``, for any copy's address); '' before the app
        reports, or when the state is too big for a link (then ``w.save_model``)."""
        if "#" not in self._link:
            return self._link
        base, frag = self._link.split("#", 1)
        if self._app_url:
            return self._app_url.split("#")[0] + "#" + frag
        # The packaged app has no address of its own (about:srcdoc): the fragment alone, for
        # any copy of the app.
        return self._link if base.startswith("http") else "#" + frag

    @property
    def flow(self):
        """The app's current flow as a :class:`Flow` (from the model file it exports)."""
        if not self.model_json:
            raise RuntimeError(
                "the app has not reported its model yet: show the widget (the last expression "
                "of a cell) and read this in a later cell"
            )
        if self._flow_cache[0] != self.model_json:
            self._flow_cache = (self.model_json, load_model(self.model_json))
        return self._flow_cache[1]

    @property
    def params(self):
        """The raw parameters of every layer, one flat float64 array (the app's ``params``)."""
        if not self.model_json:
            return np.zeros(0)
        layers = json.loads(self.model_json)["layers"]
        return np.concatenate([np.asarray(l["raw"], dtype=float) for l in layers] or [np.zeros(0)])

    @property
    def layers(self):
        """The layer types, in order (as in the model file)."""
        return [l["type"] for l in json.loads(self.model_json)["layers"]] if self.model_json else []

    def log_prob(self, x):
        """log p(x) of the app's current flow, (n, 2) -> (n,), as the engine computes it."""
        return self.flow.log_prob(x)

    def sample(self, n, seed=None):
        """Exact samples of the app's current flow."""
        return self.flow.sample(n, seed=seed)

    def to_torch(self):
        """The app's current flow as a PyTorch module (``Flow.to_torch``)."""
        return self.flow.to_torch()

    def save_model(self, path):
        """Writes the model file (the app's Share → Model JSON) to ``path``."""
        if not self.model_json:
            self.flow  # raises the explanation
        with open(path, "w") as f:
            f.write(self.model_json)
