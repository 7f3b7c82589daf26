"""The azure cloud: Azure Key Vault with AKS workload identity."""

from fluxlit_secrets.clouds.azure.csi import csi_class
from fluxlit_secrets.clouds.azure.names import check_names
from fluxlit_secrets.clouds.azure.policy import POLICY
from fluxlit_secrets.clouds.azure.settings import FIELDS, AzureSettings, parse_azure
from fluxlit_secrets.clouds.descriptor import Cloud
from fluxlit_secrets.model.cloud import CloudModel

CLOUD = Cloud(
    name="azure",
    model=CloudModel(fields=FIELDS, parse=parse_azure, check_names=check_names),
    store="fluxlit_secrets.clouds.azure.store:AzureStore",
    identity="fluxlit_secrets.clouds.azure.identity:AzureIdentity",
    fakes="fluxlit_secrets.clouds.azure.fakes",
    extra="azure",
    csi=csi_class,
    policy=POLICY,
)

__all__ = ["CLOUD", "AzureSettings"]
