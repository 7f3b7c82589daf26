"""The restart plan: what a change does, from two synth outputs (pure functions over resources.json).

A workload restarts when its Deployment's pod template changes, and only then. Resources are
created, replaced, updated or deleted as the engine would do it: a change to a property that the
provider cannot update in place (a name, an immutable Secret's data, a version's payload) is a
replacement.
"""

from dataclasses import dataclass, field
from typing import Any

from fluxlit_secrets.engine.clouds import FORCE_NEW
from fluxlit_secrets.engine.monitor import engine_urn
from fluxlit_secrets.model.labels import RESTART_ANNOTATION, WORKLOAD_LABEL

ACTIONS = ("create", "replace", "update", "delete")


@dataclass(frozen=True)
class Change:
    """One resource and what happens to it."""

    action: str
    type: str
    name: str
    urn: str


@dataclass
class Plan:
    """Which workloads restart and stay, and every resource change."""

    restart: list[tuple[str, str, str]] = field(default_factory=list)  # (workload, trigger before, after)
    stay: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    #: Lines a reviewer must read besides the changes (a disposable stack).
    notes: list[str] = field(default_factory=list)
    #: Kubernetes `namespace/name` of each workload's Deployment (for `kubectl rollout status`).
    names: dict[str, str] = field(default_factory=dict)

    def shown(self, workload: str) -> str:
        """`namespace/name [workload]`, or the workload when its Deployment has no known name."""
        name = self.names.get(workload)
        return f"{name} [{workload}]" if name else workload

    def of(self, action: str) -> list[Change]:
        """The changes of one action."""
        return [c for c in self.changes if c.action == action]


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _action(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    a, b = before.get("inputs") or {}, after.get("inputs") or {}
    if a == b:
        # Same visible inputs: a changed id means a secret-only change, which replaces a version.
        return "replace" if before.get("custom") and before.get("id") != after.get("id") else None
    rules = FORCE_NEW.get(after["type"], ())
    if after["type"].startswith("kubernetes:"):
        rules = (*rules, "metadata.name", "metadata.namespace")
        if a.get("immutable") and (a.get("stringData"), a.get("data")) != (b.get("stringData"), b.get("data")):
            return "replace"
    if "*" in rules or any(_get(a, p) != _get(b, p) for p in rules):
        return "replace"
    return "update"


def _workload(resource: dict[str, Any]) -> str:
    inputs = resource.get("inputs") or {}
    labels = _get(inputs, "spec.template.metadata.labels") or {}
    return str(labels.get(WORKLOAD_LABEL) or _get(inputs, "metadata.name") or resource["name"])


def _trigger(resource: dict[str, Any] | None) -> str:
    annotations = _get((resource or {}).get("inputs") or {}, "spec.template.metadata.annotations") or {}
    return str(annotations.get(RESTART_ANNOTATION, ""))


def former_urns(resources: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per URN, the URNs its aliases name, as the engine reads them: a URN as given; a former name
    (and parent) under the current or a former parent, since a child follows its parent's aliases."""
    by_urn = {r["urn"]: r for r in resources}
    found: dict[str, list[str]] = {}

    def of(urn: str) -> list[str]:
        if urn in found or urn not in by_urn:
            return found.get(urn, [])
        found[urn] = []
        r, parts = by_urn[urn], urn.split("::")
        if not urn.startswith("urn:pulumi:") or len(parts) < 4:
            return []
        stack, project = parts[0].removeprefix("urn:pulumi:"), parts[1]
        parent = r.get("parent") or ""
        parents = [parent, *of(parent)] if parent else [""]
        names: list[str] = []
        for alias in (r.get("options") or {}).get("aliases") or []:
            if alias.startswith("urn:"):
                names.append(alias)
                continue
            name, _, moved = alias.partition(" parent:")
            names += [engine_urn(stack, project, p, r["type"], name) for p in ([moved] if moved else parents)]
        names += [engine_urn(stack, project, p, r["type"], r["name"]) for p in parents[1:]]
        found[urn] = names
        return names

    for r in resources:
        of(r["urn"])
    return found


def plan(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> Plan:
    """Compare two resources.json lists; a resource whose alias names an old one is that resource."""
    old = {r["urn"]: r for r in before}
    new = {r["urn"]: r for r in after}
    formers = former_urns(after)
    result = Plan()
    moved: set[str] = set()
    for urn, r in new.items():
        was = urn if urn in old else next((f for f in formers.get(urn, []) if f in old and f not in new), None)
        action = "create" if was is None else _action(old[was], r)
        if was is not None:
            moved.add(was)
        if action:
            result.changes.append(Change(action, r["type"], r["name"], urn))
    for urn, r in old.items():
        if urn not in new and urn not in moved:
            result.changes.append(Change("delete", r["type"], r["name"], urn))
    result.changes.sort(key=lambda c: (ACTIONS.index(c.action), c.type, c.name))
    for urn, r in sorted(new.items(), key=lambda i: _workload(i[1])):
        if r["type"] != "kubernetes:apps/v1:Deployment":
            continue
        previous = old.get(urn)
        meta = _get(r.get("inputs"), "metadata") or {}
        if meta.get("name"):
            result.names[_workload(r)] = f"{meta.get('namespace') or 'default'}/{meta['name']}"
        if previous is None or _get(previous.get("inputs"), "spec.template") != _get(r.get("inputs"), "spec.template"):
            result.restart.append((_workload(r), _trigger(previous), _trigger(r)))
        else:
            result.stay.append(_workload(r))
    return result


def format_plan(p: Plan, title: str) -> str:
    """The plan as a reviewer reads it."""
    lines = [title, *(f"  note: {n}" for n in p.notes)]
    if p.restart:
        lines.append("  restart:")
        for workload, was, now in p.restart:
            detail = f"  {was or '(new)'} -> {now}" if (was or now) and was != now else ""
            lines.append(f"    {p.shown(workload)}{detail}")
    else:
        lines.append("  restart: none")
    lines.append("  stay:    " + (", ".join(p.shown(w) for w in p.stay) if p.stay else "none"))
    for action in ACTIONS:
        changes = p.of(action)
        lines.append(f"  {action}: {len(changes)}")
        lines += [f"    {c.type}  {c.name}" for c in changes]
    return "\n".join(lines)
