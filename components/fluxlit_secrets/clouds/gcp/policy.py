"""What the rules know of GCP (pure): workload-identity principals and impersonated service
accounts followed to Secret Manager grants, grants and trust that name one secret and one
ServiceAccount, Secret Manager secrets as values of record, and the GCP and GKE CSI providers."""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fluxlit_secrets.clouds.csi import DRIVER
from fluxlit_secrets.clouds.gcp.csi import GKE_DRIVER
from fluxlit_secrets.clouds.gcp.iam import member_is_many, policy_bindings
from fluxlit_secrets.clouds.gcp.roles import acts_as, custom_roles, permissions_of, reads_or_can
from fluxlit_secrets.clouds.policy import (
    CloudPolicy,
    CloudRead,
    CsiObject,
    CsiPolicy,
    Ksa,
    Reader,
    file_mode,
    ksa_of,
    parse_yaml,
)
from fluxlit_secrets.model.resources import Res, as_list

SECRET = "gcp:secretmanager/secret:Secret"
WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"
PRINCIPAL = re.compile(r"principal://.*/subject/ns/([^/]+)/sa/([^/]+)")
KSA_MEMBER = re.compile(r"serviceAccount:[^\[]+\[([^/]+)/([^\]]+)\]")
#: Every ServiceAccount of one namespace (GKE's workload identity federation).
NAMESPACE_SET = re.compile(r"principalSet://.*/namespace/([^/]+)")
ACCOUNT = "gcp:serviceaccount/account:Account"
#: Where a grant may be bound: a secret, a project, a folder, an organization.
GRANT_SCOPES = ("gcp:secretmanager/secretIam", "gcp:projects/iAM", "gcp:folder/iAM", "gcp:organizations/iAM")
ONE_KSA_MEMBER = re.compile(r"serviceAccount:[a-z0-9.-]+\.svc\.id\.goog\[[a-z0-9-]+/[a-z0-9.-]+\]", re.ASCII)
VERSION = re.compile(r"projects/([^/]+)/secrets/([^/]+)/versions/([1-9][0-9]*)")
GKE_SERVICE_ACCOUNT = "iam.gke.io/gcp-service-account"


def _bindings(res: Res) -> list[tuple[str, list[str]]]:
    """(role, members) of an IAM member, binding or policy resource, whatever its scope."""
    members = [str(m) for m in as_list(res.props.get("members") or res.props.get("member"))]
    found = [(str(res.props.get("role", "")), members)] if res.props.get("role") else []
    return found + list(policy_bindings(res.props.get("policyData")))


def _direct(member: str) -> set[Ksa]:
    """The Kubernetes ServiceAccounts a member names itself: a principal, a GKE member, a set of a
    namespace's or of every one (`*` for a part it does not pin), anyone at all."""
    ksa = ksa_of(PRINCIPAL, member) or ksa_of(KSA_MEMBER, member)
    if ksa:
        return {ksa}
    if m := NAMESPACE_SET.fullmatch(member):
        return {(m.group(1), "*")}
    if member.startswith("principalSet://") or member in ("allUsers", "allAuthenticatedUsers"):
        return {("*", "*")}
    return set()


def _account_email(resources: list[Res]) -> dict[str, str]:
    """Every name a service account is given by (its id, name, email, unique id) -> its email."""
    emails: dict[str, str] = {}
    for r in (r for r in resources if r.type == ACCOUNT):
        email = str(r.props.get("email") or "")
        for name in (r.props.get("name"), r.props.get("id"), r.props.get("accountId"), email, r.props.get("uniqueId")):
            if name and email:
                emails[str(name)] = email
    return emails


def _acting(resources: list[Res], custom: dict[str, frozenset[str]]) -> dict[str, set[str]]:
    """service account email -> the members that can act as it (a token, a key, a delegation)."""
    emails = _account_email(resources)
    acting: dict[str, set[str]] = {}
    for r in (r for r in resources if r.type.startswith("gcp:serviceaccount/iAM")):
        target = str(r.props.get("serviceAccountId", ""))
        email = emails.get(target) or emails.get(target.rsplit("/", 1)[-1]) or target.rsplit("/", 1)[-1]
        for role, members in _bindings(r):
            if acts_as(permissions_of(role, custom)):
                acting.setdefault(email, set()).update(members)
    return acting


def _ksas(member: str, acting: dict[str, set[str]], seen: frozenset[str] = frozenset()) -> set[Ksa]:
    """The ServiceAccounts a member stands for: itself, or, for a Google service account, everyone
    who can act as it, through any chain of impersonation."""
    found = _direct(member)
    if member.startswith("serviceAccount:") and member not in seen:
        for actor in acting.get(member.removeprefix("serviceAccount:"), ()):
            found |= _ksas(actor, acting, seen | {member})
    return found


