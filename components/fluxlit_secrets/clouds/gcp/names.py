"""Names of GCP resources: secret ids `<app>-<stack>-<secret>`, service account ids per workload."""

import hashlib
import re

from fluxlit_secrets.clouds.names import NameRule, check_secret_names
from fluxlit_secrets.model.app import AppModel, SecretModel
from fluxlit_secrets.model.names import env_slug
from fluxlit_secrets.model.shape import Node

RULE = NameRule(
    what="Secret Manager id",
    most=255,
    pattern=re.compile(r"[A-Za-z0-9_-]+", re.ASCII),
    allowed="letters, digits, '-' and '_'",
)


def secret_id(app: str, environment: str, secret: str) -> str:
    """`<app>_<stack>_<secret>`: '_' joins parts that never hold it, so no two apps and stacks meet."""
    return f"{app}_{env_slug(environment)}_{secret}"


def service_account_id(app: str, environment: str, workload: str) -> str:
    """A 6-30 character Google service account id for one workload of one app on one stack:
    readable head, digest of all three (a project holds many apps and stacks)."""
    digest = hashlib.sha256(f"{app}/{environment}/{workload}".encode()).hexdigest()[:8]
    head = app[:17].rstrip("-")
    head = head if head[:1].isalpha() else f"a{head[:16]}"
    return f"{head}-{workload[:3]}-{digest}"


def _name_of(model: AppModel, s: SecretModel) -> str:
    return secret_id(model.app, model.environment, s.store_name)


def check_names(model: AppModel, secrets: Node) -> None:
    """Secret Manager's id rules."""
    check_secret_names(model, secrets, RULE, name_of=_name_of)
