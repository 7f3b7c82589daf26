"""`fluxlit-secrets synth`: exit codes, the three files, no secret value, valid manifests."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
from ruamel.yaml import YAML

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine import ProviderMocks
from fluxlit_secrets.engine.synth import synth
from tests.conftest import KNOWN, ROOT, copy_project

STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
SPC_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "secretproviderclass-v1.json").read_text())


@pytest.mark.parametrize("stack", STACKS)
def test_synth_of_each_stack_renders_what_the_program_registers(stack: str, tmp_path: Path, capsys) -> None:
    from fluxlit_secrets.engine.run import run_stack

    out = tmp_path / "out"
    assert main(["synth", "--stack", stack, "--project-dir", str(ROOT), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    recording = run_stack(ROOT, stack)
    resources = json.loads((out / "resources.json").read_text())
    assert [r["urn"] for r in resources] == sorted(r.urn for r in recording.registrations)
    assert {"urn", "type", "name", "parent", "custom", "inputs", "options", "id"} <= set(resources[0])
    assert set(json.loads((out / "outputs.json").read_text())) == set(recording.outputs)
    report = (out / "report.md").read_text()
    assert "| secret | store | Kubernetes object | workload | as | name / path |" in report
    secrets = json.loads(recording.config.values["fluxlit-secrets:secrets"])
    for name in secrets:  # every declared secret reaches at least one workload, in the report and on stdout
        assert f"  {name} " in stdout
    kinds = {d["kind"] for d in __import__("yaml").safe_load_all((out / "manifests.yaml").read_text())}
    assert {"Namespace", "ServiceAccount", "Deployment", "NetworkPolicy"} <= kinds
    # Values reach pods through a Secret, or with CSI delivery through a SecretProviderClass and no Secret.
    csi = recording.config.values.get("fluxlit-secrets:delivery") == "csi"
    assert ("SecretProviderClass" in kinds and "Secret" not in kinds) if csi else "Secret" in kinds


@pytest.mark.parametrize("stack", STACKS)
def test_rendered_files_hold_no_secret_value(stack: str, tmp_path: Path) -> None:
    mocks = ProviderMocks(generated=KNOWN)
    result = synth(ROOT, stack, tmp_path, mocks=mocks)
    values = set(mocks.handed_out.values())
    values |= {result.recording.config.values[k] for k in result.recording.config.secret_keys}
    assert values, "the stack has secrets to look for"
    for name in ("resources.json", "manifests.yaml", "report.md"):
        text = (tmp_path / name).read_text()
        for value in values:
            assert value not in text, f"a secret value leaks into {name}"
    assert "[secret]" in (tmp_path / "resources.json").read_text()
    assert not any(value in result.summary for value in values)


@pytest.mark.parametrize("stack", STACKS)
def test_manifests_pass_kubernetes_validate(stack: str, tmp_path: Path) -> None:
    synth(ROOT, stack, tmp_path)
    docs = list(YAML(typ="safe", pure=True).load_all((tmp_path / "manifests.yaml").read_text()))
    assert docs
    version = kubernetes_validate.latest_version()
    for doc in docs:
        if doc["kind"] == "SecretProviderClass":
            # A custom resource: checked against the CRD's documented fields (kubernetes-validate has core kinds).
            jsonschema.validate(doc, SPC_SCHEMA)
        else:
            kubernetes_validate.validate(doc, version, strict=True)


def test_the_provider_class_schema_refuses_what_the_crd_does() -> None:
    good = {
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": {"name": "a-gateway-0123456789", "namespace": "a"},
        "spec": {"provider": "aws", "parameters": {"region": "us-east-1"}},
    }
    jsonschema.validate(good, SPC_SCHEMA)
    for bad in ({"parameters": {"usePodIdentity": True}}, {"provider": "aws", "secretObject": []}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, "spec": bad}, SPC_SCHEMA)


def test_secret_data_keeps_its_keys_but_not_its_values(tmp_path: Path) -> None:
    synth(ROOT, "dev", tmp_path)
    docs = list(YAML(typ="safe", pure=True).load_all((tmp_path / "manifests.yaml").read_text()))
    streamlit = next(d for d in docs if d["kind"] == "Secret" and "streamlit" in d["metadata"]["name"])
    assert streamlit["stringData"] == {"REPORTS_TOKEN": "[secret]"}


def test_broken_stack_file_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.dev.yaml"
    path.write_text(
        path.read_text().replace("kind: jwt-hs256\n      generation: 1", "kind: jwt-hs256\n      generation: 0")
    )
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Pulumi.dev.yaml" in err and "fluxlit-secrets:secrets.jwt.generation" in err
    assert "Traceback" not in err


def test_invalid_yaml_exits_2_with_the_line(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path)
    (project / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  fluxlit-secrets:app: [unclosed\n")
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Pulumi.dev.yaml" in err and "line" in err


def test_unknown_stack_lists_the_stacks_that_exist(capsys) -> None:
    assert main(["synth", "--stack", "prodd", "--project-dir", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "prodd" in err and "dev" in err


def test_missing_secret_config_value_is_an_error(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.dev.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("  # A placeholder")])
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert "fluxlit-secrets:oidcClientSecret" in err and "pulumi config set --secret" in err


def test_plaintext_secret_config_value_is_refused(tmp_path: Path, capsys) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.dev.yaml"
    text = path.read_text()
    cut = text.index("  fluxlit-secrets:oidcClientSecret:")
    path.write_text(text[:cut] + "  fluxlit-secrets:oidcClientSecret: plain-text-value-123\n")
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert "plaintext" in err and "plain-text-value-123" not in err


@pytest.mark.parametrize("argv", [["--help"], ["synth", "--help"]])
def test_every_command_has_help(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_synth_renders_an_app_stack_that_imports_the_components(tmp_path: Path) -> None:
    result = synth(ROOT / "examples" / "app-stack", "dev", tmp_path)
    docs = list(YAML(typ="safe", pure=True).load_all((tmp_path / "manifests.yaml").read_text()))
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    secret = next(d for d in docs if d["kind"] == "Secret" and d["metadata"]["labels"].get("fluxlit-secrets/workload"))
    pod = deployment["spec"]["template"]
    assert pod["spec"]["volumes"][0]["secret"]["secretName"] == secret["metadata"]["name"]
    assert pod["metadata"]["annotations"]["fluxlit-secrets/versions"].startswith("jwt=1,payments-key=")
    assert set(secret["stringData"]) == {"FLUXLIT_JWT_HS256_SECRET", "PAYMENTS_KEY"}
    assert "payments-key" in result.summary


CRONJOB = """
import pulumi_kubernetes as k8s
from fluxlit_secrets.components.program import main

