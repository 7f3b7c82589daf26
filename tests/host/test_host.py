"""The component host driven over gRPC as the engine drives it for a TypeScript program: the same
children, options, scoping and restart triggers as from Python; secrets stay secret; mistakes come
back as one property error, never a traceback."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from fluxlit_secrets.engine.mocks import ProviderMocks, is_secret, unwrap
from fluxlit_secrets.engine.monitor import Registration
from fluxlit_secrets.engine.project import load_project
from fluxlit_secrets.engine.run import run_program
from tests.components.test_contract import GOOD
from tests.host.harness import SECRET_SIG, SIG, UNKNOWN, Harness, secret

OIDC = "TsConfigRequireSecret-Value-0123456789"
ARN = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"


class Secret:
    """A secret value in Python args (`pulumi.Output.secret(...)` in the program text)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"pulumi.Output.secret({self.value!r})"


#: SecretLifecycle as a Python program writes it (WIRE: as a TypeScript program sends it).
PYTHON = {
    "app": "shop",
    "deployments": {"image": "ghcr.io/acme/shop:1.0.0", "gateway_replicas": 3, "reads_secrets_dir": True},
    "secrets": {
        "jwt": {"kind": "jwt-hs256", "generation": 3, "overlap": True},
        "oidc": {"kind": "oidc-client", "value": Secret(OIDC)},
        "reports": {
            "kind": "opaque",
            "consumers": {
                "gateway": {"as_": "file", "name": "REPORTS"},
                "streamlit": {"as_": "env", "name": "REPORTS"},
            },
        },
    },
}


@pytest.fixture(scope="module")
def host() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.close()


def from_python(tmp_path: Path, component: str, name: str, args: dict[str, Any]) -> list[Registration]:
    """The same component constructed by a Python program, under the same mocks."""
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    program = f"import pulumi\nimport fluxlit_secrets\nfluxlit_secrets.{component}({name!r}, {args!r})\n"
    (tmp_path / "__main__.py").write_text(program, encoding="utf-8")
    rec = run_program(load_project(tmp_path), "dev", {}, secret_keys=[], mocks=ProviderMocks())
    return [r for r in rec.registrations if r.type != "pulumi:pulumi:Stack"]


def shape(registrations: list[Registration]) -> dict[str, tuple[Any, ...]]:
    """Per URN: type, parent, the options the engine acts on, and the inputs."""
    return {
        r.urn: (
            r.type,
            r.parent,
            r.options["protect"],
            r.options["retainOnDelete"],
            r.options["deleteBeforeReplace"],
            tuple(r.options["dependsOn"]),
            tuple(sorted(r.options["aliases"])),
            r.inputs,
        )
        for r in registrations
    }


def wire_args(value: Any) -> Any:
    """Python args as another language sends them: snake_case field names in camelCase (`as_` is
    `as`), a secret with the wire's secret signature."""
    if isinstance(value, Secret):
        return secret(value.value)
    if isinstance(value, dict):
        return {_camel(k): wire_args(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire_args(v) for v in value]
    return value


def _camel(key: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]*)+", key):
        return key
    head, *rest = key.rstrip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


WIRE = wire_args(PYTHON)


def test_the_schema_comes_over_grpc_with_enums_and_only_true_requirements(host: Harness) -> None:
    schema = host.schema()
    lifecycle = schema["resources"]["fluxlit-secrets:index:SecretLifecycle"]
    assert set(lifecycle["requiredInputs"]) == {"app", "secrets"}
    assert lifecycle["inputProperties"]["topology"]["$ref"] == "#/types/fluxlit-secrets:index:Topology"
    consumer = schema["types"]["fluxlit-secrets:index:ConsumerArgs"]["properties"]
    assert set(consumer) == {"as", "name"}
    assert consumer["as"]["$ref"] == "#/types/fluxlit-secrets:index:ConsumedAs"


def test_a_typescript_lifecycle_builds_what_the_python_one_does(host: Harness, tmp_path: Path) -> None:
    built = host.construct("SecretLifecycle", "shop", WIRE)
    assert built.error is None, built.error
    python = shape(from_python(tmp_path, "SecretLifecycle", "shop", PYTHON))
    wire = shape(built.registrations)
    assert set(wire) == set(python)
    for urn in python:
        assert wire[urn] == python[urn], urn
    assert built.urn == "urn:pulumi:dev::app::fluxlit-secrets:index:SecretLifecycle::shop"


