"""The project's `dev` stack under the real Pulumi CLI on the local control plane, from `pulumi up`
to `pulumi destroy`, read back from the API server; the offline engine is checked against it at
every step (URNs, plans).

The tests run in file order on one stack: each rotation starts from what the one before left.
"""

import base64
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from e2e.plane import ControlPlane
from fluxlit_secrets.delivery.restart import delivery_secret_name
from tests.e2e import cluster, plans
from tests.e2e.harness import REPO, VENV, Pulumi, copy_project

pytestmark = pytest.mark.e2e

APP = "admin-portal"
NAMESPACE = "admin-portal-dev"
RECORDS = "admin-portal-dev-records"
MOUNT = "/var/run/secrets/fluxlit"
#: The Deployment of each workload (FluxLit split topology).
DEPLOYMENTS = {"gateway": f"{APP}-gateway", "streamlit": f"{APP}-streamlit"}
SKIPPED_TYPES = ("pulumi:pulumi:Stack", "pulumi:providers:")


@dataclass
class Run:
    """The stack under test and what each step learned."""

    cli: Pulumi
    work: Path
    synths: int = 0
    values: set[str] = field(default_factory=set)  # every secret value the run created or set

    def synth(self) -> Path:
        """`fluxlit-secrets synth` of the stack as the files are now, in a folder of its own."""
        self.synths += 1
        out = self.work / f"synth-{self.synths}"
        self.cli.tool("synth", "--stack", "dev", "--out", str(out))
        return out


