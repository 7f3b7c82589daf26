"""The policy rules: plain functions over resources, shared by the CrossGuard pack and `check`.

A resource rule takes one `Res` and yields violation messages; a stack rule takes every `Res` of
the stack and yields (resource, message) pairs. Messages name what is wrong, never a value.
"""

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.model.kinds import GATEWAY_ONLY_NAMES
from fluxlit_secrets.model.secretish import SECRET_NAME, secret_literal
from fluxlit_secrets.policy.model import Res, as_list, containers, dig, pod_template, policy_document

MANDATORY, ADVISORY = "mandatory", "advisory"
WORKLOAD_LABEL = "fluxlit-secrets/workload"
TOKEN_OPT_IN = "fluxlit-secrets/api-token"  # annotation value "required": a token is really needed
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
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
}


@dataclass(frozen=True)
class Rule:
    """One policy: a name, a description, an enforcement level and its check."""

    name: str
    description: str
    level: str
    resource_check: Callable[[Res], Iterable[str]] | None = None
    stack_check: Callable[[list[Res]], Iterable[tuple[Res, str]]] | None = None


def _workload(meta: Any) -> str:
    labels = (meta or {}).get("labels") or {}
    return labels.get(WORKLOAD_LABEL) or labels.get("app.kubernetes.io/component") or ""


# ---------------------------------------------------------------- pods and Secrets


def no_secret_literal_in_env(res: Res) -> Iterator[str]:
    """Containers carry no secret-looking literal in env `value`."""
    pod = pod_template(res)
    if pod is None:
        return
    for c in containers(pod[1]):
        for e in c.get("env") or []:
            if "value" in e and secret_literal(str(e.get("name", "")), e.get("value")):
                yield (
                    f"container {c.get('name')!r}: env {e.get('name')!r} holds a secret-looking literal; "
                    "deliver it from a Secret (file or secretKeyRef)"
                )


def secret_volumes_read_only(res: Res) -> Iterator[str]:
    """Secret volumes: mode 0400 or stricter, mounted read-only, never through subPath."""
    pod = pod_template(res)
    if pod is None:
        return
    spec = pod[1]
    secret_volumes = set()
    for v in spec.get("volumes") or []:
        sources = [v["secret"]] if "secret" in v else []
        if "projected" in v:
            sources += [s["secret"] for s in v["projected"].get("sources") or [] if "secret" in s]
        if not sources:
            continue
        secret_volumes.add(v.get("name"))
        default = (v.get("secret") or v.get("projected") or {}).get("defaultMode")
        if default is None or int(default) & ~0o400:
            shown = "unset (0644)" if default is None else oct(int(default))
            yield f"volume {v.get('name')!r}: defaultMode {shown} is wider than 0400"
        for src in sources:
            for item in src.get("items") or []:
                if item.get("mode") is not None and int(item["mode"]) & ~0o400:
                    mode = oct(int(item["mode"]))
                    yield f"volume {v.get('name')!r}: item {item.get('key')!r} mode {mode} is wider than 0400"
    for c in containers(spec):
        for m in c.get("volumeMounts") or []:
            if m.get("name") not in secret_volumes:
                continue
            if not m.get("readOnly"):
                yield f"container {c.get('name')!r}: secret volume {m.get('name')!r} is not mounted readOnly"
            if m.get("subPath") or m.get("subPathExpr"):
                yield f"container {c.get('name')!r}: secret volume {m.get('name')!r} uses subPath (never updated)"


def automount_token_off(res: Res) -> Iterator[str]:
    """ServiceAccounts and pods mount no API token unless one is declared as required."""
    if res.kind == "ServiceAccount":
        opted = (res.meta.get("annotations") or {}).get(TOKEN_OPT_IN) == "required"
        if res.props.get("automountServiceAccountToken") is not False and not opted:
            yield "automountServiceAccountToken is not false (no workload identity here needs the API token)"
        return
    pod = pod_template(res)
    if pod is None:
        return
    opted = (pod[0].get("annotations") or {}).get(TOKEN_OPT_IN) == "required"
    if pod[1].get("automountServiceAccountToken") is not False and not opted:
        yield "pod spec automountServiceAccountToken is not false"


