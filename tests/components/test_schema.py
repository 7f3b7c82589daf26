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


@pytest.fixture(scope="module")
def served() -> dict:
    """The schema the component host serves to other languages (enums added)."""
    import json

    from fluxlit_secrets.host import FluxlitProvider

    return json.loads(FluxlitProvider("0.1.0").schema)


def test_only_truly_required_inputs_are_required(served: dict) -> None:
    required = {tok.rsplit(":", 1)[-1]: set(r.get("requiredInputs", [])) for tok, r in served["resources"].items()}
    assert required == {
        "SecretLifecycle": {"app", "secrets"},
        "ManagedSecret": {"app", "secret"},
        "RetiringVersion": {"app", "secret", "generation", "container"},
        "WorkloadIdentity": {"app", "namespace", "workload"},
        "WorkloadDelivery": {"app", "namespace", "workload", "secrets"},
        "FluxLitWorkloads": {"app", "namespace", "image", "pods"},
    }


def test_every_input_output_and_type_field_is_documented(served: dict) -> None:
    for tok, resource in served["resources"].items():
        for name, prop in {**resource["inputProperties"], **resource.get("properties", {})}.items():
            assert prop.get("description"), f"{tok}.{name}"
    for tok, typ in served["types"].items():
        assert typ.get("description"), tok
        for name, prop in typ.get("properties", {}).items():
            assert prop.get("description"), f"{tok}.{name}"
        for value in typ.get("enum", []):
            assert value.get("description") and value["name"].isidentifier(), f"{tok} {value}"


@pytest.mark.parametrize(
    ("owner", "prop", "values"),
    [
        ("resources/SecretLifecycle", "topology", {"split", "unified"}),
        ("resources/SecretLifecycle", "store", {"kubernetes", "aws", "gcp", "azure"}),
        ("resources/SecretLifecycle", "delivery", {"kubernetes-secret", "csi"}),
        ("types/SecretArgs", "kind", {"jwt-hs256", "oidc-bff", "oidc-client", "opaque"}),
        ("types/SecretArgs", "source", {"generated", "config"}),
        ("types/ConsumerArgs", "as", {"file", "env"}),
        ("types/DeliveredSecretArgs", "as", {"file", "env"}),
        ("resources/WorkloadDelivery", "delivery", {"kubernetes-secret", "csi"}),
        ("resources/ManagedSecret", "source", {"generated", "config"}),
        ("resources/FluxLitWorkloads", "topology", {"split", "unified"}),
        ("types/GcpArgs", "csiProvider", {"gcp", "gke"}),
    ],
)
def test_closed_sets_are_enums(served: dict, owner: str, prop: str, values: set[str]) -> None:
    section, name = owner.split("/")
    entry = served[section][f"fluxlit-secrets:index:{name}"]
    spec = (entry.get("inputProperties") or entry["properties"])[prop]
    enum = served["types"][spec["$ref"].removeprefix("#/types/")]
    assert {v["value"] for v in enum["enum"]} == values


def test_one_name_per_field_no_python_only_spelling(served: dict) -> None:
    text = str(served)
    assert "'mode'" not in text and "as_" not in text
    # Retirement ordering is an input (dependsOn), not a Python method.
    for component in COMPONENTS:
        public = {n for n in vars(component) if not n.startswith("_") and callable(getattr(component, n))}
        assert public <= {"of"}, (component.__name__, public)
