"""Google IAM evaluated the way Google does (pure): member kinds that stand for many identities,
bindings of a policy document (roles and their permissions: `roles.py`)."""

from collections.abc import Iterator, Mapping
from typing import Any

from fluxlit_secrets.model.resources import as_list, policy_document

#: Members that are not one identity.
MANY = (
    "allUsers",
    "allAuthenticatedUsers",
    "principalSet://",
    "domain:",
    "group:",
    "projectOwner:",
    "projectEditor:",
    "projectViewer:",
)


def member_is_many(member: str) -> bool:
    """A member that stands for many identities (everyone, a set, a domain, a group)."""
    return any(member.startswith(kind) for kind in MANY)


def policy_bindings(policy_data: Any) -> Iterator[tuple[str, list[str]]]:
    """(role, members) of an IAM policy document (JSON text or mapping)."""
    doc = policy_document(policy_data)
    for b in as_list(doc.get("bindings")):
        if isinstance(b, Mapping):
            yield str(b.get("role", "")), [str(m) for m in as_list(b.get("members"))]
