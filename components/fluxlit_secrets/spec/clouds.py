"""Cloud settings of the stack config (`fluxlit-secrets:aws`, `:gcp`, `:azure`), validated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.errors import ConfigError, did_you_mean, shown

AWS_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$")
AWS_PARTITION = r"aws(?:-cn|-us-gov|-iso|-iso-b)?"
OIDC_PROVIDER_ARN = re.compile(rf"^arn:{AWS_PARTITION}:iam::(\d{{12}}):oidc-provider/([A-Za-z0-9.\-_/]+)$")
KMS_KEY_ARN = re.compile(
    rf"^arn:{AWS_PARTITION}:kms:([a-z0-9-]+):(\d{{12}}):(key/[a-f0-9-]{{36}}|key/mrk-[a-f0-9]{{32}}|alias/[A-Za-z0-9/_-]+)$"
)
EKS_CLUSTER = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")
AWS_NAME_CHARS = re.compile(r"^[A-Za-z0-9/_+=.@-]*$")
GCP_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
GCP_LOCATION = re.compile(r"^[a-z]+(-[a-z]+)+\d+$")
AZ_RESOURCE_GROUP = re.compile(r"^[-\w._()]{0,89}[-\w_()]$")
AZ_LOCATION = re.compile(r"^[a-z][a-z0-9]{2,39}$")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
VAULT_NAME = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$")
VAULT_ID = re.compile(
    r"^/subscriptions/([0-9a-fA-F-]{36})/resourceGroups/([-\w._()]+)/providers/Microsoft\.KeyVault/vaults/([a-zA-Z0-9-]{3,24})$"
)
ISSUER_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~\-/]*)?$")


@dataclass(frozen=True, kw_only=True)
class AwsSettings:
    """AWS Secrets Manager and EKS identity settings."""

    region: str
    identity: str  # irsa | pod-identity
    account: str
    oidc_provider_arn: str | None = None
    cluster_name: str | None = None
    kms_key_arn: str | None = None
    recovery_window_in_days: int = 30
    name_prefix: str = "fluxlit/"

    @property
    def oidc_issuer(self) -> str | None:
        """The issuer host/path of the cluster's IAM OIDC provider (the ARN's last part)."""
        return self.oidc_provider_arn.split(":oidc-provider/", 1)[1] if self.oidc_provider_arn else None

    @property
    def partition(self) -> str:
        """aws, aws-cn or aws-us-gov (from the region)."""
        return "aws-cn" if self.region.startswith("cn-") else "aws-us-gov" if "-gov-" in self.region else "aws"


@dataclass(frozen=True, kw_only=True)
class GcpSettings:
    """GCP Secret Manager and GKE Workload Identity settings."""

    project: str
    project_number: str
    identity: str  # direct | service-account
    replication: tuple[str, ...] = ()  # empty: automatic

    @property
    def pool(self) -> str:
        """The GKE workload identity pool of the project."""
        return f"{self.project}.svc.id.goog"


@dataclass(frozen=True, kw_only=True)
class AzureSettings:
    """Azure Key Vault and AKS workload identity settings."""

    resource_group: str
    location: str
    tenant_id: str
    oidc_issuer_url: str
    vault_name: str
    vault_id: str | None = None  # an existing vault; none: the vault is created
    soft_delete_retention_days: int = 90

    @property
    def vault_group(self) -> str:
        """Resource group of the vault: the existing vault's own, else `resource_group`."""
        match = VAULT_ID.match(self.vault_id or "")
        return match.group(2) if match else self.resource_group


def _key(cloud: str, field: str) -> str:
    return f"fluxlit-secrets:{cloud}.{field}"


def _known(raw: Mapping[str, Any], cloud: str, allowed: tuple[str, ...]) -> None:
    for k in raw:
        if k not in allowed:
            raise ConfigError(
                _key(cloud, str(k)), f"unknown key{did_you_mean(k, allowed)}", "valid keys are " + ", ".join(allowed)
            )


def _str(
    raw: Mapping[str, Any],
    cloud: str,
    field: str,
    pattern: re.Pattern[str],
    fix: str,
    *,
    required: bool = True,
    default: str | None = None,
) -> str | None:
    value = raw.get(field, default)
    if value is None:
        if required:
            raise ConfigError(_key(cloud, field), "is missing", fix)
        return None
    if not isinstance(value, str) or not pattern.match(value):
        raise ConfigError(_key(cloud, field), f"{shown(value)} is not valid", fix)
    return value


