"""The restart plan: what a change does, from two synth outputs (pure functions over resources.json).

A workload restarts when its Deployment's pod template changes, and only then. Resources are
created, replaced, updated or deleted as the engine would do it: a change to a property that the
provider cannot update in place (a name, an immutable Secret's data, a version's payload) is a
replacement.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from fluxlit_secrets.engine.monitor import engine_urn
from fluxlit_secrets.engine.placement import Placement, placements
from fluxlit_secrets.engine.render import REDACTED
from fluxlit_secrets.engine.replaces import replace_paths
from fluxlit_secrets.model.labels import RESTART_ANNOTATION, WORKLOAD_LABEL

ACTIONS = ("create", "replace", "update", "delete")


@dataclass(frozen=True, kw_only=True)
class Change:
    """One resource and what happens to it."""

    action: str
    type: str
    name: str
    urn: str


@dataclass(frozen=True)
class Refusal:
    """A step the real engine refuses: its message and what to run instead."""

    message: str
    way_out: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, order=True)
class Workload:
    """One Deployment a plan restarts or keeps: where it runs and whose it is."""

    cluster: str
    namespace: str
    name: str
    #: The component that made it (its name), or its pods' `app.kubernetes.io/name`.
    app: str
    #: gateway, streamlit or app (the pods' workload label), else the Deployment's name.
    role: str

    def shown(self, *, clusters: bool) -> str:
        """`namespace/name [app/role]`, `@cluster` added when the program spans clusters."""
        owner = f"{self.app}/{self.role}" if self.app else self.role
        return f"{self.namespace}/{self.name} [{owner}{'@' + self.cluster if clusters else ''}]"


@dataclass(kw_only=True)
class Plan:
    """Which workloads restart and stay, and every resource change."""

    restart: list[tuple[Workload, str, str]] = field(default_factory=list)  # (workload, trigger before, after)
    stay: list[Workload] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    #: Lines a reviewer must read besides the changes (a disposable stack).
    notes: list[str] = field(default_factory=list)
    #: What `pulumi preview` and `pulumi up` refuse, in the engine's words, each with the way out.
    refusals: list["Refusal"] = field(default_factory=list)
    #: The clusters the program's Deployments run on (more than one: each workload names its own).
    clusters: list[str] = field(default_factory=list)

    def shown(self, workload: Workload) -> str:
        """How the plan names a workload (see `Workload.shown`)."""
        return workload.shown(clusters=len(self.clusters) > 1)

    def of(self, action: str) -> list[Change]:
        """The changes of one action."""
        return [c for c in self.changes if c.action == action]


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _option(resource: dict[str, Any], name: str) -> Any:
    """One of a resources.json entry's resource options (None when not set)."""
    return (resource.get("options") or {}).get(name)


