"""Names of Azure resources: Key Vault secrets `<app>-<stack>-<secret>`, identities per workload."""

import re

from fluxlit_secrets.clouds.names import NameRule, check_secret_names
from fluxlit_secrets.model.app import AppModel, SecretModel
from fluxlit_secrets.model.names import env_slug, fit
from fluxlit_secrets.model.shape import Node

RULE = NameRule(
    what="Key Vault name",
    most=127,
    pattern=re.compile(r"[A-Za-z][0-9A-Za-z-]*", re.ASCII),
    allowed="a letter first, then letters, digits and '-'",
)


def secret_name(app: str, environment: str, secret: str) -> str:
    """`<app>--<stack>--<secret>` (letters, digits, '-'): '--' joins parts that never hold it, so
    names stay unique in a shared vault."""
    return f"{app}--{env_slug(environment)}--{secret}"


def identity_name(app: str, environment: str, workload: str) -> str:
    """User-assigned identity name `id-<app>_<stack>_<workload>` (3-128 of letters, digits, '-', '_')."""
    return fit(f"id-{app}_{env_slug(environment)}_{workload}", 128)


def _name_of(model: AppModel, s: SecretModel) -> str:
    return secret_name(model.app, model.environment, s.store_name)


def check_names(model: AppModel, secrets: Node) -> None:
    """Key Vault's secret name rules; '--' separates app, stack and secret, so none may hold it."""
    for part, node in ((model.app, Node(secrets.shape, ("app",), model.app)),):
        if "--" in part:
            node.fail("holds '--', which Key Vault secret names use between app, stack and secret", "use single '-'")
    for s in model.secrets:
        if "--" in s.store_name:
            secrets.child_raw(s.name).fail(
                "holds '--', which Key Vault secret names use between app, stack and secret", "use single '-'"
            )
    check_secret_names(model, secrets, RULE, name_of=_name_of)
    if model.delivery == "csi":
        for s in model.secrets:
            if s.overlap:
                secrets.child_raw(s.name).field("overlap").fail(
                    "cannot be pinned with delivery: csi on azure (Key Vault keeps the previous version, "
                    "but the program does not know its id)",
                    "remove overlap, or use delivery: kubernetes-secret",
                )
