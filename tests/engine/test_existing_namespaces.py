"""A namespace the platform team owns: `create_namespace: false` creates neither it nor the records
namespace and manages none of their labels; two apps may then share it with distinct object names,
while two apps that would each create one Namespace are refused in one line."""

import json
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from tests.engine.test_like_pulumi import app_project

TWO_APPS = """\
from fluxlit_secrets import SecretLifecycle

for app in ("billing", "ledger"):
    SecretLifecycle(app, {{"app": app, "namespace": "team-apps", {create}
        "secrets": {{"jwt": {{"kind": "jwt-hs256"}},
                    "token": {{"kind": "opaque", "consumers": {{"gateway": {{"as": "env", "name": "TOKEN"}}}}}}}},
        "deployments": {{"image": f"ghcr.io/acme/{{app}}:1.0.0"}}}})
"""


def synth(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict], str]:
    capsys.readouterr()
    code = main(["synth", "--stack", "dev", "--project-dir", str(root), "--out", str(root / "out")])
    err = capsys.readouterr().err
    resources = json.loads((root / "out" / "resources.json").read_text()) if code == 0 else []
    return code, resources, err


def test_two_apps_share_a_namespace_the_team_owns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, resources, err = synth(app_project(tmp_path, TWO_APPS.format(create='"create_namespace": False,')), capsys)
    assert code == 0, err
    assert [r["name"] for r in resources if r["type"] == "kubernetes:core/v1:Namespace"] == []
    objects = [
        (r["type"], r["inputs"]["metadata"].get("namespace"), r["inputs"]["metadata"]["name"])
        for r in resources
        if r["type"].startswith("kubernetes:") and isinstance(r["inputs"].get("metadata"), dict)
    ]
    assert len(objects) == len(set(objects))  # every object its own name
    cluster_scoped = {(t, name) for t, ns, name in objects if ns is None}
    # Cluster-wide, one admission policy and binding per app, each bound to the team's namespaces.
    assert {name for _, name in cluster_scoped} == {
        "fluxlit-secrets.team-apps.billing",
        "fluxlit-secrets.team-apps.ledger",
    }
    assert {t.rsplit(":", 1)[-1] for t, _ in cluster_scoped} == {
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
    }
    assert {ns for _, ns, _ in objects if ns is not None} == {"team-apps", "team-apps-records"}
    records = {name for t, ns, name in objects if ns == "team-apps-records"}
    assert records == {f"{app}-{s}-v1" for app in ("billing", "ledger") for s in ("jwt", "token")}


def test_two_apps_that_would_each_create_one_namespace_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = synth(app_project(tmp_path, TWO_APPS.format(create="")), capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: two resources create the Kubernetes object Namespace team-apps on one cluster")


def test_the_stack_file_spells_it_create_namespace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = "from fluxlit_secrets import SecretLifecycle, stack_args\n\nSecretLifecycle('shop', stack_args())\n"
    config = '"fluxlit-secrets:app": shop, "fluxlit-secrets:createNamespace": false'
    code, resources, err = synth(app_project(tmp_path, program, config), capsys)
    assert code == 0, err
    assert not [r for r in resources if r["type"] == "kubernetes:core/v1:Namespace"]
    (tmp_path / "Pulumi.dev.yaml").write_text(
        'config: {"fluxlit-secrets:app": shop, "fluxlit-secrets:createNamespace": "no"}\n'
    )
    code, _, err = synth(tmp_path, capsys)
    assert code == 2 and "fluxlit-secrets:createNamespace" in err and err.count("\n") == 1, err
