"""Azure RBAC evaluated the way ARM does (pure): scopes parsed case-insensitively, role
definitions compared by GUID, the built-in roles that read Key Vault secrets or grant any role."""

import re
from dataclasses import dataclass

#: Built-in roles that read Key Vault secrets (Secrets User, Secrets Officer, Key Vault Administrator).
READERS = {
    "4633458b-17de-408a-b874-0445c86b69e6",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483",
}
#: Roles that can grant themselves any data role (Owner, User Access Administrator, RBAC Administrator).
GRANTERS = {
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


@dataclass(frozen=True, kw_only=True)
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


def scope_of(text: str) -> Scope:
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


def role_of(role_definition_id: str) -> str:
    """The role's GUID, lowercased (ARM compares them case-insensitively)."""
    return role_definition_id.rsplit("/", 1)[-1].lower()
