"""Clouds layer: one folder per store (kubernetes, aws, gcp, azure) behind one interface.

Each folder holds the cloud's settings and names (pure), its store and identity (Pulumi
resources, imported on use) and the fakes the offline engine answers with.
"""

from fluxlit_secrets.clouds.base import (
    Binding,
    Cloud,
    CloudIdentity,
    IdentityRequest,
    SecretStore,
    StoredSecret,
    StoreRequest,
)
from fluxlit_secrets.clouds.registry import CLOUD_MODELS, CLOUDS, identity_of, store_of

__all__ = [
    "CLOUDS",
    "CLOUD_MODELS",
    "Binding",
    "Cloud",
    "CloudIdentity",
    "IdentityRequest",
    "SecretStore",
    "StoreRequest",
    "StoredSecret",
    "identity_of",
    "store_of",
]
