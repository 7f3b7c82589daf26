"""What the app-stack tests share: the component plugin made ready as the CLI would, the schema it
serves, and what an app's objects look like on the API server once random ids are set aside."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
from kubernetes import client
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

#: What the API server adds to an object, or what differs from run to run by design.
VOLATILE_METADATA = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink")
VOLATILE_ANNOTATIONS = ("deployment.kubernetes.io/revision", "kubectl.kubernetes.io/last-applied-configuration")
#: A config value's random version id (a RandomId's 8 hex digits) and the 10-hex digest of a name.
RANDOM_ID = re.compile(r"(?<![0-9a-f])(?:[0-9a-f]{10}|[0-9a-f]{8})(?![0-9a-f])")


def plugin_virtualenv(components: Path) -> Path:
    """The component plugin's virtualenv (PulumiPlugin.yaml: `venv`), made from its requirements.txt
    as the Python host's InstallDependencies makes it. `pulumi install` would then also download
    the provider plugins those SDKs name, which this machine cannot (see the README)."""
    venv = components / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "-r", str(components / "requirements.txt")],
        check=True,
        capture_output=True,
    )
    return venv


def served_schema(components: Path) -> dict[str, Any]:
    """The schema the component host serves, started from its own virtualenv as the CLI starts it."""
    process = subprocess.Popen(
        [str(components / "venv" / "bin" / "python"), "-u", str(components), "127.0.0.1:1"],
        cwd=components,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), process.stderr.read() if process.stderr else "the host printed no port"
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            schema: dict[str, Any] = json.loads(stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)
            return schema
    finally:
        process.kill()
        process.wait()


def _clean(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    metadata = {k: v for k, v in obj["metadata"].items() if k not in VOLATILE_METADATA and v is not None}
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items() if k not in VOLATILE_ANNOTATIONS}
    metadata["annotations"] = annotations
    cleaned = {k: v for k, v in obj.items() if k not in ("status", "metadata") and v is not None}
    cleaned["metadata"] = metadata
    cleaned["kind"] = kind
    if kind == "Secret":
        cleaned["data"] = sorted(obj.get("data") or {})  # the keys, never the values
    if kind == "Service":
        spec = dict(cleaned["spec"])
        for key in ("clusterIP", "clusterIPs"):
            spec.pop(key, None)
        cleaned["spec"] = spec
    return cleaned


def snapshot(api: client.ApiClient, namespaces: list[str]) -> list[dict[str, Any]]:
    """The objects an app owns on the cluster, as comparable data: random ids and digests replaced
    by a mark, what the API server adds removed, Secrets as their keys."""
    core, apps, net = client.CoreV1Api(api), client.AppsV1Api(api), client.NetworkingV1Api(api)
    objects: list[dict[str, Any]] = []
    for namespace in namespaces:
        ns = api.sanitize_for_serialization(core.read_namespace(namespace))
        objects.append(_clean("Namespace", ns))
        listings = [
            ("ServiceAccount", core.list_namespaced_service_account(namespace).items),
            ("Secret", core.list_namespaced_secret(namespace).items),
            ("Service", core.list_namespaced_service(namespace).items),
            ("Deployment", apps.list_namespaced_deployment(namespace).items),
            ("NetworkPolicy", net.list_namespaced_network_policy(namespace).items),
        ]
        for kind, items in listings:
            for item in items:
                data = api.sanitize_for_serialization(item)
                if kind == "ServiceAccount" and data["metadata"]["name"] == "default":
                    continue  # made by the controller-manager in every namespace
                objects.append(_clean(kind, data))
    text = RANDOM_ID.sub("<id>", json.dumps(objects, sort_keys=True))
    normalized: list[dict[str, Any]] = json.loads(text)
    return sorted(normalized, key=lambda o: (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]))


def differences(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[str]:
    """The objects that differ between two snapshots, named by kind, namespace and name."""

    def key(o: dict[str, Any]) -> str:
        return f"{o['kind']} {o['metadata'].get('namespace', '')}/{o['metadata']['name']}"

    left, right = {key(o): o for o in a}, {key(o): o for o in b}
    out = [f"only in the first: {k}" for k in sorted(left.keys() - right.keys())]
    out += [f"only in the second: {k}" for k in sorted(right.keys() - left.keys())]
    out += [f"{k} differs: {left[k]} != {right[k]}" for k in sorted(left.keys() & right.keys()) if left[k] != right[k]]
    return out
