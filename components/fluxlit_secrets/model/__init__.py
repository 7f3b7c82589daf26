"""Model layer: the validated, pure-Python model of one app's secrets (no Pulumi import).

Parsed once, from a stack file's `fluxlit-secrets:*` config or from component args, by
`parse_config` / `parse_args`; every other layer reads these frozen dataclasses.
"""

from fluxlit_secrets.model.app import AppModel, CloudSettings, Consumer, DeploymentsModel, SecretModel
from fluxlit_secrets.model.cloud import CloudModel, CloudModels
from fluxlit_secrets.model.labels import SECRETS_DIR
from fluxlit_secrets.model.parse import decode_config, parse_args, parse_config
from fluxlit_secrets.model.shape import NAMESPACE, Node, Shape

__all__ = [
    "NAMESPACE",
    "SECRETS_DIR",
    "AppModel",
    "CloudModel",
    "CloudModels",
    "CloudSettings",
    "Consumer",
    "DeploymentsModel",
    "Node",
    "SecretModel",
    "Shape",
    "decode_config",
    "parse_args",
    "parse_config",
]
