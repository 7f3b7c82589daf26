"""The model of a stack file's `fluxlit-secrets:*` config, as the stack program would parse it."""

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.engine.project import StackConfig
from fluxlit_secrets.model.app import AppModel
from fluxlit_secrets.model.parse import config_keys_of, decode_config, parse_config
from fluxlit_secrets.model.shape import NAMESPACE


def model_of(config: StackConfig, stack: str, where: str) -> AppModel | None:
    """The AppModel of a stack's config as the runtime sees it (None when it has no `app` key)."""
    prefix = f"{NAMESPACE}:"
    values = config.values
    if f"{prefix}app" not in values:
        return None
    present = tuple(k[len(prefix) :] for k in values if k.startswith(prefix))
    decoded = {k: decode_config(k, values[prefix + k]) for k in config_keys_of(CLOUD_MODELS) if prefix + k in values}
    secret_keys = set(config.secret_keys)

    def secret_state(key: str) -> bool | None:
        return None if key not in values else key in secret_keys

    return parse_config(
        decoded,
        environment=stack,
        clouds=CLOUD_MODELS,
        where=where,
        secret_config=secret_state,
        config_keys=present,
    )
