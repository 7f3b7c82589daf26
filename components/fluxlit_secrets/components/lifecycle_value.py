"""What SecretLifecycle builds from: a `Lifecycle`, the validated model and its config values,
parsed once from args (or by `stack_args()` from the stack file); a replica's, on another cluster."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Optional

import pulumi

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.model.app import AppModel, CloudBlock
from fluxlit_secrets.model.parse import parse_args


@dataclass(frozen=True, kw_only=True)
class Lifecycle:
    """A validated SecretLifecycle: the model, and the values of its config-sourced secrets.

    `stack_args()` returns one; `SecretLifecycle(lifecycle.app, lifecycle)` builds from it as it is.
    It is immutable: what it holds changes in the stack file (or write the args in code).
    """

    model: AppModel
    values: Mapping[str, pulumi.Input[str]]

    @property
    def app(self) -> str:
        """The app's name (the usual name of its SecretLifecycle)."""
        return self.model.app

    @property
    def cloud(self) -> Optional[CloudBlock]:
        """The stack file's cloud settings block, for apps declared in code to share as their own:
        `{"store": "aws", "aws": stack_args().cloud}` (None with the kubernetes store)."""
        return self.model.cloud_block

    def __getitem__(self, key: object) -> Any:
        raise TypeError(_NOT_A_DICT.format(key=key))

    def __setitem__(self, key: object, value: object) -> None:
        raise TypeError(_NOT_A_DICT.format(key=key))


_NOT_A_DICT = (
    "stack_args() returns the stack file's validated config, not a dict (asked for {key!r}): "
    "read `.app` or `.model`; to change it, edit the stack file or pass args written in code"
)


def lifecycle_from_args(args: object, name: str) -> Lifecycle:
    """Parse SecretLifecycle args once (errors name `SecretLifecycle "<name>"` and the arg path)."""
    model = parse_args(
        args, component="SecretLifecycle", name=name, clouds=CLOUD_MODELS, default_environment=pulumi.get_stack()
    )
    given = dict(args) if isinstance(args, Mapping) else {}
    secrets = given.get("secrets") or {}
    values = {s.name: secrets[s.name]["value"] for s in model.secrets if s.source == "config"}
    return Lifecycle(model=model, values=values)


def replica_of(source: AppModel, lifecycle: Lifecycle, *, source_name: str, name: str) -> Lifecycle:
    """The lifecycle of a component that delivers `source`'s values of record on another cluster:
    the same app, store and secrets (written again, or left out to take the source's)."""
    model, where = lifecycle.model, f'SecretLifecycle "{name}"'
    for what, mine, theirs in (("app", model.app, source.app), ("store", model.store, source.store)):
        if mine != theirs:
            raise ConfigError(
                what,
                f'is {mine!r}, but values_from SecretLifecycle "{source_name}" has {theirs!r}',
                f"a component delivers the values of record of an app of its own {what} only",
                where=where,
            )
    if model.delivery == "csi" or source.delivery == "csi":
        raise ConfigError(
            "delivery",
            "csi with values_from is not supported: the source retires versions only after its own pods rolled",
            "use delivery: kubernetes-secret on both, or give each cluster its own values",
            where=where,
        )
    if model.secrets and model.secrets != source.secrets:
        raise ConfigError(
            "secrets",
            f'differ from those of values_from SecretLifecycle "{source_name}"',
            "leave secrets out to deliver the source's, or write them exactly as the source does",
            where=where,
        )
    shared = replace(model, secrets=source.secrets, declared_in=source.declared_in)
    return Lifecycle(model=shared, values={})
