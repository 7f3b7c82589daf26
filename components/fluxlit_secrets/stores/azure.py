"""Azure Key Vault: an RBAC vault, one secret per declared secret; a new value is a new version.

Key Vault keeps every older version (they cannot be deleted one by one), and Pulumi's delete of a
secret is a soft delete under purge protection.
"""

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_azure_native as azure

from fluxlit_secrets.spec.clouds import AzureSettings
from fluxlit_secrets.spec.naming import azure_secret_name
from fluxlit_secrets.stores.base import StoredSecret, StoreRequest
from fluxlit_secrets.stores.sources import (
    CURRENT,
    PREVIOUS,
    RETIRING,
    base_name,
    child_options,
    configured,
    generated,
    secret_tags,
)


def create_vault(
    name: str, settings: AzureSettings, *, disposable: bool, parent: pulumi.Resource, tags: dict[str, str]
) -> dict[str, Any]:
    """The vault (RBAC, soft delete, purge protection) or the existing one: its name and group."""
    if settings.vault_id:
        return {
            "vault_name": pulumi.Output.from_input(settings.vault_name),
            "resource_group": settings.vault_group,
            "vault_id": pulumi.Output.from_input(settings.vault_id),
        }
    vault = azure.keyvault.Vault(
        f"{name}-vault",
        resource_group_name=settings.resource_group,
        vault_name=settings.vault_name,
        location=settings.location,
        properties={
            "tenant_id": settings.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enable_rbac_authorization": True,
            "enable_soft_delete": True,
            "soft_delete_retention_in_days": settings.soft_delete_retention_days,
            "enable_purge_protection": True,
            "public_network_access": "Enabled",
        },
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=not disposable),
    )
    return {"vault_name": vault.name, "resource_group": settings.resource_group, "vault_id": vault.id}


class AzureStore:
    """Key Vault as the store of record."""

    name = "azure"

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """One Key Vault secret whose value changes make new versions (protected unless disposable)."""
        base = base_name(request)
        n = request.generation
        if request.source == "config":
            current, previous = configured(request), None
        else:
            previous = generated(request, n - 1, parent, PREVIOUS) if n > 1 else None
            current = generated(request, n, parent, CURRENT)
        container = azure.keyvault.Secret(
            base,
            resource_group_name=request.context["resource_group"],
            vault_name=request.context["vault_name"],
            secret_name=azure_secret_name(request.app, request.environment, request.store_name),
            properties={"value": current.value, "content_type": "text/plain"},
            tags=secret_tags(request),
            opts=child_options(request, base, parent, protect=not request.disposable),
        )
        version = container.properties.apply(lambda p: p.secret_uri_with_version.rstrip("/").rsplit("/", 1)[-1][:12])

        def retire(consumers: Sequence[pulumi.Resource]) -> None:
            # Key Vault keeps every older version itself; only the source is kept until consumers rolled.
            if request.source == "generated" and n > 2:
                generated(request, n - 2, parent, RETIRING, consumers)

        return StoredSecret(
            value=current.value,
            version=version,
            previous_value=previous.value if previous else None,
            previous_version=pulumi.Output.from_input(f"g{previous.generation}") if previous else None,
            ref=container.id,
            retire=retire,
        )
