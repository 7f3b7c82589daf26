"""Physical names of each secret in each store (pure; validated by `spec.parse`)."""

from __future__ import annotations

import hashlib
import re


def env_slug(environment: str) -> str:
    """A stack name as a DNS-label-like slug (`prod.eu_1` -> `prod-eu-1`)."""
    return re.sub(r"[^a-z0-9-]", "-", environment.lower()).strip("-") or "stack"


def aws_secret_name(prefix: str, app: str, environment: str, secret: str) -> str:
    """`<namePrefix><app>/<stack>/<secret>`."""
    return f"{prefix}{app}/{environment}/{secret}"


def gcp_secret_id(app: str, environment: str, secret: str) -> str:
    """`<app>-<stack>-<secret>` (letters, digits, '-', '_')."""
    return f"{app}-{env_slug(environment)}-{secret}"


def azure_secret_name(app: str, environment: str, secret: str) -> str:
    """`<app>-<stack>-<secret>` (letters, digits, '-'): unique even in a shared vault."""
    return f"{app}-{env_slug(environment)}-{secret}"


def gcp_service_account_id(app: str, workload: str) -> str:
    """A 6-30 character Google service account id for one workload."""
    candidate = f"{app}-{workload}"
    if len(candidate) <= 30:
        return candidate
    digest = hashlib.sha256(candidate.encode()).hexdigest()[:6]
    return f"{app[: 30 - 7].rstrip('-')}-{digest}"


def azure_identity_name(app: str, environment: str, workload: str) -> str:
    """User-assigned identity name (3-128 of letters, digits, '-', '_')."""
    return f"id-{app}-{env_slug(environment)}-{workload}"[:128]