def no_default_namespace(res: Res) -> Iterator[str]:
    """Namespaced Kubernetes objects name a namespace of their own, never `default`."""
    if (
        not res.kind
        or res.kind in CLUSTER_SCOPED
        or res.type.startswith("kubernetes:helm")
        or res.type.startswith("kubernetes:yaml")
        or res.type == "pulumi:providers:kubernetes"
    ):
        return
    ns = res.meta.get("namespace")
    if ns in (None, "", "default"):
        yield (
            f"{res.kind} is in the {'default' if ns == 'default' else 'provider default'} namespace; "
            "give the app a namespace of its own"
        )


def _secrets_by_name(resources: list[Res]) -> dict[tuple[Any, Any], Res]:
    return {(r.meta.get("namespace"), r.meta.get("name")): r for r in resources if r.kind == "Secret"}


def _secret_keys(secret: Res | None) -> set[str]:
    if secret is None:
        return set()
    return set(secret.props.get("stringData") or {}) | set(secret.props.get("data") or {})


def _references(res: Res, secrets: dict[tuple[Any, Any], Res]) -> Iterator[tuple[str, str]]:
    """(how, key name) of every secret key a pod can see: env names, referenced keys, mounted files."""
    pod = pod_template(res)
    if pod is None:
        return
    ns = res.meta.get("namespace")
    spec = pod[1]
    for c in containers(spec):
        for e in c.get("env") or []:
            ref = dig(e, "valueFrom", "secretKeyRef")
            if ref:
                yield "env", str(e.get("name"))
                yield "secretKeyRef", str(ref.get("key"))
        for ef in c.get("envFrom") or []:
            if ef.get("secretRef"):
                for key in _secret_keys(secrets.get((ns, ef["secretRef"].get("name")))):
                    yield "envFrom", key
    for v in spec.get("volumes") or []:
        src = v.get("secret")
        if src is None:
            continue
        items = src.get("items")
        keys = [i.get("key") for i in items] if items else _secret_keys(secrets.get((ns, src.get("secretName"))))
        for key in keys:
            yield "file", str(key)


def _gateway_material(resources: list[Res], workloads: tuple[str, ...]) -> Iterator[tuple[Res, str]]:
    secrets = _secrets_by_name(resources)
    for res in resources:
        pod = pod_template(res)
        if pod is None or _workload(pod[0]) not in workloads:
            continue
        seen = sorted(
            {key for _, key in _references(res, secrets) if key.removesuffix("_PREVIOUS") in GATEWAY_ONLY_NAMES}
        )
        for key in seen:
            yield res, key


