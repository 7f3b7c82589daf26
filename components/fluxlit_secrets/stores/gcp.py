"""GCP Secret Manager: one secret per declared secret, one SecretVersion per version.

Versions use deletion_policy DISABLE: one that leaves the program is disabled, never destroyed.
"""

import pulumi
import pulumi_gcp as gcp

from fluxlit_secrets.spec.clouds import GcpSettings
from fluxlit_secrets.spec.naming import gcp_secret_id
from fluxlit_secrets.stores.base import StoredSecret, StoreRequest
from fluxlit_secrets.stores.sources import base_name, child_options, secret_tags, sources


class GcpStore:
    """Secret Manager as the store of record."""

    name = "gcp"

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """The secret (protected unless disposable) and its current and previous versions."""
        settings: GcpSettings = request.settings
        base = base_name(request)
        replication = (
            {"user_managed": {"replicas": [{"location": loc} for loc in settings.replication]}}
            if settings.replication else {"auto": {}}
        )
        container = gcp.secretmanager.Secret(
            base,
            project=settings.project,
            secret_id=gcp_secret_id(request.app, request.environment, request.store_name),
            replication=replication,
            labels=secret_tags(request),
            opts=child_options(request, base, parent, protect=not request.disposable),
        )
        src = sources(request, parent)
        previous = None
        if src.previous is not None:
            previous = self._version(request, f"{base}-v{src.previous.generation}", container,
                                     src.previous.value, parent, [])
        suffix = f"v{src.current.generation}" if request.source == "generated" else "version"
        current = self._version(request, f"{base}-{suffix}", container, src.current.value, parent,
                                [previous] if previous is not None else [])
        return StoredSecret(
            value=src.current.value,
            version=current.version,
            previous_value=src.previous.value if src.previous else None,
            previous_version=previous.version if previous is not None else None,
            ref=container.id,
        )

    @staticmethod
    def _version(request: StoreRequest, name: str, container: gcp.secretmanager.Secret,
                 value: pulumi.Output[str], parent: pulumi.Resource,
                 after: list[pulumi.Resource]) -> gcp.secretmanager.SecretVersion:
        return gcp.secretmanager.SecretVersion(
            name,
            secret=container.id,
            secret_data=value,
            enabled=True,
            deletion_policy="DISABLE",
            opts=child_options(request, name, parent, depends_on=after),
        )
