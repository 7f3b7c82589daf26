"""Google IAM evaluated the way Google does (pure): member kinds that stand for many identities,
roles that read Secret Manager payloads, bindings of a policy document."""

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
SECRET_ROLES = (
    "roles/secretmanager.secretaccessor",
    "roles/secretmanager.admin",
    "roles/secretmanager.secretversionmanager",
    "roles/owner",
    "roles/editor",
)


def member_is_many(member: str) -> bool:
    """A member that stands for many identities (everyone, a set, a domain, a group)."""
    return any(member.startswith(kind) for kind in MANY)


def reads_secrets(role: str) -> bool:
    """A role that reads Secret Manager payloads (or can do anything)."""
    return role.lower() in SECRET_ROLES or role.lower().startswith("roles/secretmanager.")


def policy_bindings(policy_data: Any) -> Iterator[tuple[str, list[str]]]:
    """(role, members) of an IAM policy document (JSON text or mapping)."""
    doc = policy_document(policy_data)
    for b in as_list(doc.get("bindings")):
        if isinstance(b, Mapping):
            yield str(b.get("role", "")), [str(m) for m in as_list(b.get("members"))]
