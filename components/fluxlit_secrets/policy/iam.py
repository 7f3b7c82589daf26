"""Cloud access, evaluated the way each cloud does (pure): IAM statements with wildcards, NotAction
and NotResource; Google IAM member kinds and resource levels; Azure scopes parsed and role ids
compared case-insensitively."""

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.policy.model import as_list, policy_document

READ_SECRET = "secretsmanager:getsecretvalue"
#: AWS managed policies that read every secret of the account (or do anything).
AWS_BROAD_MANAGED = (
    "secretsmanagerreadwrite",
    "administratoraccess",
    "poweruseraccess",
    "administratoraccess-amplify",
)
#: A secret ARN ends in '-' and six random characters; `-??????` names exactly one secret.
ARN_SUFFIX = re.compile(r"-\?{6}$")


def statements(doc: Any) -> list[Mapping[str, Any]]:
    """The statements of an IAM policy given as JSON text or a mapping."""
    return [s for s in as_list(policy_document(doc).get("Statement")) if isinstance(s, Mapping)]


def _matches(patterns: list[Any], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, str(p).lower()) for p in patterns)


def allows_secret_read(statement: Mapping[str, Any]) -> bool:
    """An Allow statement that grants secretsmanager:GetSecretValue (wildcards, NotAction included)."""
    if str(statement.get("Effect")) != "Allow":
        return False
    if "NotAction" in statement:
        return not _matches(as_list(statement.get("NotAction")), READ_SECRET)
    return _matches(as_list(statement.get("Action")), READ_SECRET)


def broad_resources(statement: Mapping[str, Any]) -> list[str]:
    """The resources of a secret-read statement that name more than one exact secret."""
    if "NotResource" in statement:
        return [f"NotResource {json.dumps(as_list(statement.get('NotResource')))}"]
    broad = []
    for r in as_list(statement.get("Resource")):
        text = ARN_SUFFIX.sub("", str(r))
        if "*" in text or "?" in text or not text.startswith("arn:"):
            broad.append(str(r))
    return broad


def principal_is_anyone(statement: Mapping[str, Any]) -> bool:
    """`Principal: "*"` or `{"AWS": "*"}` (anyone, in any account)."""
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any("*" in [str(p) for p in as_list(v)] for v in principal.values())
    return False


def managed_policy_name(arn: str) -> str:
    """`SecretsManagerReadWrite` of `arn:aws:iam::aws:policy/SecretsManagerReadWrite`, lowercased."""
    return arn.rsplit("/", 1)[-1].lower() if ":iam::aws:policy/" in arn else ""


# ---------------------------------------------------------------- GCP

#: Members that are not one identity.
GCP_MANY = (
    "allUsers",
    "allAuthenticatedUsers",
    "principalSet://",
    "domain:",
    "group:",
    "projectOwner:",
    "projectEditor:",
    "projectViewer:",
)
GCP_SECRET_ROLES = (
    "roles/secretmanager.secretaccessor",
    "roles/secretmanager.admin",
    "roles/secretmanager.secretversionmanager",
    "roles/owner",
    "roles/editor",
)


def gcp_member_is_many(member: str) -> bool:
    """A member that stands for many identities (everyone, a set, a domain, a group)."""
    return any(member.startswith(kind) for kind in GCP_MANY)


def gcp_reads_secrets(role: str) -> bool:
    """A role that reads Secret Manager payloads (or can do anything)."""
    return role.lower() in GCP_SECRET_ROLES or role.lower().startswith("roles/secretmanager.")


def gcp_policy_bindings(policy_data: Any) -> Iterator[tuple[str, list[str]]]:
    """(role, members) of an IAM policy document (JSON text or mapping)."""
    doc = policy_document(policy_data)
    for b in as_list(doc.get("bindings")):
        if isinstance(b, Mapping):
            yield str(b.get("role", "")), [str(m) for m in as_list(b.get("members"))]


# ---------------------------------------------------------------- Azure

#: Built-in roles that read Key Vault secrets (Secrets User, Secrets Officer, Key Vault Administrator).
AZURE_READERS = {
    "4633458b-17de-408a-b874-0445c86b69e6",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483",
}
#: Roles that can grant themselves any data role (Owner, User Access Administrator, RBAC Administrator).
AZURE_GRANTERS = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
}
_SCOPE = re.compile(
    r"/subscriptions/(?P<sub>[^/]+)"
    r"(?:/resourceGroups/(?P<rg>[^/]+)"
    r"(?:/providers/Microsoft\.KeyVault/vaults/(?P<vault>[^/]+)(?:/secrets/(?P<secret>[^/]+))?)?"
    r"(?:/providers/.*)?)?/?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scope:
    """An Azure scope, parsed: the level is the deepest part it names."""

    subscription: str = ""
    resource_group: str = ""
    vault: str = ""
    secret: str = ""

    @property
    def level(self) -> str:
        """`secret`, `vault`, `resourceGroup`, `subscription` or `other`."""
        for name, value in (("secret", self.secret), ("vault", self.vault), ("resourceGroup", self.resource_group)):
            if value:
                return name
        return "subscription" if self.subscription else "other"


def azure_scope(text: str) -> Scope:
    """Parse a scope the way ARM reads it (case-insensitive providers and segment names)."""
    m = _SCOPE.fullmatch(text.strip())
    if not m:
        return Scope()
    if m.group("rg") and not m.group("vault") and "/providers/" in text[m.end("rg") :].lower():
        return Scope(subscription=m.group("sub"), resource_group=m.group("rg"), vault="(other resource)")
    return Scope(
        subscription=m.group("sub") or "",
        resource_group=m.group("rg") or "",
        vault=m.group("vault") or "",
        secret=m.group("secret") or "",
    )


def azure_role(role_definition_id: str) -> str:
    """The role's GUID, lowercased (ARM compares them case-insensitively)."""
    return role_definition_id.rsplit("/", 1)[-1].lower()
