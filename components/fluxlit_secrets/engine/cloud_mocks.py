"""Per-cloud fakes for the mocks: ARNs, resource names and ids in each cloud's real format."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class CloudContext:
    """Account, region, project and subscription the fakes answer with (from the stack config)."""

    aws_region: str = "us-east-1"
    aws_account: str = "123456789012"
    gcp_project: str = "example-project"
    gcp_number: str = "123456789012"
    azure_subscription: str = "00000000-0000-0000-0000-000000000000"
    azure_tenant: str = "00000000-0000-0000-0000-000000000000"

    @classmethod
    def from_config(cls, values: dict[str, str]) -> CloudContext:
        """Read `fluxlit-secrets:aws|gcp|azure` and the providers' own config, leniently."""
        ctx = cls()

        def block(key: str) -> dict[str, Any]:
            try:
                raw = json.loads(values.get(key, "{}"))
            except ValueError:
                return {}
            return raw if isinstance(raw, dict) else {}

        aws, gcp, azure = block("fluxlit-secrets:aws"), block("fluxlit-secrets:gcp"), block("fluxlit-secrets:azure")
        ctx.aws_region = str(aws.get("region") or values.get("aws:region") or ctx.aws_region)
        for arn in (aws.get("oidcProviderArn"), aws.get("kmsKeyArn")):
            parts = str(arn or "").split(":")
            if len(parts) > 4 and parts[4].isdigit():
                ctx.aws_account = parts[4]
        ctx.aws_account = str(aws.get("accountId") or ctx.aws_account)
        ctx.gcp_project = str(gcp.get("project") or values.get("gcp:project") or ctx.gcp_project)
        ctx.gcp_number = str(gcp.get("projectNumber") or ctx.gcp_number)
        vault_id = str(azure.get("vaultId") or "")
        if vault_id.startswith("/subscriptions/"):
            ctx.azure_subscription = vault_id.split("/")[2]
        elif azure.get("resourceGroup"):
            ctx.azure_subscription = uuid(hashlib.sha256(str(azure["resourceGroup"]).encode()).digest())
        ctx.azure_tenant = str(azure.get("tenantId") or ctx.azure_tenant)
        return ctx


def uuid(seed: bytes) -> str:
    """A UUID-shaped string from a seed."""
    h = hashlib.sha256(seed).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def chars(seed: bytes, n: int, alphabet: str = ALNUM) -> str:
    """`n` characters of `alphabet` from a seed."""
    out, block = [], seed
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out.extend(alphabet[b % len(alphabet)] for b in block)
    return "".join(out[:n])


def _name(inputs: dict[str, Any], key: str, logical: str, seed: bytes) -> str:
    return str(inputs.get(key) or f"{logical}-{chars(seed, 7, LOWER)}")


# Each fake: (ctx, logical name, inputs (secrets unwrapped), seed) -> (id, extra outputs)
Fake = Callable[[CloudContext, str, dict[str, Any], bytes], tuple[str, dict[str, Any]]]


