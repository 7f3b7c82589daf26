"""Azure: a user-assigned identity federated with one ServiceAccount, reading only its secrets."""

from typing import cast

import pulumi
import pulumi_azure_native as azure

from fluxlit_secrets.clouds.azure.names import identity_name
from fluxlit_secrets.clouds.azure.settings import AzureSettings
from fluxlit_secrets.clouds.base import Binding, CloudIdentity, IdentityRequest, subject

#: Built-in role "Key Vault Secrets User".
SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
AUDIENCE = "api://AzureADTokenExchange"


def role_definition(scope: str) -> str:
    """The role's definition id in the subscription of `scope` (a resource id); the built-in role's
    tenant-level id when `scope` names no subscription."""
    parts = str(scope or "").split("/")
    if len(parts) > 2 and parts[1].lower() == "subscriptions" and parts[2]:
        return f"/subscriptions/{parts[2]}/providers/Microsoft.Authorization/roleDefinitions/{SECRETS_USER}"
    return f"/providers/Microsoft.Authorization/roleDefinitions/{SECRETS_USER}"


class AzureIdentity(CloudIdentity):
    """AKS workload identity: managed identity, federated credential, per-secret role assignments."""

    def bind(self, request: IdentityRequest, parent: pulumi.Resource) -> Binding:
        """Identity, its one federated credential, and "Key Vault Secrets User" on each consumed secret."""
        s = cast(AzureSettings, request.settings)
        base = request.base
        identity = azure.managedidentity.UserAssignedIdentity(
            f"{base}-identity",
            resource_group_name=s.resource_group,
            resource_name_=identity_name(request.app, request.environment, request.workload),
            location=s.location,
            opts=request.options(parent, f"{base}-identity"),
        )
        azure.managedidentity.FederatedIdentityCredential(
            f"{base}-federation",
            resource_group_name=s.resource_group,
            resource_name_=identity.name,
            federated_identity_credential_resource_name=f"{request.namespace}-{request.service_account}"[:120],
            issuer=s.oidc_issuer_url,
            subject=subject(request.namespace, request.service_account),
            audiences=[AUDIENCE],
            opts=request.options(parent, f"{base}-federation"),
        )
        for secret, ref in sorted(request.secret_refs.items()):
            azure.authorization.RoleAssignment(
                f"{base}-reads-{secret}",
                principal_id=identity.principal_id,
                principal_type="ServicePrincipal",
                role_definition_id=pulumi.Output.from_input(ref).apply(role_definition),
                scope=ref,
                opts=request.options(parent, f"{base}-reads-{secret}"),
            )
        return Binding(
            identity=identity.client_id,
            annotations={
                "azure.workload.identity/client-id": identity.client_id,
                "azure.workload.identity/tenant-id": s.tenant_id,
            },
            pod_labels={"azure.workload.identity/use": "true"},
        )
