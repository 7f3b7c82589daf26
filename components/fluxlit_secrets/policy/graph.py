"""Who can read what, from the resource graph (pure): for each pod, every Secret key it can read
(secret and projected volumes, env refs, envFrom, CSI volumes, and RBAC on secrets reachable with
its ServiceAccount's token), and what the pod runs as. Pods are found by what they mount and run
as, never by their labels."""

import functools
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fluxlit_secrets.model.kinds import GATEWAY_ONLY_NAMES
from fluxlit_secrets.model.labels import MANAGED_BY, STORE_LABEL, WORKLOAD_LABEL, delivery_name_pattern
from fluxlit_secrets.model.resources import LIFECYCLE_TYPE, Res, containers, dig, mapping, pod_template
from fluxlit_secrets.policy.identities import Identity, identities, identity_of
from fluxlit_secrets.policy.provider_class import provider_objects
from fluxlit_secrets.policy.rbac import grants, secret_paths
from fluxlit_secrets.policy.shared import per_stack

EVERY_KEY = "*"
_GATEWAY = {n.casefold() for n in GATEWAY_ONLY_NAMES}


def admission_on(resources: list[Res]) -> dict[str, tuple[str, str]]:
    """Apps (by name) whose SecretLifecycle records its admission policy on: (namespace, records
    namespace or '')."""
    found = {}
    for r in resources:
        record = mapping(r.props.get("admission")) if r.type == LIFECYCLE_TYPE else {}
        if record.get("enabled") is True and record.get("app"):
            found[str(record["app"])] = (str(record.get("namespace") or ""), str(record.get("recordsNamespace") or ""))
    return found


@dataclass(frozen=True, kw_only=True)
class Read:
    """One Secret key a pod can read, and how (`volume`, `projected`, `env`, `envFrom`, `csi`, `rbac`).

    `where` is the file it appears as (mount path and item path) or the env var's name; "" for a
    volume no container mounts and for RBAC.
    """

    namespace: str
    secret: str
    key: str  # EVERY_KEY: the whole Secret
    how: str
    where: str = ""


@dataclass(kw_only=True)
class Graph:
    """The Kubernetes objects of a stack, indexed the way the API server and kubelet find them."""

    resources: list[Res]
    secrets: dict[tuple[str, str], Res] = field(default_factory=dict)
    service_accounts: dict[tuple[str, str], Res] = field(default_factory=dict)
    provider_classes: dict[tuple[str, str], Res] = field(default_factory=dict)
    #: The workload identities the components created, by (namespace, ServiceAccount).
    identities: dict[tuple[str, str], list[Identity]] = field(default_factory=dict)
    #: Apps whose admission policy is on: (namespace, records namespace or '').
    admission_on: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, resources: list[Res]) -> "Graph":
        """Index Secrets, ServiceAccounts and SecretProviderClasses by (namespace, name); built once
        for one list of resources, shared by every rule that asks."""
        return _graph_of(resources)

    @classmethod
    def build(cls, resources: list[Res]) -> "Graph":
        """A new index of these resources (`of` shares one per stack)."""
        graph = cls(resources=resources, identities=identities(resources), admission_on=admission_on(resources))
        for r in resources:
            key = (str(r.meta.get("namespace") or ""), str(r.meta.get("name") or ""))
            if r.kind == "Secret":
                graph.secrets[key] = r
            elif r.kind == "ServiceAccount":
                graph.service_accounts[key] = r
            elif r.type == "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass" or (
                r.kind == "CustomResource" and r.props.get("kind") == "SecretProviderClass"
            ):
                graph.provider_classes[key] = r
        return graph

    @functools.cached_property
    def mounted(self) -> frozenset[tuple[str, str]]:
        """(namespace, Secret) of every Secret a pod of the stack mounts or reads into its env (built
        once: every pod's RBAC reads ask it)."""
        return frozenset((p.namespace, r.secret) for p in self.pods() for r in p._volumes_and_env())

    def admitted_only(self, namespace: str, secret: str) -> bool:
        """True when an app's admission policy (on) refuses every pod but its workload's own that
        references this Secret: a workload's delivery Secret in its namespace, or any Secret of its
        records namespace (where no pod runs)."""
        for identity in (i for found in self.identities.values() for i in found):
            home, records = self.admission_on.get(identity.app, ("", ""))
            if namespace == home == identity.namespace and re.fullmatch(
                delivery_name_pattern(identity.app, identity.workload), secret
            ):
                return True
            if records and namespace == records:
                return True
        return False

    def keys_of(self, namespace: str, secret: str) -> list[str]:
        """The data keys of a Secret in the stack (none known: the whole Secret)."""
        found = self.secrets.get((namespace, secret))
        if found is None:
            return [EVERY_KEY]
        keys = set(mapping(found.props.get("stringData"))) | set(mapping(found.props.get("data")))
        return sorted(keys) or [EVERY_KEY]

    def pods(self) -> Iterator["Pod"]:
        """Every pod template in the stack (any workload kind, bare Pods, CronJobs)."""
        return iter(self._pods)

    @functools.cached_property
    def _pods(self) -> list["Pod"]:
        found = []
        for r in self.resources:
            tpl = pod_template(r)
            if tpl is not None:
                found.append(Pod(graph=self, res=r, meta=tpl[0], spec=tpl[1]))
        return found


