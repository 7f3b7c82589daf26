"""What the rules know of AWS (pure): IRSA trust and Pod Identity associations followed to the
roles' secret reads, trust and grants that must name one subject and exact ARNs, Secrets Manager
secrets as values of record, and the AWS CSI provider's objects."""

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fluxlit_secrets.clouds.aws.iam import (
    BROAD_MANAGED,
    allows_secret_read,
    broad_resources,
    managed_policy_name,
    principal_is_anyone,
    statements,
)
from fluxlit_secrets.clouds.csi import DRIVER
from fluxlit_secrets.clouds.policy import (
    ONE_SUBJECT,
    SUBJECT,
    CloudPolicy,
    CloudRead,
    CsiObject,
    CsiPolicy,
    Ksa,
    Reader,
    ksa_of,
    label_or_version_problem,
    parse_yaml,
    versioned_object,
)
from fluxlit_secrets.model.resources import Res, as_list

SECRET = "aws:secretsmanager/secret:Secret"
ROLE = "aws:iam/role:Role"
IAM_POLICY = "aws:iam/policy:Policy"
IRSA_ROLE = "eks.amazonaws.com/role-arn"
VERSION_ID = re.compile(r"[0-9A-Za-z-]{32,64}")
EVERYTHING = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _role_documents(resources: list[Res], roles: dict[str, Res]) -> Iterator[tuple[str, Any]]:
    """(role name, policy document) for inline policies, attached customer policies and managed ones."""
    policies = {str(r.props.get("arn") or ""): r for r in resources if r.type == IAM_POLICY}
    policies |= {str(r.props.get("name") or r.name): r for r in resources if r.type == IAM_POLICY}
    for r in resources:
        role = str(r.props.get("role", "")).rsplit("/", 1)[-1].split(":")[0]
        if r.type == "aws:iam/rolePolicy:RolePolicy":
            yield role, r.props.get("policy")
        elif r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            arn = str(r.props.get("policyArn", ""))
            if managed_policy_name(arn) in BROAD_MANAGED:
                yield role, EVERYTHING
            elif arn in policies or arn.rsplit("/", 1)[-1] in policies:
                yield role, (policies.get(arn) or policies[arn.rsplit("/", 1)[-1]]).props.get("policy")
    for name, role_res in roles.items():
        for inline in role_res.props.get("inlinePolicies") or []:
            if isinstance(inline, Mapping):
                yield name, inline.get("policy")
        if any(managed_policy_name(str(a)) in BROAD_MANAGED for a in as_list(role_res.props.get("managedPolicyArns"))):
            yield name, EVERYTHING


