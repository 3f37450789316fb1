"""Models as a user copies, pickles and serializes them, and plain dicts where a model goes."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from libtes_client.models import Execution, Image, InputMountMappingWithCreds


def _execution() -> Execution:
    return Execution(
        image=Image(name="alpine", tag="3"),
        args=["-c", "true"],
        inputs=[InputMountMappingWithCreds(path="/in", url="s3://b/k")],
    )


def test_copy_copy_is_independent_at_the_top_level() -> None:
    original = _execution()
    clone = copy.copy(original)
    clone.command = "sh"
    clone.args = ["other"]
    assert original.command is not clone.command
    assert "command" not in original
    assert original.args == ["-c", "true"]
    assert clone.to_dict()["args"] == ["other"]


def test_copy_deepcopy_shares_nothing() -> None:
    original = _execution()
    clone = copy.deepcopy(original)
    assert clone == original
    assert isinstance(clone.image, Image)
    clone.image.tag = "4"
    clone.inputs[0].path = "/elsewhere"
    assert original.image.tag == "3"
    assert original.inputs[0].path == "/in"


def test_models_pickle_and_unpickle_equal_with_unknown_fields() -> None:
    original = Execution.from_dict({"command": "sh", "image": {"name": "x"}, "future": [1, {"a": 2}]})
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(original, protocol=protocol))
        assert type(back) is Execution
        assert back == original
        assert back.image.name == "x"
        assert back["future"] == [1, {"a": 2}]


def test_to_json_is_the_wire_object() -> None:
    model = _execution()
    text = model.to_json()
    assert json.loads(text) == model.to_dict()
    assert '"image":{"name":"alpine","tag":"3"}' in text
    assert json.loads(model.to_json(indent=2)) == model.to_dict()
    assert "\n  " in model.to_json(indent=2)


def test_model_copy_with_changes_leaves_the_original() -> None:
    original = _execution()
    changed = original.model_copy(command="sh", image=Image(name="busybox"))
    assert changed.command == "sh" and changed.image.name == "busybox"
    assert "command" not in original and original.image.name == "alpine"
    changed.inputs[0].path = "/x"
    assert original.inputs[0].path == "/in"
    with pytest.raises(TypeError, match="no_such_field"):
        original.model_copy(no_such_field=1)


def test_a_plain_dict_is_accepted_where_a_model_goes() -> None:
    model = Execution(image={"name": "alpine", "tag": "3"}, inputs=[{"path": "/in"}])  # type: ignore[arg-type]
    assert isinstance(model.image, Image)
    assert model.image.tag == "3"
    assert isinstance(model.inputs[0], InputMountMappingWithCreds)
    assert model.inputs[0].path == "/in"
    assert model.to_dict() == {"image": {"name": "alpine", "tag": "3"}, "inputs": [{"path": "/in"}]}


@pytest.mark.parametrize("value", [42, "alpine", ["alpine"]])
def test_a_wrong_value_for_a_model_field_is_a_type_error_naming_the_field(value: object) -> None:
    with pytest.raises(TypeError, match=r"Execution\.image"):
        Execution(image=value)  # type: ignore[arg-type]
