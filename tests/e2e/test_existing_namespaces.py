"""Under the real CLI: two apps in a namespace the platform team owns (`create_namespace: false`).
The API server holds both apps' objects there and the records in the owned records namespace; the
namespaces keep their owner's labels, and `pulumi destroy` leaves them in place."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client

from e2e.plane import ControlPlane
from tests.e2e.harness import python_program

pytestmark = pytest.mark.e2e

OWNED = {"team-apps": {"owner": "platform"}, "team-apps-records": {"owner": "platform", "purpose": "records"}}
PROGRAM = """\
from fluxlit_secrets import SecretLifecycle

for app in ("billing", "ledger"):
    SecretLifecycle(app, {"app": app, "namespace": "team-apps", "create_namespace": False, "disposable": True,
        "secrets": {"jwt": {"kind": "jwt-hs256"}},
        "deployments": {"image": f"ghcr.io/acme/{app}:1.0.0"}})
"""


@pytest.fixture
def owned(api: client.ApiClient) -> Iterator[client.CoreV1Api]:
    core = client.CoreV1Api(api)
    for name, labels in OWNED.items():
        core.create_namespace({"metadata": {"name": name, "labels": labels}})
    try:
        yield core
    finally:
        for name in OWNED:
            core.delete_namespace(name)


def test_two_apps_deploy_into_namespaces_the_platform_owns(
    plane: ControlPlane, owned: client.CoreV1Api, tmp_path: Path
) -> None:
    cli = python_program(tmp_path, plane, name="platform", program=PROGRAM)
    cli.up()
    secrets = {s.metadata.name for s in owned.list_namespaced_secret("team-apps").items}
    assert {"billing-gateway", "ledger-gateway"} <= {name.rsplit("-", 1)[0] for name in secrets}, secrets
    records = {s.metadata.name for s in owned.list_namespaced_secret("team-apps-records").items}
    assert records == {"billing-jwt-v1", "ledger-jwt-v1"}
    accounts = {a.metadata.name for a in owned.list_namespaced_service_account("team-apps").items}
    assert {f"{app}-{w}" for app in ("billing", "ledger") for w in ("gateway", "streamlit")} <= accounts
    for name, labels in OWNED.items():
        assert owned.read_namespace(name).metadata.labels == {**labels, "kubernetes.io/metadata.name": name}
    cli.run("destroy", "--yes", "--skip-preview")
    assert {n.metadata.name for n in owned.list_namespace().items} >= set(OWNED)
    assert not [
        s for s in owned.list_namespaced_secret("team-apps").items if s.type != "kubernetes.io/service-account-token"
    ]
