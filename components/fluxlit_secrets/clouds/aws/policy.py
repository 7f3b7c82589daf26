"""What the rules know of AWS (pure): IRSA trust and Pod Identity associations followed to the
roles' secret reads, trust and grants that must name one subject and exact ARNs, Secrets Manager
secrets as values of record, and the AWS CSI provider's objects."""

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fluxlit_secrets.clouds.aws.iam import (
    allows_secret_read,
    broad_resources,
    gains_every_secret,
    managed_policy_name,
    principal_is_anyone,
    statements,
)
from fluxlit_secrets.clouds.aws.managed import managed_statements
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
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
KMS_GRANT = "aws:kms/grant:Grant"
#: Every ServiceAccount of the cluster: what a node's role is to the pods on it.
EVERY_POD: Ksa = ("*", "*")


def _managed(arn: str) -> Any:
    """An AWS managed policy's kept statements as a document (None: not an AWS managed one)."""
    kept = managed_statements(managed_policy_name(arn))
    return {"Statement": kept} if kept is not None else None


def _role_documents(resources: list[Res], roles: dict[str, Res]) -> Iterator[tuple[str, Any]]:
    """(role name, policy document) for inline policies, attached customer policies and managed ones,
    in every attachment form: RolePolicy, RolePolicyAttachment, PolicyAttachment(roles=[...]), the
    role's inlinePolicies and managedPolicyArns."""
    policies = {str(r.props.get("arn") or ""): r for r in resources if r.type == IAM_POLICY}
    policies |= {str(r.props.get("name") or r.name): r for r in resources if r.type == IAM_POLICY}

    def document(arn: str) -> Any:
        customer = policies.get(arn) or policies.get(arn.rsplit("/", 1)[-1])
        return customer.props.get("policy") if customer is not None else _managed(arn)

    for r in resources:
        if r.type == "aws:iam/rolePolicy:RolePolicy":
            yield _role_name(r.props.get("role")), r.props.get("policy")
        elif r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            yield _role_name(r.props.get("role")), document(str(r.props.get("policyArn", "")))
        elif r.type == "aws:iam/policyAttachment:PolicyAttachment":
            for role in as_list(r.props.get("roles")):
                yield _role_name(role), document(str(r.props.get("policyArn", "")))
    for name, role_res in roles.items():
        for inline in role_res.props.get("inlinePolicies") or []:
            if isinstance(inline, Mapping):
                yield name, inline.get("policy")
        for arn in as_list(role_res.props.get("managedPolicyArns")):
            yield name, document(str(arn))


def _role_name(role: Any) -> str:
    """A role given by name or ARN (`arn:aws:iam::1:role/path/name`), as its name."""
    return str(role or "").rsplit("/", 1)[-1].split(":")[-1]


def _assumed_by(resources: list[Res], roles: dict[str, Res]) -> dict[str, set[Ksa]]:
    """role name -> the ServiceAccounts that can assume it (IRSA `:sub` conditions, Pod Identity,
    and every pod of the cluster for a node group's role, through the instance metadata)."""
    ksas: dict[str, set[Ksa]] = {name: set() for name in roles}
    for name, role_res in roles.items():
        for st in statements(role_res.props.get("assumeRolePolicy")):
            for cond in (st.get("Condition") or {}).values():
                for key, value in (cond or {}).items():
                    if str(key).endswith(":sub"):
                        ksas[name] |= {ksa for v in as_list(value) if (ksa := ksa_of(SUBJECT, str(v)))}
    for assoc in (r for r in resources if r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"):
        assumed = _role_name(assoc.props.get("roleArn"))
        ksas.setdefault(assumed, set()).add((str(assoc.props.get("namespace")), str(assoc.props.get("serviceAccount"))))
    for group in (r for r in resources if r.type == NODE_GROUP):
        ksas.setdefault(_role_name(group.props.get("nodeRoleArn")), set()).add(EVERY_POD)
    return ksas


def _arn_of(secret: Res) -> str:
    return str(secret.props.get("arn") or f"arn:aws:secretsmanager:*:*:secret:{secret.props.get('name')}-x")


def _resource_policy_readers(resources: list[Res], secrets: list[Res]) -> Iterator[tuple[str, Res]]:
    """(role name, secret) a secret's resource policy lets read it by naming the role."""
    for r in resources:
        if r.type == "aws:secretsmanager/secretPolicy:SecretPolicy":
            target = str(r.props.get("secretArn") or "")
            owned = [s for s in secrets if target in (s.props.get("arn"), s.props.get("id"), s.props.get("name"))]
        elif r.type == SECRET and r.props.get("policy"):
            owned = [r]
        else:
            continue
        for st in statements(r.props.get("policy")):
            if not allows_secret_read(st) or not isinstance(st.get("Principal"), Mapping):
                continue
            for principal in as_list(st["Principal"].get("AWS")):
                if ":role/" in str(principal):
                    yield from ((_role_name(principal), s) for s in owned)


def reads(resources: list[Res]) -> Iterator[CloudRead]:
    """Every (ServiceAccount, secret) a role it can assume may read, or can gain the power to read
    (IAM writes), by identity policies in any attachment form and by the secret's resource policy."""
    roles = {str(r.props.get("name") or r.name): r for r in resources if r.type == ROLE}
    ksas = _assumed_by(resources, roles)
    secrets = [r for r in resources if r.type == SECRET]
    for role, document in _role_documents(resources, roles):
        for st in statements(document):
            every = gains_every_secret(st)
            if not every and not allows_secret_read(st):
                continue
            patterns = [str(p) for p in as_list(st.get("Resource"))]
            for secret in secrets:
                arn = _arn_of(secret).lower()
                if every or "NotResource" in st or any(fnmatch.fnmatchcase(arn, p.lower()) for p in patterns):
                    for ksa in ksas.get(role, ()):
                        yield CloudRead(ksa=ksa, secret=secret, identity=f"role {role}", principal=role)
    for role, secret in _resource_policy_readers(resources, secrets):
        for ksa in ksas.get(role, ()):
            yield CloudRead(
                ksa=ksa, secret=secret, identity=f"role {role} (the secret's resource policy)", principal=role
            )


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
        kept = statements(_managed(arn))
        if any(gains_every_secret(st) or (allows_secret_read(st) and broad_resources(st)) for st in kept):
            yield f"managed policy {arn.rsplit('/', 1)[-1]} reads every secret of the account: grant each secret"
    if res.type == KMS_GRANT and {"decrypt", "*"} & {str(o).lower() for o in as_list(res.props.get("operations"))}:
        constraints = [c for c in as_list(res.props.get("constraints")) if isinstance(c, Mapping)]
        contexts = [
            {**(c.get("encryptionContextEquals") or {}), **(c.get("encryptionContextSubset") or {})}
            for c in constraints
        ]
        if not any("SecretARN" in context for context in contexts):
            yield (
                "a KMS grant of Decrypt without an encryption-context constraint on SecretARN decrypts every secret "
                "under the key: constrain it to one secret"
            )
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
