"""Rules over cloud grants and trust: who may read which secret (pure functions)."""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from fluxlit_secrets.model.secretish import SECRET_NAME, secret_literal
from fluxlit_secrets.policy.cloud_reads import cloud_reads, readers_of, workload_of
from fluxlit_secrets.policy.iam import (
    AWS_BROAD_MANAGED,
    AZURE_GRANTERS,
    AZURE_READERS,
    allows_secret_read,
    azure_role,
    azure_scope,
    broad_resources,
    gcp_member_is_many,
    gcp_policy_bindings,
    gcp_reads_secrets,
    managed_policy_name,
    principal_is_anyone,
    statements,
)
from fluxlit_secrets.policy.model import Res, as_list, dig

SUBJECT = re.compile(r"system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?", re.ASCII)
KSA_MEMBER = re.compile(r"serviceAccount:[a-z0-9.-]+\.svc\.id\.goog\[[a-z0-9-]+/[a-z0-9.-]+\]", re.ASCII)
AZURE_AUDIENCE = "api://AzureADTokenExchange"


def _aws_trust(res: Res) -> Iterator[str]:
    for st in statements(res.props.get("assumeRolePolicy")):
        if st.get("Effect") != "Allow":
            continue
        actions = [str(a).lower() for a in as_list(st.get("Action"))]
        if principal_is_anyone(st):
            yield "trust policy lets any principal (`*`) assume the role"
        if any(a in ("sts:*", "*") for a in actions) and not st.get("Condition"):
            yield "trust policy allows sts:* with no condition"
        if "sts:assumerolewithwebidentity" not in actions:
            continue
        conditions = st.get("Condition") or {}
        if any("like" in str(k).lower() for k in conditions):
            yield "web-identity trust uses a Like condition: name the subject exactly with StringEquals"
        equals = conditions.get("StringEquals") or {}
        subs = [v for k, v in equals.items() if str(k).endswith(":sub")]
        if len(subs) != 1 or len(as_list(subs[0])) != 1 or not SUBJECT.fullmatch(str(as_list(subs[0])[0])):
            yield "web-identity trust does not pin `:sub` to exactly one system:serviceaccount:<ns>:<sa>"
        if not any(str(k).endswith(":aud") for k in equals):
            yield "web-identity trust does not pin `:aud` (sts.amazonaws.com)"


def identity_trust_one_subject(res: Res) -> Iterator[str]:
    """Workload-identity trust and federation name exactly one ServiceAccount subject and audience."""
    if res.type == "aws:iam/role:Role":
        yield from _aws_trust(res)
    elif res.type == "azure-native:managedidentity:FederatedIdentityCredential":
        if not SUBJECT.fullmatch(str(res.props.get("subject", ""))):
            yield "federated credential subject is not exactly one system:serviceaccount:<ns>:<sa>"
        if [str(a) for a in as_list(res.props.get("audiences"))] != [AZURE_AUDIENCE]:
            yield f"federated credential audiences are not exactly [{AZURE_AUDIENCE}]"
    elif res.type in ("gcp:serviceaccount/iAMMember:IAMMember", "gcp:serviceaccount/iAMBinding:IAMBinding"):
        if str(res.props.get("role")) != "roles/iam.workloadIdentityUser":
            return
        members = as_list(res.props.get("members")) if "members" in res.props else [res.props.get("member")]
        if len(members) != 1 or not KSA_MEMBER.fullmatch(str(members[0])):
            yield "workloadIdentityUser must name exactly one <project>.svc.id.goog[<ns>/<ksa>]"
    elif res.type.startswith("gcp:secretmanager/secretIam"):
        members = as_list(res.props.get("members")) if "members" in res.props else [res.props.get("member")]
        for _, bound in gcp_policy_bindings(res.props.get("policyData")):
            members += bound
        many = [str(m) for m in members if gcp_member_is_many(str(m))]
        if many:
            yield f"secret access granted to many identities at once ({many[0].split(':')[0]}), not one ServiceAccount"


def _aws_documents(res: Res) -> list[Any]:
    if res.type in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/userPolicy:UserPolicy"):
        return [res.props.get("policy")]
    if res.type == "aws:iam/role:Role":
        return [p.get("policy") for p in res.props.get("inlinePolicies") or [] if isinstance(p, Mapping)]
    return []


