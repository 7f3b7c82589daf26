"""A cloud's store and identity, imported on use from the catalog's descriptor (its SDK is an extra)."""

import importlib
from types import ModuleType
from typing import Any

from fluxlit_secrets.clouds.base import CloudIdentity, SecretStore
from fluxlit_secrets.clouds.catalog import CLOUDS
from fluxlit_secrets.clouds.descriptor import Cloud
from fluxlit_secrets.errors import ConfigError


def load(cloud: Cloud, target: str) -> Any:
    """`module:attr` of a cloud, or a one-line ConfigError naming the extra that installs its SDK."""
    module_name, _, attr = target.partition(":")
    return getattr(load_module(cloud, module_name), attr) if attr else load_module(cloud, module_name)


def load_module(cloud: Cloud, module_name: str) -> ModuleType:
    """Import one module of a cloud folder (its SDK is an optional extra)."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if cloud.extra and exc.name and exc.name.startswith("pulumi_"):
            raise ConfigError(
                "store", f"{cloud.name} needs the {exc.name} package", f"pip install 'fluxlit-secrets[{cloud.extra}]'"
            ) from None
        raise


def store_of(name: str) -> SecretStore:
    """The SecretStore of a store name."""
    cloud = CLOUDS[name]
    store: SecretStore = load(cloud, cloud.store)()
    return store


def identity_of(name: str) -> CloudIdentity | None:
    """The CloudIdentity of a store name (None for the kubernetes store)."""
    cloud = CLOUDS[name]
    if cloud.identity is None:
        return None
    identity: CloudIdentity = load(cloud, cloud.identity)()
    return identity