def aws_secret(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    name = _name(inputs, "name", logical, seed)
    arn = f"arn:aws:secretsmanager:{ctx.aws_region}:{ctx.aws_account}:secret:{name}-{chars(seed, 6)}"
    return arn, {"arn": arn, "name": name, "tagsAll": inputs.get("tags") or {}}


def aws_secret_version(
    ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes
) -> tuple[str, dict[str, Any]]:
    version = uuid(seed)
    secret = str(inputs.get("secretId"))
    return f"{secret}|{version}", {"arn": secret, "versionId": version, "versionStages": ["AWSCURRENT"]}


def aws_role(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    name = _name(inputs, "name", logical, seed)
    return name, {
        "arn": f"arn:aws:iam::{ctx.aws_account}:role/{name}",
        "name": name,
        "uniqueId": "AROA" + chars(seed, 17, ALNUM[:26] + "234567"),
    }


def aws_role_policy(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    name = _name(inputs, "name", logical, seed)
    return f"{inputs.get('role')}:{name}", {"name": name}


def aws_pod_identity(
    ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes
) -> tuple[str, dict[str, Any]]:
    assoc = "a-" + chars(seed, 17, LOWER)
    arn = f"arn:aws:eks:{ctx.aws_region}:{ctx.aws_account}:podidentityassociation/{inputs.get('clusterName')}/{assoc}"
    return f"{inputs.get('clusterName')},{assoc}", {"associationArn": arn, "associationId": assoc}


def gcp_secret(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project") or ctx.gcp_project
    sid = inputs.get("secretId")
    return f"projects/{project}/secrets/{sid}", {"name": f"projects/{ctx.gcp_number}/secrets/{sid}", "project": project}


def gcp_secret_version(
    ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes
) -> tuple[str, dict[str, Any]]:
    sid = str(inputs.get("secret", "")).rsplit("/", 1)[-1]
    number = str(1 + int.from_bytes(seed[:4], "big") % 9999)
    name = f"projects/{ctx.gcp_number}/secrets/{sid}/versions/{number}"
    return name, {"name": name, "version": number}


def gcp_iam_member(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    target = inputs.get("secretId") or inputs.get("serviceAccountId")
    return f"{target}/{inputs.get('role')}/{inputs.get('member')}", {"etag": "BwY" + chars(seed, 9)}


def gcp_service_account(
    ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes
) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project") or ctx.gcp_project
    email = f"{inputs.get('accountId')}@{project}.iam.gserviceaccount.com"
    name = f"projects/{project}/serviceAccounts/{email}"
    return name, {
        "email": email,
        "name": name,
        "member": f"serviceAccount:{email}",
        "uniqueId": "1" + chars(seed, 20, "0123456789"),
    }


def _rg_id(ctx: CloudContext, inputs: dict[str, Any]) -> str:
    return f"/subscriptions/{ctx.azure_subscription}/resourceGroups/{inputs.get('resourceGroupName')}"


def azure_vault(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    name = _name(inputs, "vaultName", logical, seed)
    vid = f"{_rg_id(ctx, inputs)}/providers/Microsoft.KeyVault/vaults/{name}"
    props = dict(inputs.get("properties") or {})
    props["vaultUri"] = f"https://{name}.vault.azure.net/"
    return vid, {"name": name, "properties": props, "type": "Microsoft.KeyVault/vaults"}


def azure_secret(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    vault, name = inputs.get("vaultName"), inputs.get("secretName")
    sid = f"{_rg_id(ctx, inputs)}/providers/Microsoft.KeyVault/vaults/{vault}/secrets/{name}"
    uri = f"https://{vault}.vault.azure.net/secrets/{name}"
    props = {k: v for k, v in (inputs.get("properties") or {}).items() if k != "value"}  # never returned
    props.update({"secretUri": uri, "secretUriWithVersion": f"{uri}/{hashlib.sha256(seed).hexdigest()[:32]}"})
    return sid, {"name": name, "properties": props, "type": "Microsoft.KeyVault/vaults/secrets"}


def azure_identity(ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes) -> tuple[str, dict[str, Any]]:
    name = _name(inputs, "resourceName", logical, seed)
    iid = f"{_rg_id(ctx, inputs)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
    return iid, {
        "name": name,
        "clientId": uuid(seed + b"client"),
        "principalId": uuid(seed + b"principal"),
        "tenantId": ctx.azure_tenant,
    }


def azure_federation(
    ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes
) -> tuple[str, dict[str, Any]]:
    name = inputs.get("federatedIdentityCredentialResourceName")
    iid = (
        f"{_rg_id(ctx, inputs)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"
        f"{inputs.get('resourceName')}/federatedIdentityCredentials/{name}"
    )
    return iid, {"name": name}


def azure_role_assignment(
    ctx: CloudContext, logical: str, inputs: dict[str, Any], seed: bytes
) -> tuple[str, dict[str, Any]]:
    name = uuid(seed)
    return f"{inputs.get('scope')}/providers/Microsoft.Authorization/roleAssignments/{name}", {"name": name}


FAKES: dict[str, Fake] = {
    "aws:secretsmanager/secret:Secret": aws_secret,
    "aws:secretsmanager/secretVersion:SecretVersion": aws_secret_version,
    "aws:iam/role:Role": aws_role,
    "aws:iam/rolePolicy:RolePolicy": aws_role_policy,
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": aws_pod_identity,
    "gcp:secretmanager/secret:Secret": gcp_secret,
    "gcp:secretmanager/secretVersion:SecretVersion": gcp_secret_version,
    "gcp:secretmanager/secretIamMember:SecretIamMember": gcp_iam_member,
    "gcp:serviceaccount/account:Account": gcp_service_account,
    "gcp:serviceaccount/iAMMember:IAMMember": gcp_iam_member,
    "azure-native:keyvault:Vault": azure_vault,
    "azure-native:keyvault:Secret": azure_secret,
    "azure-native:managedidentity:UserAssignedIdentity": azure_identity,
    "azure-native:managedidentity:FederatedIdentityCredential": azure_federation,
    "azure-native:authorization:RoleAssignment": azure_role_assignment,
}
