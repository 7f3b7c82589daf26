"""A mock monitor that records every registration with its resource options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.sync_await import _ensure_event_loop


@dataclass
class Registration:
    """One registered resource as `pulumi up` would send it to the engine."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)


class RecordingMonitor(MockMonitor):
    """MockMonitor that keeps, in order, each registration's inputs and options."""

    def __init__(self, mocks: Any) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        # SDK internals (pulumi.runtime.mocks): MockMonitor and its helpers carry no annotations.
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]  # SDK gap: untyped
        if request.type == "pulumi:pulumi:Stack":
            return response
        _ensure_event_loop()  # type: ignore[no-untyped-call]  # SDK gap: untyped helper of pulumi.runtime
        inputs = rpc.deserialize_properties(request.object)
        urn = response.urn
        registered = self.resources.get(urn)
        options = {
            "protect": bool(request.protect) if request.HasField("protect") else False,
            "retainOnDelete": bool(request.retainOnDelete) if request.HasField("retainOnDelete") else False,
            "deleteBeforeReplace": bool(request.deleteBeforeReplace),
            "dependsOn": sorted(request.dependencies),
            "parent": request.parent or None,
            "replaceOnChanges": list(request.replaceOnChanges),
            "ignoreChanges": list(request.ignoreChanges),
            "additionalSecretOutputs": list(request.additionalSecretOutputs),
            # Name aliases (renames) and full URN aliases; providers' own type aliases are left out.
            "aliases": [alias for alias in map(_alias, request.aliases) if alias],
        }
        self.registrations.append(
            Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                inputs=inputs,
                options=options,
                id=registered.id if registered else "",
                outputs=dict(registered.state) if registered else {},
            )
        )
        return response


def _alias(alias: Any) -> str:
    """An alias as text: its URN, its former name, or `parent:<urn>` (moved from another parent)."""
    if alias.urn:
        return str(alias.urn)
    spec = alias.spec
    return str(spec.name or (f"parent:{spec.parentUrn}" if spec.parentUrn else ""))
