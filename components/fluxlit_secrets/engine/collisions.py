"""Objects two resources of one program would both create, on one cluster or in one cloud account:
`pulumi preview` passes (neither exists yet), `pulumi up` fails on the second (AlreadyExists,
EntityAlreadyExists, ResourceExistsException, 409), or, where a cloud takes a second write of one
name as an update, two resources silently fight over one object."""

from collections.abc import Iterable
from typing import NamedTuple

from fluxlit_secrets.clouds.catalog import physical_names
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


def _cloud_identity(r: Registration, names: dict[str, tuple[str, ...]]) -> tuple[object, ...] | None:
    """(provider, type, name parts) of a cloud object, None when its name is not known yet."""
    inputs = names.get(r.type)
    if not (r.custom and inputs):
        return None
    parts = tuple(r.inputs.get(i) for i in inputs)
    if any(p == UNKNOWN or isinstance(p, (dict, list)) for p in parts) or all(p is None for p in parts):
        return None
    return (r.options.get("provider"), r.type, *parts)


def colliding_objects(registrations: Iterable[Registration]) -> list[tuple[str, str, str]]:
    """(object, first URN, second URN) for every object two resources create on one cluster or,
    through one provider, in one cloud (the names each cloud's policy declares)."""
    names = physical_names()
    owner: dict[object, str] = {}
    found = []
    for r in registrations:
        obj, cloud = _identity(r), _cloud_identity(r, names)
        key: object = obj or cloud
        if obj is not None:
            where = f"{obj.namespace}/" if obj.namespace else ""
            shown = f"the Kubernetes object {obj.kind} {where}{obj.name} on one cluster"
        elif cloud is not None:
            shown = f"the cloud object {r.type} named {'/'.join(str(p) for p in cloud[2:])}"
        else:
            continue
        if key in owner:
            first, second = sorted((owner[key], r.urn))
            found.append((shown, first, second))
        else:
            owner[key] = r.urn
    return sorted(found)  # one order, whatever order the program registered in


__all__ = ["colliding_objects"]
