"""One stack under the real CLI: what each step learned, and the checks every e2e program shares:
the offline engine's URNs and outputs against the real ones, pods against their fragments, and a
rotation that must roll exactly its consumers."""

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubernetes import client

from tests.e2e import cluster, plans
from tests.e2e.harness import Pulumi

SKIPPED_TYPES = ("pulumi:pulumi:Stack", "pulumi:providers:")
MOUNT = "/var/run/secrets/fluxlit"


@dataclass
class Run:
    """The stack under test and what each step learned."""

    cli: Pulumi
    work: Path
    namespace: str
    records: str
    #: The Deployment of each workload that reads secrets (the component's, or the app team's own).
    deployments: Mapping[str, str]
    synths: int = 0
    values: set[str] = field(default_factory=set)  # every secret value the run created or set

    def synth(self) -> Path:
        """`fluxlit-secrets synth` of the stack as the files are now, in a folder of its own."""
        self.synths += 1
        out = self.work / f"synth-{self.synths}"
        self.cli.tool("synth", "--stack", self.cli.stack, "--out", str(out))
        return out


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
    """The stack's outputs (`pulumi stack output`)."""
    data: dict[str, Any] = json.loads(cli.run("stack", "output", "--json", "--show-secrets"))
    return data


def lifecycle_outputs(export: dict[str, Any]) -> dict[str, Any]:
    """The outputs the one SecretLifecycle of the stack registered, as the real state holds them."""
    (lifecycle,) = [r for r in state_resources(export) if r["type"] == "fluxlit-secrets:index:SecretLifecycle"]
    data: dict[str, Any] = lifecycle["outputs"]
    return data


#: Marks a secret value in a state export (the engine's secret signature).
SECRET_SIG = "4dabf18193072939515e22adb298388d"
CONFIG_VERSION = re.compile(r"[0-9a-f]{8}")


