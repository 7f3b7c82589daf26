"""The stack program: read `fluxlit-secrets:*` stack config once, build SecretLifecycle, export."""

from pathlib import Path
from typing import Any, Optional

import pulumi
from pulumi.runtime import config as runtime_config
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.components.lifecycle import Lifecycle, SecretLifecycle
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.model.parse import config_keys_of, decode_config, parse_config
from fluxlit_secrets.model.shape import NAMESPACE


def _config_keys() -> list[str]:
    """Every key of our namespace set for this stack (explicit config and PULUMI_CONFIG)."""
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
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


def main() -> SecretLifecycle:
    """Entry point of `__main__.py`: a config mistake surfaces as one line, no traceback."""
    try:
        lifecycle = read_stack_config(pulumi.get_stack())
        component = SecretLifecycle.of(lifecycle.model.app, lifecycle)
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from None
    pulumi.export("namespace", component.namespace)
    pulumi.export("versions", component.versions)
    pulumi.export("secretNames", component.secret_names)
    pulumi.export("restartTriggers", component.restart_triggers)
    pulumi.export("podFragments", component.pod_fragments)
    return component
