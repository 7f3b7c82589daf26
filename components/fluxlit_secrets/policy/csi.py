"""Rules on Secrets Store CSI delivery (pure): SecretProviderClasses that pin every object and sync
nothing into a Secret, CSI volumes mounted read-only, and every object readable by exactly the
identity of the pod that mounts it, in a mode its non-root user can read (the driver ignores fsGroup)."""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from fluxlit_secrets.policy.cloud_reads import cloud_reads
from fluxlit_secrets.policy.graph import Graph, Pod
from fluxlit_secrets.policy.model import Res, dig, pod_template
from fluxlit_secrets.policy.pods import mounts_read_only, runs_non_root
from fluxlit_secrets.policy.provider_class import CsiObject, provider_objects

CSI_DRIVERS = ("secrets-store.csi.k8s.io", "secrets-store-gke.csi.k8s.io")
GCP_VERSION = re.compile(r"projects/([^/]+)/secrets/([^/]+)/versions/([1-9][0-9]*)")
AWS_VERSION_ID = re.compile(r"[0-9A-Za-z-]{32,64}")
AZURE_VERSION = re.compile(r"[0-9a-fA-F]{32}")
IRSA_ROLE = "eks.amazonaws.com/role-arn"
GKE_SERVICE_ACCOUNT = "iam.gke.io/gcp-service-account"
AZURE_CLIENT_ID = "azure.workload.identity/client-id"


def _pin_problem(o: CsiObject) -> str | None:
    if o.provider in ("gcp", "gke"):
        return None if GCP_VERSION.fullmatch(o.name) else "resourceName must name one version (…/versions/<n>)"
    if o.label:
        return f"objectVersionLabel {o.label!r} moves with every rotation; pin objectVersion"
    pattern = AWS_VERSION_ID if o.provider == "aws" else AZURE_VERSION
    if not pattern.fullmatch(o.version):
        return "objectVersion must be the version's full id (empty means the latest)"
    return None


def provider_classes_pinned(res: Res) -> Iterator[str]:
    """Every object pinned to a full version id, and nothing synced into a Kubernetes Secret."""
    if res.kind != "SecretProviderClass":
        return
    if (res.props.get("spec") or {}).get("secretObjects"):
        yield "secretObjects syncs the values into a Kubernetes Secret (back into etcd): remove it"
    objects, problems = provider_objects(res)
    yield from problems
    for o in objects:
        problem = _pin_problem(o)
        if problem:
            yield f"object {o.file or o.name!r}: {problem}"


def csi_volumes_read_only(res: Res) -> Iterator[str]:
    """Secrets Store CSI volumes are read-only and mounted whole (no subPath)."""
    pod = pod_template(res)
    if pod is None:
        return
    spec = pod[1]
    names = set()
    for v in spec.get("volumes") or []:
        csi = v.get("csi") if isinstance(v, Mapping) else None
        if not isinstance(csi, Mapping) or csi.get("driver") not in CSI_DRIVERS:
            continue
        names.add(v.get("name"))
        if csi.get("readOnly") is not True:
            yield f"CSI volume {v.get('name')!r} is not readOnly"
    yield from mounts_read_only(spec, names, "CSI volume")


def _secret_of(o: CsiObject, vault: str, resources: list[Res]) -> Res | None:
    """The cloud secret of the stack an object names, compared the way its cloud does."""
    for r in resources:
        p = r.props
        if o.provider == "aws" and r.type == "aws:secretsmanager/secret:Secret":
            if o.name in (p.get("arn"), p.get("name")):
                return r
        elif o.provider in ("gcp", "gke") and r.type == "gcp:secretmanager/secret:Secret":
            m = GCP_VERSION.fullmatch(o.name)
            if m and m.group(2) == p.get("secretId"):
                return r
        elif (
            o.provider == "azure"
            and r.type == "azure-native:keyvault:Secret"
            and (o.name.lower(), vault.lower()) == (str(p.get("secretName")).lower(), str(p.get("vaultName")).lower())
        ):
            return r
    return None


def _reader(pod: Pod, provider: str, params: Mapping[str, Any], resources: list[Res]) -> tuple[str | None, str]:
    """The principal the provider reads as for this pod (None: any identity bound to its ServiceAccount)."""
    sa = pod.graph.service_accounts.get((pod.namespace, pod.service_account))
    annotations = (sa.meta.get("annotations") or {}) if sa else {}
    if provider == "aws":
        if str(params.get("usePodIdentity")).lower() == "true":
            return None, "its EKS Pod Identity role"
        role = str(annotations.get(IRSA_ROLE) or "")
        return role.rsplit("/", 1)[-1], f"role {role or '(no eks.amazonaws.com/role-arn annotation)'}"
    if provider in ("gcp", "gke"):
        email = annotations.get(GKE_SERVICE_ACCOUNT)
        return (f"serviceAccount:{email}", str(email)) if email else (None, "its own principal")
    client = str(params.get("clientID") or "")
    if str(annotations.get(AZURE_CLIENT_ID) or "").lower() != client.lower():
        return "", f"clientID {client!r}, which is not its ServiceAccount's {AZURE_CLIENT_ID}"
    for r in resources:
        if r.type == "azure-native:managedidentity:UserAssignedIdentity" and str(r.props.get("clientId")) == client:
            return str(r.props.get("principalId") or "").lower(), f"identity {client}"
    return "", f"clientID {client!r}, which no identity of the stack has"


def _mounted(graph: Graph) -> Iterator[tuple[Pod, Res]]:
    for pod in graph.pods():
        for v in pod.spec.get("volumes") or []:
            name = dig(v, "csi", "volumeAttributes", "secretProviderClass")
            spc = graph.provider_classes.get((pod.namespace, str(name))) if name else None
            if spc is not None:
                yield pod, spc


def provider_classes_read_by_their_identity(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """Each object of a mounted SecretProviderClass is a secret of the stack that the mounting pod's
    own identity may read, in a file mode its non-root user can read."""
    graph = Graph.of(resources)
    reads = list(cloud_reads(resources))
    for pod, spc in _mounted(graph):
        spec = spc.props.get("spec") or {}
        given = spec.get("parameters")
        params: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
        provider = str(spec.get("provider") or "")
        objects, _ = provider_objects(spc)
        principal, who = _reader(pod, provider, params, resources)
        ksa = (pod.namespace, pod.service_account)
        where = f"mounted by {pod.res.name} (ServiceAccount {ksa[0]}/{ksa[1]})"
        for o in objects:
            secret = _secret_of(o, str(params.get("keyvaultName") or ""), resources)
            if secret is None:
                yield spc, f"object {o.file!r} names {o.name!r}, which no secret of this stack holds"
                continue
            if not any(r.ksa == ksa and r.secret.urn == secret.urn and principal in (None, r.principal) for r in reads):
                yield spc, f"object {o.file!r}: {where}, reads as {who}, which may not read {secret.name!r}"
            if o.mode is not None and not o.mode & 0o004 and runs_non_root(pod.spec):
                yield (
                    spc,
                    (
                        f"object {o.file!r} has mode {o.mode:04o}: the driver ignores fsGroup, root owns the files, "
                        f"so the non-root pod {pod.res.name} cannot read it; use 0444"
                    ),
                )
