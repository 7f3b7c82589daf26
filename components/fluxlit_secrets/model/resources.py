"""What a rule sees of a resource: its type, names, plain inputs and protection (pure: the policy
rules and each cloud's policy read resources through it)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
    """(pod metadata, pod spec) of a Pod or of a workload's template, else None; a part a preview
    does not know yet is empty."""
    if res.kind == "Pod":
        return _mapping_like(res.meta), _mapping_like(res.props.get("spec"))
    if res.kind in WORKLOAD_KINDS:
        tpl = _mapping_like(dig(res.props, "spec", "template"))
        return _mapping_like(tpl.get("metadata")), _mapping_like(tpl.get("spec"))
    if res.kind == "CronJob":
        tpl = _mapping_like(dig(res.props, "spec", "jobTemplate", "spec", "template"))
        return _mapping_like(tpl.get("metadata")), _mapping_like(tpl.get("spec"))
    return None


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
