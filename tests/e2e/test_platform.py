"""examples/platform under the real CLI on two control planes: three apps on `east`, shop also on
`west` from one value of record per secret. The API servers hold the same values on both clusters
and the records on `east` only; `rotate shop/jwt` then `pulumi up` roll shop's gateways on both
clusters, and nothing else."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config

from e2e import plane as planes
from e2e import tools
from tests.e2e import plans
from tests.e2e.harness import VENV, Pulumi

pytestmark = pytest.mark.e2e

VERSIONS = "fluxlit-secrets/versions"
EAST = {"shop": ("gateway", "streamlit"), "billing": ("gateway", "streamlit"), "ledger": ("gateway", "streamlit")}


@pytest.fixture(scope="module")
def clusters(
    tool_set: tools.ToolSet, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, planes.ControlPlane]]:
    """Two control planes of their own (east, west), stopped at the end."""
    started: dict[str, planes.ControlPlane] = {}
    try:
        for name in ("east", "west"):
            started[name] = planes.ControlPlane(root=tmp_path_factory.mktemp(f"plane-{name}"), tool_set=tool_set)
            started[name].start()
        yield started
    finally:
        for control in started.values():
            control.stop()


def apis(clusters: dict[str, planes.ControlPlane]) -> dict[str, client.ApiClient]:
    return {name: config.new_client_from_config(config_file=str(c.kubeconfig)) for name, c in clusters.items()}


def deployments(api: client.ApiClient, apps: dict[str, tuple[str, ...]]) -> dict[str, tuple[int, str]]:
    """`app-workload` -> (generation, restart trigger) of each Deployment, as the API server holds it."""
    found = {}
    for app, workloads in apps.items():
        for workload in workloads:
            d = client.AppsV1Api(api).read_namespaced_deployment(f"{app}-{workload}", app)
            found[f"{app}-{workload}"] = (
                d.metadata.generation,
                (d.spec.template.metadata.annotations or {}).get(VERSIONS),
            )
    return found


def gateway_data(api: client.ApiClient) -> dict[str, str]:
    """The data of shop's gateway delivery Secret (the one its Deployment mounts)."""
    d = client.AppsV1Api(api).read_namespaced_deployment("shop-gateway", "shop")
    name = next(v.secret.secret_name for v in d.spec.template.spec.volumes if v.secret)
    return dict(client.CoreV1Api(api).read_namespaced_secret(name, "shop").data)


def test_one_value_of_record_serves_two_clusters_and_a_rotation_rolls_both(
    clusters: dict[str, planes.ControlPlane], tmp_path: Path
) -> None:
    project = Path(
        shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "platform", tmp_path / "platform")
    )
    head = f"name: platform\nruntime:\n  name: python\n  options:\n    virtualenv: {VENV}\nstackConfigDir: stacks\n"
    (project / "Pulumi.yaml").write_text(head)
    (tmp_path / "state").mkdir()
    cli = Pulumi(cwd=project, plane=clusters["east"], stack="dev", backend=tmp_path / "state")
    cli.run("stack", "init", "dev", stack=False)
    for name, control in clusters.items():
        cli.run("config", "set", f"{name}Kubeconfig", str(control.kubeconfig))
    cli.up()
    api = apis(clusters)
    core = {name: client.CoreV1Api(a) for name, a in api.items()}
    east_ns = {n.metadata.name for n in core["east"].list_namespace().items}
    west_ns = {n.metadata.name for n in core["west"].list_namespace().items}
    assert {"shop", "shop-records", "billing", "billing-records", "ledger", "ledger-records"} <= east_ns
    assert "shop" in west_ns and not {"shop-records", "billing", "ledger"} & west_ns  # records live at home
    first = gateway_data(api["east"])
    assert first == gateway_data(api["west"])  # one value, delivered on both clusters
    before = {name: deployments(a, EAST if name == "east" else {"shop": EAST["shop"]}) for name, a in api.items()}

    printed = plans.parse_rotate(cli.tool("rotate", "--stack", "dev", "shop/jwt"))
    assert set(printed.restart) == {"shop/shop-gateway@east", "shop/shop-gateway@west"}
    cli.up()

    after = {name: deployments(a, EAST if name == "east" else {"shop": EAST["shop"]}) for name, a in api.items()}
    rolled = {f"{name}/{d}" for name in api for d in after[name] if after[name][d] != before[name][d]}
    assert rolled == {"east/shop-gateway", "west/shop-gateway"}
    assert all("jwt=" in after[name]["shop-gateway"][1] for name in api)
    second = gateway_data(api["east"])
    assert second == gateway_data(api["west"]) and second != first
    records = {s.metadata.name for s in core["east"].list_namespaced_secret("shop-records").items}
    assert {"shop-jwt-v1", "shop-jwt-v2"} <= records
    cli.run("destroy", "--yes", "--skip-preview")
