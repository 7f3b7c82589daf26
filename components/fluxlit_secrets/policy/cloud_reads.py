"""Which cloud secrets each Kubernetes ServiceAccount can read through its workload identity (pure):
IRSA trust and Pod Identity associations (AWS), federation principals and impersonated service
accounts (GCP), federated credentials and role assignments (Azure), each grant evaluated as the
cloud does."""

import fnmatch
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.model.labels import MANAGED_BY, READERS_TAG, WORKLOAD_LABEL
from fluxlit_secrets.policy.iam import (
    AWS_BROAD_MANAGED,
    AZURE_GRANTERS,
    AZURE_READERS,
    allows_secret_read,
    azure_role,
    azure_scope,
    gcp_policy_bindings,
    gcp_reads_secrets,
    managed_policy_name,
    statements,
)
from fluxlit_secrets.policy.model import Res, as_list

SUBJECT = re.compile(r"system:serviceaccount:([^:]+):([^:]+)")
PRINCIPAL = re.compile(r"principal://.*/subject/ns/([^/]+)/sa/([^/]+)")
KSA_MEMBER = re.compile(r"serviceAccount:[^\[]+\[([^/]+)/([^\]]+)\]")

Ksa = tuple[str, str]  # (namespace, ServiceAccount)


@dataclass(frozen=True)
class CloudRead:
    """A ServiceAccount that can read a cloud secret, and through which identity."""

    ksa: Ksa
    secret: Res
    identity: str
    #: Who reads: the role's name (AWS), the IAM member (GCP), the identity's principal id (Azure).
    principal: str = ""


def _ksa(pattern: re.Pattern[str], text: str) -> Ksa | None:
    m = pattern.fullmatch(text)
    return (m.group(1), m.group(2)) if m else None


def _aws_role_documents(resources: list[Res], roles: dict[str, Res]) -> Iterator[tuple[str, Any]]:
    """(role name, policy document) for inline policies, attached customer policies and managed ones."""
    policies = {str(r.props.get("arn") or ""): r for r in resources if r.type == "aws:iam/policy:Policy"}
    policies |= {str(r.props.get("name") or r.name): r for r in resources if r.type == "aws:iam/policy:Policy"}
    everything = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    for r in resources:
        role = str(r.props.get("role", "")).rsplit("/", 1)[-1].split(":")[0]
        if r.type == "aws:iam/rolePolicy:RolePolicy":
            yield role, r.props.get("policy")
        elif r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            arn = str(r.props.get("policyArn", ""))
            if managed_policy_name(arn) in AWS_BROAD_MANAGED:
                yield role, everything
            elif arn in policies or arn.rsplit("/", 1)[-1] in policies:
                yield role, (policies.get(arn) or policies[arn.rsplit("/", 1)[-1]]).props.get("policy")
    for name, role_res in roles.items():
        for inline in role_res.props.get("inlinePolicies") or []:
            if isinstance(inline, Mapping):
                yield name, inline.get("policy")
        if any(
            managed_policy_name(str(a)) in AWS_BROAD_MANAGED for a in as_list(role_res.props.get("managedPolicyArns"))
        ):
            yield name, everything