def _set(obj: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `obj` with `path` set to `value` (removed when `value` is None)."""
    head, _, rest = path.partition(".")
    out = dict(obj)
    if rest:
        inner = out.get(head)
        out[head] = _set(inner if isinstance(inner, dict) else {}, rest, value)
    elif value is None:
        out.pop(head, None)
    else:
        out[head] = value
    return out


def _inputs(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Old and new inputs as the engine diffs them: each `ignoreChanges` path keeps its old value."""
    a, b = before.get("inputs") or {}, after.get("inputs") or {}
    for path in _option(after, "ignoreChanges") or []:
        b = _set(b, path, _get(a, path))
    return a, b


def ignored_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The `ignoreChanges` paths whose value the program changed (the engine keeps the old one)."""
    a, b = before.get("inputs") or {}, after.get("inputs") or {}
    return [p for p in _option(after, "ignoreChanges") or [] if _get(a, p) != _get(b, p)]


def _action(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    a, b = _inputs(before, after)
    if a == b:
        # Same visible inputs: a changed id means a secret-only change, which replaces a version.
        return "replace" if before.get("custom") and before.get("id") != after.get("id") else None
    rules = replace_paths(after["type"], b)
    if "*" in rules or any(_get(a, p) != _get(b, p) for p in rules):
        return "replace"
    return "update"


def _workload(resource: dict[str, Any], where: Placement) -> Workload:
    inputs = resource.get("inputs") or {}
    labels = _get(inputs, "spec.template.metadata.labels") or {}
    meta = _get(inputs, "metadata") or {}
    name = str(meta.get("name") or resource["name"])
    return Workload(
        cluster=where.cluster,
        namespace=str(meta.get("namespace") or "default"),
        name=name,
        app=where.app,
        role=str(labels.get(WORKLOAD_LABEL) or name),
    )


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
        for alias in _option(r, "aliases") or []:
            if alias.startswith("urn:"):
                names.append(alias)
                continue
            name, _, moved = alias.partition(" parent:")
            names += [
                engine_urn(stack, project, p, type_=r["type"], name=name) for p in ([moved] if moved else parents)
            ]
        names += [engine_urn(stack, project, p, type_=r["type"], name=r["name"]) for p in parents[1:]]
        found[urn] = names
        return names

    for r in resources:
        of(r["urn"])
    return found


def matched_olds(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, str], list[Refusal]]:
    """Per new URN, the old URN the engine takes it for (its own, else its first alias in the old
    state), and the aliases it refuses: one old resource claimed by two, or by an alias while it is
    registered itself (step_generator's checks, whatever order the program registers in)."""
    formers = former_urns(list(new.values()))
    matched: dict[str, str] = {}
    claimed: dict[str, str] = {}
    refusals: list[Refusal] = []
    for urn in sorted(new):
        was = urn if urn in old else next((f for f in formers.get(urn, []) if f in old), None)
        if was is None:
            continue
        matched[urn] = was
        if was == urn:
            continue
        if was in new:
            refusals.append(
                Refusal(
                    f"Duplicate resource URN '{was}' conflicting with alias on resource with URN '{urn}'",
                    ("remove the alias: two resources of this program claim the state of one",),
                )
            )
        elif was in claimed:
            refusals.append(
                Refusal(
                    f"Duplicate resource alias '{was}' applied to resource with URN '{urn}' "
                    f"conflicting with resource with URN '{claimed[was]}'",
                    ("remove one of the aliases: two resources of this program claim the state of one",),
                )
            )
        claimed.setdefault(was, urn)
    return matched, refusals


def _stack_of(urn: str) -> str:
    return urn.removeprefix("urn:pulumi:").split("::", 1)[0]


def _protected(resource: dict[str, Any]) -> bool:
    return bool(_option(resource, "protect"))


def protected_refusals(
    old: dict[str, Any], new: dict[str, Any], matched: dict[str, str], *, changes: list[Change]
) -> list[Refusal]:
    """The deletes and replacements of protected resources, refused as the engine words it, and the
    way out: unprotect what goes (its state flag), then `pulumi up`; retained objects stay in the store."""
    refusals: list[Refusal] = []
    gone = [c for c in changes if c.action == "delete" and _protected(old[c.urn])]
    for c in gone:
        refusals.append(
            Refusal(
                f'resource "{c.urn}" cannot be deleted because it is protected',
                (f"pulumi state unprotect --stack {_stack_of(c.urn)} --yes '{c.urn}'",),
            )
        )
    if gone:
        kept = [c.name for c in changes if c.action == "delete" and _option(old[c.urn], "retainOnDelete")]
        last = "then `pulumi up` deletes them from the stack"
        refusals[-1] = Refusal(
            refusals[-1].message,
            (*refusals[-1].way_out, last + (f"; retained where they live: {', '.join(sorted(kept))}" if kept else "")),
        )
    for c in changes:
        if c.action == "replace" and _protected(new[c.urn]) and _protected(old[matched[c.urn]]):
            refusals.append(
                Refusal(
                    f'unable to replace resource "{c.urn}" as it is currently marked for protection',
                    ("make a new generation instead (`fluxlit-secrets rotate`): a value of record is never replaced",),
                )
            )
    return refusals


def plan(before: list[dict[str, Any]], after: list[dict[str, Any]], *, values_compared: bool = True) -> Plan:
    """Compare two resources.json lists as the engine does: a resource whose alias names an old one
    is that resource; refused aliases and protected deletes or replacements are `refusals`.
    Without `values_compared` (a saved synth holds no values), a note names what a change of a
    secret value alone would replace."""
    old = {r["urn"]: r for r in before}
    new = {r["urn"]: r for r in after}
    matched, refusals = matched_olds(old, new)
    result = Plan()
    for urn, r in new.items():
        was = matched.get(urn)
        action = "create" if was is None else _action(old[was], r)
        if action:
            result.changes.append(Change(action=action, type=r["type"], name=r["name"], urn=urn))
        elif was is not None and (paths := ignored_changes(old[was], r)):
            result.notes.append(
                f"{r['name']}: {', '.join(paths)} changed; kept as it is (applies to new resources only)"
            )
    if not values_compared:
        unseen = sorted(
            r["name"]
            for urn, r in new.items()
            if urn in matched and REDACTED in json.dumps(r.get("inputs")) and _action(old[matched[urn]], r) is None
        )
        if unseen:
            result.notes.append(
                f"{len(unseen)} resources hold secret values, which a saved synth never keeps: a change of a value "
                f"alone is not shown (`rotate --dry-run` compares values in memory): {', '.join(unseen)}"
            )
    moved = set(matched.values())
    for urn, r in old.items():
        if urn not in new and urn not in moved:
            result.changes.append(Change(action="delete", type=r["type"], name=r["name"], urn=urn))
    result.refusals = refusals + protected_refusals(old, new, matched, changes=result.changes)
    result.changes.sort(key=lambda c: (ACTIONS.index(c.action), c.type, c.name))
    where = placements(after)
    deployments = sorted(
        (_workload(r, where[urn]), urn) for urn, r in new.items() if r["type"] == "kubernetes:apps/v1:Deployment"
    )
    result.clusters = sorted({w.cluster for w, _ in deployments})
    for workload, urn in deployments:
        r, previous = new[urn], old.get(matched.get(urn, urn))
        if previous is None or _get(previous.get("inputs"), "spec.template") != _get(r.get("inputs"), "spec.template"):
            result.restart.append((workload, _trigger(previous), _trigger(r)))
        else:
            result.stay.append(workload)
    return result


def _pairs(trigger: str) -> dict[str, str]:
    return dict(pair.partition("=")[::2] for pair in trigger.split(",") if pair)


def new_versions(was: str, now: str) -> list[str]:
    """The secrets whose version differs between two restart triggers (added ones included)."""
    before, after = _pairs(was), _pairs(now)
    return sorted(name for name in after if before.get(name) != after[name])


def _restart_detail(was: str, now: str) -> str:
    """Why a workload restarts, by secret name only: the version ids a store computes are known
    only once `pulumi up` made them, so the offline plan never prints one (its mocks' are not real)."""
    if not was:
        return "  new workload"
    names = new_versions(was, now)
    return f"  new versions: {', '.join(names)}" if names else "  pod template changed"


def format_plan(p: Plan, title: str) -> str:
    """The plan as a reviewer reads it."""
    lines = [title, *(f"  note: {n}" for n in p.notes)]
    for refusal in p.refusals:
        lines.append(f"  refused: {refusal.message}")
        lines += [f"    way out: {step}" for step in refusal.way_out]
    if p.restart:
        lines.append("  restart:")
        for workload, was, now in p.restart:
            lines.append(f"    {p.shown(workload)}{_restart_detail(was, now)}")
    else:
        lines.append("  restart: none")
    lines.append("  stay:    " + (", ".join(p.shown(w) for w in p.stay) if p.stay else "none"))
    for action in ACTIONS:
        changes = p.of(action)
        lines.append(f"  {action}: {len(changes)}")
        lines += [f"    {c.type}  {c.name}" for c in changes]
    return "\n".join(lines)
