"""The Kubernetes-only store: values live in Pulumi state (encrypted) and in delivery Secrets.

Generated values are one `RandomPassword` per generation (keepers hold the generation), so a
rotation adds a resource instead of replacing one: the current generation is protected on
non-disposable stacks, the previous one is kept for overlap. A config-sourced value's version
is a `RandomId` whose keepers hold the value: a new value gives a new random id, never a hash.
"""

from typing import Optional

import pulumi
import pulumi_random as random

from fluxlit_secrets.stores.base import StoredSecret, StoreRequest


class KubernetesStore:
    """Store of record for local clusters: nothing outside Kubernetes and Pulumi state."""

    name = "kubernetes"

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """Generated: RandomPassword per generation; config: the value plus a RandomId version."""
        base = f"{request.app}-{request.secret}"
        if request.source == "generated":
            current = self._password(request, base, request.generation, parent, current=True)
            previous: Optional[random.RandomPassword] = None
            if request.generation > 1:
                previous = self._password(request, base, request.generation - 1, parent, current=False)
            return StoredSecret(
                value=pulumi.Output.secret(current.result),
                version=pulumi.Output.from_input(str(request.generation)),
                previous_value=pulumi.Output.secret(previous.result) if previous else None,
                previous_version=(
                    pulumi.Output.from_input(str(request.generation - 1)) if previous else None
                ),
            )
        if request.value is None:
            raise ValueError(f"secret {request.secret!r} is config-sourced but no value was given")
        value = pulumi.Output.secret(request.value)
        version = random.RandomId(
            f"{base}-version",
            byte_length=4,
            keepers={"value": value, "generation": str(request.generation)},
            opts=pulumi.ResourceOptions(parent=parent),
        )
        return StoredSecret(value=value, version=version.hex)

    @staticmethod
    def _password(
        request: StoreRequest, base: str, generation: int, parent: pulumi.Resource, *, current: bool
    ) -> random.RandomPassword:
        return random.RandomPassword(
            f"{base}-g{generation}",
            length=request.length,
            special=False,
            keepers={"generation": str(generation)},
            opts=pulumi.ResourceOptions(
                parent=parent,
                # The value of record: a rename or destroy must not lose it on a real stack.
                protect=current and not request.disposable,
            ),
        )
