"""Component args of the cloud settings (the stack config's `aws`, `gcp`, `azure` blocks)."""

from typing import NotRequired, TypedDict


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
    csi_provider: NotRequired[str]
    """CSI provider with `delivery: csi`: `gcp` (Google's provider, default) or `gke` (GKE's managed add-on)."""


class AzureNetworkArgs(TypedDict):
    """Network access to the Key Vault."""

    public_access: NotRequired[bool]
    """False: the vault is reachable through private endpoints only (default true)."""
    allowed_ip_ranges: NotRequired[list[str]]
    """IPv4 ranges allowed through the vault's firewall; any list denies every other address."""
    allowed_subnet_ids: NotRequired[list[str]]
    """Virtual network subnets allowed through the vault's firewall."""


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
    network: NotRequired[AzureNetworkArgs]
    """Who may reach a vault created here (default: public access, no network rule)."""
