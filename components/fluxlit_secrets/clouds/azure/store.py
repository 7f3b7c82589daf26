"""Azure Key Vault: an RBAC vault, one secret per declared secret; a new value is a new version.

Key Vault keeps every older version (they cannot be deleted one by one), and Pulumi's delete of a
secret is a soft delete under purge protection.
"""

from collections.abc import Sequence
from typing import Any, cast

import pulumi
import pulumi_azure_native as azure

from fluxlit_secrets.clouds.azure.names import secret_name
from fluxlit_secrets.clouds.azure.settings import AzureSettings
from fluxlit_secrets.clouds.base import SecretStore, StoredSecret, StoreRequest
from fluxlit_secrets.clouds.versions import (
    CURRENT,
    PREVIOUS,
    RETIRING,
    base_name,
    child_options,
    configured,
    generated,
    secret_tags,
)
from fluxlit_secrets.model.app import AppModel


def version_of(properties: Any) -> str:
    """The 32-hex version from a secret's `secretUriWithVersion` ("" when the provider gave none)."""
    uri = getattr(properties, "secret_uri_with_version", None)
    return str(uri or "").rstrip("/").rsplit("/", 1)[-1]


class AzureStore(SecretStore):
    """Key Vault as the store of record."""

    def prepare(self, name: str, model: AppModel, *, tags: dict[str, str], parent: pulumi.Resource) -> dict[str, Any]:
        """The vault (RBAC, soft delete, purge protection, network rules) or the existing one."""
        s = cast(AzureSettings, model.cloud)
        disposable = model.disposable
        if s.vault_id:
            return {"vault_name": pulumi.Output.from_input(s.vault_name), "resource_group": s.vault_group}
        vault = azure.keyvault.Vault(
            f"{name}-vault",
            resource_group_name=s.resource_group,
            vault_name=s.vault_name,
            location=s.location,
            properties={
                "tenant_id": s.tenant_id,
                "sku": {"family": "A", "name": "standard"},
                "enable_rbac_authorization": True,
                "enable_soft_delete": True,
                "soft_delete_retention_in_days": s.soft_delete_retention_days,
                "enable_purge_protection": True,
                "public_network_access": "Enabled" if s.network.public_access else "Disabled",
                "network_acls": {
                    "default_action": s.network.default_action,
                    "bypass": "AzureServices",
                    "ip_rules": [{"value": r} for r in s.network.allowed_ip_ranges],
                    "virtual_network_rules": [{"id": i} for i in s.network.allowed_subnet_ids],
                },
            },
            tags=tags,
            opts=pulumi.ResourceOptions(parent=parent, protect=not disposable),
        )
        return {"vault_name": vault.name, "resource_group": s.resource_group}

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """One Key Vault secret whose value changes make new versions (protected unless disposable)."""
        settings = cast(AzureSettings, request.settings)
        base = base_name(request)
        n = request.generation
        if request.source == "config":
            current, previous = configured(request), None
        else:
            previous = generated(request, n - 1, parent, state=PREVIOUS) if n > 1 else None
            current = generated(request, n, parent, state=CURRENT)
        name = secret_name(request.app, request.environment, request.store_name)
        container = azure.keyvault.Secret(
            base,
            resource_group_name=request.context.get("resource_group", settings.vault_group),
            vault_name=request.context.get("vault_name", settings.vault_name),
            secret_name=name,
            properties={"value": current.value, "content_type": "text/plain"},
            tags=secret_tags(request),
            opts=child_options(request, base, parent, protect=not request.disposable),
        )
        # A version id is no secret, though the engine marks the whole `properties` output secret
        # (its `value` input is): unmarked, so names and annotations built from it stay readable.
        full = pulumi.Output.unsecret(container.properties.apply(version_of))
        return StoredSecret(
            value=current.value,
            version=full.apply(lambda v: v[:12]),
            full_version=full,
            previous_value=previous.value if previous else None,
            previous_version=pulumi.Output.from_input(f"g{previous.generation}") if previous else None,
            ref=container.id,
            # The name we gave, once the secret exists (a CSI object names it).
            object_name=container.urn.apply(lambda _: name),
        )

    def retire(self, request: StoreRequest, parent: pulumi.Resource, after: Sequence[pulumi.Resource]) -> None:
        """Key Vault keeps every older version itself; only the source is kept until consumers rolled."""
        if request.source == "generated" and request.generation > 2:
            generated(request, request.generation - 2, parent, state=RETIRING, after=after)
