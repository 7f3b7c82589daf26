"""The AWS provider's SecretProviderClass: secrets by ARN, pinned to their full VersionId."""

from collections.abc import Sequence
from typing import Optional, cast

from fluxlit_secrets.clouds.aws.settings import AwsSettings
from fluxlit_secrets.clouds.csi import DRIVER, CsiClass, PinnedObject, file_permission, yaml_text
from fluxlit_secrets.model.app import CloudSettings
from fluxlit_secrets.model.labels import CSI_FILE_MODE


def csi_class(settings: CloudSettings) -> CsiClass:
    """`provider: aws`; Pod Identity stacks say so (IRSA reads the ServiceAccount's role annotation)."""
    s = cast(AwsSettings, settings)

    def parameters(objects: Sequence[PinnedObject], identity: Optional[str]) -> dict[str, str]:
        entries = [
            {
                "objectName": o.ref,
                "objectType": "secretsmanager",
                "objectVersion": o.version,
                "objectAlias": o.file,
                "filePermission": file_permission(CSI_FILE_MODE),
            }
            for o in objects
        ]
        params = {"region": s.region, "objects": yaml_text(entries)}
        if s.identity == "pod-identity":
            params["usePodIdentity"] = "true"
        return params

    return CsiClass(provider="aws", driver=DRIVER, parameters=parameters)
