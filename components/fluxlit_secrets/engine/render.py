"""Render a recording: resources.json, manifests.yaml and report.md, with every secret redacted."""

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml
from pulumi.output import Unknown

from fluxlit_secrets.clouds.csi import KIND as CSI_KIND
from fluxlit_secrets.clouds.csi import represent_str
from fluxlit_secrets.engine import sdk
from fluxlit_secrets.engine.check import resources_of
from fluxlit_secrets.engine.mocks import is_secret
from fluxlit_secrets.engine.placement import provider_of
from fluxlit_secrets.engine.run import Recording
from fluxlit_secrets.model.labels import KEYS_ANNOTATION, STORE_ANNOTATION, WORKLOAD_LABEL
from fluxlit_secrets.model.labels import RESTART_ANNOTATION as VERSIONS_ANNOTATION
from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.graph import Graph

REDACTED = "[secret]"
#: How a value shows that only the provider will know (a preview's computed outputs).
UNKNOWN_SHOWN = "[unknown]"

#: Apply order of kinds, as kubectl and Helm sort them.
KIND_ORDER = [
    "Namespace",
    "NetworkPolicy",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "Role",
    "RoleBinding",
    "Service",
    "Deployment",
    "StatefulSet",
    "Job",
    "CronJob",
]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def is_unknown(value: Any) -> bool:
    """True for a value unknown until the provider answers (the SDK's Unknown, or the wire sentinel)."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == sdk.UNKNOWN)


def redact(value: Any, *, keep_keys: bool = False) -> Any:
    """Replace every secret-marked value by "[secret]" (with `keep_keys`, a secret map keeps its keys)
    and every unknown value by "[unknown]"."""
    if is_unknown(value):
        return UNKNOWN_SHOWN
    if is_secret(value):
        inner = value.get("value")
        return {k: REDACTED for k in inner} if keep_keys and isinstance(inner, dict) else REDACTED
    if isinstance(value, dict):
        return {k: redact(v, keep_keys=keep_keys) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, keep_keys=keep_keys) for v in value]
    if isinstance(value, float):
        return _number(value)
    return value


#: What a provider's inputs may show: which cluster and namespace it targets. Anything else (a
#: kubeconfig, a token, a key) may be a credential, and shows as "[secret]".
PROVIDER_SETTINGS = ("cluster", "context", "namespace")


def provider_settings(inputs: dict[str, Any]) -> dict[str, Any]:
    """A provider's inputs with every value but its target (`PROVIDER_SETTINGS`) masked."""
    return {k: redact(v) if k in PROVIDER_SETTINGS else REDACTED for k, v in sorted(inputs.items())}


def resources_json(rec: Recording) -> list[dict[str, Any]]:
    """Every registration: urn, type, name, parent, custom, inputs (redacted), options, provider."""
    return [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "parent": r.parent or None,
            "custom": r.custom,
            "inputs": provider_settings(r.inputs) if r.type.startswith("pulumi:providers:") else redact(r.inputs),
            "options": r.options,
            # The provider a resource is created with (package and name; never its credentials).
            "provider": provider_of(r.type, r.options.get("provider"), custom=r.custom),
            # The provider's id: a changed id with unchanged visible inputs is a secret-only change.
            "id": r.id,
        }
        for r in sorted(rec.registrations, key=lambda r: r.urn)  # one order, whatever order they registered in
    ]


def outputs_json(rec: Recording) -> dict[str, Any]:
    """The stack outputs as `pulumi stack output --json` prints them: secrets as "[secret]"."""
    return {name: redact(value) for name, value in sorted(rec.outputs.items())}


def manifests(rec: Recording) -> list[dict[str, Any]]:
    """Every Kubernetes object as it would be applied, Secret data redacted key by key."""
    objects = []
    for r in rec.registrations:
        if not (r.custom and r.type.startswith("kubernetes:")) or r.type.startswith("kubernetes:helm"):
            continue
        obj = redact(r.inputs, keep_keys=True)
        if not isinstance(obj, dict) or "kind" not in obj:
            continue
        meta = dict(_map(obj.get("metadata")))
        out_meta = redact(r.outputs.get("metadata") or {}, keep_keys=True)
        if not meta.get("name") and isinstance(out_meta, dict) and out_meta.get("name"):
            meta["name"] = out_meta["name"]  # auto-named: the provider's generated name
        obj["metadata"] = meta
        ordered = {k: obj[k] for k in ("apiVersion", "kind", "metadata") if k in obj}
        ordered.update({k: v for k, v in obj.items() if k not in ordered})
        objects.append(ordered)
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(
        objects,
        key=lambda o: (
            rank.get(o["kind"], len(rank)),
            o["kind"],
            str(o["metadata"].get("namespace")),
            str(o["metadata"].get("name")),
        ),
    )


#: libyaml's emitter when built (fast on large stacks); multi-line strings as literal blocks.
_Dumper: Any = type("_Dumper", (getattr(yaml, "CSafeDumper", yaml.SafeDumper),), {})
_Dumper.add_representer(str, represent_str)


