"""The kubernetes "cloud": values of record in Pulumi state and Kubernetes Secrets only (local clusters)."""

from fluxlit_secrets.clouds.descriptor import Cloud
from fluxlit_secrets.model.app import AppModel, CloudSettings
from fluxlit_secrets.model.cloud import CloudModel
from fluxlit_secrets.model.shape import Node


def _no_settings(node: Node, disposable: bool) -> CloudSettings:
    node.fail("takes no settings", "remove it")


def _any_names(model: AppModel, secrets: Node) -> None:
    """Secret names are DNS labels already: the model checked them."""


CLOUD = Cloud(
    name="kubernetes",
    model=CloudModel(fields=(), parse=_no_settings, check_names=_any_names),
    store="fluxlit_secrets.clouds.kubernetes.store:KubernetesStore",
)

__all__ = ["CLOUD"]
