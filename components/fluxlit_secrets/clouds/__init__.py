"""Clouds layer: one folder per store (kubernetes, aws, gcp, azure) behind one interface.

Each folder holds the cloud's settings and names (pure), what the policy rules know of its
resources (pure), its store and identity (Pulumi resources, imported on use) and the fakes the
offline engine answers with; clouds/catalog.py lists the folders.
"""

from fluxlit_secrets.clouds.base import (
    Binding,
    CloudIdentity,
    IdentityRequest,
    SecretStore,
    StoredSecret,
    StoreRequest,
)
from fluxlit_secrets.clouds.catalog import CLOUD_MODELS, CLOUDS, register
from fluxlit_secrets.clouds.descriptor import Cloud
from fluxlit_secrets.clouds.registry import identity_of, store_of

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
    "register",
    "store_of",
]