def streamlit_no_gateway_secrets(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """Streamlit pods (by label) reference no gateway-only secret."""
    for res, key in _gateway_material(resources, ("streamlit",)):
        yield res, f"the Streamlit pod can read {key}, gateway-only FluxLit material"


def unified_streamlit_sees_gateway_secrets(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """In the unified topology the Streamlit child sees the gateway's secrets."""
    for res, key in _gateway_material(resources, ("app",)):
        yield (
            res,
            (
                f"{key} reaches Streamlit code too: in the unified topology FluxLit's Streamlit child "
                "inherits the gateway's env and files; use the split topology to keep it out"
            ),
        )


def no_envfrom_unless_all_keys_declared(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """`envFrom` a Secret only when every key of it is declared for that workload."""
    secrets = _secrets_by_name(resources)
    for res in resources:
        pod = pod_template(res)
        if pod is None:
            continue
        workload = _workload(pod[0])
        for c in containers(pod[1]):
            for ef in c.get("envFrom") or []:
                ref = ef.get("secretRef")
                if not ref:
                    continue
                secret = secrets.get((res.meta.get("namespace"), ref.get("name")))
                owner = _workload(secret.meta) if secret is not None else ""
                if secret is None or not workload or owner != workload:
                    yield (
                        res,
                        (
                            f"container {c.get('name')!r} takes every key of Secret {ref.get('name')!r} "
                            "(envFrom), which is not declared for this workload; use one secretKeyRef per key"
                        ),
                    )


def restart_annotation_not_a_hash(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """No annotation is a plain hash (checksum) of a secret value."""
    values: list[bytes] = []
    for s in resources:
        if s.kind != "Secret":
            continue
        plain = [str(v).encode() for v in (s.props.get("stringData") or {}).values()]
        for v in (s.props.get("data") or {}).values():
            try:
                plain.append(base64.b64decode(str(v), validate=True))
            except ValueError:
                continue
        values += plain
        if plain:
            values.append(b"".join(plain))
    digests = {getattr(hashlib, algo)(v).hexdigest() for v in values for algo in ("sha256", "sha1", "md5", "sha512")}
    if not digests:
        return
    for res in resources:
        pod = pod_template(res)
        annotated = [("", res.meta.get("annotations") or {})]
        if pod is not None:
            annotated.append(("pod template ", pod[0].get("annotations") or {}))
        for where, found in annotated:
            for key, value in found.items():
                text = str(value).lower()
                if any(d in text for d in digests):
                    yield res, f"{where}annotation {key!r} is a plain hash of a secret value; use version ids"


# ---------------------------------------------------------------- clouds


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


RULES: list[Rule] = [
    Rule(
        "no-secret-literal-in-env",
        "No secret-looking literal in a container env value.",
        MANDATORY,
        resource_check=no_secret_literal_in_env,
    ),
    Rule(
        "no-envfrom-undeclared-secret",
        "No envFrom secretRef unless every key of that Secret is declared for the container.",
        MANDATORY,
        stack_check=no_envfrom_unless_all_keys_declared,
    ),
    Rule(
        "secret-volumes-read-only",
        "Secret volumes are read-only, mode 0400 or stricter, never mounted with subPath.",
        MANDATORY,
        resource_check=secret_volumes_read_only,
    ),
    Rule(
        "streamlit-no-gateway-secrets",
        "Streamlit pods reference no gateway-only secret (JWT, BFF, OIDC client).",
        MANDATORY,
        stack_check=streamlit_no_gateway_secrets,
    ),
    Rule(
        "unified-streamlit-sees-gateway-secrets",
        "Unified topology: FluxLit's Streamlit child inherits the gateway's env and files.",
        ADVISORY,
        stack_check=unified_streamlit_sees_gateway_secrets,
    ),
    Rule(
        "automount-token-off",
        "automountServiceAccountToken is false where no identity needs the API token.",
        MANDATORY,
        resource_check=automount_token_off,
    ),
    Rule(
        "no-default-namespace",
        "No workload, Secret or ServiceAccount in the default namespace.",
        MANDATORY,
        resource_check=no_default_namespace,
    ),
    Rule(
        "identity-trust-one-subject",
        "Workload-identity trust or federation is scoped to exactly one ServiceAccount.",
        MANDATORY,
        resource_check=identity_trust_one_subject,
    ),
    Rule(
        "secret-grants-name-secrets",
        "Secret-read grants name specific secrets: no *, no project, resource-group or subscription scope.",
        MANDATORY,
        resource_check=secret_grants_name_secrets,
    ),
    Rule(
        "secret-containers-protected",
        "Cloud secret containers are protected or retained.",
        MANDATORY,
        resource_check=secret_containers_protected,
    ),
    Rule(
        "no-secret-build-args",
        "No secret-looking build args or Dockerfile ENV on image builds.",
        MANDATORY,
        resource_check=no_secret_build_args,
    ),
    Rule(
        "restart-annotation-not-a-hash",
        "Restart annotations are not a plain hash of any secret value.",
        MANDATORY,
        stack_check=restart_annotation_not_a_hash,
    ),
]