def _in_scope(grant: Res, secret: Res) -> bool:
    """A secret a grant reaches: its own (secret IAM), its project's, or any (a folder, an organization)."""
    if grant.type.startswith("gcp:secretmanager/secretIam"):
        return str(grant.props.get("secretId", "")).rsplit("/", 1)[-1] == str(secret.props.get("secretId"))
    if grant.type.startswith("gcp:projects/"):
        project, own = str(grant.props.get("project") or ""), str(secret.props.get("project") or "")
        return not project or not own or project.rsplit("/", 1)[-1] == own
    return grant.type.startswith(("gcp:organizations/", "gcp:folder/"))


def reads(resources: list[Res]) -> Iterator[CloudRead]:
    """Every (ServiceAccount, secret) a grant lets it read, or gives it the power to read: roles by
    their permissions (custom ones read from the program), on the secret, its project, a folder or
    the organization, to a principal, a set of them, or a Google account it can act as."""
    custom = custom_roles(resources)
    acting = _acting(resources, custom)
    secrets = [r for r in resources if r.type == SECRET]
    for grant in (r for r in resources if r.type.startswith(GRANT_SCOPES)):
        bound = [(role, members) for role, members in _bindings(grant) if reads_or_can(permissions_of(role, custom))]
        for secret in (s for s in secrets if bound and _in_scope(grant, s)):
            for _, members in bound:
                for member in members:
                    for ksa in sorted(_ksas(member, acting)):
                        yield CloudRead(ksa=ksa, secret=secret, identity=member, principal=member)


def _members_of(res: Res) -> list[Any]:
    return as_list(res.props.get("members")) if "members" in res.props else [res.props.get("member")]


def trust(res: Res) -> Iterator[str]:
    """workloadIdentityUser names one KSA; a secret's grants name no set of identities."""
    if res.type in ("gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding"):
        if str(res.props.get("role")) != WORKLOAD_IDENTITY_USER:
            return
        members = _members_of(res)
        if len(members) != 1 or not ONE_KSA_MEMBER.fullmatch(str(members[0])):
            yield "workloadIdentityUser must name exactly one <project>.svc.id.goog[<ns>/<ksa>]"
    elif res.type.startswith("gcp:secretmanager/secretIam"):
        members = _members_of(res)
        for _, bound in policy_bindings(res.props.get("policyData")):
            members += bound
        many = [str(m) for m in members if member_is_many(str(m))]
        if many:
            yield f"secret access granted to many identities at once ({many[0].split(':')[0]}), not one ServiceAccount"


def grants(res: Res) -> Iterator[str]:
    """Secret Manager roles on a project, folder or organization instead of each secret."""
    if not res.type.startswith(("gcp:projects/", "gcp:organizations/", "gcp:folder/")):
        return
    for role, _ in _bindings(res):
        if reads_or_can(permissions_of(role, {})):
            yield (
                f"{role} granted on a project, folder or organization reads every secret there (or can grant "
                "itself that): grant secretAccessor on each secret"
            )


def _objects(provider: str, params: Mapping[str, Any]) -> list[CsiObject] | None:
    listed = parse_yaml(params.get("secrets"))
    if not isinstance(listed, list) or not all(isinstance(o, Mapping) for o in listed):
        return None
    out = []
    for o in listed:
        name = str(o.get("resourceName") or "")
        out.append(
            CsiObject(
                provider=provider,
                name=name,
                version=name,
                label="",
                file=str(o.get("path") or o.get("fileName") or ""),
                mode=file_mode(o.get("mode")),
            )
        )
    return out


def _pin_problem(o: CsiObject) -> str | None:
    return None if VERSION.fullmatch(o.name) else "resourceName must name one version (…/versions/<n>)"


def _secret_of(o: CsiObject, params: Mapping[str, Any], resources: Sequence[Res]) -> Res | None:
    m = VERSION.fullmatch(o.name)
    return next((r for r in resources if m and r.type == SECRET and m.group(2) == r.props.get("secretId")), None)


def _reader(annotations: Mapping[str, Any], params: Mapping[str, Any], resources: Sequence[Res]) -> Reader:
    email = annotations.get(GKE_SERVICE_ACCOUNT)
    return (f"serviceAccount:{email}", str(email)) if email else (None, "its own principal")


POLICY = CloudPolicy(
    secret_fields={"gcp:secretmanager/secretVersion:SecretVersion": ("secretData",)},
    names={SECRET: ("project", "secretId"), ACCOUNT: ("project", "accountId")},
    containers=(SECRET,),
    reads=reads,
    trust=trust,
    grants=grants,
    csi=CsiPolicy(
        providers=("gcp", "gke"),
        drivers=(DRIVER, GKE_DRIVER),
        objects=_objects,
        pin_problem=_pin_problem,
        secret_of=_secret_of,
        reader=_reader,
    ),
)
