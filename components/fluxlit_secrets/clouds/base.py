"""The clouds' one interface: a store that holds versions, an identity that reads them.

Each cloud folder (`clouds/<cloud>/`) implements them and describes itself in a `Cloud`
(clouds/descriptor.py), listed once in clouds/catalog.py.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi

from fluxlit_secrets.model.app import AppModel, CloudSettings


@dataclass(frozen=True, kw_only=True)
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
    settings: Optional[CloudSettings] = None
    #: Per-app resources the store prepared (the kubernetes namespace, the Key Vault's name).
    context: dict[str, Any] = field(default_factory=dict)
    #: The name the store knows the secret by (its former name after a rename).
    physical: str = ""
    #: Prefix of every child's logical name: the component's own resource name.
    base: str = ""
    #: Prefixes the children had before (a rename, a move under RetiringVersion): each gets an alias.
    former_bases: tuple[str, ...] = ()
    #: The workloads that may read the secret (tagged on cloud secrets; empty: not known).
    readers: tuple[str, ...] = ()
    #: URN of the component that held the children before (the retiring version's ManagedSecret).
    moved_from: Optional[pulumi.Input[str]] = None

    @property
    def store_name(self) -> str:
        """The secret's name in the store."""
        return self.physical or self.secret

    def aliases(self, logical: str) -> list[pulumi.Alias]:
        """Aliases of the child `logical` (named `<base><suffix>`) under each former prefix."""
        suffix = logical[len(self.base) :]
        names = [f"{former}{suffix}" for former in self.former_bases if former != self.base]
        if self.moved_from is None:
            return [pulumi.Alias(name=n) for n in names]
        return [pulumi.Alias(name=n, parent=self.moved_from) for n in names]


@dataclass(frozen=True, kw_only=True)
class StoredSecret:
    """A secret as the store holds it: the current value and version, and the previous ones."""

    value: pulumi.Output[str]
    version: pulumi.Output[str]
    #: The store's full id of the current version (AWS VersionId, GCP version name, Key Vault
    #: version), next to the short `version` the restart annotation shows.
    full_version: Optional[pulumi.Output[str]] = None
    previous_value: Optional[pulumi.Output[str]] = None
    previous_version: Optional[pulumi.Output[str]] = None
    #: The store's full id of the previous version (None where the program does not know it: Key Vault).
    previous_full_version: Optional[pulumi.Output[str]] = None
    #: What an identity grant names: the secret's ARN, Secret Manager id or Key Vault resource id.
    ref: Optional[pulumi.Output[str]] = None
    #: What a CSI provider fetches, when it is not `ref`: the Key Vault secret's name.
    object_name: Optional[pulumi.Output[str]] = None


class SecretStore(ABC):
    """A place of record for secret values (Kubernetes alone, or a cloud secret manager)."""

    def prepare(self, name: str, model: AppModel, *, tags: dict[str, str], parent: pulumi.Resource) -> dict[str, Any]:
        """Per-app resources every secret of the app shares, named from `name` (default: none)."""
        return {}

    @abstractmethod
    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """Create the secret's container, current and previous versions as children of `parent`."""

    @abstractmethod
    def retire(self, request: StoreRequest, parent: pulumi.Resource, after: Sequence[pulumi.Resource]) -> None:
        """Keep the version before the previous one until `after` (its consumers) are done."""


@dataclass(frozen=True, kw_only=True)
class IdentityRequest:
    """One workload's ServiceAccount and exactly the secrets it consumes."""

    app: str
    environment: str
    workload: str
    namespace: str
    service_account: str
    settings: CloudSettings
    #: Declared secret name -> ARN / id of exactly the secrets this workload consumes.
    secret_refs: dict[str, pulumi.Input[str]]
    #: Prefix of every child's logical name: the WorkloadIdentity's own resource name.
    base: str = ""

    def options(self, parent: pulumi.Resource, logical: str) -> pulumi.ResourceOptions:
        """A child's options: parented to the WorkloadIdentity."""
        return pulumi.ResourceOptions(parent=parent)


@dataclass(frozen=True)
class Binding:
    """What the ServiceAccount and pods need to carry for the binding to work."""

    identity: pulumi.Output[str]
    annotations: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)


class CloudIdentity(ABC):
    """A cloud's workload identity: trust one ServiceAccount subject, grant read on named secrets."""

    @abstractmethod
    def bind(self, request: IdentityRequest, parent: pulumi.Resource) -> Binding:
        """Create the cloud identity, its trust and its grants as children of `parent`."""


def subject(namespace: str, service_account: str) -> str:
    """The Kubernetes token subject of one ServiceAccount."""
    return f"system:serviceaccount:{namespace}:{service_account}"
