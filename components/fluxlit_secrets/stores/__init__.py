"""Stores layer: where each secret's value of record lives."""

from fluxlit_secrets.stores.base import SecretStore, StoredSecret, StoreRequest
from fluxlit_secrets.stores.kubernetes import KubernetesStore

STORES: dict[str, SecretStore] = {"kubernetes": KubernetesStore()}


def get_store(name: str) -> SecretStore:
    """The store implementation for a `store:` config value."""
    return STORES[name]


__all__ = ["STORES", "KubernetesStore", "SecretStore", "StoreRequest", "StoredSecret", "get_store"]
