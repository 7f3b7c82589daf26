"""Rules on Secrets Store CSI delivery (pure): SecretProviderClasses that pin every object and sync
nothing into a Secret, CSI volumes mounted read-only, and every object readable by exactly the
identity of the pod that mounts it, in a mode its non-root user can read (the driver ignores fsGroup)."""

from collections.abc import Iterator, Mapping
from typing import Any

from fluxlit_secrets.clouds.catalog import csi_provider, policies
from fluxlit_secrets.clouds.policy import CsiObject
from fluxlit_secrets.model.resources import Res, dig, mounts_read_only, pod_template, runs_non_root
from fluxlit_secrets.policy.cloud_reads import cloud_reads
from fluxlit_secrets.policy.graph import Graph, Pod
from fluxlit_secrets.policy.provider_class import provider_objects


def _drivers() -> frozenset[str]:
    return frozenset(d for p in policies() if p.csi is not None for d in p.csi.drivers)


def _pin_problem(o: CsiObject) -> str | None:
    csi = csi_provider(o.provider)
    return csi.pin_problem(o) if csi is not None else None


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
        if not isinstance(csi, Mapping) or csi.get("driver") not in _drivers():
            continue
        names.add(v.get("name"))
        if csi.get("readOnly") is not True:
            yield f"CSI volume {v.get('name')!r} is not readOnly"
    yield from mounts_read_only(spec, names, "CSI volume")


def _reader(pod: Pod, provider: str, params: Mapping[str, Any], *, resources: list[Res]) -> tuple[str | None, str]:
    """The principal the provider reads as for this pod (None: any identity bound to its ServiceAccount)."""
    sa = pod.graph.service_accounts.get((pod.namespace, pod.service_account))
    annotations = (sa.meta.get("annotations") or {}) if sa else {}
    csi = csi_provider(provider)
    return csi.reader(annotations, params, resources) if csi is not None else ("", f"provider {provider!r}")


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
        principal, who = _reader(pod, provider, params, resources=resources)
        ksa = (pod.namespace, pod.service_account)
        where = f"mounted by {pod.res.name} (ServiceAccount {ksa[0]}/{ksa[1]})"
        for o in objects:
            csi = csi_provider(provider)
            secret = csi.secret_of(o, params, resources) if csi is not None else None
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
