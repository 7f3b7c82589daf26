"""Rules over cloud grants and trust: who may read which secret (pure functions)."""

import re
from collections.abc import Iterator
from typing import Any

from fluxlit_secrets.model.secretish import SECRET_NAME, secret_literal
from fluxlit_secrets.policy.model import Res, as_list, dig, policy_document

SUBJECT = re.compile(r"^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
KSA_MEMBER = re.compile(r"^serviceAccount:[a-z0-9.-]+\.svc\.id\.goog\[[a-z0-9-]+/[a-z0-9.-]+\]$")
#: Azure built-in roles that read secrets: Key Vault Secrets User, Secrets Officer, Administrator.
AZURE_SECRET_ROLES = (
    "4633458b-17de-408a-b874-0445c86b69e6",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483",
)
GCP_SECRET_ROLES = (
    "roles/secretmanager.secretAccessor",
    "roles/secretmanager.admin",
    "roles/secretmanager.secretVersionManager",
    "roles/owner",
    "roles/editor",
)
GCP_WIDE_GRANTS = (
    "gcp:projects/iAMMember:IAMMember",
    "gcp:projects/iAMBinding:IAMBinding",
    "gcp:organizations/iAMMember:IAMMember",
    "gcp:folder/iAMMember:IAMMember",
)


def _statements(doc: Any) -> list[dict[str, Any]]:
    return [s for s in as_list(policy_document(doc).get("Statement")) if isinstance(s, dict)]


def identity_trust_one_subject(res: Res) -> Iterator[str]:
    """Workload-identity trust and federation name exactly one ServiceAccount subject."""
    if res.type == "aws:iam/role:Role":
        for st in _statements(res.props.get("assumeRolePolicy")):
            if "sts:AssumeRoleWithWebIdentity" not in as_list(st.get("Action")) or st.get("Effect") != "Allow":
                continue
            conditions = st.get("Condition") or {}
            if any(k in conditions for k in ("StringLike", "ForAnyValue:StringLike")):
                yield "web-identity trust uses StringLike: name the subject exactly with StringEquals"
            equals = conditions.get("StringEquals") or {}
            subs = [v for k, v in equals.items() if k.endswith(":sub")]
            if len(subs) != 1 or len(as_list(subs[0])) != 1 or not SUBJECT.match(str(as_list(subs[0])[0])):
                yield "web-identity trust does not pin `:sub` to exactly one system:serviceaccount:<ns>:<sa>"
            if not any(k.endswith(":aud") for k in equals):
                yield "web-identity trust does not pin `:aud` (sts.amazonaws.com)"
    elif res.type == "azure-native:managedidentity:FederatedIdentityCredential":
        if not SUBJECT.match(str(res.props.get("subject", ""))):
            yield "federated credential subject is not exactly one system:serviceaccount:<ns>:<sa>"
    elif (
        res.type == "gcp:serviceaccount/iAMMember:IAMMember"
        and res.props.get("role") == "roles/iam.workloadIdentityUser"
    ):
        if not KSA_MEMBER.match(str(res.props.get("member", ""))):
            yield "workloadIdentityUser member is not exactly one <project>.svc.id.goog[<ns>/<ksa>]"
    elif (
        res.type == "gcp:serviceaccount/iAMBinding:IAMBinding"
        and res.props.get("role") == "roles/iam.workloadIdentityUser"
    ):
        members = as_list(res.props.get("members"))
        if len(members) != 1 or not KSA_MEMBER.match(str(members[0])):
            yield "workloadIdentityUser binding must name exactly one Kubernetes ServiceAccount"
    elif res.type == "gcp:secretmanager/secretIamMember:SecretIamMember" and str(
        res.props.get("member", "")
    ).startswith("principalSet://"):
        yield "secret access granted to a principalSet (many identities), not one ServiceAccount"


def secret_grants_name_secrets(res: Res) -> Iterator[str]:
    """Secret-read grants name specific secrets: no `*`, no project, resource-group or subscription scope."""
    if res.type in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"):
        docs = [res.props.get("policy")]
    elif res.type == "aws:iam/role:Role":
        docs = [p.get("policy") for p in res.props.get("inlinePolicies") or [] if isinstance(p, dict)]
    else:
        docs = []
    for doc in docs:
        for st in _statements(doc):
            if st.get("Effect") != "Allow":
                continue
            actions = [str(a) for a in as_list(st.get("Action"))]
            if any(a in ("*", "secretsmanager:*") for a in actions):
                yield f"policy allows {', '.join(a for a in actions if a.endswith('*'))}: list the read actions"
            if any(a.lower().startswith("secretsmanager:") for a in actions):
                for r in as_list(st.get("Resource")):
                    if str(r) == "*" or str(r).endswith(":secret:*") or str(r).endswith(":*"):
                        yield f"secret read allowed on {r!r}: name each secret's ARN"
    if res.type in GCP_WIDE_GRANTS and res.props.get("role") in GCP_SECRET_ROLES:
        yield f"{res.props.get('role')} granted project-wide (or wider): grant it on each secret"
    if res.type == "azure-native:authorization:RoleAssignment":
        role = str(res.props.get("roleDefinitionId", ""))
        scope = str(res.props.get("scope", ""))
        if role.rsplit("/", 1)[-1] in AZURE_SECRET_ROLES and "/secrets/" not in scope:
            yield "a Key Vault secrets role is assigned on a vault, group or subscription: scope it to one secret"


CONTAINERS = (
    "aws:secretsmanager/secret:Secret",
    "gcp:secretmanager/secret:Secret",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Secret",
)


def secret_containers_protected(res: Res) -> Iterator[str]:
    """Cloud secret containers are protected or retained (a destroy or rename cannot delete them)."""
    if res.type not in CONTAINERS or res.protect or res.retain_on_delete:
        return
    tags = res.props.get("tags") or res.props.get("labels") or {}
    if str(tags.get("disposable", "")).lower() == "true":
        return  # a throw-away stack said so
    yield "the secret container is neither protected nor retained: `pulumi destroy` or a rename would delete it"


def no_secret_build_args(res: Res) -> Iterator[str]:
    """Image builds carry no secret-looking build arg or Dockerfile ENV (it stays in the layers)."""
    if res.type == "docker-build:index:Image":
        args = res.props.get("buildArgs") or {}
        inline = dig(res.props, "dockerfile", "inline") or ""
    elif res.type in ("docker:index/image:Image", "docker:index:Image"):
        args = dig(res.props, "build", "args") or {}
        inline = ""
    else:
        return
    for name, value in args.items():
        if SECRET_NAME.search(str(name)) or secret_literal(str(name), value):
            yield f"build arg {name!r} looks like a secret: mount it at run time (or a build secret), never a build arg"
    for line in str(inline).splitlines():
        m = re.match(r"^\s*(ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)", line, re.IGNORECASE)
        if m and SECRET_NAME.search(m.group(2)):
            yield f"Dockerfile {m.group(1).upper()} {m.group(2)} bakes a secret into the image"
