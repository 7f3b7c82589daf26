"""The one dispatch table of clouds: adding a cloud is adding a folder and a line here."""

import importlib
from types import ModuleType
from typing import Any

from fluxlit_secrets.clouds import aws, azure, gcp, kubernetes
from fluxlit_secrets.clouds.base import Cloud, CloudIdentity, SecretStore
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.model.cloud import CloudModel

CLOUDS: dict[str, Cloud] = {c.name: c for c in (kubernetes.CLOUD, aws.CLOUD, gcp.CLOUD, azure.CLOUD)}
#: What the model needs of each cloud (settings and name checks), by store name.
CLOUD_MODELS: dict[str, CloudModel] = {name: c.model for name, c in CLOUDS.items()}


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
