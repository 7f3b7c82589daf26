"""What the mocks answer for Azure resources (ids in ARM's format), and which inputs force a replacement."""

import hashlib
from collections.abc import Mapping
from typing import Any

from fluxlit_secrets.clouds.fakes import Context, Fake, auto_name, config_block, uuid

ZERO = "00000000-0000-0000-0000-000000000000"


def context(values: Mapping[str, str]) -> dict[str, str]:
    """Subscription (from vaultId or the resource group) and tenant from `fluxlit-secrets:azure`."""
    azure = config_block(values, "fluxlit-secrets:azure")
    subscription = ZERO
    vault_id = str(azure.get("vaultId") or "")
    if vault_id.startswith("/subscriptions/"):
        subscription = vault_id.split("/")[2]
    elif azure.get("resourceGroup"):
        subscription = uuid(hashlib.sha256(str(azure["resourceGroup"]).encode()).digest())
    return {"azure_subscription": subscription, "azure_tenant": str(azure.get("tenantId") or ZERO)}


def _rg_id(ctx: Context, inputs: dict[str, Any]) -> str:
    return f"/subscriptions/{ctx['azure_subscription']}/resourceGroups/{inputs.get('resourceGroupName')}"


def vault(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = auto_name(inputs, "vaultName", logical, seed=seed)
    vid = f"{_rg_id(ctx, inputs)}/providers/Microsoft.KeyVault/vaults/{name}"
    props = dict(inputs.get("properties") or {})
    props["vaultUri"] = f"https://{name}.vault.azure.net/"
    return vid, {"name": name, "properties": props, "type": "Microsoft.KeyVault/vaults"}


def secret(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    vault_name, name = inputs.get("vaultName"), inputs.get("secretName")
    sid = f"{_rg_id(ctx, inputs)}/providers/Microsoft.KeyVault/vaults/{vault_name}/secrets/{name}"
    uri = f"https://{vault_name}.vault.azure.net/secrets/{name}"
    props = {k: v for k, v in (inputs.get("properties") or {}).items() if k != "value"}  # never returned
    props.update({"secretUri": uri, "secretUriWithVersion": f"{uri}/{hashlib.sha256(seed).hexdigest()[:32]}"})
    return sid, {"name": name, "properties": props, "type": "Microsoft.KeyVault/vaults/secrets"}


def identity(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = auto_name(inputs, "resourceName", logical, seed=seed)
    iid = f"{_rg_id(ctx, inputs)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
    return iid, {
        "name": name,
        "clientId": uuid(seed + b"client"),
        "principalId": uuid(seed + b"principal"),
        "tenantId": ctx["azure_tenant"],
    }


def federation(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = inputs.get("federatedIdentityCredentialResourceName")
    iid = (
        f"{_rg_id(ctx, inputs)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"
        f"{inputs.get('resourceName')}/federatedIdentityCredentials/{name}"
    )
    return iid, {"name": name}


def role_assignment(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = uuid(seed)
    return f"{inputs.get('scope')}/providers/Microsoft.Authorization/roleAssignments/{name}", {"name": name}


FAKES: dict[str, Fake] = {
    "azure-native:keyvault:Vault": vault,
    "azure-native:keyvault:Secret": secret,
    "azure-native:managedidentity:UserAssignedIdentity": identity,
    "azure-native:managedidentity:FederatedIdentityCredential": federation,
    "azure-native:authorization:RoleAssignment": role_assignment,
}
#: Inputs whose change makes the provider replace the resource.
FORCE_NEW: dict[str, tuple[str, ...]] = {
    "azure-native:keyvault:Vault": ("vaultName", "resourceGroupName"),
    "azure-native:keyvault:Secret": ("secretName", "vaultName", "resourceGroupName"),
    "azure-native:managedidentity:FederatedIdentityCredential": ("issuer", "subject"),
    "azure-native:authorization:RoleAssignment": ("*",),
}
