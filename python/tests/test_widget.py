"""The notebook widget's Python side (flow_playground/widget.py), without a browser: the link it
asks the app to load, the commands it sends, what it refuses, and how the state the page reports
(its traitlets, as widget.js sets them) reads back — ``log_prob`` through the exported model file
equal to the engine's to 1e-10. The page itself is tested in JupyterLab (e2e/notebook.test.mjs)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("anywidget")

from conftest import TOL, arr, assert_engine_close, model_path, reference  # noqa: E402
from flow_playground import FlowPlayground, load_model  # noqa: E402
from flow_playground.widget import build_config, check_points, layers_code  # noqa: E402

SRC = "http://127.0.0.1:1/"  # a hosted app: no packaged build needed for these tests


def widget(**kw):
    w = FlowPlayground(src=SRC, **kw)
    w.sent = []
    w.send = lambda msg, buffers=None: w.sent.append(msg)
    return w


def page_reports(w, **state):
    """What widget.js does with the app's events."""
    for k, v in state.items():
        setattr(w, k, v)


def test_layer_specs():
    assert layers_code("planar*16") == ("p" * 16, 16)
    assert layers_code("scale + affine*4") == ("zabab", 5)
    assert layers_code(["radial*2", "planar"]) == ("rrp", 3)
    assert layers_code("spline-y*2, cnf-mlp") == ("mmf", 3)
    assert layers_code("4p2r") == ("4p2r", None)
    assert layers_code("f[midpoint,16]") == ("f[midpoint,16]", None)
    for bad in ["planar*0", "planar*65", "planer*4", "planar*x", ""]:
        with pytest.raises(ValueError):
            layers_code(bad)


def test_config_is_an_embed_link():
    assert build_config() == "v=1&mode=moons&K=16&layers=pppppppppppppppp&embed=1"
    cfg = build_config("u2", "radial*8", seed=7, lr=0.01, batch=256, extra="show=grid,particles")
    assert cfg == "v=1&mode=u2&K=8&layers=rrrrrrrr&seed=7&lr=0.01&batch=256&show=grid,particles&embed=1"
    assert build_config(points_given=True).startswith("v=1&mode=draw&")
    with pytest.raises(ValueError, match="target"):
        build_config("banana")
    with pytest.raises(ValueError, match="replace the target"):
        build_config("moons", points_given=True)
    for kw in [dict(seed=-1), dict(lr=0), dict(batch=1.5), dict(batch=10_000), dict(seed="1"), dict(lr=float("nan"))]:
        with pytest.raises(ValueError):
            build_config(**kw)


def test_bad_points_are_refused_with_the_row():
    assert check_points([]).shape == (0, 2)
    ok = check_points([[0.5, -1], [1e4, -1e4]])
    assert ok.dtype == np.float64 and ok.shape == (2, 2)
    with pytest.raises(ValueError, match=r"points\[1\].*finite"):
        check_points([[0, 0], [np.nan, 1]])
    with pytest.raises(ValueError, match=r"points\[2\]"):
        check_points([[0, 0], [1, 1], [0, 1e300]])
    with pytest.raises(ValueError, match="at most 20000"):
        check_points(np.zeros((20_001, 2)))
    with pytest.raises(ValueError, match="shape"):
        check_points(np.zeros((5, 3)))
    w = widget()
    with pytest.raises(ValueError):
        w.points = [[np.inf, 0]]
    assert w._points_request["rev"] == 0, "a refused array changes nothing"


def test_points_go_to_the_app_and_read_back_from_it():
    xy = np.random.default_rng(0).normal(size=(300, 2))
    w = widget(points=xy)
    assert w.config.startswith("v=1&mode=draw&")
    assert w._points_request["rev"] == 1
    # Exact: JSON numbers are written in the shortest form that reads back the same double.
    assert np.array_equal(np.array(json.loads(json.dumps(w._points_request["points"]))), xy)
    # Until the app has them, w.points are those asked for.
    assert np.array_equal(w.points, xy)
    page_reports(w, _app_points=[[9.0, 9.0]], _points_rev=0)
    assert np.array_equal(w.points, xy)
    # The app's reply after the request: its own points (here, as sent).
    page_reports(w, _app_points=xy.tolist(), _points_rev=1)
    assert np.array_equal(w.points, xy)
    # Points drawn by hand in the frame come back as the app's.
    page_reports(w, _app_points=[[1.0, 2.0], [3.0, 4.0]])
    assert np.array_equal(w.points, [[1.0, 2.0], [3.0, 4.0]])
    w.points = np.zeros((0, 2))
    assert w._points_request["rev"] == 2 and w.points.shape == (0, 2)