@dataclass(kw_only=True)
class Pod:
    """One pod template and what it can read."""

    graph: Graph
    res: Res
    meta: Mapping[str, Any]
    spec: Mapping[str, Any]

    @property
    def namespace(self) -> str:
        """The namespace the pod runs in."""
        return str(self.res.meta.get("namespace") or "")

    @property
    def service_account(self) -> str:
        """The ServiceAccount the pod runs as (`default` when it names none)."""
        return str(self.spec.get("serviceAccountName") or self.spec.get("serviceAccount") or "default")

    def runs_streamlit(self) -> bool:
        """True when a container visibly starts Streamlit (`streamlit`, or `fluxlit run`/`dev`, which
        start a Streamlit child). An image's entrypoint is not visible: the identity decides."""
        for c in containers(self.spec):
            words = [str(x).lower() for x in [*(c.get("command") or []), *(c.get("args") or []), c.get("image", "")]]
            text = " ".join(words)
            if "streamlit" in text or any(
                w.rsplit("/", 1)[-1] == "fluxlit" and n in ("run", "dev") for w, n in itertools.pairwise(words)
            ):
                return True
        return False

    def identity(self) -> Identity | None:
        """The workload identity the pod runs as: a ServiceAccount a WorkloadIdentity created (by its
        record and its child's URN), or None. Labels and commands play no part."""
        return identity_of(self.graph.identities, (self.namespace, self.service_account), self.res.cluster)

    def workload(self) -> str:
        """The workload (gateway, streamlit, app) of the identity the pod runs as, or ""."""
        found = self.identity()
        return found.workload if found else ""

    def is_gateway(self) -> bool:
        """Runs as the gateway's ServiceAccount and visibly starts no Streamlit."""
        return self.workload() == "gateway" and not self.runs_streamlit()

    def has_token(self) -> bool:
        """True when a container can present its ServiceAccount's API token."""
        sa = self.graph.service_accounts.get((self.namespace, self.service_account))
        automount = self.spec.get("automountServiceAccountToken")
        if automount is None and sa is not None:
            automount = sa.props.get("automountServiceAccountToken")
        if automount is not False:
            return True
        for v in self.spec.get("volumes") or []:
            for source in dig(v, "projected", "sources") or []:
                if isinstance(source, Mapping) and "serviceAccountToken" in source:
                    return True
        return False

    def _volumes_and_env(self) -> Iterator[Read]:
        yield from self._volumes()
        yield from self._env()

    def reads(self) -> Iterator[Read]:
        """Every Secret key the pod can read, and how."""
        yield from self._volumes_and_env()
        if self.has_token():
            yield from rbac_reads(self.graph, self.namespace, self.service_account)

    def _mounts(self) -> dict[str, list[str]]:
        """Where each volume is mounted, over every container (a volume may be mounted twice)."""
        mounts: dict[str, list[str]] = {}
        for c in containers(self.spec):
            for m in c.get("volumeMounts") or []:
                if isinstance(m, Mapping):
                    mounts.setdefault(str(m.get("name")), []).append(str(m.get("mountPath") or "").rstrip("/"))
        return mounts

    def _volumes(self) -> Iterator[Read]:
        ns = self.namespace
        mounts = self._mounts()
        for v in self.spec.get("volumes") or []:
            if not isinstance(v, Mapping):
                continue
            at = mounts.get(str(v.get("name"))) or [""]
            if "secret" in v:
                yield from self._items(ns, v["secret"].get("secretName"), v["secret"].get("items"), how="volume", at=at)
            for source in dig(v, "projected", "sources") or []:
                src = source.get("secret") if isinstance(source, Mapping) else None
                if src:
                    yield from self._items(ns, src.get("name"), src.get("items"), how="projected", at=at)
            csi = v.get("csi")
            if isinstance(csi, Mapping):
                yield from self._csi(ns, csi, at)

    def _items(self, ns: str, secret: Any, items: Any, *, how: str, at: list[str]) -> Iterator[Read]:
        listed = [
            (str(i.get("key")), str(i.get("path") or i.get("key"))) for i in items or [] if isinstance(i, Mapping)
        ]
        for key, path in listed or [(k, k) for k in self.graph.keys_of(ns, str(secret))]:
            for mount in at:
                yield Read(namespace=ns, secret=str(secret), key=key, how=how, where=f"{mount}/{path}" if mount else "")

    def _csi(self, ns: str, csi: Mapping[str, Any], at: list[str]) -> Iterator[Read]:
        name = str(dig(csi, "volumeAttributes", "secretProviderClass") or "")
        spc = self.graph.provider_classes.get((ns, name))
        files = [o.file for o in provider_objects(spc)[0]] if spc else []
        for alias in files or [EVERY_KEY]:
            for mount in at:
                yield Read(
                    namespace=ns,
                    secret=f"SecretProviderClass/{name}",
                    key=alias,
                    how="csi",
                    where=f"{mount}/{alias}" if mount else "",
                )

    def _env(self) -> Iterator[Read]:
        ns = self.namespace
        for c in containers(self.spec):
            for e in c.get("env") or []:
                ref = dig(e, "valueFrom", "secretKeyRef")
                if isinstance(ref, Mapping):
                    yield Read(
                        namespace=ns,
                        secret=str(ref.get("name")),
                        key=str(ref.get("key")),
                        how="env",
                        where=str(e.get("name")),
                    )
            for ef in c.get("envFrom") or []:
                ref = ef.get("secretRef") if isinstance(ef, Mapping) else None
                if isinstance(ref, Mapping):
                    prefix = str(ef.get("prefix") or "")
                    for key in self.graph.keys_of(ns, str(ref.get("name"))):
                        yield Read(
                            namespace=ns, secret=str(ref.get("name")), key=key, how="envFrom", where=prefix + key
                        )


