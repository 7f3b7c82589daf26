"""`stack_args()`: SecretLifecycle args read from the current stack's `fluxlit-secrets:*` config,
validated exactly as the stack program validates them (the stack program is one of its users)."""

from pathlib import Path
from typing import Any, Optional, cast

import pulumi
from pulumi.runtime import get_config_env
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.components.lifecycle import Lifecycle
from fluxlit_secrets.components.lifecycle_args import SecretLifecycleArgs
from fluxlit_secrets.model.app import AppModel, SecretModel
from fluxlit_secrets.model.parse import config_keys_of, decode_config, parse_config
from fluxlit_secrets.model.shape import NAMESPACE


def _config_keys() -> list[str]:
    """Every key of our namespace set for this stack (the language host hands them over in PULUMI_CONFIG)."""
    keys = set(get_config_env())
    return sorted(k.split(":", 1)[1] for k in keys if k.startswith(f"{NAMESPACE}:"))


def _secret_state(full_key: str) -> Optional[bool]:
    if pulumi.runtime.get_config(full_key) is None:
        return None
    return pulumi.runtime.is_config_secret(full_key)


def stack_file_label(stack: str, root: Path = Path()) -> str:
    """How the user knows the stack file: `stacks/Pulumi.<stack>.yaml` (Pulumi.yaml's stackConfigDir)."""
    folder = ""
    try:
        project = YAML(typ="safe", pure=True).load((root / "Pulumi.yaml").read_text(encoding="utf-8")) or {}
        folder = str(project.get("stackConfigDir") or "") if isinstance(project, dict) else ""
    except (OSError, YAMLError):
        folder = ""
    return f"{folder.rstrip('/') + '/' if folder else ''}Pulumi.{stack}.yaml"


def read_stack_config(stack: str) -> Lifecycle:
    """The validated model of this stack's `fluxlit-secrets:*` config, and its secret values."""
    values: dict[str, Any] = {}
    for key in config_keys_of(CLOUD_MODELS):
        raw = pulumi.runtime.get_config(f"{NAMESPACE}:{key}")
        if raw is not None:
            values[key] = decode_config(key, raw)
    model = parse_config(
        values,
        environment=stack,
        clouds=CLOUD_MODELS,
        where=stack_file_label(stack),
        secret_config=_secret_state,
        config_keys=_config_keys(),
    )
    secret_values: dict[str, pulumi.Input[str]] = {}
    for s in model.secrets:
        if s.config_key:
            namespace, key = s.config_key.split(":", 1)
            secret_values[s.name] = pulumi.Config(namespace).require_secret(key)
    return Lifecycle(model=model, values=secret_values)


class StackArgs(dict[str, Any]):
    """SecretLifecycle args that carry the model they were built from: SecretLifecycle takes it as
    it is (no second parse) unless the dict was changed."""

    def __init__(self, args: dict[str, Any], lifecycle: Lifecycle) -> None:
        super().__init__(args)
        self.lifecycle = lifecycle
        self._as_built = dict(args)

    def unchanged(self) -> bool:
        """True while the dict holds exactly what was built."""
        return dict(self) == self._as_built


def _secret_args(s: SecretModel, values: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {
        "kind": s.kind,
        "source": s.source,
        "generation": s.generation,
        "consumers": {d.workload: {"mode": d.mode, "name": d.name} for d in s.deliveries},
        "overlap": s.overlap,
    }
    if s.source == "generated":
        args["length"] = s.length
    else:
        args["value"] = values[s.name]
    for field in ("rotated_at", "max_age_days", "renamed_from"):
        if getattr(s, field) is not None:
            args[field] = getattr(s, field)
    return args


def args_of(model: AppModel, values: dict[str, Any]) -> dict[str, Any]:
    """The model as SecretLifecycle args (snake_case)."""
    args: dict[str, Any] = {
        "app": model.app,
        "environment": model.environment,
        "namespace": model.namespace,
        "topology": model.topology,
        "store": model.store,
        "disposable": model.disposable,
        "secrets": {s.name: _secret_args(s, values) for s in model.secrets},
    }
    if model.cloud is not None:
        args[model.store] = model.cloud.as_args()
    if model.deployments is not None:
        args["deployments"] = {k: v for k, v in model.deployments.__dict__.items() if v is not None}
    if model.auth is not None:
        args["auth"] = {k: v for k, v in model.auth.__dict__.items() if v is not None}
    if model.network_policy is not None:
        args["network_policy"] = {"idp_cidrs": list(model.network_policy.idp_cidrs)}
    return args


def stack_args() -> SecretLifecycleArgs:
    """The validated SecretLifecycle args of the current stack's `fluxlit-secrets:*` config.

    A mistake raises a ConfigError naming the stack file and key (the stack program turns it into
    one line). Config-sourced values arrive as secret Outputs.
    """
    lifecycle = read_stack_config(pulumi.get_stack())
    return cast(SecretLifecycleArgs, StackArgs(args_of(lifecycle.model, dict(lifecycle.values)), lifecycle))
