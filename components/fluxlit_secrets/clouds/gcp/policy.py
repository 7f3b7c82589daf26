"""What the rules know of GCP (pure): workload-identity principals and impersonated service
accounts followed to Secret Manager grants, grants and trust that name one secret and one
ServiceAccount, Secret Manager secrets as values of record, and the GCP and GKE CSI providers."""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fluxlit_secrets.clouds.csi import DRIVER
from fluxlit_secrets.clouds.gcp.csi import GKE_DRIVER
from fluxlit_secrets.clouds.gcp.iam import member_is_many, policy_bindings, reads_secrets
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
ONE_KSA_MEMBER = re.compile(r"serviceAccount:[a-z0-9.-]+\.svc\.id\.goog\[[a-z0-9-]+/[a-z0-9.-]+\]", re.ASCII)
VERSION = re.compile(r"projects/([^/]+)/secrets/([^/]+)/versions/([1-9][0-9]*)")
GKE_SERVICE_ACCOUNT = "iam.gke.io/gcp-service-account"


def _members(resources: list[Res]) -> dict[str, set[Ksa]]:
    """member string -> the KSAs it stands for (direct principals, impersonated service accounts)."""
    members: dict[str, set[Ksa]] = {}
    accounts = {
        str(r.props.get("name") or ""): str(r.props.get("email") or "")
        for r in resources
        if r.type == "gcp:serviceaccount/account:Account"
    }
    for r in resources:
        if r.type == "gcp:serviceaccount/iAMMember:IAMMember" and r.props.get("role") == WORKLOAD_IDENTITY_USER:
            ksa = ksa_of(KSA_MEMBER, str(r.props.get("member", "")))
            email = accounts.get(str(r.props.get("serviceAccountId", "")), "")
            if ksa and email:
                members.setdefault(f"serviceAccount:{email}", set()).add(ksa)
    return members


def reads(resources: list[Res]) -> Iterator[CloudRead]:
    """Every (ServiceAccount, secret) a Secret Manager grant lets it read, directly or impersonating."""
    members = _members(resources)
    secrets = [r for r in resources if r.type == SECRET]
    for grant in (r for r in resources if r.type.startswith("gcp:secretmanager/secretIam")):
        bound = [
            (
                str(grant.props.get("role", "")),
                [str(m) for m in as_list(grant.props.get("members") or grant.props.get("member"))],
            )
        ]
        bound += list(policy_bindings(grant.props.get("policyData")))
        target = str(grant.props.get("secretId", "")).rsplit("/", 1)[-1]
        for secret in (s for s in secrets if str(s.props.get("secretId")) == target):
            for role, members_ in bound:
                if not reads_secrets(role):
                    continue
                for member in members_:
                    direct = ksa_of(PRINCIPAL, member)
                    for ksa in {direct} if direct else members.get(member, set()):
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
    roles = [str(res.props.get("role", ""))]
    roles += [role for role, _ in policy_bindings(res.props.get("policyData"))]
    for role in roles:
        if reads_secrets(role):
            yield f"{role} granted on a project, folder or organization: grant it on each secret"


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
    names={SECRET: ("project", "secretId"), "gcp:serviceaccount/account:Account": ("project", "accountId")},
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