def test_commands_are_the_apps_messages():
    w = widget()
    w.train()
    w.train(steps=300)
    w.pause()
    w.stage = 2.5
    w.play()
    w.play(False)
    w.refresh()
    assert w.sent == [
        {"type": "flow:train"},
        {"type": "flow:train", "steps": 300},
        {"type": "flow:pause-training"},
        {"type": "flow:set-stage", "stage": 2.5},
        {"type": "flow:play"},
        {"type": "flow:pause"},
        {"type": "flow:get-model"},
    ]
    for bad in [0, 2.5, 1e8]:
        with pytest.raises(ValueError):
            w.train(steps=bad)
    with pytest.raises(ValueError):
        w.stage = float("nan")
    # widget.js relays exactly the app's commands: every type Python sends is on its list.
    js = (Path(__file__).parents[1] / "flow_playground" / "widget.js").read_text()
    relayed = set(re.findall(r'"(flow:[a-z-]+)"', js.split("const COMMANDS")[1].split(");")[0]))
    assert {m["type"] for m in w.sent} <= relayed


def test_state_reported_by_the_app():
    w = widget()
    with pytest.raises(RuntimeError, match="not reported its model"):
        w.log_prob(np.zeros((1, 2)))
    assert w.params.shape == (0,) and w.layers == [] and w.link == ""
    text = model_path("stack").read_text()
    page_reports(w, ready=True, k=12, step=40, loss=2.5, training=True, _stage=12.0, model_json=text,
                 _link="http://127.0.0.1:1/#v=1&mode=moons&K=12&layers=x")
    assert (w.step, w.loss, w.training, w.stage, w.k) == (40, 2.5, True, 12.0, 12)
    doc = json.loads(text)
    assert w.layers == [l["type"] for l in doc["layers"]]
    assert np.array_equal(w.params, np.concatenate([np.array(l["raw"], float) for l in doc["layers"]]))
    assert w.link == "http://127.0.0.1:1/#v=1&mode=moons&K=12&layers=x"
    w._link = "about:srcdoc#v=1&mode=moons&K=12&layers=x"
    assert w.link == "#v=1&mode=moons&K=12&layers=x", "the packaged app has no address"
    w._app_url = "https://example.org/flow/"
    assert w.link == "https://example.org/flow/#v=1&mode=moons&K=12&layers=x"


@pytest.mark.parametrize("name", ["stack", "planar", "spline-y", "cnf-mlp"])
def test_log_prob_through_the_exported_model_equals_the_engine(name):
    """The widget's log_prob is load_model on the file the app exports: the engine's numbers."""
    w = widget()
    page_reports(w, model_json=model_path(name).read_text())
    ref = reference(name)
    direction = json.loads(w.model_json).get("direction", "normalizing")
    x = arr(ref["points"])
    assert_engine_close(w.log_prob(x), arr(ref[direction]["probe"]), f"{name} widget log_prob", TOL)
    assert np.array_equal(w.log_prob(x), load_model(model_path(name)).log_prob(x))
    assert np.array_equal(w.sample(5, seed=1), load_model(model_path(name)).sample(5, seed=1))


def test_to_torch_matches():
    torch = pytest.importorskip("torch")
    w = widget()
    page_reports(w, model_json=model_path("stack").read_text())
    x = arr(reference("stack")["points"])[:20]
    got = w.to_torch().log_prob(torch.tensor(x)).detach().numpy()
    assert_engine_close(got, w.log_prob(x), "stack torch", TOL)


def test_a_copy_without_the_app_build_says_what_to_do(monkeypatch):
    import flow_playground.widget as wmod

    monkeypatch.setattr(wmod, "packaged_html", lambda: "")
    with pytest.raises(RuntimeError, match="no app build"):
        FlowPlayground()
    monkeypatch.setattr(wmod, "packaged_html", lambda: "<!doctype html><title>app</title>")
    w = FlowPlayground()
    assert w._html.startswith("<!doctype html>") and w.src == ""
