"""What a rule sees of a resource: its type, names, plain inputs and protection (pure: the policy
rules and each cloud's policy read resources through it)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

#: Components whose registered outputs the rules read (a workload's identity, an app's admission
#: policy); `check`, `check --state` and the pack see them as resources with their outputs as props.
LIFECYCLE_TYPE = "fluxlit-secrets:index:SecretLifecycle"
IDENTITY_TYPE = "fluxlit-secrets:index:WorkloadIdentity"
#: The component whose children are the Deployments a SecretLifecycle creates.
WORKLOADS_TYPE = "fluxlit-secrets:index:FluxLitWorkloads"
RECORDING_COMPONENTS = (IDENTITY_TYPE, LIFECYCLE_TYPE)
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController")


@dataclass(frozen=True, kw_only=True)
class Res:
    """One resource: `props` are its inputs in camelCase, secrets unwrapped."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool | None = None  # None: not known (CrossGuard does not show it)
    #: The app it belongs to (its fluxlit-secrets component's name) and its cluster (kubernetes
    #: provider's name); '' where not known (CrossGuard shows neither).
    app: str = ""
    cluster: str = ""
    #: The text values its props hold under a secret marker, where the reader saw the markers
    #: (`check`, `check --state` with --show-secrets; CrossGuard unwraps them before a rule runs).
    secret_values: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """The Kubernetes kind (`Deployment`), or '' for other providers."""
        if not self.type.startswith("kubernetes:"):
            return ""
        return self.type.rsplit(":", 1)[-1]

    @property
    def meta(self) -> Mapping[str, Any]:
        """Kubernetes metadata."""
        return self.props.get("metadata") or {}


#: Components of the kubernetes provider that apply objects given inline (`objs`, `yaml`).
CONFIG_GROUPS = ("kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml:ConfigGroup")


def _documents(props: Mapping[str, Any]) -> Iterator[Any]:
    for obj in as_list(props.get("objs")):
        yield from as_list(obj) if isinstance(obj, list) else [obj]
    for text in as_list(props.get("yaml")):
        if isinstance(text, str):
            try:
                yield from yaml.safe_load_all(text)
            except yaml.YAMLError:
                continue


def config_group_objects(group: Res) -> list[Res]:
    """The objects a ConfigGroup applies (its inline `objs` and `yaml`), each as the resource the
    provider registers for it, so the rules read them as they read any other."""
    found = []
    for obj in _documents(group.props):
        if not isinstance(obj, Mapping) or not obj.get("kind") or not obj.get("apiVersion"):
            continue
        version = str(obj["apiVersion"])
        meta = mapping(obj.get("metadata"))
        name = f"{meta.get('namespace') or ''}/{meta.get('name') or ''}".lstrip("/")
        found.append(
            Res(
                type=f"kubernetes:{version if '/' in version else 'core/' + version}:{obj['kind']}",
                name=f"{group.name}:{name}",
                urn=f"{group.urn}${obj['kind']}::{name}",
                props={k: v for k, v in obj.items() if k not in ("apiVersion", "kind")},
                app=group.app,
                cluster=group.cluster,
            )
        )
    return found


def dig(obj: Any, *path: str) -> Any:
    """`obj[path[0]][path[1]]...`, or None."""
    for part in path:
        obj = obj.get(part) if isinstance(obj, Mapping) else None
    return obj


def _mapping_like(value: Any) -> Any:
    """`value` when it reads like a mapping (a dict, or pulumi-policy's proxy of one), else {}:
    absent, or not known yet in a preview."""
    return value if hasattr(value, "get") else {}


def items(value: Any) -> Any:
    """`value` when it iterates like a list (a list, or pulumi-policy's proxy of one), else []:
    absent, or not known yet in a preview."""
    listed = hasattr(value, "__iter__") and not hasattr(value, "get") and not isinstance(value, str | bytes)
    return value if listed else []


def pod_template(res: Res) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    """(pod metadata, pod spec) of a Pod or of the pod template of any Kubernetes object that has
    one (a workload kind, its `...Patch` resource, a CronJob, a custom resource such as an Argo
    Rollout), else None; a part a preview does not know yet is empty."""
    kind = res.kind.removesuffix("Patch")
    if not res.type.startswith("kubernetes:"):
        return None
    if kind == "Pod":
        return _mapping_like(res.meta), _mapping_like(res.props.get("spec"))
    spec = _mapping_like(res.props.get("spec"))
    job = _mapping_like(dig(spec, "jobTemplate", "spec"))
    tpl = spec.get("template") if kind in WORKLOAD_KINDS or "template" in spec else job.get("template")
    if tpl is None and kind not in (*WORKLOAD_KINDS, "CronJob"):
        return None
    tpl = _mapping_like(tpl)
    return _mapping_like(tpl.get("metadata")), _mapping_like(tpl.get("spec"))


def containers(pod_spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Containers and init containers (the ones a preview knows)."""
    yield from items(pod_spec.get("initContainers"))
    yield from items(pod_spec.get("containers"))


def mounts_read_only(spec: Mapping[str, Any], volumes: set[Any], what: str) -> Iterator[str]:
    """Every container mount of one of `volumes` is readOnly and whole (no subPath)."""
    for c in containers(spec):
        for m in c.get("volumeMounts") or []:
            if m.get("name") not in volumes:
                continue
            if not m.get("readOnly"):
                yield f"container {c.get('name')!r}: {what} {m.get('name')!r} is not mounted readOnly"
            if m.get("subPath") or m.get("subPathExpr"):
                yield f"container {c.get('name')!r}: {what} {m.get('name')!r} uses subPath (never updated)"


def runs_non_root(spec: Mapping[str, Any]) -> bool:
    """True when the pod or a container runs as a user other than root."""
    contexts = [spec.get("securityContext") or {}, *(c.get("securityContext") or {} for c in containers(spec))]
    return any(c.get("runAsNonRoot") or (c.get("runAsUser") not in (None, 0)) for c in contexts)


def policy_document(value: Any) -> Mapping[str, Any]:
    """An IAM policy given as JSON text or as a mapping."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, Mapping) else {}


def mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else empty (a secret or unknown map shows as a string)."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """A JSON policy field that may be one value or a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
