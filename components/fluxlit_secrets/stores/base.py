"""The store interface: one secret container per secret, a new version per rotation."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol

import pulumi


@dataclass(frozen=True)
class StoreRequest:
    """What a store needs to hold one secret (no value for generated secrets)."""

    app: str
    environment: str
    secret: str
    source: str
    generation: int
    length: int
    value: Optional[pulumi.Input[str]]
    disposable: bool
    #: The store's validated cloud settings (None for the kubernetes store).
    settings: Any = None
    #: Per-app resources the store prepared (e.g. the Key Vault's name).
    context: dict[str, Any] = field(default_factory=dict)
    #: The name the store knows the secret by (its former name after a rename).
    physical: str = ""

    @property
    def store_name(self) -> str:
        """The secret's name in the store."""
        return self.physical or self.secret


@dataclass(frozen=True)
class StoredSecret:
    """A secret as the store holds it: the current value and version, and the previous ones."""

    value: pulumi.Output[str]
    version: pulumi.Output[str]
    previous_value: Optional[pulumi.Output[str]] = None
    previous_version: Optional[pulumi.Output[str]] = None
    #: What an identity grant names: the secret's ARN, Secret Manager id or Key Vault resource id.
    ref: Optional[pulumi.Output[str]] = None
    #: Registers the version before the previous one as retiring: disabled or released only after
    #: the given resources (its consumers' Deployments) are done. Called once, after them.
    retire: Callable[[Sequence[pulumi.Resource]], None] = lambda _after: None


class SecretStore(Protocol):
    """A place of record for secret values (Kubernetes alone, or a cloud secret manager)."""

    name: str

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """Create the secret's container and versions as children of `parent`."""
        ...