lifecycle = main()
gateway_secret = lifecycle.secret_names.apply(lambda n: n["gateway"])
k8s.batch.v1.CronJob("nightly", metadata={"namespace": "admin-portal-dev"}, spec={
    "schedule": "0 3 * * *",
    "jobTemplate": {"spec": {"template": {"spec": {
        "serviceAccountName": "admin-portal-streamlit", "automountServiceAccountToken": False,
        "restartPolicy": "Never",
        "containers": [{"name": "report", "image": "ghcr.io/acme/report:1",
                        "volumeMounts": [{"name": "p", "mountPath": "/p", "readOnly": True}]}],
        "volumes": [{"name": "p", "projected": {"defaultMode": 256, "sources": [
            {"secret": {"name": gateway_secret, "items": [{"key": "FLUXLIT_JWT_HS256_SECRET", "path": "jwt"}]}}]}}],
    }}}},
})
"""


def test_report_and_check_come_from_one_graph_a_cronjob_projection_shows_in_both(tmp_path: Path) -> None:
    from fluxlit_secrets.engine.check import evaluate, resources_of
    from tests.conftest import copy_project

    project = copy_project(tmp_path)
    (project / "__main__.py").write_text(CRONJOB)
    result = synth(project, "dev", tmp_path / "out")
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| admin-portal | jwt | kubernetes | admin-portal-gateway-" in report
    row = next(line for line in report.splitlines() if "| streamlit | file | `/p/jwt` |" in line)
    assert row.startswith("| admin-portal | jwt | kubernetes | admin-portal-gateway-")
    assert "admin-portal  jwt            -> streamlit  file /p/jwt" in result.summary
    rules = {(v.rule, v.resource) for v in evaluate(resources_of(result.recording)) if v.level == "mandatory"}
    assert ("streamlit-no-gateway-secrets", "nightly") in rules


def test_a_preview_of_an_app_stack_says_what_it_cannot_know(tmp_path: Path) -> None:
    """The team's Deployment merges pod fragments that hold provider-made values: in a preview its
    whole template is unknown; the report says so (and how to see it), and prints no object repr."""
    result = synth(ROOT / "examples" / "app-stack", "dev", tmp_path, preview=True)
    report = (tmp_path / "report.md").read_text()
    assert "Not known in a preview: the pod templates of [unknown]/shop-gateway" in report
    assert "| - | shop-gateway | [unknown]/shop-gateway | `[unknown]` |" in report
    everything = report + result.summary + "".join(p.read_text() for p in tmp_path.iterdir() if p.is_file())
    assert "pulumi.output" not in everything and "object at 0x" not in everything
