"""The gcp cloud: GCP Secret Manager with GKE Workload Identity."""

from fluxlit_secrets.clouds.descriptor import Cloud
from fluxlit_secrets.clouds.gcp.csi import csi_class
from fluxlit_secrets.clouds.gcp.names import check_names
from fluxlit_secrets.clouds.gcp.policy import POLICY
from fluxlit_secrets.clouds.gcp.settings import FIELDS, GcpSettings, parse_gcp
from fluxlit_secrets.model.cloud import CloudModel

CLOUD = Cloud(
    name="gcp",
    model=CloudModel(fields=FIELDS, parse=parse_gcp, check_names=check_names),
    store="fluxlit_secrets.clouds.gcp.store:GcpStore",
    identity="fluxlit_secrets.clouds.gcp.identity:GcpIdentity",
    fakes="fluxlit_secrets.clouds.gcp.fakes",
    extra="gcp",
    csi=csi_class,
    policy=POLICY,
)

__all__ = ["CLOUD", "GcpSettings"]
