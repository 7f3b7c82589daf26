"""What every component adapter shares: its type token and one place that parses its args."""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.clouds import CLOUD_MODELS, CLOUDS
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.model.labels import PACKAGE
from fluxlit_secrets.model.shape import Node, Shape

T = TypeVar("T")


def token(name: str) -> str:
    """`fluxlit-secrets:index:<Name>` (a token rename changes URNs: add aliases when it happens)."""
    return f"{PACKAGE}:index:{name}"


def parse_component_args(component: str, name: str, args: object, *, parse: Callable[[Node], T]) -> T:
    """Parse a component's args (snake_case) once; every error names the component and the arg path."""
    shape = Shape.component(component, name)
    if not isinstance(args, Mapping):
        shape.fail(("args",), f"must be a mapping, got {type(args).__name__}", "pass a dict of the documented args")
    try:
        parsed = parse(shape.root(args, "{...}"))
    except ConfigError as exc:
        raise exc.at(shape.where) from None
    for notice in shape.notices:
        pulumi.log.warn(f"{shape.where}: {notice}")
    return parsed


def cloud_settings(node: Node, store: str, disposable: bool) -> Any:
    """The store's settings block parsed by its cloud (None for the kubernetes store)."""
    if store == "kubernetes":
        return None
    block = node.field(store)
    if block.value is None:
        block.fail(f"is missing for store: {store}", f"pass the {store} settings")
    return CLOUD_MODELS[store].parse(block, disposable)


STORES = tuple(CLOUDS)

#: Kubernetes objects whose name the provider reports back.
Named = (
    k8s.core.v1.Namespace
    | k8s.core.v1.ServiceAccount
    | k8s.core.v1.Secret
    | k8s.core.v1.Service
    | k8s.apps.v1.Deployment
)


def k8s_name(resource: Named) -> pulumi.Output[str]:
    """The `metadata.name` a Kubernetes object got (given, or auto-named by the provider)."""
    return resource.metadata.apply(lambda m: str(m.name))


def given_name(resource: pulumi.Resource, name: str) -> pulumi.Output[str]:
    """A name we gave a resource, as an Output that depends on it: known in a preview even when
    other fields of the resource's metadata (an annotation holding a new role ARN) are not."""
    return resource.urn.apply(lambda _: name)