def _assumed_by(resources: list[Res], roles: dict[str, Res]) -> dict[str, set[Ksa]]:
    """role name -> the ServiceAccounts that can assume it (IRSA `:sub` conditions, Pod Identity)."""
    ksas: dict[str, set[Ksa]] = {name: set() for name in roles}
    for name, role_res in roles.items():
        for st in statements(role_res.props.get("assumeRolePolicy")):
            for cond in (st.get("Condition") or {}).values():
                for key, value in (cond or {}).items():
                    if str(key).endswith(":sub"):
                        ksas[name] |= {ksa for v in as_list(value) if (ksa := ksa_of(SUBJECT, str(v)))}
    for assoc in (r for r in resources if r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"):
        assumed = str(assoc.props.get("roleArn", "")).rsplit("/", 1)[-1]
        ksas.setdefault(assumed, set()).add((str(assoc.props.get("namespace")), str(assoc.props.get("serviceAccount"))))
    return ksas


def reads(resources: list[Res]) -> Iterator[CloudRead]:
    """Every (ServiceAccount, secret) a role it can assume may read."""
    roles = {str(r.props.get("name") or r.name): r for r in resources if r.type == ROLE}
    ksas = _assumed_by(resources, roles)
    secrets = [r for r in resources if r.type == SECRET]
    for role, document in _role_documents(resources, roles):
        for st in statements(document):
            if not allows_secret_read(st):
                continue
            patterns = [str(p) for p in as_list(st.get("Resource"))]
            for secret in secrets:
                arn = str(secret.props.get("arn") or f"arn:aws:secretsmanager:*:*:secret:{secret.props.get('name')}-x")
                if "NotResource" in st or any(fnmatch.fnmatchcase(arn.lower(), p.lower()) for p in patterns):
                    for ksa in ksas.get(role, ()):
                        yield CloudRead(ksa=ksa, secret=secret, identity=f"role {role}", principal=role)


def trust(res: Res) -> Iterator[str]:
    """A role's trust: no principal `*`, no unconditioned sts:*, web identity pinned to one subject and audience."""
    if res.type != ROLE:
        return
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
        if len(subs) != 1 or len(as_list(subs[0])) != 1 or not ONE_SUBJECT.fullmatch(str(as_list(subs[0])[0])):
            yield "web-identity trust does not pin `:sub` to exactly one system:serviceaccount:<ns>:<sa>"
        if not any(str(k).endswith(":aud") for k in equals):
            yield "web-identity trust does not pin `:aud` (sts.amazonaws.com)"


def _documents(res: Res) -> list[Any]:
    if res.type in ("aws:iam/rolePolicy:RolePolicy", IAM_POLICY, "aws:iam/userPolicy:UserPolicy"):
        return [res.props.get("policy")]
    if res.type == ROLE:
        return [p.get("policy") for p in res.props.get("inlinePolicies") or [] if isinstance(p, Mapping)]
    return []


def grants(res: Res) -> Iterator[str]:
    """Secret reads on more than exact ARNs, managed policies that read everything, open resource policies."""
    for doc in _documents(res):
        for st in statements(doc):
            if allows_secret_read(st):
                for r in broad_resources(st):
                    yield f"secret read allowed on {r!r} (wildcards, NotAction and NotResource count): name each ARN"
    arns = [str(a) for a in as_list(res.props.get("managedPolicyArns"))]
    if res.type in ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"):
        arns.append(str(res.props.get("policyArn", "")))
    for arn in arns:
        if managed_policy_name(arn) in BROAD_MANAGED:
            yield f"managed policy {arn.rsplit('/', 1)[-1]} reads every secret of the account: grant each secret"
    resource_policy = res.type == "aws:secretsmanager/secretPolicy:SecretPolicy" or (
        res.type == SECRET and res.props.get("policy")
    )
    if resource_policy and any(principal_is_anyone(st) for st in statements(res.props.get("policy"))):
        yield "the secret's resource policy lets any principal (`*`) in"


def _objects(provider: str, params: Mapping[str, Any]) -> list[CsiObject] | None:
    listed = parse_yaml(params.get("objects"))
    if not isinstance(listed, list) or not all(isinstance(o, Mapping) for o in listed):
        return None
    return [versioned_object(provider, o) for o in listed]


def _secret_of(o: CsiObject, params: Mapping[str, Any], resources: Sequence[Res]) -> Res | None:
    return next(
        (r for r in resources if r.type == SECRET and o.name in (r.props.get("arn"), r.props.get("name"))), None
    )


def _reader(annotations: Mapping[str, Any], params: Mapping[str, Any], resources: Sequence[Res]) -> Reader:
    if str(params.get("usePodIdentity")).lower() == "true":
        return None, "its EKS Pod Identity role"
    role = str(annotations.get(IRSA_ROLE) or "")
    return role.rsplit("/", 1)[-1], f"role {role or '(no eks.amazonaws.com/role-arn annotation)'}"


POLICY = CloudPolicy(
    secret_fields={"aws:secretsmanager/secretVersion:SecretVersion": ("secretString", "secretBinary")},
    names={
        SECRET: ("name",),
        "aws:iam/role:Role": ("name",),
        # EKS takes one association per cluster, namespace and ServiceAccount.
        "aws:eks/podIdentityAssociation:PodIdentityAssociation": ("clusterName", "namespace", "serviceAccount"),
    },
    containers=(SECRET,),
    reads=reads,
    trust=trust,
    grants=grants,
    csi=CsiPolicy(
        providers=("aws",),
        drivers=(DRIVER,),
        objects=_objects,
        pin_problem=lambda o: label_or_version_problem(o, VERSION_ID),
        secret_of=_secret_of,
        reader=_reader,
    ),
)
