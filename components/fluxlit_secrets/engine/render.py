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


def resources_json(rec: Recording) -> list[dict[str, Any]]:
    """Every registration: urn, type, name, parent, custom, inputs (redacted), options."""
    return [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "parent": r.parent or None,
            "custom": r.custom,
            "inputs": redact(r.inputs),
            "options": r.options,
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
                    secret=secret,
                    store=store,
                    k8s_secret=shown,
                    workload=workload,
                    mode=READ_AS[read.how],
                    name=read.where or read.key,
                )
            )
    return sorted(found, key=lambda f: (f.secret, f.workload, f.mode, f.name))


def triggers(objects: list[dict[str, Any]]) -> dict[str, str]:
    """Restart trigger (pod-template versions annotation) per workload."""
    out = {}
    for o in objects:
        if o["kind"] == "Deployment":
            ann = _pod(o)[0].get("annotations")
            out[_workload_of(o)] = ann if ann == UNKNOWN_SHOWN else str(_map(ann).get(VERSIONS_ANNOTATION, "(none)"))
    return dict(sorted(out.items()))


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _node(prefix: str, name: str) -> str:
    return prefix + "_" + "".join(ch if ch.isalnum() else "_" for ch in name)


def mermaid(fl: list[Flow]) -> str:
    """A flowchart secret -> Kubernetes Secret -> workload, edges labelled with file/env names."""
    lines = ["flowchart LR"]
    declared = set()
    for f in fl:
        for node, label in (
            (_node("s", f.secret), f"{f.secret}<br/>({f.store})"),
            (_node("k", f.k8s_secret), f"Secret {f.k8s_secret}"),
            (_node("w", f.workload), f"{f.workload} pod"),
        ):
            if node not in declared:
                declared.add(node)
                lines.append(f'  {node}["{label}"]')
    edges = []
    for f in fl:
        a = f"  {_node('s', f.secret)} --> {_node('k', f.k8s_secret)}"
        if a not in edges:
            edges.append(a)
        edges.append(f'  {_node("k", f.k8s_secret)} -- "{f.mode} {f.name}" --> {_node("w", f.workload)}')
    return "\n".join(lines + edges)


def counts(rec: Recording) -> Counter[str]:
    """Registered resources by type token."""
    return Counter(r.type for r in rec.registrations)


def report_md(rec: Recording, objects: list[dict[str, Any]]) -> str:
    """The human report: which pod receives which secret and how, and what restarts it."""
    fl = flows(resources_of(rec))
    rows = [[f.secret, f.store, f.k8s_secret, f.workload, f.mode, f"`{f.name}`"] for f in fl]
    trig = triggers(objects)
    parts = [
        f"# Synth report: stack `{rec.stack}` of project `{rec.project.name}`",
        "",
        "Evaluated offline through mocks: no secret value was decrypted, generated or printed."
        + (
            " Run as `pulumi preview` of a new stack: values the providers compute show as `[unknown]`."
            if rec.preview
            else ""
        ),
        "",
        "## Which pod receives which secret",
        "",
        _md_table(["secret", "store", "Kubernetes object", "workload", "as", "name / path"], rows)
        if rows
        else "No workload receives a secret.",
        "",
        "## Restart triggers",
        "",
        "A workload rolls when, and only when, its trigger changes.",
        "",
        _md_table(["workload", "trigger (secret=version)"], [[w, f"`{t}`"] for w, t in trig.items()])
        if trig
        else "No Deployment.",
        "",
        "## Flow",
        "",
        "```mermaid",
        mermaid(fl),
        "```",
        "",
        "## Resources",
        "",
        _md_table(["type", "count"], [[t, str(n)] for t, n in sorted(counts(rec).items())]),
        "",
    ]
    return "\n".join(parts)


def summary(rec: Recording, objects: list[dict[str, Any]]) -> str:
    """Short stdout summary: counts by type and the secret -> workload table."""
    c = counts(rec)
    lines = [f"stack {rec.stack}: {sum(c.values())} resources"]
    lines += [f"  {n:>3}  {t}" for t, n in sorted(c.items())]
    fl = flows(resources_of(rec))
    if fl:
        width = max(len(f.secret) for f in fl)
        lines.append("secrets -> workloads:")
        lines += [f"  {f.secret:<{width}}  -> {f.workload:<10} {f.mode:<4} {f.name}" for f in fl]
    return "\n".join(lines)


def write_json(data: Any) -> str:
    """Stable, readable JSON."""
    return json.dumps(data, indent=2, sort_keys=False) + "\n"
