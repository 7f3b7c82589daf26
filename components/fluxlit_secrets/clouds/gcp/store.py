"""GCP Secret Manager: one secret per declared secret, one SecretVersion per version.

Versions use deletion_policy DISABLE: one that leaves the program is disabled, never destroyed.
"""

from typing import Any, Optional, cast

import pulumi
import pulumi_gcp as gcp

from fluxlit_secrets.clouds.base import StoreRequest
from fluxlit_secrets.clouds.gcp.names import secret_id
from fluxlit_secrets.clouds.gcp.settings import GcpSettings
from fluxlit_secrets.clouds.versions import (
    RETIRING,
    VersionedStore,
    VersionSlot,
    Written,
    base_name,
    child_options,
    secret_tags,
)


class GcpStore(VersionedStore):
    """Secret Manager as the store of record."""

    def container(self, request: StoreRequest, parent: pulumi.Resource) -> tuple[Optional[pulumi.Output[str]], Any]:
        """The secret with its replication and labels, protected unless the stack is disposable."""
        settings = cast(GcpSettings, request.settings)
        base = base_name(request)
        replication = (
            {"user_managed": {"replicas": [{"location": loc} for loc in settings.replication]}}
            if settings.replication
            else {"auto": {}}
        )
        secret = gcp.secretmanager.Secret(
            base,
            project=settings.project,
            secret_id=secret_id(request.app, request.environment, request.store_name),
            replication=replication,
            labels=secret_tags(request),
            opts=child_options(request, base, parent, protect=not request.disposable),
        )
        return secret.id, secret.id

    def version(self, request: StoreRequest, handle: Any, slot: VersionSlot, *, parent: pulumi.Resource) -> Written:
        """A SecretVersion; the retiring one is disabled (after its consumers rolled), none destroyed."""
        version = gcp.secretmanager.SecretVersion(
            slot.logical,
            secret=handle,
            secret_data=slot.source.value,
            enabled=slot.state != RETIRING,
            deletion_policy="DISABLE",
            opts=child_options(request, slot.logical, parent, depends_on=slot.after),
        )
        return Written(version.version, version.name, version)
