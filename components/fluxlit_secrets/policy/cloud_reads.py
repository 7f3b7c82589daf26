"""Which cloud secrets each Kubernetes ServiceAccount can read through its workload identity, as
every cloud of the catalog answers it (pure), and what the package's own tags and labels say."""

from collections.abc import Iterator, Mapping

from fluxlit_secrets.clouds.catalog import policies
from fluxlit_secrets.clouds.policy import CloudRead, Ksa
from fluxlit_secrets.model.labels import MANAGED_BY, READERS_TAG, WORKLOAD_LABEL
from fluxlit_secrets.model.resources import Res


def cloud_reads(resources: list[Res]) -> Iterator[CloudRead]:
    """Every (ServiceAccount, cloud secret) read a workload identity allows, in any cloud."""
    for policy in policies():
        yield from policy.reads(resources)


def workload_of(resources: list[Res], ksa: Ksa) -> str:
    """The fluxlit-secrets workload a ServiceAccount belongs to ("" for any other)."""
    for r in resources:
        if r.kind == "ServiceAccount" and (str(r.meta.get("namespace")), str(r.meta.get("name"))) == ksa:
            labels = r.meta.get("labels") or {}
            if all(labels.get(k) == v for k, v in MANAGED_BY.items()):
                return str(labels.get(WORKLOAD_LABEL) or "")
    return ""


def readers_of(secret: Res) -> set[str] | None:
    """The workloads a cloud secret is for (its `readers` tag or label), or None when untagged."""
    tags = secret.props.get("tags") or secret.props.get("labels") or {}
    value = tags.get(READERS_TAG) if isinstance(tags, Mapping) else None
    return set(str(value).split("-")) if value else None
