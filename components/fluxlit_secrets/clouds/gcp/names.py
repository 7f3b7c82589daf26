"""Names of GCP resources: secret ids `<app>-<stack>-<secret>`, service account ids per workload."""

import hashlib
import re

from fluxlit_secrets.clouds.names import NameRule, check_secret_names
from fluxlit_secrets.model.app import AppModel, SecretModel
from fluxlit_secrets.model.names import env_slug
from fluxlit_secrets.model.shape import Node

RULE = NameRule("Secret Manager id", 255, re.compile(r"[A-Za-z0-9_-]+", re.ASCII), "letters, digits, '-' and '_'")


def secret_id(app: str, environment: str, secret: str) -> str:
    """`<app>-<stack>-<secret>` (letters, digits, '-', '_')."""
    return f"{app}-{env_slug(environment)}-{secret}"


def service_account_id(app: str, workload: str) -> str:
    """A 6-30 character Google service account id for one workload."""
    candidate = f"{app}-{workload}"
    if len(candidate) <= 30:
        return candidate
    digest = hashlib.sha256(candidate.encode()).hexdigest()[:6]
    return f"{app[: 30 - 7].rstrip('-')}-{digest}"


def _name_of(model: AppModel, s: SecretModel) -> str:
    return secret_id(model.app, model.environment, s.store_name)


def check_names(model: AppModel, secrets: Node) -> None:
    """Secret Manager's id rules."""
    check_secret_names(model, secrets, RULE, _name_of)
