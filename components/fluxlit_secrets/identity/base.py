"""The identity interface: bind one ServiceAccount to one cloud identity that reads only its secrets."""

from dataclasses import dataclass, field
from typing import Any, Protocol

import pulumi


@dataclass(frozen=True)
class IdentityRequest:
    """One workload's ServiceAccount and exactly the secrets it consumes."""

    app: str
    environment: str
    workload: str
    namespace: str
    service_account: str
    settings: Any
    #: Declared secret name -> ARN / id of exactly the secrets this workload consumes.
    secret_refs: dict[str, pulumi.Input[str]]


@dataclass(frozen=True)
class Binding:
    """What the ServiceAccount and pods need to carry for the binding to work."""

    identity: pulumi.Output[str]
    annotations: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)


class CloudIdentity(Protocol):
    """A cloud's workload identity: trust one ServiceAccount subject, grant read on named secrets."""

    def bind(self, request: IdentityRequest, parent: pulumi.Resource) -> Binding:
        """Create the cloud identity, its trust and its grants as children of `parent`."""
        ...


def subject(namespace: str, service_account: str) -> str:
    """The Kubernetes token subject of one ServiceAccount."""
    return f"system:serviceaccount:{namespace}:{service_account}"
