"""The aws cloud: AWS Secrets Manager with IRSA or EKS Pod Identity."""

from fluxlit_secrets.clouds.aws.csi import csi_class
from fluxlit_secrets.clouds.aws.names import check_names
from fluxlit_secrets.clouds.aws.policy import POLICY
from fluxlit_secrets.clouds.aws.settings import FIELDS, AwsSettings, parse_aws
from fluxlit_secrets.clouds.descriptor import Cloud
from fluxlit_secrets.model.cloud import CloudModel

CLOUD = Cloud(
    name="aws",
    model=CloudModel(fields=FIELDS, parse=parse_aws, check_names=check_names),
    store="fluxlit_secrets.clouds.aws.store:AwsStore",
    identity="fluxlit_secrets.clouds.aws.identity:AwsIdentity",
    fakes="fluxlit_secrets.clouds.aws.fakes",
    extra="aws",
    csi=csi_class,
    policy=POLICY,
)

__all__ = ["CLOUD", "AwsSettings"]