@pytest.mark.parametrize("delivery", ["kubernetes-secret", "csi"])
def test_an_aws_lifecycle_builds_what_the_python_one_does(host: Harness, tmp_path: Path, delivery: str) -> None:
    python = {**PYTHON, "store": "aws", "delivery": delivery, "aws": {"region": "us-east-1", "oidc_provider_arn": ARN}}
    python["secrets"] = {**PYTHON["secrets"], "reports": GATEWAY_ONLY_REPORTS}
    wire = wire_args(python)
    built = host.construct("SecretLifecycle", "shop", wire)
    assert built.error is None, built.error
    assert shape(built.registrations) == shape(from_python(tmp_path, "SecretLifecycle", "shop", python))
    protected = {r.type for r in built.registrations if r.options["protect"]}
    assert "aws:secretsmanager/secret:Secret" in protected
    retained = {r.type for r in built.registrations if r.options["retainOnDelete"]}
    assert "aws:secretsmanager/secretVersion:SecretVersion" in retained


GATEWAY_ONLY_REPORTS = {"kind": "opaque", "consumers": {"gateway": {"as_": "file", "name": "REPORTS"}}}


def test_scoping_and_restart_triggers_over_the_wire(host: Harness) -> None:
    built = host.construct("SecretLifecycle", "shop", WIRE)
    secrets = {
        unwrap(r.inputs)["metadata"]["labels"]["fluxlit-secrets/workload"]: unwrap(r.inputs)
        for r in built.of_type("kubernetes:core/v1:Secret")
        if "fluxlit-secrets/workload" in unwrap(r.inputs)["metadata"]["labels"]
    }
    assert set(secrets["gateway"]["stringData"]) == {
        "FLUXLIT_JWT_HS256_SECRET",
        "FLUXLIT_JWT_HS256_SECRET_PREVIOUS",
        "OIDC_CLIENT_SECRET",
        "REPORTS",
    }
    assert set(secrets["streamlit"]["stringData"]) == {"REPORTS"}
    (gateway_secret,) = [r for r in built.of_type("kubernetes:core/v1:Secret") if r.name == "shop-gateway-secret"]
    assert is_secret(gateway_secret.inputs["stringData"])  # the values travel as secrets
    deployments = {
        unwrap(r.inputs)["metadata"]["labels"]["fluxlit-secrets/workload"]: unwrap(r.inputs)
        for r in built.of_type("kubernetes:apps/v1:Deployment")
    }
    triggers = {
        w: d["spec"]["template"]["metadata"]["annotations"]["fluxlit-secrets/versions"] for w, d in deployments.items()
    }
    assert triggers["gateway"].startswith("jwt=") and "oidc=" in triggers["gateway"]
    assert not triggers["streamlit"].startswith("jwt") and "jwt" not in triggers["streamlit"]


def test_a_secret_value_stays_secret_and_never_plain(host: Harness) -> None:
    built = host.construct("SecretLifecycle", "shop", WIRE)
    for r in built.registrations:
        assert OIDC not in repr(strip_secrets(r.inputs)), f"{r.urn} holds the value outside a secret"
    assert OIDC not in repr(built.state)


def strip_secrets(value: Any) -> Any:
    if is_secret(value):
        return "[secret]"
    if isinstance(value, dict):
        return {k: strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_secrets(v) for v in value]
    return value


def test_outputs_holding_secret_material_come_back_secret(host: Harness) -> None:
    built = host.construct("ManagedSecret", "shop-jwt", wire_args(GOOD["ManagedSecret"]))
    assert built.error is None, built.error
    assert built.state["value"].get(SIG) == SECRET_SIG
    assert built.state["version"] == "1"  # not secret: a version id


