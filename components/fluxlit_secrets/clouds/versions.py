"""Where a value comes from (a RandomPassword per generation, or a secret config value), and the
version life cycle every store shares: current, previous, retiring."""

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_random as random

from fluxlit_secrets.clouds.base import SecretStore, StoredSecret, StoreRequest
from fluxlit_secrets.errors import FluxlitSecretsError
from fluxlit_secrets.model.labels import MANAGED_BY_TAG, READERS_TAG
from fluxlit_secrets.model.names import env_slug

CURRENT, PREVIOUS, RETIRING = "current", "previous", "retiring"


@dataclass(frozen=True)
class SourceVersion:
    """One version of a value as its source produced it."""

    generation: int
    value: pulumi.Output[str]


@dataclass(frozen=True)
class Written:
    """A version as a store wrote it: its short id (annotations), full id (pinning), resource."""

    short: pulumi.Output[str]
    full: pulumi.Output[str]
    resource: pulumi.Resource


@dataclass(frozen=True, kw_only=True)
class VersionSlot:
    """A version for a store to write: its logical name, value, state, and what it waits for."""

    logical: str
    source: SourceVersion
    state: str  # CURRENT | PREVIOUS | RETIRING
    after: Sequence[pulumi.Resource] = ()


def base_name(request: StoreRequest) -> str:
    """Logical-name prefix of a secret's resources: the component's own name."""
    return request.base or f"{request.app}-{request.secret}"


def child_options(
    request: StoreRequest,
    logical: str,
    parent: pulumi.Resource,
    *,
    protect: bool = False,
    retain_on_delete: bool = False,
    depends_on: Sequence[pulumi.Resource] = (),
    ignore_changes: Sequence[str] = (),
) -> pulumi.ResourceOptions:
    """Options of a store child; it keeps the state it had under a former name (aliases)."""
    return pulumi.ResourceOptions(
        parent=parent,
        aliases=request.aliases(logical),
        protect=protect,
        retain_on_delete=retain_on_delete,
        depends_on=list(depends_on),
        ignore_changes=list(ignore_changes) or None,
    )


def generated(
    request: StoreRequest,
    generation: int,
    parent: pulumi.Resource,
    *,
    state: str,
    after: Sequence[pulumi.Resource] = (),
) -> SourceVersion:
    """One generation's RandomPassword (keepers hold the generation): a rotation adds a resource.

    The current one is the value of record and is protected on a real stack. A new `length`
    applies from the next generation: changing it never replaces a value that exists (a protected
    one could not be; a retained one would collide with its own name).
    """
    logical = f"{base_name(request)}-g{generation}"
    password = random.RandomPassword(
        logical,
        length=request.length,
        special=False,
        keepers={"generation": str(generation)},
        opts=child_options(
            request,
            logical,
            parent,
            protect=state == CURRENT and not request.disposable,
            depends_on=after,
            ignore_changes=("length",),
        ),
    )
    return SourceVersion(generation, pulumi.Output.secret(password.result))


def configured(request: StoreRequest) -> SourceVersion:
    """A config-sourced value (kept secret); the model refuses a config secret without one."""
    if request.value is None:
        raise FluxlitSecretsError(f"secret {request.secret!r} is config-sourced but no value was given")
    return SourceVersion(request.generation, pulumi.Output.secret(request.value))


def config_version(request: StoreRequest, value: pulumi.Output[str], parent: pulumi.Resource) -> pulumi.Output[str]:
    """A version id for a config value: a RandomId whose keepers hold the value (never a hash)."""
    logical = f"{base_name(request)}-version"
    marker = random.RandomId(
        logical,
        byte_length=4,
        keepers={"value": value, "generation": str(request.generation)},
        opts=child_options(request, logical, parent),
    )
    return marker.hex


def secret_tags(request: StoreRequest) -> dict[str, str]:
    """Tags / labels every cloud secret carries."""
    tags = {"app": request.app, "environment": env_slug(request.environment), **MANAGED_BY_TAG}
    if request.readers:
        # Which workloads may read it (policy cloud-secrets-read-by-their-workloads checks every grant).
        tags[READERS_TAG] = "-".join(request.readers)
    if request.disposable:
        tags["disposable"] = "true"  # says why the container is not protected (policy secret-containers-protected)
    return tags


class VersionedStore(SecretStore):
    """A store with one container per secret and one resource per version (kubernetes, AWS, GCP).

    Generated secrets keep three versions in the program: current, previous (for overlap) and
    retiring (the one before, disabled or released only after its consumers have rolled). Older
    versions leave the program retained: the store keeps them, nothing is destroyed.
    """

    #: Write the current version after the previous one (the store marks the newest current).
    #: A store that labels versions explicitly writes the current one first instead.
    current_last = True

    @abstractmethod
    def container(self, request: StoreRequest, parent: pulumi.Resource) -> tuple[Optional[pulumi.Output[str]], Any]:
        """Create the secret's container: (reference for identity grants, handle for versions)."""

    def handle(self, request: StoreRequest) -> Any:
        """The container's handle for a version written outside `provision` (the retiring one):
        `request.context["container"]`, the ManagedSecret's `ref` (a cloud secret's id)."""
        return request.context["container"]

    @abstractmethod
    def version(self, request: StoreRequest, handle: Any, slot: VersionSlot, *, parent: pulumi.Resource) -> Written:
        """Write one version (after `slot.after`)."""

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """Container, previous and current versions."""
        ref, handle = self.container(request, parent)
        base = base_name(request)
        if request.source == "config":
            current = configured(request)
            written = self.version(
                request, handle, VersionSlot(logical=f"{base}-version", source=current, state=CURRENT), parent=parent
            )
            return StoredSecret(value=current.value, version=written.short, full_version=written.full, ref=ref)
        n = request.generation
        previous = generated(request, n - 1, parent, state=PREVIOUS) if n > 1 else None
        current_value = generated(request, n, parent, state=CURRENT)
        older: Written | None = None
        if previous is not None and self.current_last:
            older = self.version(
                request, handle, VersionSlot(logical=f"{base}-v{n - 1}", source=previous, state=PREVIOUS), parent=parent
            )
            after = [older.resource]
            now = self.version(
                request,
                handle,
                VersionSlot(logical=f"{base}-v{n}", source=current_value, state=CURRENT, after=after),
                parent=parent,
            )
        else:
            now = self.version(
                request, handle, VersionSlot(logical=f"{base}-v{n}", source=current_value, state=CURRENT), parent=parent
            )
            if previous is not None:
                slot = VersionSlot(logical=f"{base}-v{n - 1}", source=previous, state=PREVIOUS, after=[now.resource])
                older = self.version(request, handle, slot, parent=parent)
        return StoredSecret(
            value=current_value.value,
            version=now.short,
            full_version=now.full,
            previous_value=previous.value if previous is not None else None,
            previous_version=older.short if older is not None else None,
            previous_full_version=older.full if older is not None else None,
            ref=ref,
        )

    def retire(self, request: StoreRequest, parent: pulumi.Resource, after: Sequence[pulumi.Resource]) -> None:
        """The version two generations back, disabled or released only after `after`."""
        n = request.generation
        if request.source != "generated" or n <= 2:
            return
        base = base_name(request)
        old = generated(request, n - 2, parent, state=RETIRING, after=after)
        slot = VersionSlot(logical=f"{base}-v{n - 2}", source=old, state=RETIRING, after=after)
        self.version(request, self.handle(request), slot, parent=parent)
