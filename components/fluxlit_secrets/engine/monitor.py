"""A mock monitor that records every registration with its resource options, computes URNs as
the Pulumi engine does (the full parent type chain), and notes duplicate URNs."""

from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.mocks import MockMonitor

from fluxlit_secrets.engine import sdk
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.model.masking import marked_values, remember
from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.copies import held

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(kw_only=True)
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


def engine_urn(stack: str, project: str, parent: str, *, type_: str, name: str) -> str:
    """`urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>` (the Stack's type left out)."""
    qualified = type_
    if parent:
        chain = parent.split("::")[2]
        if chain != STACK_TYPE:
            qualified = f"{chain}${type_}"
    return "urn:pulumi:" + "::".join([stack, project, qualified, name])


class RecordingMonitor(MockMonitor):
    """MockMonitor that keeps, in order, each registration's inputs and options."""

    def __init__(self, mocks: Any, *, stack: str, project: str) -> None:
        super().__init__(mocks)
        # Named here, not read from the SDK's settings: the monitor answers on worker threads.
        self.stack, self.project = stack, project
        self.registrations: list[Registration] = []
        #: URNs registered more than once (the engine refuses the second registration).
        self.duplicates: list[str] = []
        #: The Stack's outputs (`pulumi.export`), secrets wrapped, unknowns kept.
        self.stack_outputs: dict[str, Any] = {}
        #: Each component's registered outputs, by URN, as sent (see `Recording.component_output`).
        self.component_outputs: dict[str, Any] = {}
        self._seen: set[str] = set()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN (MockMonitor's own keeps only the parent's last type)."""
        return engine_urn(self.stack, self.project, parent, type_=type_, name=name)

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        if request.urn.split("::")[2] == STACK_TYPE:
            sdk.ensure_event_loop()
            self.stack_outputs = sdk.deserialize(request.outputs, keep_unknowns=True)
            remember(marked_values(self.stack_outputs))
        else:
            # Kept as sent; read (deserialized) only when a command needs them (`check` reads ages).
            copy = type(request.outputs)()
            copy.CopyFrom(request.outputs)
            self.component_outputs[request.urn] = copy
            remember(marked_values(sdk.deserialize(copy, keep_unknowns=True)))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]  # SDK gap: untyped

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type != STACK_TYPE:
            if urn in self._seen:
                self.duplicates.append(urn)
            self._seen.add(urn)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]  # SDK gap: untyped
        if request.type == STACK_TYPE:
            return response
        sdk.ensure_event_loop()
        registered = self.resources.get(urn)
        registration = Registration(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent,
            custom=bool(request.custom),
            inputs=sdk.deserialize(request.object, keep_unknowns=True),
            options=_options(request),
            id=registered.id if registered else "",
            outputs=dict(registered.state) if registered else {},
        )
        # Every secret value is masked in what the CLI prints and writes from now on: the values a
        # marker wraps, and the secret fields of the resources that hold values (a Secret's data).
        remember(marked_values(registration.inputs))
        remember(marked_values(registration.outputs))
        props = {**unwrap(registration.outputs), **unwrap(registration.inputs)}
        remember(v for _, v in held(Res(type=request.type, name=request.name, urn=urn, props=props)))
        self.registrations.append(registration)
        return response


def _options(request: Any) -> dict[str, Any]:
    return {
        "protect": bool(request.protect) if request.HasField("protect") else False,
        # The explicit provider's URN (a provider reference is `<urn>::<id>`), None for the default one.
        "provider": request.provider.rsplit("::", 1)[0] if request.provider else None,
        "retainOnDelete": bool(request.retainOnDelete) if request.HasField("retainOnDelete") else False,
        "deleteBeforeReplace": bool(request.deleteBeforeReplace),
        "dependsOn": sorted(request.dependencies),
        "parent": request.parent or None,
        "replaceOnChanges": list(request.replaceOnChanges),
        "ignoreChanges": list(request.ignoreChanges),
        "additionalSecretOutputs": list(request.additionalSecretOutputs),
        # How long the provider may wait (`customTimeouts`), only the operations given.
        "customTimeouts": _timeouts(request),
        # Name aliases (renames), moves between parents, and full URN aliases.
        "aliases": [alias for alias in map(_alias, request.aliases) if alias],
    }


def _timeouts(request: Any) -> dict[str, str]:
    if not request.HasField("customTimeouts"):
        return {}
    given = request.customTimeouts
    return {op: getattr(given, op) for op in ("create", "update", "delete") if getattr(given, op)}


def _alias(alias: Any) -> str:
    """An alias as text: its URN, or its former name and `parent:<urn>` when it moved from another parent."""
    if alias.urn:
        return str(alias.urn)
    spec = alias.spec
    parent = f"parent:{spec.parentUrn}" if spec.parentUrn else ""
    return " ".join(part for part in (str(spec.name), parent) if part)