def test_an_unknown_value_in_a_preview_is_carried_not_refused(host: Harness) -> None:
    inputs = {**WIRE, "secrets": {**WIRE["secrets"], "oidc": {"kind": "oidc-client", "value": UNKNOWN}}}
    built = host.construct("SecretLifecycle", "shop", inputs, preview=True)
    assert built.error is None, built.error
    assert built.of_type("fluxlit-secrets:index:ManagedSecret")
    (gateway_secret,) = [r for r in built.of_type("kubernetes:core/v1:Secret") if r.name == "shop-gateway-secret"]
    assert "stringData" in gateway_secret.inputs


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"app": "Shop"}, "app", "DNS-1123"),
        ({"secrets": {"jwt": {"kind": "jwt-hs256", "generation": 2.5}}}, "secrets.jwt.generation", "whole number"),
        ({"secrets": {"jwt": {"kind": "jwt-hs256", "generation": UNKNOWN}}}, "secrets.jwt.generation", "unknown"),
        ({"deployments": {"image": "x y"}}, "deployments.image", "image"),
        ({"deployments": {"image": "ghcr.io/a/b:1", "gatewayReplicas": -1}}, "deployments.gatewayReplicas", ""),
        # Non-finite numbers (a protobuf number can be any double): one property error, never a traceback.
        ({"secrets": {"jwt": {"kind": "jwt-hs256", "generation": math.nan}}}, "secrets.jwt.generation", "finite"),
        ({"deployments": {"image": "a/b:1", "gatewayReplicas": math.inf}}, "deployments.gatewayReplicas", "finite"),
        ({"secrets": {"jwt": {"kind": "jwt-hs256", "maxAgeDays": -math.inf}}}, "secrets.jwt.maxAgeDays", "finite"),
    ],
)
def test_a_mistake_is_one_property_error_without_traceback(host: Harness, change: dict, path: str, words: str) -> None:
    built = host.construct("SecretLifecycle", "shop", {**WIRE, **change}, preview=True)
    assert built.error is not None
    assert built.error.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = _property_errors(built.error)
    assert [p for p, _ in details] == [path]
    reason = details[0][1]
    assert words.lower() in reason.lower() and "\n" not in reason
    assert "Traceback" not in str(built.error.details()) and 'File "' not in reason
    # The status text alone says it too: where, which arg, what is wrong, in one line.
    text = built.error.details()
    assert path in text and "\n" not in text and text.startswith('SecretLifecycle "shop": ')


def _property_errors(error: grpc.RpcError) -> list[tuple[str, str]]:
    from pulumi.runtime.proto import errors_pb2, status_pb2

    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                found = errors_pb2.InputPropertiesError()
                if detail.Unpack(found):
                    return [(e.property_path, e.reason) for e in found.errors]
    return []


@pytest.mark.parametrize("component", sorted(GOOD))
def test_every_exported_component_builds_over_the_wire_as_from_python(
    host: Harness, tmp_path: Path, component: str
) -> None:
    built = host.construct(component, "x", wire_args(GOOD[component]))
    assert built.error is None, built.error
    assert shape(built.registrations) == shape(from_python(tmp_path, component, "x", GOOD[component]))


def test_dependencies_sent_with_an_input_reach_the_secret_value(host: Harness) -> None:
    upstream = "urn:pulumi:dev::app::random:index/randomPassword:RandomPassword::idp"
    built = host.construct("SecretLifecycle", "shop", WIRE, dependencies={"secrets": [upstream]})
    assert built.error is None, built.error
    # The kubernetes store: the version marker and the Secret of record both take the value.
    holders = [r for r in built.registrations if r.name == "shop-oidc-version"]
    assert holders and all(upstream in r.options["dependsOn"] for r in holders)


def test_retirement_waits_for_what_the_caller_depends_on(host: Harness) -> None:
    """Retirement ordering is an input every language has: the component's dependsOn."""
    rolled = "urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::shop-gateway"
    args = wire_args(GOOD["RetiringVersion"])
    built = host.construct("RetiringVersion", "shop-jwt-retiring", args, depends_on=[rolled])
    assert built.error is None, built.error
    children = [r for r in built.registrations if r.type != "fluxlit-secrets:index:RetiringVersion"]
    assert children and all(rolled in r.options["dependsOn"] for r in children)


def test_the_served_schema_carries_the_packages_version(host: Harness) -> None:
    from importlib.metadata import version

    from fluxlit_secrets.version import VERSION

    # One version: pyproject.toml reads it from the package, the host serves it even from a source tree.
    assert host.schema()["version"] == VERSION == version("fluxlit-secrets")


@pytest.mark.parametrize("value", ["correct horse battery staple", "9f86d081884c7d659a2feaa0c55ad015", "swordfish"])
def test_a_property_error_masks_every_secret_value_sent(host: Harness, value: str) -> None:
    """The value sent secret in one arg and, by mistake, plain in another: the error names the arg
    and shows `[secret]`, whatever the value's shape."""
    inputs = {
        **WIRE,
        "deployments": {"image": f"{value} :x"},
        "secrets": {**WIRE["secrets"], "oidc": {"kind": "oidc-client", "value": secret(value)}},
    }
    built = host.construct("SecretLifecycle", "shop", inputs, preview=True)
    assert built.error is not None
    text = str(built.error.details()) + repr(_property_errors(built.error))
    assert "deployments.image" in text and value not in text