def _int(raw: Mapping[str, Any], cloud: str, field: str, default: int, low: int, high: int, fix: str) -> int:
    value = raw.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(_key(cloud, field), f"must be a whole number from {low} to {high}, got {shown(value)}", fix)
    return value


AWS_KEYS = (
    "region",
    "identity",
    "oidcProviderArn",
    "clusterName",
    "kmsKeyArn",
    "recoveryWindowInDays",
    "namePrefix",
    "accountId",
)
GCP_KEYS = ("project", "projectNumber", "identity", "replication")
AZURE_KEYS = (
    "resourceGroup",
    "location",
    "tenantId",
    "oidcIssuerUrl",
    "vaultName",
    "vaultId",
    "softDeleteRetentionDays",
)


def parse_aws(raw: Any, *, disposable: bool) -> AwsSettings:
    """Validate `fluxlit-secrets:aws`."""
    if not isinstance(raw, Mapping):
        raise ConfigError(
            "fluxlit-secrets:aws", "must be a mapping", "give region, identity and the cluster's OIDC provider ARN"
        )
    _known(raw, "aws", AWS_KEYS)
    region = _str(raw, "aws", "region", AWS_REGION, "give an AWS region such as us-east-1")
    identity = raw.get("identity", "irsa")
    if identity not in ("irsa", "pod-identity"):
        raise ConfigError(
            _key("aws", "identity"),
            f"unknown identity {shown(identity)}{did_you_mean(identity, ('irsa', 'pod-identity'))}",
            "use irsa or pod-identity",
        )
    arn = _str(
        raw,
        "aws",
        "oidcProviderArn",
        OIDC_PROVIDER_ARN,
        "give the ARN of the cluster's IAM OIDC provider, "
        "arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
        required=identity == "irsa",
    )
    cluster = _str(
        raw,
        "aws",
        "clusterName",
        EKS_CLUSTER,
        "give the EKS cluster name (letters, digits, '-', '_', at most 100)",
        required=identity == "pod-identity",
    )
    kms = _str(
        raw,
        "aws",
        "kmsKeyArn",
        KMS_KEY_ARN,
        "give a KMS key ARN arn:aws:kms:<region>:<account>:key/<id>, or omit it",
        required=False,
    )
    window = raw.get("recoveryWindowInDays", 30)
    if isinstance(window, bool) or not isinstance(window, int) or not (window == 0 or 7 <= window <= 30):
        raise ConfigError(
            _key("aws", "recoveryWindowInDays"),
            f"must be 0 or from 7 to 30, got {shown(window)}",
            "omit it for 30 days",
        )
    if window == 0 and not disposable:
        raise ConfigError(
            _key("aws", "recoveryWindowInDays"),
            "0 deletes a secret at once, with no recovery",
            "use 7 to 30 days, or mark a throw-away stack disposable: true",
        )
    prefix = raw.get("namePrefix", "fluxlit/")
    if not isinstance(prefix, str) or len(prefix) > 256 or not AWS_NAME_CHARS.match(prefix):
        raise ConfigError(
            _key("aws", "namePrefix"),
            f"{shown(prefix)} is not valid in a secret name",
            "use letters, digits and /_+=.@-, at most 256 characters",
        )
    accounts = {m.group(1) for m in (OIDC_PROVIDER_ARN.match(arn or ""),) if m} | {
        m.group(2) for m in (KMS_KEY_ARN.match(kms or ""),) if m
    }
    account = raw.get("accountId")
    if account is not None and (not isinstance(account, str) or not re.match(r"^\d{12}$", account)):
        raise ConfigError(
            _key("aws", "accountId"), f"{shown(account)} is not a 12-digit account id", 'quote it: "123456789012"'
        )
    if account:
        accounts.add(account)
    if len(accounts) > 1:
        raise ConfigError(
            "fluxlit-secrets:aws",
            f"names several accounts ({', '.join(sorted(accounts))})",
            "use the OIDC provider, KMS key and account of one account",
        )
    if kms:
        kms_region = KMS_KEY_ARN.match(kms).group(1)
        if kms_region != region:
            raise ConfigError(
                _key("aws", "kmsKeyArn"), f"is in {kms_region}, not in {region}", "use a key of the stack's region"
            )
    if not accounts:
        raise ConfigError(
            _key("aws", "accountId"),
            "is missing (no OIDC provider or KMS key names the account)",
            'set accountId: "<12-digit account>"',
        )
    return AwsSettings(
        region=region,
        identity=identity,
        account=accounts.pop(),
        oidc_provider_arn=arn,
        cluster_name=cluster,
        kms_key_arn=kms,
        recovery_window_in_days=window,
        name_prefix=prefix,
    )


