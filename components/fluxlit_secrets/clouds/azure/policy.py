"""What the rules know of Azure (pure): federated credentials followed through role assignments to
Key Vault secrets, federation and assignments scoped to one subject and one secret, vaults and
secrets as values of record, and the Azure CSI provider's objects read as the pod's client id."""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fluxlit_secrets.clouds.azure.iam import role_of, scope_of
from fluxlit_secrets.clouds.azure.roles import ASSIGN, GET_SECRET, blocks_of, custom_roles, reads_secrets
from fluxlit_secrets.clouds.csi import DRIVER
from fluxlit_secrets.clouds.policy import (
    ONE_SUBJECT,
    SUBJECT,
    CloudPolicy,
    CloudRead,
    CsiObject,
    CsiPolicy,
    Federation,
    Ksa,
    Reader,
    ksa_of,
    label_or_version_problem,
    parse_yaml,
    versioned_object,
)
from fluxlit_secrets.model.resources import Res, as_list, dig

SECRET = "azure-native:keyvault:Secret"
VAULT = "azure-native:keyvault:Vault"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
AUDIENCE = "api://AzureADTokenExchange"
VERSION = re.compile(r"[0-9a-fA-F]{32}")
CLIENT_ID = "azure.workload.identity/client-id"


def _principals(resources: list[Res]) -> dict[str, set[Ksa]]:
    """principal id (lowercased) -> the ServiceAccounts its federated credentials trust."""
    identities = {str(r.props.get("resourceName") or r.name): r for r in resources if r.type == IDENTITY}
    principals: dict[str, set[Ksa]] = {}
    for cred in (r for r in resources if r.type == CREDENTIAL):
        identity = identities.get(str(cred.props.get("resourceName", "")))
        ksa = ksa_of(SUBJECT, str(cred.props.get("subject", "")))
        if identity is not None and ksa:
            principals.setdefault(str(identity.props.get("principalId", "")).lower(), set()).add(ksa)
    return principals


def _in_scope(secret: Res, scope: Any) -> bool:
    vault, name = str(secret.props.get("vaultName", "")), str(secret.props.get("secretName", ""))
    group = str(secret.props.get("resourceGroupName", ""))
    if (scope.secret and scope.secret.lower() != name.lower()) or (
        scope.vault and scope.vault.lower() != vault.lower()
    ):
        return False
    return not (scope.resource_group and scope.resource_group.lower() != group.lower())


def _access_policy_vaults(resources: list[Res]) -> dict[str, Res]:
    """Vaults (by lowercased name) that read by access policies, not by roles."""
    return {
        str(r.props.get("vaultName") or r.name).lower(): r
        for r in resources
        if r.type == VAULT and dig(r.props, "properties", "enableRbacAuthorization") is not True
    }


def _access_policies(resources: list[Res]) -> Iterator[tuple[str, str]]:
    """(vault name, object id) of every access policy that gets secrets (`get` or `all`)."""
    for r in resources:
        if r.type == VAULT:
            entries = [
                (r.props.get("vaultName") or r.name, e) for e in as_list(dig(r.props, "properties", "accessPolicies"))
            ]
        elif r.type == ACCESS_POLICY:
            entries = [(r.props.get("vaultName"), r.props.get("policy"))]
        else:
            continue
        for vault, entry in entries:
            secrets = [str(p).lower() for p in as_list(dig(entry, "permissions", "secrets"))]
            if {"get", "all"} & set(secrets):
                yield str(vault).lower(), str(dig(entry, "objectId") or "").lower()


def reads(resources: list[Res]) -> Iterator[CloudRead]:
    """Every (ServiceAccount, secret) a federated identity can read: role assignments by the role's
    permissions (built-in from `roles.py`, custom from the program) at any scope, and access
    policies of vaults in the access-policy model."""
    principals = _principals(resources)
    custom = custom_roles(resources)
    policy_vaults = _access_policy_vaults(resources)
    secrets = [r for r in resources if r.type == SECRET]
    for grant in (r for r in resources if r.type == ASSIGNMENT):
        blocks = blocks_of(role_of(str(grant.props.get("roleDefinitionId", ""))), custom)
        scope = scope_of(str(grant.props.get("scope", "")))
        principal = str(grant.props.get("principalId", "")).lower()
        for secret in (s for s in secrets if _in_scope(s, scope)):
            in_policy_vault = str(secret.props.get("vaultName", "")).lower() in policy_vaults
            if reads_secrets(blocks, access_policies=in_policy_vault):
                for ksa in principals.get(principal, set()):
                    yield CloudRead(
                        ksa=ksa, secret=secret, identity=f"a role at {scope.level} scope", principal=principal
                    )
    for vault, object_id in _access_policies(resources):
        if vault not in policy_vaults:
            continue
        for secret in (s for s in secrets if str(s.props.get("vaultName", "")).lower() == vault):
            for ksa in principals.get(object_id, set()):
                yield CloudRead(
                    ksa=ksa, secret=secret, identity=f"an access policy of vault {vault}", principal=object_id
                )


