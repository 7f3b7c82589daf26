"""Kubernetes objects two resources of one program would both create: `pulumi preview` passes
(neither exists yet), `pulumi up` fails on the second with AlreadyExists."""

from collections.abc import Iterable
from typing import NamedTuple

from fluxlit_secrets.engine.monitor import Registration
from fluxlit_secrets.engine.sdk import UNKNOWN


class ObjectKey(NamedTuple):
    """What the API server keys an object by, and which cluster it lives on."""

    cluster: object
    group: str
    kind: str
    namespace: str
    name: str


def _identity(r: Registration) -> ObjectKey | None:
    """(cluster, group, kind, namespace, name) of the object a resource creates; None when it
    creates none of its own (a patch, a component, a chart) or its name is not known yet."""
    if not (r.custom and r.type.startswith("kubernetes:")) or r.type.endswith("Patch"):
        return None
    module, _, kind = r.type.removeprefix("kubernetes:").partition(":")
    if "/" not in module or r.type.startswith(("kubernetes:helm", "kubernetes:yaml", "kubernetes:kustomize")):
        return None
    meta = r.inputs.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    if not isinstance(name, str) or name == UNKNOWN:
        return None
    group = module.split("/", 1)[0]
    return ObjectKey(r.options.get("provider"), group, kind, namespace if isinstance(namespace, str) else "", name)


def colliding_objects(registrations: Iterable[Registration]) -> list[tuple[str, str, str]]:
    """(object, first URN, second URN) for every object two resources create on one cluster."""
    owner: dict[ObjectKey, str] = {}
    found = []
    for r in registrations:
        key = _identity(r)
        if key is None:
            continue
        if key in owner:
            where = f"{key.namespace}/" if key.namespace else ""
            first, second = sorted((owner[key], r.urn))
            found.append((f"{key.kind} {where}{key.name}", first, second))
        else:
            owner[key] = r.urn
    return sorted(found)  # one order, whatever order the program registered in


__all__ = ["colliding_objects"]