def parse_gcp(raw: Any) -> GcpSettings:
    """Validate `fluxlit-secrets:gcp`."""
    if not isinstance(raw, Mapping):
        raise ConfigError("fluxlit-secrets:gcp", "must be a mapping", "give project, projectNumber and identity")
    _known(raw, "gcp", GCP_KEYS)
    project = _str(raw, "gcp", "project", GCP_PROJECT, "give the project id: 6-30 lowercase letters, digits, '-'")
    number = raw.get("projectNumber")
    if isinstance(number, int) and not isinstance(number, bool):
        raise ConfigError(
            _key("gcp", "projectNumber"), "is a number, and YAML may round it", 'quote it: "123456789012"'
        )
    _str(
        raw,
        "gcp",
        "projectNumber",
        re.compile(r"^[1-9]\d{5,18}$"),
        'give the project number, quoted, e.g. "123456789012"',
    )
    identity = raw.get("identity", "direct")
    if identity not in ("direct", "service-account"):
        raise ConfigError(
            _key("gcp", "identity"),
            f"unknown identity {shown(identity)}{did_you_mean(identity, ('direct', 'service-account'))}",
            "use direct or service-account",
        )
    replication = raw.get("replication", "auto")
    if replication == "auto":
        locations: tuple[str, ...] = ()
    elif (
        isinstance(replication, list)
        and replication
        and all(isinstance(x, str) and GCP_LOCATION.match(x) for x in replication)
    ):
        if len(set(replication)) != len(replication):
            raise ConfigError(_key("gcp", "replication"), "lists a location twice", "list each location once")
        locations = tuple(replication)
    else:
        raise ConfigError(
            _key("gcp", "replication"),
            f"{shown(replication)} is not auto or a list of locations",
            "write auto, or a list such as [europe-west1, europe-west4]",
        )
    return GcpSettings(project=project, project_number=number, identity=identity, replication=locations)


def parse_azure(raw: Any) -> AzureSettings:
    """Validate `fluxlit-secrets:azure`."""
    if not isinstance(raw, Mapping):
        raise ConfigError(
            "fluxlit-secrets:azure",
            "must be a mapping",
            "give resourceGroup, location, tenantId, oidcIssuerUrl and vaultName",
        )
    _known(raw, "azure", AZURE_KEYS)
    group = _str(raw, "azure", "resourceGroup", AZ_RESOURCE_GROUP, "give the resource group name (1-90 characters)")
    location = _str(raw, "azure", "location", AZ_LOCATION, "give an Azure region such as westeurope")
    tenant = _str(raw, "azure", "tenantId", GUID, "give the tenant id, a GUID")
    issuer = _str(
        raw,
        "azure",
        "oidcIssuerUrl",
        ISSUER_URL,
        "give the AKS OIDC issuer URL (az aks show --query oidcIssuerProfile.issuerUrl)",
    )
    vault_id = _str(
        raw,
        "azure",
        "vaultId",
        VAULT_ID,
        "give /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>",
        required=False,
    )
    if vault_id:
        vault_name = VAULT_ID.match(vault_id).group(3)
        if "vaultName" in raw and raw["vaultName"] != vault_name:
            raise ConfigError(_key("azure", "vaultName"), "differs from the name in vaultId", "give one of the two")
    else:
        vault_name = _str(
            raw,
            "azure",
            "vaultName",
            VAULT_NAME,
            "give 3-24 letters, digits and single hyphens, starting with a letter (or vaultId for an existing vault)",
        )
    retention = _int(raw, "azure", "softDeleteRetentionDays", 90, 7, 90, "omit it for 90 days")
    return AzureSettings(
        resource_group=group,
        location=location,
        tenant_id=tenant,
        oidc_issuer_url=issuer,
        vault_name=vault_name,
        vault_id=vault_id,
        soft_delete_retention_days=retention,
    )