def trust(res: Res) -> Iterator[str]:
    """A federated credential names one ServiceAccount subject and the token exchange audience."""
    if res.type != CREDENTIAL:
        return
    if not ONE_SUBJECT.fullmatch(str(res.props.get("subject", ""))):
        yield "federated credential subject is not exactly one system:serviceaccount:<ns>:<sa>"
    if [str(a) for a in as_list(res.props.get("audiences"))] != [AUDIENCE]:
        yield f"federated credential audiences are not exactly [{AUDIENCE}]"


def grants(res: Res) -> Iterator[str]:
    """Key Vault secret roles above one secret, and roles that grant themselves, on a vault or above."""
    if res.type != ASSIGNMENT:
        return
    blocks = blocks_of(role_of(str(res.props.get("roleDefinitionId", ""))), {})
    scope = scope_of(str(res.props.get("scope", "")))
    if any(b.allows_data(GET_SECRET) for b in blocks) and scope.level != "secret":
        yield f"a role that gets Key Vault secrets is assigned at {scope.level} scope: scope it to one secret"
    if any(b.allows(ASSIGN) for b in blocks) and scope.level in ("vault", "secret", "resourceGroup", "subscription"):
        yield f"a role that can grant itself secret access is assigned at {scope.level} scope"


def federations(resources: list[Res]) -> Iterator[Federation]:
    """Each federated credential of a user-assigned identity."""
    for cred in (r for r in resources if r.type == CREDENTIAL):
        identity = str(cred.props.get("resourceName", "")).lower()
        yield Federation(
            identity=identity,
            credential=cred,
            issuer=str(cred.props.get("issuer")),
            subject=str(cred.props.get("subject")),
        )


def _objects(provider: str, params: Mapping[str, Any]) -> list[CsiObject] | None:
    array = dig(parse_yaml(params.get("objects")), "array")
    listed = [parse_yaml(item) for item in array] if isinstance(array, list) else None
    if not isinstance(listed, list) or not all(isinstance(o, Mapping) for o in listed):
        return None
    return [versioned_object(provider, o) for o in listed]


def _secret_of(o: CsiObject, params: Mapping[str, Any], resources: Sequence[Res]) -> Res | None:
    vault = str(params.get("keyvaultName") or "")
    for r in resources:
        p = r.props
        if r.type == SECRET and (o.name.lower(), vault.lower()) == (
            str(p.get("secretName")).lower(),
            str(p.get("vaultName")).lower(),
        ):
            return r
    return None


def _reader(annotations: Mapping[str, Any], params: Mapping[str, Any], resources: Sequence[Res]) -> Reader:
    client = str(params.get("clientID") or "")
    if str(annotations.get(CLIENT_ID) or "").lower() != client.lower():
        return "", f"clientID {client!r}, which is not its ServiceAccount's {CLIENT_ID}"
    for r in resources:
        if r.type == IDENTITY and str(r.props.get("clientId")) == client:
            return str(r.props.get("principalId") or "").lower(), f"identity {client}"
    return "", f"clientID {client!r}, which no identity of the stack has"


POLICY = CloudPolicy(
    secret_fields={SECRET: ("properties.value",)},
    names={
        VAULT: ("vaultName",),  # vault names are global (their DNS name)
        SECRET: ("vaultName", "secretName"),
        "azure-native:managedidentity:UserAssignedIdentity": ("resourceGroupName", "resourceName"),
        "azure-native:managedidentity:FederatedIdentityCredential": (
            "resourceGroupName",
            "resourceName",
            "federatedIdentityCredentialResourceName",
        ),
    },
    containers=(VAULT, SECRET),
    reads=reads,
    trust=trust,
    grants=grants,
    federations=federations,
    csi=CsiPolicy(
        providers=("azure",),
        drivers=(DRIVER,),
        objects=_objects,
        pin_problem=lambda o: label_or_version_problem(o, VERSION),
        secret_of=_secret_of,
        reader=_reader,
    ),
)
