"""Google IAM roles as the permissions that matter to a secret (pure data and lookup).

Source: Google Cloud's IAM reference "IAM roles and permissions index"
(https://cloud.google.com/iam/docs/roles-permissions), read for this release. Only the
permissions that read a secret's payload, or give the power to get one, are kept per role;
a role not listed holds none of them. To refresh a row:
`gcloud iam roles describe ROLE --format='value(includedPermissions)'`, kept to READ and POWERS.
Custom roles are read from the program (`gcp:projects/iAMCustomRole:IAMCustomRole`,
`gcp:organizations/iAMCustomRole:IAMCustomRole`), by their permissions.
"""

from collections.abc import Iterable, Mapping

from fluxlit_secrets.model.resources import Res, as_list

#: Reads a secret version's payload.
READ = "secretmanager.versions.access"
#: Grant oneself (or anyone) access on a secret, a project, a folder or an organization.
SET_POLICY = (
    "secretmanager.secrets.setIamPolicy",
    "resourcemanager.projects.setIamPolicy",
    "resourcemanager.folders.setIamPolicy",
    "resourcemanager.organizations.setIamPolicy",
)
#: Act as a Google service account (and read what it reads): a token, a signed JWT, a key, a
#: delegation chain, or the power to grant any of these on it.
ACT_AS = (
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.implicitDelegation",
    "iam.serviceAccounts.signJwt",
    "iam.serviceAccountKeys.create",
    "iam.serviceAccounts.setIamPolicy",
)
#: Change what a custom role allows (then hold READ through it).
EDIT_ROLES = "iam.roles.update"
POWERS = frozenset((*SET_POLICY, *ACT_AS, EDIT_ROLES))

_ALL = frozenset((READ, *POWERS))
PREDEFINED: Mapping[str, frozenset[str]] = {
    "roles/owner": _ALL,
    "roles/editor": frozenset((READ, "iam.serviceAccountKeys.create")),
    "roles/viewer": frozenset(),
    "roles/browser": frozenset(),
    "roles/secretmanager.admin": frozenset((READ, "secretmanager.secrets.setIamPolicy")),
    "roles/secretmanager.secretaccessor": frozenset((READ,)),
    "roles/secretmanager.secretversionmanager": frozenset(),  # add, enable, disable, destroy: no payload
    "roles/secretmanager.secretversionadder": frozenset(),
    "roles/secretmanager.viewer": frozenset(),
    "roles/resourcemanager.projectiamadmin": frozenset(("resourcemanager.projects.setIamPolicy",)),
    "roles/resourcemanager.foldersiamadmin": frozenset(("resourcemanager.folders.setIamPolicy",)),
    "roles/resourcemanager.folderiamadmin": frozenset(("resourcemanager.folders.setIamPolicy",)),
    "roles/resourcemanager.folderadmin": frozenset(("resourcemanager.folders.setIamPolicy",)),
    "roles/resourcemanager.organizationadmin": frozenset(SET_POLICY[1:]),
    "roles/iam.securityadmin": frozenset((*SET_POLICY, "iam.serviceAccounts.setIamPolicy")),
    "roles/iam.serviceaccounttokencreator": frozenset(ACT_AS[:3]),
    "roles/iam.serviceaccountkeyadmin": frozenset(("iam.serviceAccountKeys.create",)),
    "roles/iam.serviceaccountadmin": frozenset(("iam.serviceAccounts.setIamPolicy",)),
    "roles/iam.workloadidentityuser": frozenset(("iam.serviceAccounts.getAccessToken",)),
    "roles/iam.roleadmin": frozenset((EDIT_ROLES,)),
    "roles/iam.organizationroleadmin": frozenset((EDIT_ROLES,)),
}
CUSTOM_ROLE_TYPES = ("gcp:projects/iAMCustomRole:IAMCustomRole", "gcp:organizations/iAMCustomRole:IAMCustomRole")


def custom_roles(resources: Iterable[Res]) -> dict[str, frozenset[str]]:
    """Custom roles of the program, by every name a binding may give them (`projects/P/roles/R`,
    `organizations/O/roles/R`, the provider's `name`/`id`), lowercased."""
    found: dict[str, frozenset[str]] = {}
    for r in resources:
        if r.type not in CUSTOM_ROLE_TYPES:
            continue
        permissions = frozenset(str(p) for p in as_list(r.props.get("permissions")))
        role_id = str(r.props.get("roleId") or "")
        owner = (
            f"projects/{r.props.get('project')}" if "projects/" in r.type else f"organizations/{r.props.get('orgId')}"
        )
        for name in (f"{owner}/roles/{role_id}", r.props.get("name"), r.props.get("id")):
            if name:
                found[str(name).lower()] = permissions
    return found


def permissions_of(role: str, custom: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The permissions of a predefined or custom role that matter to a secret (none when unknown)."""
    key = role.strip().lower()
    if key in PREDEFINED:
        return PREDEFINED[key]
    if key in custom:
        return custom[key] & _ALL
    # A custom role named by its id alone (`roles/...` is always predefined).
    return next(
        (p & _ALL for name, p in custom.items() if name.endswith(f"/roles/{key.rsplit('/', 1)[-1]}")), frozenset()
    )


def reads_or_can(permissions: frozenset[str]) -> bool:
    """A role that reads payloads, or can get the power to (grant itself, act as another, edit a role)."""
    return READ in permissions or bool(permissions & frozenset((*SET_POLICY, EDIT_ROLES)))


def acts_as(permissions: frozenset[str]) -> bool:
    """Granted on a service account: its members can act as that account."""
    return bool(permissions & frozenset(ACT_AS))
