"""Model files the app would reject raise a ModelFileError (a ValueError) that says why and
names the layer; the forms the app accepts load."""

import json

import numpy as np
import pytest

import flow_playground as fp
from conftest import model_path


def planar_model():
    return json.loads(model_path("planar").read_text())


def stack_model():
    return json.loads(model_path("stack").read_text())


def rejects(doc, *fragments):
    with pytest.raises(ValueError) as e:
        fp.load_model(doc)
    assert isinstance(e.value, fp.ModelFileError)
    for f in fragments:
        assert f in str(e.value), str(e.value)


def test_wrong_format_tag():
    doc = planar_model()
    doc["format"] = "flow-playground-points"
    rejects(doc, "format is 'flow-playground-points'", "expected 'flow-playground-model'")


def test_wrong_version():
    doc = planar_model()
    doc["version"] = 2
    rejects(doc, "version is 2")


def test_wrong_number_of_raw_values_names_the_layer():
    doc = stack_model()
    doc["layers"][4]["raw"].pop()
    rejects(doc, "layer 4 (affine-x) has 1185 raw values; it needs 1186")


def test_unknown_type_names_the_layer():
    doc = stack_model()
    doc["layers"][2]["type"] = "radiall"
    rejects(doc, "layer 2 has unknown type 'radiall'", "planar, radial")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 2e6])
def test_non_finite_or_out_of_range_raw_value_names_the_layer_and_value(bad):
    doc = stack_model()
    doc["layers"][3]["raw"][5] = bad
    rejects(doc, "layer 3 (sylvester), raw value 5", "not a finite number within ±1e6")


def test_non_finite_literals_in_json_text():
    text = model_path("planar").read_text().replace('"raw": [', '"raw": [NaN, ', 1)
    text = text.replace(", 0.004929389437871835]", "]", 1)
    rejects(text, "layer 0 (planar), raw value 0 is nan")


def test_non_numeric_raw_value():
    doc = planar_model()
    doc["layers"][0]["raw"][1] = "0.5"
    rejects(doc, "layer 0 (planar), raw value 1 is a string, not a number")
    doc["layers"][0]["raw"][1] = True
    rejects(doc, "raw value 1 is a boolean")


def test_missing_pieces():
    doc = planar_model()
    del doc["layers"][0]["raw"]
    rejects(doc, 'layer 0 (planar) has no "raw" list')
    doc = planar_model()
    del doc["layers"][0]["type"]
    rejects(doc, 'layer 0 has no "type"')
    rejects({"format": fp.FORMAT}, 'no "layers" list')
    rejects({"points": [[0, 0]]}, "holds points")
    rejects([[0.0, 1.0]], "layer 0 is a list")
    rejects("   ", "empty")
    rejects("{not json", "not JSON")


def test_too_many_layers():
    doc = planar_model()
    doc["layers"] = doc["layers"] * 65
    rejects(doc, "65 layers; at most 64")


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("steps", 0, '"steps" must be a whole number 1–128'),
        ("steps", 2.5, '"steps" must be a whole number'),
        ("width", 65, '"width" must be a whole number 1–64'),
        ("solver", "dopri5", "unknown solver 'dopri5'"),
    ],
)
def test_bad_continuous_spec_names_the_layer(key, value, message):
    doc = stack_model()
    doc["layers"][6]["constrained"][key] = value
    rejects(doc, "layer 6 (cnf-planar)", message)


def test_continuous_width_decides_the_raw_count():
    doc = stack_model()
    doc["layers"][6]["constrained"]["width"] = 4
    rejects(doc, "layer 6 (cnf-planar) has 30 raw values; it needs 40")


def test_accepted_forms_give_the_same_flow():
    doc = planar_model()
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    want = fp.load_model(model_path("planar")).log_prob(x)
    text = model_path("planar").read_text()
    bare = [dict(doc["layers"][0], type="  PLANAR ")]
    for source in (str(model_path("planar")), text, doc, bare, text.encode()):
        np.testing.assert_array_equal(fp.load_model(source).log_prob(x), want)


def test_continuous_defaults_without_constrained():
    doc = json.loads(model_path("cnf-planar").read_text())
    del doc["layers"][0]["constrained"]
    spec = fp.load_model(doc).layers[0].spec
    assert (spec.method, spec.steps, spec.width) == ("rk4", 16, 8)


def test_bad_direction():
    with pytest.raises(ValueError, match="direction must be"):
        fp.load_model(model_path("planar"), direction="backwards")


def test_bad_points_shape():
    flow = fp.load_model(model_path("planar"))
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        flow.log_prob(np.zeros((4, 3)))


def test_the_files_direction_is_used_unless_one_is_given():
    doc = planar_model()
    assert doc["direction"] == "normalizing"
    assert fp.load_model(doc).direction == "normalizing"
    doc["direction"] = "generative"
    assert fp.load_model(doc).direction == "generative"
    assert fp.load_model(doc, direction="normalizing").direction == "normalizing"
    del doc["direction"]
    assert fp.load_model(doc).direction == "normalizing"
    doc["direction"] = "sideways"
    with pytest.raises(ValueError, match="direction"):
        fp.load_model(doc)
