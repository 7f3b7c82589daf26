"""Azure settings (`azure` block): resource group, tenant, AKS issuer, the vault."""

import ipaddress
import re
from dataclasses import dataclass

from fluxlit_secrets.model.app import CloudSettings
from fluxlit_secrets.model.shape import Node

AZ_RESOURCE_GROUP = re.compile(r"[-\w._()]{0,89}[-\w_()]", re.ASCII)
AZ_LOCATION = re.compile(r"[a-z][a-z0-9]{2,39}", re.ASCII)
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII)
VAULT_NAME = re.compile(r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]", re.ASCII)
VAULT_ID = re.compile(
    r"/subscriptions/([0-9a-fA-F-]{36})/resourceGroups/([-\w._()]+)/providers/Microsoft\.KeyVault/vaults/([a-zA-Z0-9-]{3,24})",
    re.ASCII,
)
ISSUER_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~\-/]*)?", re.ASCII)
FIELDS = (
    "resource_group",
    "location",
    "tenant_id",
    "oidc_issuer_url",
    "vault_name",
    "vault_id",
    "soft_delete_retention_days",
    "network",
)
NETWORK_FIELDS = ("public_access", "allowed_ip_ranges", "allowed_subnet_ids")
SUBNET_ID = re.compile(
    r"/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w._()]+/providers/Microsoft\.Network/"
    r"virtualNetworks/[-\w._]+/subnets/[-\w._]+",
    re.ASCII,
)


@dataclass(frozen=True, kw_only=True)
class VaultNetwork:
    """Who may reach the vault: public access, and (then) only these networks when any is listed."""

    public_access: bool = True
    allowed_ip_ranges: tuple[str, ...] = ()
    allowed_subnet_ids: tuple[str, ...] = ()

    @property
    def default_action(self) -> str:
        """Allow only when public and unrestricted; any list (or no public access) denies the rest."""
        return "Allow" if self.public_access and not (self.allowed_ip_ranges or self.allowed_subnet_ids) else "Deny"


@dataclass(frozen=True, kw_only=True)
class AzureSettings(CloudSettings):
    """Azure Key Vault and AKS workload identity settings."""

    resource_group: str
    location: str
    tenant_id: str
    oidc_issuer_url: str
    vault_name: str
    vault_id: str | None = None  # an existing vault; none: the vault is created
    soft_delete_retention_days: int = 90
    network: VaultNetwork = VaultNetwork()

    @property
    def vault_group(self) -> str:
        """Resource group of the vault: the existing vault's own, else `resource_group`."""
        match = VAULT_ID.fullmatch(self.vault_id or "")
        return match.group(2) if match else self.resource_group


def _required(node: Node, field: str, pattern: re.Pattern[str], *, fix: str) -> str:
    return node.field(field).required(fix).text(pattern, fix)


def _vault(node: Node) -> tuple[str, str | None]:
    vault_id = node.field("vault_id")
    if vault_id.value is None:
        fix = "give 3-24 letters, digits and single hyphens, starting with a letter (or vaultId for an existing vault)"
        return _required(node, "vault_name", VAULT_NAME, fix=fix), None
    vid = vault_id.text(
        VAULT_ID, "give /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>"
    )
    match = VAULT_ID.fullmatch(vid)
    name = match.group(3) if match else ""
    if node.has("vault_name") and node.get("vault_name") != name:
        node.field("vault_name").fail("differs from the name in vaultId", "give one of the two")
    return name, vid


def _network(node: Node) -> VaultNetwork:
    node = node.mapping("{publicAccess: false}")
    node.known(NETWORK_FIELDS)
    ranges = node.field("allowed_ip_ranges", [])
    subnets = node.field("allowed_subnet_ids", [])
    for listed, check, fix in (
        (ranges, _is_cidr, "list IPv4 ranges such as 203.0.113.0/24"),
        (subnets, lambda v: isinstance(v, str) and SUBNET_ID.fullmatch(v) is not None, "list subnet resource ids"),
    ):
        if not isinstance(listed.value, list) or not all(check(v) for v in listed.value):
            listed.fail("is not a list of the expected values", fix)
    return VaultNetwork(
        public_access=node.field("public_access", True).boolean(),
        allowed_ip_ranges=tuple(ranges.value),
        allowed_subnet_ids=tuple(subnets.value),
    )


def _is_cidr(value: object) -> bool:
    try:
        return isinstance(value, str) and ipaddress.ip_network(value, strict=True).version == 4
    except ValueError:
        return False


def parse_azure(node: Node, disposable: bool) -> AzureSettings:
    """Validate the `azure` block."""
    node = node.mapping("{resourceGroup: rg-app, location: westeurope, tenantId: <guid>, ...}")
    node.known(FIELDS)
    vault_name, vault_id = _vault(node)
    return AzureSettings(
        resource_group=_required(
            node, "resource_group", AZ_RESOURCE_GROUP, fix="give the resource group name (1-90 characters)"
        ),
        location=_required(node, "location", AZ_LOCATION, fix="give an Azure region such as westeurope"),
        tenant_id=_required(node, "tenant_id", GUID, fix="give the tenant id, a GUID"),
        oidc_issuer_url=_required(
            node,
            "oidc_issuer_url",
            ISSUER_URL,
            fix="give the AKS OIDC issuer URL (az aks show --query oidcIssuerProfile.issuerUrl)",
        ),
        vault_name=vault_name,
        vault_id=vault_id,
        soft_delete_retention_days=node.field("soft_delete_retention_days", 90).whole(7, 90, "omit it for 90 days"),
        network=_network(node.field("network")) if node.has("network") else VaultNetwork(),
    )
