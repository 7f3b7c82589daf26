"""The Kubernetes-only store: values live in Pulumi state (encrypted) and in delivery Secrets.

Versions are the generation of a generated value, or a RandomId whose keepers hold a config
value: a new value gives a new random id, never a hash of the value.
"""

import pulumi

from fluxlit_secrets.stores.base import StoredSecret, StoreRequest
from fluxlit_secrets.stores.sources import config_version, sources


class KubernetesStore:
    """Store of record for local clusters: nothing outside Kubernetes and Pulumi state."""

    name = "kubernetes"

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """Generated: RandomPassword per generation; config: the value plus a RandomId version."""
        src = sources(request, parent)
        if request.source == "generated":
            return StoredSecret(
                value=src.current.value,
                version=pulumi.Output.from_input(str(src.current.generation)),
                previous_value=src.previous.value if src.previous else None,
                previous_version=pulumi.Output.from_input(str(src.previous.generation)) if src.previous else None,
            )
        return StoredSecret(value=src.current.value, version=config_version(request, src.current.value, parent))
