"""Where each resource of a program belongs: its app (the fluxlit-secrets component above it, by
name) and its cluster (the kubernetes provider it is created with), read from resources.json entries."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.model.labels import PACKAGE
from fluxlit_secrets.model.resources import dig, mapping

#: The cluster of a Kubernetes resource created with the default provider (the ambient kubeconfig).
DEFAULT_CLUSTER = "default"
_PROVIDER_TYPE = "pulumi:providers:"


@dataclass(frozen=True, kw_only=True)
class Placement:
    """A resource's app (its component's name; '' for the team's own resources) and cluster."""

    app: str
    #: The kubernetes provider's name ('default' for the default provider); '' off Kubernetes.
    cluster: str


def provider_of(type_: str, provider_urn: str | None, *, custom: bool) -> dict[str, str] | None:
    """The provider a custom resource is created with, as resources.json records it: its package
    and its name (`default` for the default provider). Never its inputs: they hold credentials."""
    if not custom or type_.startswith(_PROVIDER_TYPE):
        return None
    if provider_urn:
        qualified = provider_urn.split("::")[2] if provider_urn.count("::") >= 3 else provider_urn
        return {
            "type": qualified.rsplit("$", 1)[-1].removeprefix(_PROVIDER_TYPE),
            "name": provider_urn.rsplit("::", 1)[-1],
        }
    return {"type": type_.split(":", 1)[0], "name": DEFAULT_CLUSTER}


def _labels(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    for path in (("spec", "template", "metadata", "labels"), ("metadata", "labels")):
        if isinstance(labels := dig(entry.get("inputs"), *path), Mapping):
            return labels
    return {}


def placements(entries: Iterable[Mapping[str, Any]]) -> dict[str, Placement]:
    """Per URN: the outermost fluxlit-secrets component above the resource (or the resource's own
    `app.kubernetes.io/name` label, for the team's objects), and its kubernetes provider's name."""
    listed = list(entries)
    by_urn = {str(e["urn"]): e for e in listed}
    found: dict[str, Placement] = {}
    for entry in listed:
        urn, app = str(entry["urn"]), ""
        seen = {urn}
        node: Mapping[str, Any] | None = entry
        while node is not None:
            if str(node.get("type", "")).startswith(f"{PACKAGE}:") and not node.get("custom"):
                app = str(node["name"])
            parent = node.get("parent")
            node = by_urn.get(str(parent)) if parent and parent not in seen else None
            seen.add(str(parent))
        provider = (entry.get("options") or {}).get("provider")
        where = provider_of(str(entry["type"]), provider, custom=bool(entry.get("custom")))
        cluster = where["name"] if where is not None and where["type"] == "kubernetes" else ""
        found[urn] = Placement(app=app, cluster=cluster)
    # The team's own objects: the app whose component made their namespace, else their pods' label.
    owners = {
        (found[str(e["urn"])].cluster, _name(e)): found[str(e["urn"])].app
        for e in listed
        if e["type"] == "kubernetes:core/v1:Namespace" and found[str(e["urn"])].app
    }
    for entry in listed:
        urn = str(entry["urn"])
        if not found[urn].app:
            owner = owners.get((found[urn].cluster, _namespace(entry))) or _labels(entry).get("app.kubernetes.io/name")
            found[urn] = Placement(app=str(owner or ""), cluster=found[urn].cluster)
    return found


def _metadata(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(dig(entry.get("inputs"), "metadata"))


def _name(entry: Mapping[str, Any]) -> str:
    return str(_metadata(entry).get("name") or "")


def _namespace(entry: Mapping[str, Any]) -> str:
    return str(_metadata(entry).get("namespace") or "")


def clusters_of(found: Mapping[str, Placement]) -> list[str]:
    """The clusters a program creates Kubernetes resources on, in name order."""
    return sorted({p.cluster for p in found.values() if p.cluster})


__all__ = ["DEFAULT_CLUSTER", "Placement", "clusters_of", "placements", "provider_of"]
