"""Where a value comes from: a RandomPassword per generation, or a secret config value."""

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_random as random

from fluxlit_secrets.stores.base import StoreRequest


@dataclass(frozen=True)
class SourceVersion:
    """One version of a value as its source produced it."""

    generation: int
    value: pulumi.Output[str]


@dataclass(frozen=True)
class Sources:
    """The current version and, for generated secrets past generation 1, the previous one."""

    current: SourceVersion
    previous: Optional[SourceVersion]


def base_name(request: StoreRequest) -> str:
    """Logical-name prefix of a secret's resources: `<app>-<secret>` (the ManagedSecret's name)."""
    return f"{request.app}-{request.secret}"


def child_options(request: StoreRequest, logical: str, parent: pulumi.Resource,
                  **options: object) -> pulumi.ResourceOptions:
    """Options of a store child; after a rename it keeps its state through an alias of its old name."""
    aliases = []
    if request.physical and request.physical != request.secret:
        old = f"{request.app}-{request.physical}" + logical[len(base_name(request)):]
        aliases.append(pulumi.Alias(name=old))
    return pulumi.ResourceOptions(parent=parent, aliases=aliases, **options)  # type: ignore[arg-type]


def sources(request: StoreRequest, parent: pulumi.Resource) -> Sources:
    """Generated: one RandomPassword per generation (keepers hold it); config: the given value.

    A rotation adds a resource instead of replacing one, so the current generation can be
    protected on a real stack and the previous one stays available for overlap.
    """
    if request.source == "generated":
        current = _password(request, request.generation, parent, current=True)
        previous = None
        if request.generation > 1:
            previous = _password(request, request.generation - 1, parent, current=False)
        return Sources(
            current=SourceVersion(request.generation, current),
            previous=SourceVersion(request.generation - 1, previous) if previous is not None else None,
        )
    if request.value is None:
        raise ValueError(f"secret {request.secret!r} is config-sourced but no value was given")
    return Sources(current=SourceVersion(request.generation, pulumi.Output.secret(request.value)), previous=None)


def _password(request: StoreRequest, generation: int, parent: pulumi.Resource, *, current: bool) -> pulumi.Output[str]:
    password = random.RandomPassword(
        f"{base_name(request)}-g{generation}",
        length=request.length,
        special=False,
        keepers={"generation": str(generation)},
        # The value of record: a rename or destroy must not lose it on a real stack.
        opts=child_options(request, f"{base_name(request)}-g{generation}", parent,
                           protect=current and not request.disposable),
    )
    return pulumi.Output.secret(password.result)


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
    from fluxlit_secrets.spec.naming import env_slug

    return {"app": request.app, "environment": env_slug(request.environment), "managed-by": "fluxlit-secrets"}
