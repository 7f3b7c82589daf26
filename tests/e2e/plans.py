"""Read the plans the two engines print: `fluxlit-secrets rotate` and `pulumi preview --json`."""

import re
from dataclasses import dataclass, field
from typing import Any

#: The actions `rotate` and `diff` print, and the preview steps they stand for.
ACTIONS = ("create", "replace", "update", "delete")
#: A preview step op, as the action the offline plan calls it (a step that does nothing is left out).
PREVIEW_OPS = {
    "create": "create",
    "update": "update",
    "replace": "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    "delete": "delete",
}
HEADING = re.compile(r"^  (create|replace|update|delete): (\d+)$")
CHANGE = re.compile(r"^    (\S+)  (\S+)$")
RESTART = re.compile(r"^    (\S+)/(\S+) \[(\S+)\](?:  (.*))?$")


@dataclass
class PrintedPlan:
    """What `rotate` printed: the Deployments that restart and stay, and each resource change."""

    #: namespace/name (`@cluster` when the program spans clusters) -> why (`new versions: jwt`).
    restart: dict[str, str] = field(default_factory=dict)
    stay: list[str] = field(default_factory=list)
    changes: set[tuple[str, str, str]] = field(default_factory=set)  # (action, type, logical name)


def _cluster(owner: str) -> str:
    """`@cluster` of `app/workload@cluster` (a plan names clusters when there are several), else ''."""
    return "@" + owner.rsplit("@", 1)[1] if "@" in owner else ""


def parse_rotate(text: str) -> PrintedPlan:
    plan = PrintedPlan()
    action = None
    for line in text.splitlines():
        if m := RESTART.match(line):
            plan.restart[f"{m[1]}/{m[2]}{_cluster(m[3])}"] = m[4] or ""
        elif line.startswith("  stay:"):
            rest = line.split(":", 1)[1].strip()
            parts = [] if rest == "none" else [part.split(" [", 1) for part in rest.split(", ")]
            plan.stay = [name + _cluster(owner.rstrip("]")) for name, owner in parts]
        elif m := HEADING.match(line):
            action = m[1]
        elif action and (m := CHANGE.match(line)):
            plan.changes.add((action, m[1], m[2]))
        elif not line.startswith("    "):
            action = None
    return plan


def preview_changes(steps: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(action, type, logical name) of every step of a real preview that changes something."""
    changes = set()
    for step in steps:
        action = PREVIEW_OPS.get(step["op"])
        if action is None:
            continue
        urn = step["urn"]
        resource_type = urn.split("::")[2].rsplit("$", 1)[-1]
        changes.add((action, resource_type, urn.rsplit("::", 1)[-1]))
    return changes
