"""The GCP provider's SecretProviderClass: each file names its exact SecretVersion."""

from collections.abc import Sequence
from typing import Optional, cast

from fluxlit_secrets.clouds.csi import DRIVER, CsiClass, PinnedObject, yaml_text
from fluxlit_secrets.clouds.gcp.settings import GcpSettings
from fluxlit_secrets.model.app import CloudSettings
from fluxlit_secrets.model.labels import CSI_FILE_MODE

#: The driver of GKE's managed Secret Manager add-on (`provider: gke`).
GKE_DRIVER = "secrets-store-gke.csi.k8s.io"


def csi_class(settings: CloudSettings) -> CsiClass:
    """`provider: gcp` (Google's provider on the open-source driver) or `gke` (the managed add-on).

    Auth is the pod's own: its KSA principal (direct) or the Google service account its KSA
    annotation names (service-account).
    """
    s = cast(GcpSettings, settings)

    def parameters(objects: Sequence[PinnedObject], identity: Optional[str]) -> dict[str, str]:
        # `mode` is an integer in the provider's YAML; 292 is 0444.
        entries = [{"resourceName": o.version, "path": o.file, "mode": CSI_FILE_MODE} for o in objects]
        return {"secrets": yaml_text(entries)}

    gke = s.csi_provider == "gke"
    return CsiClass(provider=s.csi_provider, driver=GKE_DRIVER if gke else DRIVER, parameters=parameters)
