"""Component args of the cloud settings (the stack config's `aws`, `gcp`, `azure` blocks)."""

import re
from typing import Any, NotRequired, Optional, TypedDict

from fluxlit_secrets.spec.clouds import AwsSettings, AzureSettings, GcpSettings, parse_aws, parse_azure, parse_gcp


class AwsArgs(TypedDict):
    """AWS Secrets Manager and EKS identity settings."""

    region: str
    """AWS region of the secrets, e.g. us-east-1."""
    identity: NotRequired[str]
    """`irsa` (default) or `pod-identity`."""
    oidc_provider_arn: NotRequired[str]
    """ARN of the cluster's IAM OIDC provider (IRSA)."""
    cluster_name: NotRequired[str]
    """EKS cluster name (Pod Identity)."""
    kms_key_arn: NotRequired[str]
    """Customer-managed KMS key for the secrets."""
    recovery_window_in_days: NotRequired[int]
    """Days a deleted secret stays recoverable: 7-30 (default 30); 0 only on disposable stacks."""
    name_prefix: NotRequired[str]
    """Prefix of secret names (default `fluxlit/`)."""
    account_id: NotRequired[str]
    """The AWS account, when no ARN names it."""


class GcpArgs(TypedDict):
    """GCP Secret Manager and GKE Workload Identity settings."""

    project: str
    """Project id."""
    project_number: str
    """Project number (quoted)."""
    identity: NotRequired[str]
    """`direct` (Workload Identity Federation, default) or `service-account`."""
    replication: NotRequired[list[str]]
    """User-managed replica locations; absent or empty: automatic."""


class AzureArgs(TypedDict):
    """Azure Key Vault and AKS workload identity settings."""

    resource_group: str
    """Resource group of the vault and identities."""
    location: str
    """Azure region, e.g. westeurope."""
    tenant_id: str
    """Entra tenant id."""
    oidc_issuer_url: str
    """The AKS cluster's OIDC issuer URL."""
    vault_name: NotRequired[str]
    """Name of the vault to create (3-24 characters)."""
    vault_id: NotRequired[str]
    """Resource id of an existing vault (instead of vault_name)."""
    soft_delete_retention_days: NotRequired[int]
    """Soft-delete retention, 7-90 days (default 90)."""


def camel(name: str) -> str:
    """snake_case arg name -> the stack config's camelCase key."""
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def to_config(args: Any) -> Any:
    """Args (snake_case) in the stack config's shape (camelCase), recursively."""
    if isinstance(args, dict):
        return {camel(k): to_config(v) for k, v in args.items()}
    return args


def settings_from_args(
    store: str, args: dict[str, Any], *, disposable: bool
) -> Optional[AwsSettings | GcpSettings | AzureSettings]:
    """The validated settings of the store's cloud from component args (None for kubernetes)."""
    raw = args.get(store)
    if store == "aws":
        return parse_aws(to_config(raw), disposable=disposable)
    if store == "gcp":
        raw = to_config(raw)
        if isinstance(raw, dict) and raw.get("replication") == []:
            raw = {**raw, "replication": "auto"}
        return parse_gcp(raw)
    if store == "azure":
        return parse_azure(to_config(raw))
    return None


def settings_to_args(settings: Optional[AwsSettings | GcpSettings | AzureSettings]) -> dict[str, Any]:
    """Validated settings back into args (for the child components)."""
    if isinstance(settings, AwsSettings):
        out: dict[str, Any] = {
            "region": settings.region,
            "identity": settings.identity,
            "recovery_window_in_days": settings.recovery_window_in_days,
            "name_prefix": settings.name_prefix,
            "account_id": settings.account,
        }
        for field in ("oidc_provider_arn", "cluster_name", "kms_key_arn"):
            if getattr(settings, field):
                out[field] = getattr(settings, field)
        return {"aws": out}
    if isinstance(settings, GcpSettings):
        return {
            "gcp": {
                "project": settings.project,
                "project_number": settings.project_number,
                "identity": settings.identity,
                "replication": list(settings.replication),
            }
        }
    if isinstance(settings, AzureSettings):
        out = {
            "resource_group": settings.resource_group,
            "location": settings.location,
            "tenant_id": settings.tenant_id,
            "oidc_issuer_url": settings.oidc_issuer_url,
            "soft_delete_retention_days": settings.soft_delete_retention_days,
        }
        out.update({"vault_id": settings.vault_id} if settings.vault_id else {"vault_name": settings.vault_name})
        return {"azure": out}
    return {}
