"""Pod-spec fragments (camelCase Kubernetes JSON) for one workload's delivered secrets."""

from collections.abc import Sequence
from typing import Any

from fluxlit_secrets.model.labels import SECRETS_DIR

SECRET_VOLUME = "fluxlit-secrets"
#: 0400 as Kubernetes stores it (decimal in JSON).
FILE_MODE = 0o400


def secret_volumes(secret_name: Any, file_keys: Sequence[str]) -> list[dict[str, Any]]:
    """One read-only Secret volume that projects exactly the file-delivered keys (none: no volume)."""
    if not file_keys:
        return []
    return [
        {
            "name": SECRET_VOLUME,
            "secret": {
                "secretName": secret_name,
                "defaultMode": FILE_MODE,
                "items": [{"key": k, "path": k} for k in sorted(file_keys)],
            },
        }
    ]


def csi_volumes(driver: str, provider_class: Any) -> list[dict[str, Any]]:
    """One read-only CSI volume of the workload's SecretProviderClass (files come from the store)."""
    return [
        {
            "name": SECRET_VOLUME,
            "csi": {"driver": driver, "readOnly": True, "volumeAttributes": {"secretProviderClass": provider_class}},
        }
    ]


def secret_volume_mounts(file_keys: Sequence[str]) -> list[dict[str, Any]]:
    """The mount of that volume at the FluxLit secrets dir: read-only, whole directory, no subPath."""
    if not file_keys:
        return []
    return [{"name": SECRET_VOLUME, "mountPath": SECRETS_DIR, "readOnly": True}]


def secret_env(secret_name: Any, env_keys: Sequence[str]) -> list[dict[str, Any]]:
    """One `secretKeyRef` per env-delivered key; never `envFrom`."""
    return [{"name": k, "valueFrom": {"secretKeyRef": {"name": secret_name, "key": k}}} for k in sorted(env_keys)]
