"""The multi-language package: the schema inferred in-process holds every component and arg."""

from __future__ import annotations

import pytest
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.util import camel_case

from fluxlit_secrets import COMPONENTS


@pytest.fixture(scope="module")
def schema() -> dict:
    return ComponentProvider(COMPONENTS, "fluxlit-secrets", None, "0.1.0").schema


def _schema_dict(schema) -> dict:
    import json

    return json.loads(schema) if isinstance(schema, str) else schema


def _args_type(component: type) -> type:
    return component.__init__.__annotations__["args"]


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_every_component_and_its_args_are_in_the_schema(schema, component: type) -> None:
    doc = _schema_dict(schema)
    resource = doc["resources"][f"fluxlit-secrets:index:{component.__name__}"]
    assert resource["isComponent"] is True
    args = _args_type(component)
    assert set(resource["inputProperties"]) == {camel_case(k) for k in args.__annotations__}
    required = {camel_case(k) for k in args.__required_keys__}
    assert set(resource.get("requiredInputs", [])) == required
    outputs = {camel_case(k) for k, v in component.__annotations__.items() if "Output" in str(v)}
    assert outputs and outputs <= set(resource["properties"])
    for prop in resource["inputProperties"].values():
        assert prop.get("description"), "every arg is documented"
