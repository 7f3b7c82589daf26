"""The project's `dev` stack under the real Pulumi CLI on the local control plane, from `pulumi up`
to `pulumi destroy`, read back from the API server; the offline engine is checked against it at
every step (URNs, plans).

The tests run in file order on one stack: each rotation starts from what the one before left.
"""

import base64
import json
import os
import secrets
from collections.abc import Iterator

import pytest
from kubernetes import client

from e2e.plane import ControlPlane
from fluxlit_secrets.delivery.restart import delivery_secret_name
from tests.e2e import cluster
from tests.e2e.harness import REPO, VENV, Pulumi, copy_project
from tests.e2e.scenario import (
    Run,
    check_pods_get_what_fragments_promise,
    check_report_rows,
    check_synth_matches_real,
    lifecycle_outputs,
    remember_values,
    rotation,
    state_resources,
    state_translation,
    synth_resources,
)

pytestmark = pytest.mark.e2e

APP = "admin-portal"
NAMESPACE = "admin-portal-dev"
RECORDS = "admin-portal-dev-records"
#: The Deployment of each workload (FluxLit split topology).
DEPLOYMENTS = {"gateway": f"{APP}-gateway", "streamlit": f"{APP}-streamlit"}


@pytest.fixture(scope="module")
def run(plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    work = tmp_path_factory.mktemp("dev-stack")
    project = copy_project(REPO, work / "project")
    (project / ".venv").symlink_to(VENV)  # Pulumi.yaml: virtualenv .venv
    cli = Pulumi(cwd=project, plane=plane, stack="dev", backend=work / "state")
    (work / "state").mkdir()
    cli.run("stack", "init", "dev", stack=False)
    yield Run(cli=cli, work=work, namespace=NAMESPACE, records=RECORDS, deployments=DEPLOYMENTS)


def test_up_builds_what_synth_says(run: Run, api: client.ApiClient) -> None:
    out = run.synth()
    run.cli.up()
    real = check_synth_matches_real(out, run.cli)
    table = state_translation(synth_resources(out), state_resources(run.cli.export()))
    check_report_rows(run, api, out, table)
    check_pods_get_what_fragments_promise(run, api, real)
    core = client.CoreV1Api(api)
    for namespace in (NAMESPACE, RECORDS):
        labels = core.read_namespace(namespace).metadata.labels
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    for workload, deployment in DEPLOYMENTS.items():
        account = core.read_namespaced_service_account(deployment, NAMESPACE)
        assert account.automount_service_account_token is False, workload
    gateway = cluster.rollouts(api)[f"{NAMESPACE}/{DEPLOYMENTS['gateway']}"]
    assert gateway.ready == gateway.replicas == 2 and len(gateway.pods) == 2
    for version in real["versions"]:
        prefix = f"{APP}-{version}-"
        assert any(s.metadata.name.startswith(prefix) for s in core.list_namespaced_secret(RECORDS).items), version
    remember_values(run, api)


def test_rotate_jwt_rolls_only_the_gateway_and_keeps_the_previous_version(run: Run, api: client.ApiClient) -> None:
    rotation(run, api, ["jwt"], {"gateway"})
    core = client.CoreV1Api(api)
    names = {s.metadata.name for s in core.list_namespaced_secret(RECORDS).items}
    assert {f"{APP}-jwt-v1", f"{APP}-jwt-v2"} <= names
    urns = {r["urn"].rsplit("::", 1)[-1] for r in state_resources(run.cli.export())}
    assert {f"{APP}-jwt-g1", f"{APP}-jwt-g2"} <= urns


def test_rotate_a_secret_both_pods_read_rolls_both(run: Run, api: client.ApiClient) -> None:
    rotation(run, api, ["reports-token"], {"gateway", "streamlit"})


def test_rotate_a_config_secret_rolls_only_the_gateway(run: Run, api: client.ApiClient) -> None:
    value = f"e2e-oidc-{secrets.token_urlsafe(24)}"
    run.values.add(value)

    def set_value() -> None:
        run.cli.run("config", "set", "--secret", "oidcClientSecret", value)

    rotation(run, api, ["oidc"], {"gateway"}, before_up=set_value)
    real = lifecycle_outputs(run.cli.export())
    name = real["secretNames"]["gateway"]
    delivered = client.CoreV1Api(api).read_namespaced_secret(name, NAMESPACE)
    assert base64.b64decode(delivered.data["OIDC_CLIENT_SECRET"]).decode() == value
    keys = sorted(delivered.data)
    assert name == delivery_secret_name(APP, "gateway", real["restartTriggers"]["gateway"], layout=keys)


def test_refresh_finds_no_drift(run: Run) -> None:
    result = run.cli.json("refresh", "--preview-only")
    changed = [s for s in result.get("steps", []) if s["op"] not in ("same", "read", "refresh")]
    summary = {k: v for k, v in result.get("changeSummary", {}).items() if k != "same"}
    assert not changed and not summary, f"refresh would change: {[(s['op'], s['urn']) for s in changed]}"


def test_the_state_holds_no_secret_value_in_plaintext(run: Run) -> None:
    text = run.cli.run("stack", "export")
    # jwt v1 and v2, bff v1, reports-token v1 and v2, the placeholder and the new oidc value.
    assert len(run.values) == 7
    for value in run.values:
        for shown in {value, base64.b64encode(value.encode()).decode(), json.dumps(value)[1:-1]}:
            assert shown not in text, f"a secret value ({len(value)} characters) is in pulumi stack export"


def test_destroy_of_a_disposable_stack_leaves_nothing(run: Run, api: client.ApiClient) -> None:
    run.cli.run("destroy", "--yes", "--skip-preview")
    core = client.CoreV1Api(api)
    names = {ns.metadata.name for ns in core.list_namespace().items}
    assert NAMESPACE not in names and RECORDS not in names
    assert state_resources(run.cli.export()) == []
    assert os.path.exists(run.cli.cwd / "stacks" / "Pulumi.dev.yaml")
