"""Names of AWS resources: secrets `<namePrefix><app>/<stack>/<secret>`, roles per workload."""

import re
from typing import cast

from fluxlit_secrets.clouds.aws.settings import AwsSettings
from fluxlit_secrets.clouds.names import NameRule, check_secret_names
from fluxlit_secrets.model.app import AppModel, SecretModel
from fluxlit_secrets.model.names import env_slug, fit
from fluxlit_secrets.model.shape import Node

RULE = NameRule(
    what="AWS name",
    most=512,
    pattern=re.compile(r"[A-Za-z0-9/_+=.@-]+", re.ASCII),
    allowed="letters, digits and /_+=.@-",
)
ARN_SUFFIX_LIKE = re.compile(r".*-[A-Za-z0-9]{6}", re.ASCII | re.DOTALL)


def secret_name(prefix: str, app: str, environment: str, *, secret: str) -> str:
    """`<namePrefix><app>/<stack>/<secret>`."""
    return f"{prefix}{app}/{environment}/{secret}"


def role_name(app: str, environment: str, workload: str) -> str:
    """The IAM role of one workload: `<app>_<stack>_<workload>` ('_' joins parts that never hold it),
    at most 64 characters (a longer one ends in a digest)."""
    return fit(f"{app}_{env_slug(environment)}_{workload}", 64)


def _name_of(model: AppModel, s: SecretModel) -> str:
    settings = cast(AwsSettings, model.cloud)
    return secret_name(settings.name_prefix, model.app, model.environment, secret=s.store_name)


def check_names(model: AppModel, secrets: Node) -> None:
    """Secrets Manager's name rules, and no name that reads like an ARN's random suffix."""
    check_secret_names(model, secrets, RULE, name_of=_name_of)
    for s in model.secrets:
        if ARN_SUFFIX_LIKE.fullmatch(_name_of(model, s)):
            secrets.child_raw(s.name).fail(
                "its AWS name ends in '-' and six characters, like an ARN suffix",
                "choose a secret name whose last part is not six characters after '-'",
            )
