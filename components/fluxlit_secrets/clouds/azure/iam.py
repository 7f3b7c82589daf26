"""Azure RBAC evaluated the way ARM does (pure): scopes parsed case-insensitively, role
definitions compared by GUID (their permissions: `roles.py`)."""

import re
from dataclasses import dataclass

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
