"""Stores layer: where each secret's value of record lives (one module per store)."""

import importlib

from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.stores.base import SecretStore, StoredSecret, StoreRequest

#: store name -> (module, class, pip extra). Cloud SDKs are optional extras, imported on use.
_STORES = {
    "kubernetes": ("fluxlit_secrets.stores.kubernetes", "KubernetesStore", None),
    "aws": ("fluxlit_secrets.stores.aws", "AwsStore", "aws"),
    "gcp": ("fluxlit_secrets.stores.gcp", "GcpStore", "gcp"),
    "azure": ("fluxlit_secrets.stores.azure", "AzureStore", "azure"),
}


def load_module(module: str, extra: str | None, key: str) -> object:
    """Import a store or identity module, or say which extra installs its cloud SDK."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if extra and exc.name and exc.name.startswith("pulumi_"):
            raise ConfigError(key, f"needs the {exc.name} package", f"pip install 'fluxlit-secrets[{extra}]'") from None
        raise


def get_store(name: str) -> SecretStore:
    """The store implementation for a `store:` config value."""
    module, cls, extra = _STORES[name]
    return getattr(load_module(module, extra, "fluxlit-secrets:store"), cls)()


__all__ = ["SecretStore", "StoreRequest", "StoredSecret", "get_store", "load_module"]
