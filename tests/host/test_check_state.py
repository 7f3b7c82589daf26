"""`fluxlit-secrets check --state`: the rules on what a TypeScript, Go or YAML program deployed,
read from `pulumi stack export` (secrets as ciphertext), without running the program."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine.mocks import is_secret
from fluxlit_secrets.engine.monitor import Registration
from tests.host.harness import SECRET_SIG, SIG, Harness
from tests.host.test_examples import wire, yaml_program


def exported(value: Any) -> Any:
    """A value as `pulumi stack export` writes it: each secret as ciphertext."""
    if is_secret(value):
        return {SIG: SECRET_SIG, "ciphertext": "v1:AAAAAAAAAAAAAAAA:cGxhY2Vob2xkZXI="}
    if isinstance(value, dict):
        return {k: exported(v) for k, v in value.items()}
    if isinstance(value, list):
        return [exported(v) for v in value]
    return value


def export(registrations: list[Registration], extra: list[dict[str, Any]] = ()) -> dict[str, Any]:
    resources = [
        {
            "urn": r.urn,
            "custom": r.custom,
            "type": r.type,
            "inputs": exported(r.inputs),
            "outputs": exported(r.outputs),
            "parent": r.parent,
            "protect": r.options["protect"],
            "retainOnDelete": r.options["retainOnDelete"],
        }
        for r in registrations
    ]
    return {"version": 3, "deployment": {"manifest": {}, "resources": [*resources, *extra]}}


@pytest.fixture(scope="module")
def deployed() -> Iterator[list[Registration]]:
    harness = Harness()
    try:
        built = harness.construct("SecretLifecycle", "shop", wire(yaml_program()["resources"]["shop"]["properties"]))
        assert built.error is None, built.error
        # As the engine keeps them: a component's state holds the outputs it registered.
        yield [
            r if r.custom else dataclasses.replace(r, outputs=built.component_outputs.get(r.urn, r.outputs))
            for r in built.registrations
        ]
    finally:
        harness.close()


def run_check(tmp_path: Path, doc: dict[str, Any], capsys) -> tuple[int, str, str]:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(doc))
    code = main(["check", "--state", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_deployed_yaml_program_passes(deployed, tmp_path: Path, capsys) -> None:
    code, out, err = run_check(tmp_path, export(deployed), capsys)
    assert code == 0, (out, err)
    assert out.strip().endswith("0 mandatory")


def test_a_pod_of_its_own_that_mounts_the_gateway_secret_is_found(deployed, tmp_path: Path, capsys) -> None:
    gateway = next(r for r in deployed if r.type == "kubernetes:apps/v1:Deployment" and "gateway" in r.name)
    worker = copy.deepcopy(exported(gateway.inputs))
    spec = worker["spec"]["template"]["spec"]
    spec["serviceAccountName"] = "shop-streamlit"
    spec["containers"][0]["command"] = ["python", "-m", "streamlit", "run", "app.py"]
    extra = {
        "urn": "urn:pulumi:dev::shop-ts::kubernetes:apps/v1:Deployment::worker",
        "custom": True,
        "type": "kubernetes:apps/v1:Deployment",
        "inputs": worker,
        "outputs": {},
    }
    code, out, _ = run_check(tmp_path, export(deployed, [extra]), capsys)
    assert code == 1
    assert "streamlit-no-gateway-secrets" in out and "worker" in out
    assert "[secret]" not in out and "ciphertext" not in out


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not JSON"),
        ('{"version": 3}', "pulumi stack export"),
        ("[" * 200_000 + "]" * 200_000, "nested too deep"),
        ('{"deployment": {"resources": [' + '{"a": ' * 900 + "1" + "}" * 900 + "]}}", "nested deeper than 64"),
    ],
)
def test_a_file_that_is_not_an_export_is_one_line(tmp_path: Path, capsys, text: str, words: str) -> None:
    _refused_in_one_line(tmp_path, capsys, text, words)


def _resource(type_: str, inputs: Any, urn: Any = None) -> str:
    urn = f"urn:pulumi:dev::p::{type_}::r" if urn is None else urn
    return json.dumps({"deployment": {"resources": [{"urn": urn, "type": type_, "custom": True, "inputs": inputs}]}})


DEPLOYMENT, ROLE = "kubernetes:apps/v1:Deployment", "aws:iam/role:Role"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_resource(DEPLOYMENT, [1]), "inputs and outputs objects"),
        (_resource(DEPLOYMENT, {}, urn=5), "urn and type must be text"),
        ('{"deployment": {"resources": [[1], "x"]}}', "resources[0] is not an object"),
        (_resource(ROLE, {"x": float("nan")}).replace("NaN", "NaN"), "NaN or Infinity"),
        (_resource(ROLE, {"x": 1}).replace('"x": 1', '"x": -Infinity'), "NaN or Infinity"),
        (_resource(DEPLOYMENT, {"metadata": "x", "spec": {"template": {"spec": {"containers": "y"}}}}), "shaped"),
        (_resource(DEPLOYMENT, {"metadata": {}, "spec": {"template": {"spec": {"containers": ["x"]}}}}), "shaped"),
        (_resource(ROLE, {"assumeRolePolicy": {"Statement": [{"Effect": "Allow", "Condition": [1]}]}}), "shaped"),
        (_resource("aws:secretsmanager/secret:Secret", {"tags": [1]}), "shaped"),
    ],
)
def test_a_crafted_export_is_refused_in_one_line(tmp_path: Path, capsys, text: str, words: str) -> None:
    _refused_in_one_line(tmp_path, capsys, text, words)


def _refused_in_one_line(tmp_path: Path, capsys, text: str, words: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(text)
    assert main(["check", "--state", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_check_needs_a_stack_or_a_state(capsys) -> None:
    assert main(["check"]) == 2
    assert "--state FILE" in capsys.readouterr().err


def test_secrets_in_an_export_with_show_secrets_are_read(tmp_path: Path, capsys) -> None:
    value = "hunter2-hunter2-hunter2-0123456789"
    deployment = {
        "urn": "urn:pulumi:dev::p::kubernetes:apps/v1:Deployment::d",
        "custom": True,
        "type": "kubernetes:apps/v1:Deployment",
        "inputs": {
            "metadata": {"name": "d", "namespace": "shop"},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "c",
                                "image": "i:1",
                                "env": [
                                    {
                                        "name": "API_TOKEN",
                                        "value": {
                                            SIG: SECRET_SIG,
                                            "plaintext": json.dumps(value),
                                        },
                                    }
                                ],
                            }
                        ]
                    }
                }
            },
        },
    }
    code, out, _ = run_check(tmp_path, {"version": 3, "deployment": {"resources": [deployment]}}, capsys)
    assert code == 1 and "no-secret-literal-in-env" in out and value not in out