def rbac_reads(graph: Graph, namespace: str, service_account: str) -> Iterator[Read]:
    """Secrets a ServiceAccount may read, or get the power to read, through its RBAC (policy/rbac.py):
    `how` is `rbac` or the power (`rbac:workload`, ...). A path the app's admission policy refuses
    (a pod mounting another workload's delivery Secret, exec into it, a records pod) is none."""
    held = grants(graph.resources, namespace, service_account)
    if not held:
        return
    for ns, secret in graph.secrets:
        for how in sorted(set(secret_paths(held, ns, secret))):
            if how in ("rbac:workload", "rbac:token", "rbac:exec") and graph.admitted_only(ns, secret):
                continue
            if how in ("rbac:exec", "rbac:node") and (ns, secret) not in graph.mounted:
                continue
            for key in graph.keys_of(ns, secret):
                yield Read(namespace=ns, secret=secret, key=key, how=how)


def is_gateway_material(graph: Graph, read: Read) -> bool:
    """A key FluxLit reads as gateway-only material (in any case), or any key of the gateway's own
    delivery Secret or of a Secret of record."""
    if (
        read.key.removesuffix("_PREVIOUS").casefold() in _GATEWAY
        or read.key.casefold().removesuffix("_previous") in _GATEWAY
    ):
        return True
    secret = graph.secrets.get((read.namespace, read.secret))
    if secret is None:
        return False
    labels = secret.meta.get("labels") or {}
    return STORE_LABEL in labels or (
        labels.get(WORKLOAD_LABEL) == "gateway" and all(labels.get(k) == v for k, v in MANAGED_BY.items())
    )


def is_record(graph: Graph, read: Read) -> bool:
    """True for a key of a Secret of record (the kubernetes store's; no pod may mount one)."""
    secret = graph.secrets.get((read.namespace, read.secret))
    return secret is not None and STORE_LABEL in (secret.meta.get("labels") or {})


_graph_of = per_stack(Graph.build)
