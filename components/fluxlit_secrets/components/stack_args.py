"""`stack_args()`: the current stack's `fluxlit-secrets:*` config, parsed once into the immutable
`Lifecycle` that SecretLifecycle takes as it is (the stack program is one of its users)."""

from pathlib import Path

import pulumi
from pulumi.runtime.config import get_config_env, get_config_secret_keys_env
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.components.lifecycle_value import Lifecycle
from fluxlit_secrets.model.parse import stack_model


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
    model = stack_model(
        get_config_env(), get_config_secret_keys_env(), stack=stack, where=stack_file_label(stack), clouds=CLOUD_MODELS
    )
    assert model is not None  # required=True: a missing app is a ConfigError
    secret_values: dict[str, pulumi.Input[str]] = {}
    for s in model.secrets:
        if s.config_key:
            namespace, key = s.config_key.split(":", 1)
            secret_values[s.name] = pulumi.Config(namespace).require_secret(key)
    return Lifecycle(model=model, values=secret_values)


def stack_args() -> Lifecycle:
    """The current stack's `fluxlit-secrets:*` config, validated once, as SecretLifecycle takes it.

    The value is immutable (the stack file is where it changes); `SecretLifecycle(args.app, args)`
    builds from it without parsing again. A mistake raises a ConfigError naming the stack file and
    key (the stack program turns it into one line). Config-sourced values arrive as secret Outputs.
    """
    return read_stack_config(pulumi.get_stack())
