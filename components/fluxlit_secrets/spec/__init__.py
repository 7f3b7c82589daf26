"""Spec layer: the validated, pure-Python model of one app's secrets (no Pulumi import)."""

from fluxlit_secrets.spec.model import SECRETS_DIR, AppSpec, Delivery, DeploymentsSpec, SecretSpec
from fluxlit_secrets.spec.parse import NAMESPACE, parse_app

__all__ = ["NAMESPACE", "SECRETS_DIR", "AppSpec", "Delivery", "DeploymentsSpec", "SecretSpec", "parse_app"]