def dump_yaml(documents: list[dict[str, Any]]) -> str:
    """Multi-document YAML, keys in apply order; SecretProviderClass parameters read as written."""
    return str(yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, width=4096, default_flow_style=False))


@dataclass(frozen=True, kw_only=True)
class Flow:
    """One delivered key: store secret -> Kubernetes Secret or SecretProviderClass -> workload, as file or env."""

    #: The app (component name) and cluster of the reading pod.
    app: str
    cluster: str
    secret: str
    store: str
    k8s_secret: str
    workload: str
    mode: str
    name: str


def _split_pairs(text: str | None) -> dict[str, str]:
    pairs = {}
    for part in (text or "").split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            pairs[k] = v
    return pairs


def _map(value: Any) -> dict[str, Any]:
    """A mapping, or {} where a preview shows "[unknown]"."""
    return value if isinstance(value, dict) else {}


def _pod(obj: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    template = _map(_map(obj.get("spec")).get("template"))
    return _map(template.get("metadata")), _map(template.get("spec"))


def _workload_of(obj: dict[str, Any]) -> str:
    labels = _map(_pod(obj)[0].get("labels"))
    return str(labels.get(WORKLOAD_LABEL) or _map(obj.get("metadata")).get("name", "?"))


#: How a pod reads a Secret key (policy.graph's `how`), as the report says it.
READ_AS = {"volume": "file", "projected": "file", "csi": "file", "env": "env", "envFrom": "envFrom", "rbac": "API"}


def flows(resources: list[Res]) -> list[Flow]:
    """Every Secret key each pod can read, from the graph `check` reasons over (policy.graph): any
    pod-bearing kind, secret and projected volumes, CSI volumes, env, envFrom and RBAC, followed
    back to the store secret its Kubernetes Secret or SecretProviderClass says it holds."""
    graph = Graph.of(resources)
    found: set[Flow] = set()
    for pod in graph.pods():
        workload = pod.workload() or pod.res.name
        for read in pod.reads():
            kind, _, name = read.secret.rpartition("/")
            source = (graph.provider_classes if kind else graph.secrets).get((read.namespace, name))
            annotations = source.meta.get("annotations") or {} if source is not None else {}
            secret = _split_pairs(annotations.get(KEYS_ANNOTATION)).get(read.key, read.key)
            store = str(annotations.get(STORE_ANNOTATION, "-"))
            shown = f"{CSI_KIND}/{name}" if kind else name
            found.add(
                Flow(
                    app=pod.res.app,
                    cluster=pod.res.cluster,
                    secret=secret,
                    store=store,
                    k8s_secret=shown,
                    workload=workload,
                    mode=READ_AS[read.how],
                    name=read.where or read.key,
                )
            )
    return sorted(found, key=lambda f: (f.app, f.cluster, f.secret, f.workload, f.mode, f.name))


@dataclass(frozen=True, kw_only=True, order=True)
class Trigger:
    """One Deployment's restart trigger (its pod template's versions annotation)."""

    app: str
    cluster: str
    workload: str
    deployment: str
    trigger: str


def _known(value: Any) -> str:
    """A value as the report shows it: `[unknown]` where a preview does not know it yet."""
    return UNKNOWN_SHOWN if is_unknown(value) else str(value or "")


def triggers(resources: list[Res]) -> list[Trigger]:
    """Restart trigger of every Deployment, by app, cluster and workload."""
    out = []
    for r in resources:
        if r.kind == "Deployment":
            meta = _pod(dict(r.props))[0]
            ann = meta.get("annotations")
            template = _map(r.props.get("spec")).get("template")
            if any(v == UNKNOWN_SHOWN or is_unknown(v) for v in (template, ann)):
                shown = UNKNOWN_SHOWN  # a preview: computed from values the providers make
            else:
                shown = str(_map(ann).get(VERSIONS_ANNOTATION, "(none)"))
            name = f"{_known(r.meta.get('namespace')) or 'default'}/{_known(r.meta.get('name')) or r.name}"
            workload = str(_map(meta.get("labels")).get(WORKLOAD_LABEL) or r.meta.get("name") or r.name)
            out.append(Trigger(app=r.app, cluster=r.cluster, workload=workload, deployment=name, trigger=str(shown)))
    return sorted(out)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _node(prefix: str, name: str) -> str:
    return prefix + "_" + "".join(ch if ch.isalnum() else "_" for ch in name)


def mermaid(fl: list[Flow]) -> str:
    """A flowchart secret -> Kubernetes Secret -> workload, edges labelled with file/env names (one app's flows)."""
    lines = ["flowchart LR"]
    declared = set()
    for f in fl:
        for node, label in (
            (_node("s", f.secret), f"{f.secret}<br/>({f.store})"),
            (_node("k", f.cluster + "/" + f.k8s_secret), f"Secret {f.k8s_secret}"),
            (
                _node("w", f.cluster + "/" + f.workload),
                f"{f.workload} pod" + (f" @{f.cluster}" if _several(fl) else ""),
            ),
        ):
            if node not in declared:
                declared.add(node)
                lines.append(f'  {node}["{label}"]')
    edges = []
    for f in fl:
        k, w = _node("k", f.cluster + "/" + f.k8s_secret), _node("w", f.cluster + "/" + f.workload)
        a = f"  {_node('s', f.secret)} --> {k}"
        if a not in edges:
            edges.append(a)
        edges.append(f'  {k} -- "{f.mode} {f.name}" --> {w}')
    return "\n".join(lines + edges)


def _several(fl: list[Flow]) -> bool:
    return len({f.cluster for f in fl}) > 1


def _by_app(fl: list[Flow]) -> dict[str, list[Flow]]:
    apps: dict[str, list[Flow]] = {}
    for f in fl:
        apps.setdefault(f.app or "(no app)", []).append(f)
    return apps


def counts(rec: Recording) -> Counter[str]:
    """Registered resources by type token."""
    return Counter(r.type for r in rec.registrations)


def _flow_row(f: Flow) -> list[str]:
    return [f.secret, f.store, f.k8s_secret, f.workload, f.mode, f"`{f.name}`"]


def _receipts(fl: list[Flow], trig: list[Trigger], *, several: bool, preview: bool) -> str:
    """Who receives what: app (and cluster), secret, store, object, workload, how, where."""
    rows = [[f.app or "-", *([f.cluster] if several else []), *_flow_row(f)] for f in fl]
    header = ["app", *(["cluster"] if several else []), "secret", "store", "Kubernetes object", "workload", "as"]
    return _md_table([*header, "name / path"], rows) if rows else _nothing_received(trig, preview=preview)


def _trigger_table(trig: list[Trigger], *, several: bool) -> str:
    if not trig:
        return "No Deployment."
    header = ["app", *(["cluster"] if several else []), "workload", "Deployment", "trigger (secret=version)"]
    rows = [[t.app or "-", *([t.cluster] if several else []), t.workload, t.deployment, f"`{t.trigger}`"] for t in trig]
    return _md_table(header, rows)


def report_md(rec: Recording, objects: list[dict[str, Any]]) -> str:
    """The human report: which pod of which app receives which secret and how, on which cluster,
    and what restarts it; a flow diagram per app; the Kubernetes objects by cluster."""
    resources = resources_of(rec)
    fl, trig = flows(resources), triggers(resources)
    clusters = sorted({r.cluster for r in resources if r.cluster})
    several = len(clusters) > 1
    preview = " Run as `pulumi preview` of a new stack: values the providers compute show as `[unknown]`."
    parts = [
        f"# Synth report: stack `{rec.stack}` of project `{rec.project.name}`",
        "",
        "Evaluated offline through mocks: no secret value was decrypted, generated or printed."
        + (preview if rec.preview else ""),
        "",
        "## Which pod receives which secret",
        "",
        _receipts(fl, trig, several=several, preview=rec.preview),
        "",
        "## Restart triggers",
        "",
        "A workload rolls when, and only when, its trigger changes.",
        "",
        _trigger_table(trig, several=several),
        "",
        "## Flow",
        "",
    ]
    for app, app_flows in _by_app(fl).items():
        parts += [f"### {app}", "", "```mermaid", mermaid(app_flows), "```", ""]
    parts += [] if fl else ["No flow.", ""]
    if clusters:
        parts += [
            "## Objects by cluster",
            "",
            _md_table(["cluster", "kind", "count"], _objects_by_cluster(resources)),
            "",
        ]
    counted = [[t, str(n)] for t, n in sorted(counts(rec).items())]
    return "\n".join([*parts, "## Resources", "", _md_table(["type", "count"], counted), ""])


def _nothing_received(trig: list[Trigger], *, preview: bool) -> str:
    unknown = [t.deployment for t in trig if t.trigger == UNKNOWN_SHOWN]
    if preview and unknown:
        return (
            "Not known in a preview: the pod templates of " + ", ".join(unknown) + " are computed from values the "
            "providers make (`[unknown]`); run `fluxlit-secrets synth` without `--preview` to see who reads what."
        )
    return "No workload receives a secret."


def _objects_by_cluster(resources: list[Res]) -> list[list[str]]:
    found = Counter((r.cluster, r.kind) for r in resources if r.cluster and r.kind)
    return [[cluster, kind, str(n)] for (cluster, kind), n in sorted(found.items())]


def summary(rec: Recording, objects: list[dict[str, Any]]) -> str:
    """Short stdout summary: counts by type and the app, secret -> workload table."""
    c = counts(rec)
    lines = [f"stack {rec.stack}: {sum(c.values())} resources"]
    lines += [f"  {n:>3}  {t}" for t, n in sorted(c.items())]
    fl = flows(resources_of(rec))
    if fl:
        several = _several(fl)
        app_width = max(len(f.app or "-") for f in fl)
        width = max(len(f.secret) for f in fl)
        lines.append("app, secret -> workload:")
        for f in fl:
            workload = f.workload + (f"@{f.cluster}" if several else "")
            lines.append(f"  {f.app or '-':<{app_width}}  {f.secret:<{width}}  -> {workload:<10} {f.mode:<4} {f.name}")
    return "\n".join(lines)


def write_json(data: Any) -> str:
    """Stable, readable JSON."""
    return json.dumps(data, indent=2, sort_keys=False) + "\n"
