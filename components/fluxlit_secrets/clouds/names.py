"""The one check every store's physical names go through: length and characters, per secret."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from fluxlit_secrets.model.app import AppModel, SecretModel
from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.shape import Node


@dataclass(frozen=True, kw_only=True)
class NameRule:
    """A store's rule for the name a secret gets there."""

    what: str  # "AWS name"
    most: int
    pattern: re.Pattern[str]
    allowed: str  # the allowed characters, as the fix says them


def check_secret_names(
    model: AppModel, secrets: Node, rule: NameRule, *, name_of: Callable[[AppModel, SecretModel], str]
) -> None:
    """Refuse a secret whose store name is too long, has characters the store refuses, or is the
    name of another secret of the stack."""
    taken: dict[str, str] = {}
    for s in model.secrets:
        name = name_of(model, s)
        node = secrets.child_raw(s.name)
        owner = taken.setdefault(name.casefold(), s.name)
        if owner != s.name:
            node.fail(f"its {rule.what} is the one of secret {owner!r}", "give each secret a name of its own")
        if len(name) > rule.most:
            node.fail(
                f"its {rule.what} {shown(name, 80)} is longer than {rule.most} characters",
                "shorten the app, stack or secret name",
            )
        if not rule.pattern.fullmatch(name):
            node.fail(
                f"its {rule.what} {shown(name, 80)} has characters the store refuses",
                f"use {rule.allowed} in the app, stack and secret names",
            )
