"""Policy layer: rules as plain functions, evaluated by `check` and by the CrossGuard pack."""

from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.rules import ADVISORY, MANDATORY, RULES, Rule

__all__ = ["ADVISORY", "MANDATORY", "RULES", "Res", "Rule"]
