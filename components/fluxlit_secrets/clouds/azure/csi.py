"""The Azure provider's SecretProviderClass: one vault, the workload's own identity, pinned versions."""

from collections.abc import Sequence
from typing import Optional, cast

from fluxlit_secrets.clouds.azure.settings import AzureSettings
from fluxlit_secrets.clouds.csi import DRIVER, CsiClass, PinnedObject, file_permission, yaml_text
from fluxlit_secrets.errors import FluxlitSecretsError
from fluxlit_secrets.model.app import CloudSettings
from fluxlit_secrets.model.labels import CSI_FILE_MODE


def object_name(ref: str, vault: str) -> str:
    """The Key Vault secret name: `ref` itself, or the last segment of its resource id
    (`.../vaults/<vault>/secrets/<name>`), which must be in `vault` (one class reads one vault)."""
    if "/" not in ref:
        return ref
    parts = ref.rstrip("/").split("/")
    lowered = [p.lower() for p in parts]
    if len(parts) < 4 or lowered[-2] != "secrets" or lowered[-4] != "vaults" or lowered[-3] != vault.lower():
        raise FluxlitSecretsError(f"{ref!r} is not a secret of Key Vault {vault!r}")
    return parts[-1]


def csi_class(settings: CloudSettings) -> CsiClass:
    """`provider: azure` with workload identity: `clientID` is the reading workload's identity."""
    s = cast(AzureSettings, settings)

    def parameters(objects: Sequence[PinnedObject], identity: Optional[str]) -> dict[str, str]:
        array = [
            yaml_text(
                {
                    "objectName": object_name(o.ref, s.vault_name),
                    "objectType": "secret",
                    "objectVersion": o.version,
                    "objectAlias": o.file,
                    "filePermission": file_permission(CSI_FILE_MODE),
                }
            )
            for o in objects
        ]
        return {
            "usePodIdentity": "false",
            "clientID": identity or "",
            "keyvaultName": s.vault_name,
            "tenantId": s.tenant_id,
            "objects": yaml_text({"array": array}),
        }

    return CsiClass(provider="azure", driver=DRIVER, parameters=parameters)