def _aws_grants(res: Res) -> Iterator[str]:
    for doc in _aws_documents(res):
        for st in statements(doc):
            if allows_secret_read(st):
                for r in broad_resources(st):
                    yield f"secret read allowed on {r!r} (wildcards, NotAction and NotResource count): name each ARN"
    arns = [str(a) for a in as_list(res.props.get("managedPolicyArns"))]
    if res.type in ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"):
        arns.append(str(res.props.get("policyArn", "")))
    for arn in arns:
        if managed_policy_name(arn) in AWS_BROAD_MANAGED:
            yield f"managed policy {arn.rsplit('/', 1)[-1]} reads every secret of the account: grant each secret"
    resource_policy = res.type == "aws:secretsmanager/secretPolicy:SecretPolicy" or (
        res.type == "aws:secretsmanager/secret:Secret" and res.props.get("policy")
    )
    if resource_policy and any(principal_is_anyone(st) for st in statements(res.props.get("policy"))):
        yield "the secret's resource policy lets any principal (`*`) in"


def _gcp_grants(res: Res) -> Iterator[str]:
    wide = res.type.startswith(("gcp:projects/", "gcp:organizations/", "gcp:folder/"))
    if not wide:
        return
    roles = [str(res.props.get("role", ""))]
    roles += [role for role, _ in gcp_policy_bindings(res.props.get("policyData"))]
    for role in roles:
        if gcp_reads_secrets(role):
            yield f"{role} granted on a project, folder or organization: grant it on each secret"


def _azure_grants(res: Res) -> Iterator[str]:
    if res.type != "azure-native:authorization:RoleAssignment":
        return
    role = azure_role(str(res.props.get("roleDefinitionId", "")))
    scope = azure_scope(str(res.props.get("scope", "")))
    if role in AZURE_READERS and scope.level != "secret":
        yield f"a Key Vault secrets role is assigned at {scope.level} scope: scope it to one secret"
    if role in AZURE_GRANTERS and scope.level in ("vault", "secret", "resourceGroup", "subscription"):
        yield f"a role that can grant itself secret access is assigned at {scope.level} scope"


def secret_grants_name_secrets(res: Res) -> Iterator[str]:
    """Secret-read grants name specific secrets: evaluated with wildcards, NotAction, NotResource,
    managed and resource policies (AWS), member kinds and resource levels (GCP), parsed scopes (Azure)."""
    yield from _aws_grants(res)
    yield from _gcp_grants(res)
    yield from _azure_grants(res)


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


def cloud_secrets_read_by_their_workloads(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A cloud secret is readable only by the identities of the workloads it is for (its `readers`
    tag): every grant is followed to the ServiceAccounts that can use it."""
    seen: set[tuple[str, str, str]] = set()
    for read in cloud_reads(resources):
        readers = readers_of(read.secret)
        if readers is None:
            continue
        workload = workload_of(resources, read.ksa)
        allowed = workload in readers or (workload == "app" and readers <= {"gateway", "streamlit", "app"})
        key = (read.secret.urn, *read.ksa)
        if allowed or key in seen:
            continue
        seen.add(key)
        yield (
            read.secret,
            f"ServiceAccount {read.ksa[0]}/{read.ksa[1]} can read it through {read.identity}, "
            f"but it is for {', '.join(sorted(readers))} only",
        )


def identity_one_federation(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A managed identity trusts exactly one issuer and subject: a second federated credential on it
    (another cluster, another ServiceAccount) lets that one act as the workload."""
    by_identity: dict[str, list[Res]] = {}
    for cred in resources:
        if cred.type == "azure-native:managedidentity:FederatedIdentityCredential":
            by_identity.setdefault(str(cred.props.get("resourceName", "")).lower(), []).append(cred)
    for identity, creds in by_identity.items():
        trusted = {(str(c.props.get("issuer")), str(c.props.get("subject"))) for c in creds}
        if len(trusted) > 1:
            for cred in creds:
                yield cred, f"identity {identity!r} is trusted by {len(trusted)} issuer/subject pairs; keep one"