def _aws(resources: list[Res]) -> Iterator[CloudRead]:
    roles = {str(r.props.get("name") or r.name): r for r in resources if r.type == "aws:iam/role:Role"}
    ksas: dict[str, set[Ksa]] = {name: set() for name in roles}
    for name, role_res in roles.items():
        for st in statements(role_res.props.get("assumeRolePolicy")):
            for cond in (st.get("Condition") or {}).values():
                for key, value in (cond or {}).items():
                    if str(key).endswith(":sub"):
                        ksas[name] |= {ksa for v in as_list(value) if (ksa := _ksa(SUBJECT, str(v)))}
    for assoc in (r for r in resources if r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"):
        assumed = str(assoc.props.get("roleArn", "")).rsplit("/", 1)[-1]
        ksas.setdefault(assumed, set()).add((str(assoc.props.get("namespace")), str(assoc.props.get("serviceAccount"))))
    secrets = [r for r in resources if r.type == "aws:secretsmanager/secret:Secret"]
    for role, document in _aws_role_documents(resources, roles):
        for st in statements(document):
            if not allows_secret_read(st):
                continue
            patterns = [str(p) for p in as_list(st.get("Resource"))]
            for secret in secrets:
                arn = str(secret.props.get("arn") or f"arn:aws:secretsmanager:*:*:secret:{secret.props.get('name')}-x")
                if "NotResource" in st or any(fnmatch.fnmatchcase(arn.lower(), p.lower()) for p in patterns):
                    for ksa in ksas.get(role, ()):
                        yield CloudRead(ksa, secret, f"role {role}", role)


def _gcp_members(resources: list[Res]) -> dict[str, set[Ksa]]:
    """member string -> the KSAs it stands for (direct principals, impersonated service accounts)."""
    members: dict[str, set[Ksa]] = {}
    accounts = {
        str(r.props.get("name") or ""): str(r.props.get("email") or "")
        for r in resources
        if r.type == "gcp:serviceaccount/account:Account"
    }
    for r in resources:
        if (
            r.type == "gcp:serviceaccount/iAMMember:IAMMember"
            and r.props.get("role") == "roles/iam.workloadIdentityUser"
        ):
            m = KSA_MEMBER.fullmatch(str(r.props.get("member", "")))
            email = accounts.get(str(r.props.get("serviceAccountId", "")), "")
            if m and email:
                members.setdefault(f"serviceAccount:{email}", set()).add((m.group(1), m.group(2)))
    return members


def _gcp(resources: list[Res]) -> Iterator[CloudRead]:
    members = _gcp_members(resources)
    secrets = [r for r in resources if r.type == "gcp:secretmanager/secret:Secret"]
    for grant in (r for r in resources if r.type.startswith("gcp:secretmanager/secretIam")):
        bound = [
            (
                str(grant.props.get("role", "")),
                [str(m) for m in as_list(grant.props.get("members") or grant.props.get("member"))],
            )
        ]
        bound += list(gcp_policy_bindings(grant.props.get("policyData")))
        target = str(grant.props.get("secretId", "")).rsplit("/", 1)[-1]
        for secret in (s for s in secrets if str(s.props.get("secretId")) == target):
            for role, members_ in bound:
                if not gcp_reads_secrets(role):
                    continue
                for member in members_:
                    direct = _ksa(PRINCIPAL, member)
                    for ksa in {direct} if direct else members.get(member, set()):
                        yield CloudRead(ksa, secret, member, member)


def _azure(resources: list[Res]) -> Iterator[CloudRead]:
    identities = {
        str(r.props.get("resourceName") or r.name): r
        for r in resources
        if r.type == "azure-native:managedidentity:UserAssignedIdentity"
    }
    principals: dict[str, set[Ksa]] = {}
    for cred in (r for r in resources if r.type == "azure-native:managedidentity:FederatedIdentityCredential"):
        identity = identities.get(str(cred.props.get("resourceName", "")))
        m = SUBJECT.fullmatch(str(cred.props.get("subject", "")))
        if identity is not None and m:
            principals.setdefault(str(identity.props.get("principalId", "")).lower(), set()).add(
                (m.group(1), m.group(2))
            )
    secrets = [r for r in resources if r.type == "azure-native:keyvault:Secret"]
    for grant in (r for r in resources if r.type == "azure-native:authorization:RoleAssignment"):
        role = azure_role(str(grant.props.get("roleDefinitionId", "")))
        if role not in AZURE_READERS | AZURE_GRANTERS:
            continue
        scope = azure_scope(str(grant.props.get("scope", "")))
        for secret in secrets:
            vault, name = str(secret.props.get("vaultName", "")), str(secret.props.get("secretName", ""))
            group = str(secret.props.get("resourceGroupName", ""))
            if (scope.secret and scope.secret.lower() != name.lower()) or (
                scope.vault and scope.vault.lower() != vault.lower()
            ):
                continue
            if scope.resource_group and scope.resource_group.lower() != group.lower():
                continue
            principal = str(grant.props.get("principalId", "")).lower()
            for ksa in principals.get(principal, set()):
                yield CloudRead(ksa, secret, f"role {role} at {scope.level}", principal)


def cloud_reads(resources: list[Res]) -> Iterator[CloudRead]:
    """Every (ServiceAccount, cloud secret) read a workload identity allows."""
    yield from _aws(resources)
    yield from _gcp(resources)
    yield from _azure(resources)


def workload_of(resources: list[Res], ksa: Ksa) -> str:
    """The fluxlit-secrets workload a ServiceAccount belongs to ("" for any other)."""
    for r in resources:
        if r.kind == "ServiceAccount" and (str(r.meta.get("namespace")), str(r.meta.get("name"))) == ksa:
            labels = r.meta.get("labels") or {}
            if all(labels.get(k) == v for k, v in MANAGED_BY.items()):
                return str(labels.get(WORKLOAD_LABEL) or "")
    return ""


def readers_of(secret: Res) -> set[str] | None:
    """The workloads a cloud secret is for (its `readers` tag or label), or None when untagged."""
    tags = secret.props.get("tags") or secret.props.get("labels") or {}
    value = tags.get(READERS_TAG) if isinstance(tags, Mapping) else None
    return set(str(value).split("-")) if value else None