def normalized(value: Any) -> Any:
    """Inputs as the provider checked them: secrets as one mark, no empty maps, stringData as data
    (pulumi-kubernetes' Check encodes stringData into data)."""
    if isinstance(value, dict):
        if SECRET_SIG in value or value.get("secret") == "[secret]":
            return "[secret]"
        out = {("data" if k == "stringData" else k): normalized(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return "[secret]" if value == "[secret]" else value


def state_translation(offline: list[dict[str, Any]], real: list[dict[str, Any]]) -> dict[str, str]:
    """The offline engine cannot know a config value's random version id (a RandomId's hex), nor so
    the names derived from it: the map from each offline string to the real one, taken from the
    Secrets of record's version annotations and checked to explain every other difference."""
    by_urn = {r["urn"]: r for r in real}
    table: dict[str, str] = {}
    for r in offline:
        if r["type"] != "kubernetes:core/v1:Secret" or r["urn"] not in by_urn:
            continue
        mine = r["inputs"]["metadata"]
        theirs = by_urn[r["urn"]]["inputs"]["metadata"]
        secret = mine.get("labels", {}).get("fluxlit-secrets/store-of")
        version, real_version = (
            mine.get("annotations", {}).get("fluxlit-secrets/version"),
            theirs.get("annotations", {}).get("fluxlit-secrets/version"),
        )
        if secret and version != real_version:
            assert CONFIG_VERSION.fullmatch(version) and CONFIG_VERSION.fullmatch(real_version), (
                f"{r['name']}: offline version {version}, real {real_version}: only a config value's id may differ"
            )
            table.update({version: real_version, f"{secret}={version}": f"{secret}={real_version}"})
    for r in offline:
        labels = r["inputs"].get("metadata", {}).get("labels", {}) if r["type"] == "kubernetes:core/v1:Secret" else {}
        if "fluxlit-secrets/workload" in labels and r["urn"] in by_urn:
            name, real_name = r["inputs"]["metadata"]["name"], by_urn[r["urn"]]["inputs"]["metadata"]["name"]
            if name != real_name:
                table[name] = real_name
    return table


def translated(value: Any, table: dict[str, str]) -> Any:
    text = json.dumps(value, sort_keys=True)
    for old, new in sorted(table.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    return json.loads(text)


def check_synth_matches_real(out: Path, cli: Pulumi) -> dict[str, Any]:
    """The offline run registered the URNs the real one holds, asked the kubernetes provider for the
    same objects and exported the same outputs, but for random version ids. Returns the
    SecretLifecycle's real outputs."""
    export = cli.export()
    assert_same_urns(out, export)
    offline, real = synth_resources(out), state_resources(export)
    table = state_translation(offline, real)
    by_urn = {r["urn"]: r for r in real}
    for r in offline:
        if r["custom"] and r["type"].startswith("kubernetes:"):
            mine, theirs = normalized(translated(r["inputs"], table)), normalized(by_urn[r["urn"]]["inputs"])
            assert mine == theirs, f"{r['type']} {r['name']}: offline {mine} != real {theirs}"
    stack_outputs = json.loads((out / "outputs.json").read_text())
    if stack_outputs:
        real_outputs = outputs(cli)
        assert translated(stack_outputs, table) == {k: real_outputs[k] for k in stack_outputs}
    return lifecycle_outputs(export)


def check_pods_get_what_fragments_promise(run: Run, api: client.ApiClient, real: dict[str, Any]) -> None:
    """Each workload's live pods: its ServiceAccount, no API token, the fragment's volumes, mounts and env."""
    core = client.CoreV1Api(api)
    for workload in run.deployments:
        fragment = real["podFragments"][workload]
        selector = f"fluxlit-secrets/workload={workload}"
        pods = core.list_namespaced_pod(fragment["namespace"], label_selector=selector).items
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


def check_report_rows(run: Run, api: client.ApiClient, out: Path, table: dict[str, str]) -> None:
    """Every row of report.md ("which pod receives which secret") holds on the cluster."""
    core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
    rows = re.findall(
        r"^\| (\S+) \| (\S+) \| (\S+) \| (\S+) \| (\S+) \| (file|env) \| `([^`]+)` \|$",
        (out / "report.md").read_text(),
        re.M,
    )
    assert rows, "report.md lists no delivery"
    for _app, secret, _store, obj, workload, mode, where in rows:
        name = table.get(obj, obj)
        delivered = core.read_namespaced_secret(name, run.namespace)
        assert delivered.immutable is True
        key = Path(where).name if mode == "file" else where
        assert key in (delivered.data or {}), f"{name} lacks {key} ({secret})"
        template = apps.read_namespaced_deployment(run.deployments[workload], run.namespace).spec.template.spec
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
    for namespace in (run.namespace, run.records):
        for secret in core.list_namespaced_secret(namespace).items:
            for data in (secret.data or {}).values():
                run.values.add(base64.b64decode(data).decode())


def rotation(
    run: Run, api: client.ApiClient, rotate_args: list[str], consumers: set[str], before_up: Any = None
) -> None:
    """Rotate, check the real preview against the printed plan, `pulumi up` while watching the
    cluster, then check that exactly the consumers rolled, each only after its new pods were Ready."""
    dry = plans.parse_rotate(run.cli.tool("rotate", "--stack", run.cli.stack, *rotate_args, "--dry-run"))
    written = run.cli.tool("rotate", "--stack", run.cli.stack, *rotate_args)
    assert plans.parse_rotate(written) == dry
    if before_up is not None:
        before_up()
    real_steps = plans.preview_changes(run.cli.preview_steps())
    only_offline, only_real = sorted(dry.changes - real_steps), sorted(real_steps - dry.changes)
    assert real_steps == dry.changes, f"only offline: {only_offline}; only in the real preview: {only_real}"
    assert set(dry.restart) == {f"{run.namespace}/{run.deployments[w]}" for w in consumers}
    rotated = {arg for arg in rotate_args if not arg.startswith("-")}
    for why in dry.restart.values():
        assert why.startswith("new versions: ") and set(why.removeprefix("new versions: ").split(", ")) <= rotated, why
    assert set(dry.stay) == {f"{run.namespace}/{run.deployments[w]}" for w in set(run.deployments) - consumers}

    old_names = lifecycle_outputs(run.cli.export())["secretNames"]
    before = cluster.rollouts(api)
    with cluster.recording(api, run.namespace) as seen:
        run.cli.up()
        new_names = lifecycle_outputs(run.cli.export())["secretNames"]
        for workload in consumers:
            seen.wait_for(lambda w=workload: seen.deleted(old_names[w]) is not None, f"{old_names[workload]} deleted")
    after = cluster.rollouts(api)
    rolled = {f"{run.namespace}/{run.deployments[w]}" for w in consumers}
    # Every other Deployment on the cluster, of this stack or any other, kept its ReplicaSet and pods.
    assert {key: now for key, now in after.items() if key not in rolled} == {
        key: was for key, was in before.items() if key not in rolled
    }

    for workload, name in run.deployments.items():
        deployment = f"{run.namespace}/{name}"
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
