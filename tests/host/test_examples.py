"""The YAML and TypeScript examples: their inputs match the served schema (names, required fields,
enum values) and build through the component host; the plugin's requirements match the package's."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
from ruamel.yaml import YAML

from fluxlit_secrets.engine.mocks import unwrap
from tests.host.harness import ROOT, Harness, secret
from tests.host.test_host import strip_secrets

EXAMPLES = ROOT / "examples"
PAYMENTS = "Payments-Key-From-Config-0123456789"


@pytest.fixture(scope="module")
def host() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.close()


def yaml_program() -> dict[str, Any]:
    return YAML(typ="safe").load((EXAMPLES / "app-stack-yaml" / "Pulumi.yaml").read_text())


def ts_inputs() -> dict[str, Any]:
    """The object literal the TypeScript example passes to `new fluxlit.SecretLifecycle`."""
    text = (EXAMPLES / "app-stack-ts" / "index.ts").read_text()
    start = text.index("new fluxlit.SecretLifecycle(")
    body = text[text.index("{", start) :]
    depth = 0
    for i, ch in enumerate(body):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            body = body[: i + 1]
            break
    body = re.sub(r"//[^\n]*", "", body)
    body = body.replace('config.requireSecret("paymentsKey")', '"${paymentsKey}"')
    body = re.sub(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:", r'\1"\2":', body)
    body = re.sub(r",(\s*[}\]])", r"\1", body)
    return json.loads(body)


def check_against(schema: dict[str, Any], props: dict[str, Any], value: Any, where: str) -> list[str]:
    """What in `value` the schema's `props` (with its required list) does not accept."""
    problems = []
    for key, given in value.items():
        spec = props["properties"].get(key)
        if spec is None:
            problems.append(f"{where}.{key}: not in the schema")
            continue
        problems += check_value(schema, spec, given, f"{where}.{key}")
    problems += [f"{where}.{r}: required" for r in props.get("required", []) if r not in value]
    return problems


def check_value(schema: dict[str, Any], spec: dict[str, Any], given: Any, where: str) -> list[str]:
    if isinstance(given, str) and given.startswith("${"):
        return []  # an expression (config, another resource's output)
    ref = spec.get("$ref", "").removeprefix("#/types/")
    if ref:
        typ = schema["types"][ref]
        if "enum" in typ:
            values = {v["value"] for v in typ["enum"]}
            return [] if given in values else [f"{where}: {given!r} not one of {sorted(values)}"]
        return check_against(schema, typ, given, where)
    if spec.get("type") == "object" and "additionalProperties" in spec:
        return [
            p for k, v in given.items() for p in check_value(schema, spec["additionalProperties"], v, f"{where}.{k}")
        ]
    if spec.get("type") == "array":
        return [p for i, v in enumerate(given) for p in check_value(schema, spec["items"], v, f"{where}[{i}]")]
    return []


def resource_inputs(host: Harness, token: str, inputs: dict[str, Any]) -> list[str]:
    schema = host.schema()
    resource = schema["resources"][token]
    props = {"properties": resource["inputProperties"], "required": resource.get("requiredInputs", [])}
    return check_against(schema, props, inputs, token.rsplit(":", 1)[-1])


def wire(value: Any) -> Any:
    """Program inputs as the engine sends them: the secret config value secret-wrapped."""
    if value == "${paymentsKey}":
        return secret(PAYMENTS)
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    return value


def test_the_yaml_example_uses_the_package_and_matches_the_schema(host: Harness) -> None:
    program = yaml_program()
    assert program["packages"]["fluxlit-secrets"] == "../../components"
    assert (EXAMPLES / "app-stack-yaml" / program["packages"]["fluxlit-secrets"] / "PulumiPlugin.yaml").exists()
    ours = {n: r for n, r in program["resources"].items() if r["type"].startswith("fluxlit-secrets:")}
    assert ours
    for resource in ours.values():
        assert resource_inputs(host, resource["type"], resource["properties"]) == []


def test_the_typescript_example_matches_the_schema(host: Harness) -> None:
    inputs = ts_inputs()
    assert inputs["secrets"]["payments-key"]["consumers"]["gateway"]["as"] == "file"
    assert resource_inputs(host, "fluxlit-secrets:index:SecretLifecycle", inputs) == []


@pytest.mark.parametrize("example", ["yaml", "ts"])
def test_each_example_builds_through_the_host(host: Harness, example: str) -> None:
    inputs = yaml_program()["resources"]["shop"]["properties"] if example == "yaml" else ts_inputs()
    built = host.construct("SecretLifecycle", "shop", wire(inputs))
    assert built.error is None, built.error
    gateway = next(
        unwrap(r.inputs) for r in built.of_type("kubernetes:core/v1:Secret") if r.name == "shop-gateway-secret"
    )
    assert set(gateway["stringData"]) == {"FLUXLIT_JWT_HS256_SECRET", "PAYMENTS_KEY"}
    assert all(PAYMENTS not in repr(strip_secrets(r.inputs)) for r in built.registrations)


def test_the_plugin_requirements_are_the_package_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    clouds = [d for extra in ("aws", "gcp", "azure") for d in project["optional-dependencies"][extra]]
    wanted = [re.sub(r"\s", "", d.split("#")[0]) for d in [*project["dependencies"], *clouds]]
    lines = (ROOT / "components" / "requirements.txt").read_text().splitlines()
    listed = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert listed == wanted
