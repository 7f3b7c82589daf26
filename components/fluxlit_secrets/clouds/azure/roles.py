"""Azure roles as their actions and data actions (pure data and lookup).

Source: Microsoft's "Azure built-in roles" reference
(https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), read for this release;
only the roles and permissions that read a Key Vault secret, or give the power to get one, are
kept (a role not listed reads nothing here). To refresh a row:
`az role definition list --name GUID --query '[0].permissions[0]' --output json`. Custom roles are
read from the program (`azure-native:authorization:RoleDefinition`), by their permissions.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.model.resources import Res, as_list

#: The data action that returns a secret's value.
GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
#: Assign any role (a Key Vault data role included) to anyone, oneself too.
ASSIGN = "Microsoft.Authorization/roleAssignments/write"
#: Write a vault's access policies (a vault in the access-policy model reads by them, not by roles).
SET_ACCESS_POLICY = "Microsoft.KeyVault/vaults/accessPolicies/write"


@dataclass(frozen=True, kw_only=True)
class Permissions:
    """A role's permission block, as ARM evaluates it (`*` wildcards, Not* subtracted)."""

    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()

    def allows(self, action: str) -> bool:
        """A control-plane action allowed."""
        return _matches(self.actions, action) and not _matches(self.not_actions, action)

    def allows_data(self, action: str) -> bool:
        """A data-plane action allowed."""
        return _matches(self.data_actions, action) and not _matches(self.not_data_actions, action)


def _matches(patterns: Iterable[str], action: str) -> bool:
    return any(re.fullmatch(".*".join(map(re.escape, p.split("*"))), action, re.IGNORECASE) for p in patterns)


AUTHORIZATION_READ = ("Microsoft.Authorization/*/read",)
BUILT_IN: Mapping[str, Permissions] = {
    # Owner
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": Permissions(actions=("*",)),
    # Contributor: everything but Authorization writes (vault writes, so access policies, included)
    "b24988ac-6180-42a0-ab88-20f7382dd24c": Permissions(
        actions=("*",),
        not_actions=(
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
        ),
    ),
    # Reader
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": Permissions(actions=("*/read",)),
    # User Access Administrator
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": Permissions(actions=("*/read", "Microsoft.Authorization/*")),
    # Role Based Access Control Administrator
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": Permissions(actions=(ASSIGN, "*/read")),
    # Key Vault Data Access Administrator (assigns the Key Vault data roles)
    "8b54135c-b56d-4d72-a534-26097126aa65": Permissions(actions=(ASSIGN, *AUTHORIZATION_READ)),
    # Key Vault Administrator
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": Permissions(
        actions=(*AUTHORIZATION_READ, "Microsoft.KeyVault/vaults/*/read"), data_actions=("Microsoft.KeyVault/vaults/*",)
    ),
    # Key Vault Secrets Officer
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": Permissions(data_actions=("Microsoft.KeyVault/vaults/secrets/*",)),
    # Key Vault Secrets User
    "4633458b-17de-408a-b874-0445c86b69e6": Permissions(
        data_actions=(GET_SECRET, "Microsoft.KeyVault/vaults/secrets/readMetadata/action")
    ),
    # Key Vault Reader: metadata only
    "21090545-7ca7-4776-b22c-e363652d74d2": Permissions(
        data_actions=("Microsoft.KeyVault/vaults/secrets/readMetadata/action",)
    ),
    # Key Vault Contributor: the vault, its access policies included, no data action
    "f25e0fa2-a7c8-4377-a976-54943a77a395": Permissions(
        actions=(*AUTHORIZATION_READ, "Microsoft.KeyVault/*"),
        not_actions=("Microsoft.KeyVault/hsmPools/*", "Microsoft.KeyVault/managedHsms/*"),
    ),
}
CUSTOM_ROLE = "azure-native:authorization:RoleDefinition"


def _block(value: Any) -> Permissions:
    get = value.get if isinstance(value, Mapping) else (lambda key: None)
    return Permissions(
        actions=tuple(str(a) for a in as_list(get("actions"))),
        not_actions=tuple(str(a) for a in as_list(get("notActions"))),
        data_actions=tuple(str(a) for a in as_list(get("dataActions"))),
        not_data_actions=tuple(str(a) for a in as_list(get("notDataActions"))),
    )


def custom_roles(resources: Iterable[Res]) -> dict[str, list[Permissions]]:
    """The program's custom roles, by their GUID (lowercased), each with its permission blocks."""
    found: dict[str, list[Permissions]] = {}
    for r in (r for r in resources if r.type == CUSTOM_ROLE):
        blocks = [_block(b) for b in as_list(r.props.get("permissions"))]
        for name in (r.props.get("roleDefinitionId"), r.props.get("name"), r.props.get("id")):
            if name:
                found[str(name).rsplit("/", 1)[-1].lower()] = blocks
    return found


def blocks_of(role: str, custom: Mapping[str, list[Permissions]]) -> list[Permissions]:
    """The permission blocks of a built-in or custom role GUID (none when unknown)."""
    return [BUILT_IN[role]] if role in BUILT_IN else list(custom.get(role, []))


def reads_secrets(blocks: list[Permissions], *, access_policies: bool) -> bool:
    """A role that gets secret values, can assign itself a role that does, or (on a vault in the
    access-policy model) can write the access policy that does."""
    return any(
        b.allows_data(GET_SECRET) or b.allows(ASSIGN) or (access_policies and b.allows(SET_ACCESS_POLICY))
        for b in blocks
    )