@pytest.fixture(scope="module")
def run(plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    work = tmp_path_factory.mktemp("dev-stack")
    project = copy_project(REPO, work / "project")
    (project / ".venv").symlink_to(VENV)  # Pulumi.yaml: virtualenv .venv
    cli = Pulumi(cwd=project, plane=plane, stack="dev", backend=work / "state")
    (work / "state").mkdir()
    cli.run("stack", "init", "dev", stack=False)
    yield Run(cli=cli, work=work)


def synth_resources(out: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((out / "resources.json").read_text())
    return data


def state_resources(export: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in export["deployment"].get("resources", []) if not r["type"].startswith(SKIPPED_TYPES)]


def assert_same_urns(out: Path, export: dict[str, Any]) -> None:
    """The URNs the offline engine registered are the ones the real engine holds; a difference is named."""
    offline = {r["urn"] for r in synth_resources(out)}
    real = {r["urn"] for r in state_resources(export)}
    assert not offline - real and not real - offline, (
        f"only offline: {sorted(offline - real)}; only in the real state: {sorted(real - offline)}"
    )


def outputs(cli: Pulumi) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cli.run("stack", "output", "--json", "--show-secrets"))
    return data


def translation(offline: dict[str, Any], real: dict[str, Any]) -> dict[str, str]:
    """Offline and real outputs differ only where a version is random (a config value's RandomId):
    the map from each offline string to the real one, checked to be nothing else."""
    assert offline["versions"].keys() == real["versions"].keys()
    table: dict[str, str] = {}
    for secret, version in offline["versions"].items():
        if version != real["versions"][secret]:
            assert re.fullmatch(r"[0-9a-f]{8}", version) and re.fullmatch(r"[0-9a-f]{8}", real["versions"][secret]), (
                f"{secret}: offline version {version}, real {real['versions'][secret]}: only a config value's "
                "random version id may differ"
            )
            table[version] = real["versions"][secret]
            table[f"{secret}={version}"] = f"{secret}={real['versions'][secret]}"
            table[f"-{secret}-{version}"] = f"-{secret}-{real['versions'][secret]}"
    for workload, trigger in offline["restartTriggers"].items():
        translated = trigger
        for old, new in table.items():
            translated = translated.replace(old, new)
        assert translated == real["restartTriggers"][workload], f"{workload}: {trigger} -> {translated}"
        table[trigger] = real["restartTriggers"][workload]
        table[offline["secretNames"][workload]] = real["secretNames"][workload]
    return table


def translated(value: Any, table: dict[str, str]) -> Any:
    text = json.dumps(value, sort_keys=True)
    for old, new in sorted(table.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    return json.loads(text)


def check_synth_matches_real(out: Path, cli: Pulumi) -> dict[str, Any]:
    """URNs equal, and every output of the offline run equals the real one but for random version ids."""
    assert_same_urns(out, cli.export())
    offline = json.loads((out / "outputs.json").read_text())
    real = outputs(cli)
    assert translated(offline, translation(offline, real)) == {k: real[k] for k in offline}
    return real


def check_pods_get_what_fragments_promise(api: client.ApiClient, real: dict[str, Any]) -> None:
    """Each workload's live pods: its ServiceAccount, no API token, the fragment's volumes, mounts and env."""
    core = client.CoreV1Api(api)
    for workload, fragment in real["podFragments"].items():
        pods = core.list_namespaced_pod(NAMESPACE, label_selector=f"fluxlit-secrets/workload={workload}").items
        live = [p for p in pods if p.metadata.deletion_timestamp is None]
        assert live, f"no {workload} pod"
        for pod in live:
            spec = api.sanitize_for_serialization(pod.spec)
            assert spec["serviceAccountName"] == fragment["serviceAccountName"]
            assert spec["automountServiceAccountToken"] is False
            for volume in fragment["volumes"]:
                assert volume in spec["volumes"], f"{pod.metadata.name} lacks volume {volume['name']}"
            for container in spec["containers"]:
                for mount in fragment["volumeMounts"]:
                    assert mount in container.get("volumeMounts", []), f"{container['name']} lacks {mount}"
                for env in fragment["env"]:
                    assert env in container.get("env", [])
            annotations = pod.metadata.annotations or {}
            for key, value in fragment["podAnnotations"].items():
                assert annotations.get(key) == value


def check_report_rows(api: client.ApiClient, out: Path, table: dict[str, str]) -> None:
    """Every row of report.md ("which pod receives which secret") holds on the cluster."""
    core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
    rows = re.findall(
        r"^\| (\S+) \| (\S+) \| (\S+) \| (\S+) \| (file|env) \| `([^`]+)` \|$", (out / "report.md").read_text(), re.M
    )
    assert rows, "report.md lists no delivery"
    for secret, _store, obj, workload, mode, where in rows:
        name = table.get(obj, obj)
        delivered = core.read_namespaced_secret(name, NAMESPACE)
        assert delivered.immutable is True
        key = Path(where).name if mode == "file" else where
        assert key in (delivered.data or {}), f"{name} lacks {key} ({secret})"
        template = apps.read_namespaced_deployment(DEPLOYMENTS[workload], NAMESPACE).spec.template.spec
        if mode == "file":
            volume = next(v for v in template.volumes if v.secret and v.secret.secret_name == name)
            assert any(item.key == key and item.path == key for item in volume.secret.items)
            mounted = [
                m.mount_path for c in template.containers for m in c.volume_mounts or [] if m.name == volume.name
            ]
            assert mounted and all(path == MOUNT for path in mounted)


def remember_values(run: Run, api: client.ApiClient) -> None:
    """Every value in the app's Secrets and records: searched for in the state later."""
    core = client.CoreV1Api(api)
    for namespace in (NAMESPACE, RECORDS):
        for secret in core.list_namespaced_secret(namespace).items:
            for data in (secret.data or {}).values():
                run.values.add(base64.b64decode(data).decode())


def test_up_builds_what_synth_says(run: Run, api: client.ApiClient) -> None:
    out = run.synth()
    run.cli.up()
    real = check_synth_matches_real(out, run.cli)
    table = translation(json.loads((out / "outputs.json").read_text()), real)
    check_report_rows(api, out, table)
    check_pods_get_what_fragments_promise(api, real)
    core = client.CoreV1Api(api)
    for namespace in (NAMESPACE, RECORDS):
        labels = core.read_namespace(namespace).metadata.labels
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    for workload, deployment in DEPLOYMENTS.items():
        account = core.read_namespaced_service_account(deployment, NAMESPACE)
        assert account.automount_service_account_token is False, workload
    gateway = cluster.rollouts(api, NAMESPACE)[DEPLOYMENTS["gateway"]]
    assert gateway.ready == gateway.replicas == 2 and len(gateway.pods) == 2
    for version in real["versions"]:
        prefix = f"{APP}-{version}-"
        assert any(s.metadata.name.startswith(prefix) for s in core.list_namespaced_secret(RECORDS).items), version
    remember_values(run, api)


def rotation(
    run: Run, api: client.ApiClient, rotate_args: list[str], consumers: set[str], before_up: Any = None
) -> None:
    """Rotate, check the real preview against the printed plan, `pulumi up` while watching the
    cluster, then check that exactly the consumers rolled, each only after its new pods were Ready."""
    dry = plans.parse_rotate(run.cli.tool("rotate", "--stack", "dev", *rotate_args, "--dry-run"))
    written = run.cli.tool("rotate", "--stack", "dev", *rotate_args)
    assert plans.parse_rotate(written) == dry
    if before_up is not None:
        before_up()
    real_steps = plans.preview_changes(run.cli.preview_steps())
    only_offline, only_real = sorted(dry.changes - real_steps), sorted(real_steps - dry.changes)
    assert real_steps == dry.changes, f"only offline: {only_offline}; only in the real preview: {only_real}"
    assert set(dry.restart) == {f"{NAMESPACE}/{DEPLOYMENTS[w]}" for w in consumers}
    assert set(dry.stay) == {f"{NAMESPACE}/{DEPLOYMENTS[w]}" for w in set(DEPLOYMENTS) - consumers}

    old_names = outputs(run.cli)["secretNames"]
    before = cluster.rollouts(api, NAMESPACE)
    with cluster.recording(api, NAMESPACE) as seen:
        run.cli.up()
        new_names = outputs(run.cli)["secretNames"]
        for workload in consumers:
            seen.wait_for(lambda w=workload: seen.deleted(old_names[w]) is not None, f"{old_names[workload]} deleted")
    after = cluster.rollouts(api, NAMESPACE)

    for workload, deployment in DEPLOYMENTS.items():
        was, now = before[deployment], after[deployment]
        if workload in consumers:
            assert now.revision == was.revision + 1 and now.replica_set != was.replica_set, deployment
            assert not now.pods & was.pods and now.ready == now.replicas, deployment
            assert new_names[workload] != old_names[workload]
            gone = seen.deleted(old_names[workload])
            for pod in (e.name for e in seen.events if e.kind == "Pod" and e.owner == now.replica_set):
                ready = seen.first_ready(pod)
                assert ready is not None and ready < gone, f"{old_names[workload]} was deleted before {pod} was Ready"
        else:
            assert now == was, f"{deployment} changed: {was} -> {now}"
            assert new_names[workload] == old_names[workload]
    out = run.synth()
    check_synth_matches_real(out, run.cli)
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
    real = outputs(run.cli)
    name = real["secretNames"]["gateway"]
    delivered = client.CoreV1Api(api).read_namespaced_secret(name, NAMESPACE)
    assert base64.b64decode(delivered.data["OIDC_CLIENT_SECRET"]).decode() == value
    keys = sorted(delivered.data)
    assert name == delivery_secret_name(APP, "gateway", real["restartTriggers"]["gateway"], keys)


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
