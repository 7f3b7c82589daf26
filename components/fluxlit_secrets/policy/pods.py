"""Rules over pods and Secrets: what each pod can read, and how it is mounted (pure functions)."""

import base64
import hashlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from fluxlit_secrets.model.labels import SECRETS_DIR, SECRETS_DIR_ANNOTATION, WORKLOAD_LABEL
from fluxlit_secrets.model.resources import Res, containers, mapping, mounts_read_only, pod_template, runs_non_root
from fluxlit_secrets.model.secretish import SECRET_VALUE, redact_key, secret_literal
from fluxlit_secrets.policy.graph import EVERY_KEY, Graph, Pod, Read, is_gateway_material, is_record

TOKEN_OPT_IN = "fluxlit-secrets/api-token"  # annotation value "required": a token is really needed
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
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "ClusterTrustBundle",
}


def _workload(meta: Any) -> str:
    labels = (meta or {}).get("labels") or {}
    return labels.get(WORKLOAD_LABEL) or labels.get("app.kubernetes.io/component") or ""


def no_secret_literal_in_env(res: Res) -> Iterator[str]:
    """Containers carry no secret-looking literal in env `value` (a token's shape, or any literal
    under a secret's name: DB_PASS=Summer2024!), nor a token in their image reference."""
    pod = pod_template(res)
    if pod is None:
        return
    for c in containers(pod[1]):
        image = str(c.get("image") or "")
        if SECRET_VALUE.search(image):
            yield (
                f"container {c.get('name')!r}: its image reference holds a token (a registry credential?); "
                "pull with imagePullSecrets, never a token in the reference"
            )
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
    yield from mounts_read_only(spec, secret_volumes, "secret volume")


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


def _gateway_reads(resources: list[Res]) -> Iterator[tuple[Pod, Read]]:
    graph = Graph.of(resources)
    for pod in graph.pods():
        for read in pod.reads():
            if is_gateway_material(graph, read):
                yield pod, read


def streamlit_no_gateway_secrets(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """Only the gateway's pods (running as its ServiceAccount, running no Streamlit) can read
    gateway-only material, through any path: volumes, projected volumes, env, envFrom, CSI, RBAC."""
    seen: set[tuple[str, str, str]] = set()
    for pod, read in _gateway_reads(resources):
        if pod.is_gateway() or pod.workload() == "app" or (pod.res.urn, read.secret, read.key) in seen:
            continue
        seen.add((pod.res.urn, read.secret, read.key))
        what = "every key" if read.key == EVERY_KEY else redact_key(read.key)
        yield (
            pod.res,
            f"a pod that is not the gateway's (it runs as {pod.service_account!r}) can read {what} of Secret "
            f"{read.secret!r} ({read.how}), gateway-only material",
        )


def unified_streamlit_sees_gateway_secrets(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """In the unified topology the Streamlit child sees the gateway's secrets."""
    seen: set[tuple[str, str]] = set()
    for pod, read in _gateway_reads(resources):
        if pod.workload() != "app" or (pod.res.urn, read.key) in seen:
            continue
        seen.add((pod.res.urn, read.key))
        yield (
            pod.res,
            (
                f"{redact_key(read.key)} reaches Streamlit code too: in the unified topology FluxLit's Streamlit "
                "child inherits the gateway's env and files; use the split topology to keep it out"
            ),
        )


def no_pod_reads_a_record(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """No pod can read a Secret of record (the kubernetes store keeps them where no workload runs)."""
    graph = Graph.of(resources)
    for pod in graph.pods():
        for read in pod.reads():
            if is_record(graph, read):
                yield pod.res, f"the pod can read Secret of record {read.secret!r} ({read.how}); no workload may"
                break


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
        plain = [str(v).encode() for v in mapping(s.props.get("stringData")).values()]
        for v in mapping(s.props.get("data")).values():
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
    # A checksum annotation may hold a whole digest or a prefix of one (Helm's `| trunc 10` style).
    prefixes = {d[:n] for d in digests for n in range(8, len(d) + 1)}
    for res in resources:
        pod = pod_template(res)
        annotated = [("", res.meta.get("annotations") or {})]
        if pod is not None:
            annotated.append(("pod template ", pod[0].get("annotations") or {}))
        for where, found in annotated:
            for key, value in found.items():
                runs = re.findall(r"[0-9a-f]{8,}", str(value).lower())
                if any(run in prefixes or any(run in d for d in digests) for run in runs):
                    yield res, f"{where}annotation {key!r} is a plain hash of a secret value; use version ids"


def pod_namespace_matches_its_secrets(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A pod references Secrets of its own namespace (one that lives elsewhere never mounts)."""
    graph = Graph.of(resources)
    where: dict[str, set[str]] = {}
    for ns, name in graph.secrets:
        where.setdefault(name, set()).add(ns)
    for pod in graph.pods():
        missing = {r.secret for r in pod.reads() if r.how != "csi" and (r.namespace, r.secret) not in graph.secrets}
        for secret in sorted(s for s in missing if s in where):
            yield (
                pod.res,
                f"the pod runs in namespace {pod.namespace or '(provider default)'!r} but its Secret {secret!r} "
                f"lives in {', '.join(sorted(where[secret]))}; put the pod there (the pod fragment's `namespace`)",
            )


def secret_files_readable_by_the_pod_user(res: Res) -> Iterator[str]:
    """Owner-only secret files (0400) are root's unless fsGroup gives them to the pod's group: a pod
    that runs as a non-root user needs `securityContext.fsGroup` to read them."""
    pod = pod_template(res)
    if pod is None:
        return
    spec = pod[1]
    if (spec.get("securityContext") or {}).get("fsGroup") is not None or not runs_non_root(spec):
        return
    for v in spec.get("volumes") or []:
        source = v.get("secret") or v.get("projected") if isinstance(v, Mapping) else None
        if not isinstance(source, Mapping):
            continue
        mode = source.get("defaultMode")
        if mode is not None and not int(mode) & 0o044:
            yield (
                f"volume {v.get('name')!r} gives its files mode {oct(int(mode))} owned by root, and the pod runs as a "
                "non-root user without fsGroup: set securityContext.fsGroup (the pod fragment's podSecurityContext)"
            )


def fluxlit_reads_its_secret_files(res: Res) -> Iterator[str]:
    """A pod that receives FluxLit's settings as files in /var/run/secrets/fluxlit says the app reads
    them there: stock FluxLit reads env only, unless the app builds FluxlitSettings(_secrets_dir=...)."""
    pod = pod_template(res)
    if pod is None or (pod[0].get("annotations") or {}).get(SECRETS_DIR_ANNOTATION) == "read":
        return
    spec = pod[1]
    mounted = {
        m.get("name")
        for c in containers(spec)
        for m in c.get("volumeMounts") or []
        if m.get("mountPath") == SECRETS_DIR
    }
    for v in spec.get("volumes") or []:
        if v.get("name") not in mounted or "secret" not in v:
            continue
        keys = [str(i.get("key")) for i in v["secret"].get("items") or []]
        fluxlit = sorted({k for k in keys if k.upper().startswith("FLUXLIT_")})
        if fluxlit:
            yield (
                f"{', '.join(fluxlit)} reach the pod as files in {SECRETS_DIR}, which stock FluxLit does not read: "
                f'build FluxlitSettings(_secrets_dir="{SECRETS_DIR}") in the app, then annotate the pod template '
                f"{SECRETS_DIR_ANNOTATION}: read (deployments.readsSecretsDir: true)"
            )
