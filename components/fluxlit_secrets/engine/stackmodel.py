"""The model of a stack file's `fluxlit-secrets:*` config, as the stack program would parse it."""

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.engine.project import StackConfig
from fluxlit_secrets.model.app import AppModel
from fluxlit_secrets.model.parse import stack_model


def model_of(config: StackConfig, stack: str, where: str) -> AppModel | None:
    """The AppModel of a stack's config as the runtime sees it (None when it has no `app` key)."""
    return stack_model(config.values, config.secret_keys, stack=stack, where=where, clouds=CLOUD_MODELS, required=False)
