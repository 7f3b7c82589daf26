"""Which cloud secrets each Kubernetes ServiceAccount can read through its workload identity, as
every cloud of the catalog answers it (pure), and what the package's own tags and labels say."""

from collections.abc import Mapping

from fluxlit_secrets.clouds.catalog import policies
from fluxlit_secrets.clouds.policy import CloudRead, Ksa
from fluxlit_secrets.model.labels import READERS_TAG
from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.identities import Identity, identity_of
from fluxlit_secrets.policy.shared import per_stack


@per_stack
def cloud_reads(resources: list[Res]) -> list[CloudRead]:
    """Every (ServiceAccount, cloud secret) read a workload identity allows, in any cloud (once per stack)."""
    return [read for policy in policies() for read in policy.reads(resources)]


def workload_of(found: dict[tuple[str, str], list[Identity]], ksa: Ksa) -> str:
    """The fluxlit-secrets workload a ServiceAccount is the identity of ("" for any other), by what
    the components created (policy/identities.py), never by its labels."""
    identity = identity_of(found, ksa, "")
    return identity.workload if identity else ""


def readers_of(secret: Res) -> set[str] | None:
    """The workloads a cloud secret is for (its `readers` tag or label), or None when untagged."""
    tags = secret.props.get("tags") or secret.props.get("labels") or {}
    value = tags.get(READERS_TAG) if isinstance(tags, Mapping) else None
    return set(str(value).split("-")) if value else None
