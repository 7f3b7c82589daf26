"""Names of Azure resources: Key Vault secrets `<app>-<stack>-<secret>`, identities per workload."""

import re

from fluxlit_secrets.clouds.names import NameRule, check_secret_names
from fluxlit_secrets.model.app import AppModel, SecretModel
from fluxlit_secrets.model.names import env_slug
from fluxlit_secrets.model.shape import Node

RULE = NameRule(
    "Key Vault name",
    127,
    re.compile(r"[A-Za-z][0-9A-Za-z-]*", re.ASCII),
    "a letter first, then letters, digits and '-'",
)


def secret_name(app: str, environment: str, secret: str) -> str:
    """`<app>-<stack>-<secret>` (letters, digits, '-'): unique even in a shared vault."""
    return f"{app}-{env_slug(environment)}-{secret}"


def identity_name(app: str, environment: str, workload: str) -> str:
    """User-assigned identity name (3-128 of letters, digits, '-', '_')."""
    return f"id-{app}-{env_slug(environment)}-{workload}"[:128]


def _name_of(model: AppModel, s: SecretModel) -> str:
    return secret_name(model.app, model.environment, s.store_name)


def check_names(model: AppModel, secrets: Node) -> None:
    """Key Vault's secret name rules."""
    check_secret_names(model, secrets, RULE, _name_of)
