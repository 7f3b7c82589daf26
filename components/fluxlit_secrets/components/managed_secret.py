"""ManagedSecret (one secret's container, current and previous versions in its store) and
RetiringVersion (the version before those, kept until its consumers have rolled)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import NotRequired, Optional, TypedDict, overload

import pulumi

from fluxlit_secrets.clouds import CLOUD_MODELS, StoreRequest, store_of
from fluxlit_secrets.components.base import STORES, cloud_settings, parse_component_args, token
from fluxlit_secrets.components.cloud_args import AwsArgs, AzureArgs, GcpArgs
from fluxlit_secrets.model import names
from fluxlit_secrets.model.app import AppModel, Consumer, SecretModel
from fluxlit_secrets.model.kinds import SOURCES
from fluxlit_secrets.model.secrets import GENERATION_MAX, LENGTH_RANGE, label
from fluxlit_secrets.model.shape import Node


class ManagedSecretArgs(TypedDict):
    """Inputs of a ManagedSecret."""

    app: str
    """The app's DNS-1123 name; prefixes every resource name."""
    secret: str
    """The secret's DNS-1123 name within the app."""
    source: NotRequired[str]
    """`generated` (random, rotated by `generation`) or `config` (the `value` input); default: `config`
    when a value is given, else `generated`."""
    generation: NotRequired[int]
    """Version counter: raise it by one to rotate (default 1)."""
    store: NotRequired[str]
    """Where the value of record lives: `kubernetes` (default), `aws`, `gcp` or `azure`."""
    environment: NotRequired[str]
    """The stack (environment) the secret belongs to (default: the Pulumi stack)."""
    length: NotRequired[int]
    """Length of a generated value (32-256, default 64)."""
    value: NotRequired[pulumi.Input[str]]
    """The value of a config-sourced secret (kept secret)."""
    disposable: NotRequired[bool]
    """True for a throw-away stack: the value of record is then not protected."""
    aws: NotRequired[AwsArgs]
    """AWS settings (store aws)."""
    gcp: NotRequired[GcpArgs]
    """GCP settings (store gcp)."""
    azure: NotRequired[AzureArgs]
    """Azure settings (store azure)."""
    namespace: NotRequired[pulumi.Input[str]]
    """The app's namespace (store kubernetes: the versions are Secrets there)."""
    renamed_from: NotRequired[str]
    """The secret's former name: state moves over (aliases) and the store keeps its name."""
    vault_name: NotRequired[pulumi.Input[str]]
    """Name of the Key Vault holding the secret (store azure; default azure.vault_name)."""


class RetiringVersionArgs(TypedDict):
    """Inputs of a RetiringVersion: the ManagedSecret's own, plus where its versions live."""

    app: str
    """The app's DNS-1123 name (as given to the ManagedSecret)."""
    secret: str
    """The secret's DNS-1123 name (as given to the ManagedSecret)."""
    source: NotRequired[str]
    """`generated` (default; a config-sourced secret keeps no older versions here: nothing to retire)."""
    generation: int
    """The ManagedSecret's current generation; the one two before it is retired."""
    store: NotRequired[str]
    """The ManagedSecret's store: `kubernetes` (default), `aws`, `gcp` or `azure`."""
    environment: NotRequired[str]
    """The stack (environment) (default: the Pulumi stack)."""
    length: NotRequired[int]
    """Length of the generated values (as given to the ManagedSecret)."""
    disposable: NotRequired[bool]
    """True for a throw-away stack."""
    aws: NotRequired[AwsArgs]
    """AWS settings (store aws)."""
    gcp: NotRequired[GcpArgs]
    """GCP settings (store gcp)."""
    azure: NotRequired[AzureArgs]
    """Azure settings (store azure)."""
    namespace: NotRequired[pulumi.Input[str]]
    """The app's namespace (store kubernetes)."""
    renamed_from: NotRequired[str]
    """The secret's former name (as given to the ManagedSecret)."""
    vault_name: NotRequired[pulumi.Input[str]]
    """Name of the Key Vault (store azure; default azure.vault_name)."""
    container: pulumi.Input[str]
    """The ManagedSecret's `ref` (ARN, Secret Manager id, Key Vault id) or, on the kubernetes store, the namespace."""
    managed_secret: NotRequired[str]
    """Resource name of the ManagedSecret that held this version before."""
    moved_from: NotRequired[pulumi.Input[str]]
    """URN of that ManagedSecret: with `managed_secret`, the version's resources keep their state."""


FIELDS = tuple(ManagedSecretArgs.__annotations__)


@dataclass(frozen=True, kw_only=True)
class SecretSpec:
    """A validated ManagedSecret or RetiringVersion: its store and the store's request."""

    store: str
    request: StoreRequest


def _secret_spec(component: str, name: str, args: object, *, parse: Callable[[Node, str], StoreRequest]) -> SecretSpec:
    request = parse_component_args(component, name, args, parse=lambda n: parse(n, pulumi.get_stack()))
    given = args if isinstance(args, Mapping) else {}
    return SecretSpec(store=str(given.get("store") or "kubernetes"), request=request)


def request_from_args(node: Node, default_environment: str, extra: tuple[str, ...] = ()) -> StoreRequest:
    """Validate ManagedSecret-shaped args into the store's request (the model's rules, one secret)."""
    node.known((*FIELDS, *extra))
    app = label(node.field("app").required("pass the app's DNS-1123 name"), names.APP_MAX, "app name")
    secret = label(node.field("secret").required("pass the secret's DNS-1123 name"), names.LABEL_MAX, "secret name")
    source = node.field("source", "config" if node.has("value") else "generated").one_of(SOURCES, "source")
    store = node.field("store", "kubernetes").one_of(STORES, "store")
    disposable = node.field("disposable", False).boolean()
    environment = node.field("environment", default_environment)
    if not isinstance(environment.value, str) or not environment.value:
        environment.fail("must be the stack name", "omit it to use the Pulumi stack")
    renamed = node.field("renamed_from")
    request = StoreRequest(
        app=app,
        environment=environment.value,
        secret=secret,
        source=source,
        generation=node.field("generation", 1).whole(1, GENERATION_MAX, "start at 1"),
        length=node.field("length", 64).whole(*LENGTH_RANGE, "omit it for 64 characters"),
        value=node.get("value"),
        disposable=disposable,
        settings=cloud_settings(node, store, disposable),
        context=_context(node, store),
        physical=label(renamed, names.LABEL_MAX, "former secret name") if renamed.value is not None else secret,
    )
    if source == "config" and request.value is None:
        node.field("value").fail("is missing for a config-sourced secret", "pass the secret value")
    _check_store_names(node, store, request)
    return request


def _context(node: Node, store: str) -> dict[str, object]:
    if store == "kubernetes":
        return {
            "namespace": node.field("namespace").required("pass the app's namespace: its versions are kept there").value
        }
    if store == "azure" and node.has("vault_name"):
        return {"vault_name": node.get("vault_name")}
    return {}


def _check_store_names(node: Node, store: str, request: StoreRequest) -> None:
    secret = SecretModel(
        name=request.secret,
        kind="opaque",
        source=request.source,
        generation=request.generation,
        length=request.length,
        config_key=None,
        consumers=(Consumer(workload="gateway", as_="file", name="value"),),
        renamed_from=request.physical if request.physical != request.secret else None,
    )
    model = AppModel(
        app=request.app,
        namespace=request.app,
        environment=request.environment,
        store=store,
        cloud=request.settings,
        secrets=(secret,),
    )
    CLOUD_MODELS[store].check_names(model, Node(node.shape, (), {}))


class ManagedSecret(pulumi.ComponentResource):
    """One secret in its store: the current version, the previous one, and their version ids."""

    value: pulumi.Output[str]
    """The current value (secret)."""
    version: pulumi.Output[str]
    """The current version identifier (a generation or a short store version id)."""
    full_version: pulumi.Output[str]
    """The store's full id of the current version (AWS VersionId, GCP version name, Key Vault version)."""
    previous_value: pulumi.Output[Optional[str]]
    """The previous version's value (secret), when the store still holds one."""
    previous_version: pulumi.Output[Optional[str]]
    """The previous version's identifier, when there is one."""
    previous_full_version: pulumi.Output[Optional[str]]
    """The store's full id of the previous version, when the program knows it (AWS, GCP)."""
    ref: pulumi.Output[Optional[str]]
    """What identity grants name: the secret's ARN, Secret Manager id or Key Vault resource id."""
    object_name: pulumi.Output[Optional[str]]
    """What a CSI provider fetches: the AWS ARN, the Key Vault secret name (GCP pins `full_version`)."""

    @overload
    def __init__(self, name: str, args: ManagedSecretArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None: ...

    @overload
    def __init__(self, name: str, args: SecretSpec, opts: Optional[pulumi.ResourceOptions] = None) -> None: ...

    # One constructor: args (validated here, errors naming `ManagedSecret "<name>"`) or a spec
    # validated already (SecretLifecycle's path: no second parse). Annotated with the args for the host.
    def __init__(  # type: ignore[misc]  # SDK gap: its analyzer reads this annotation, takes no Union
        self, name: str, args: ManagedSecretArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None:
        given: object = args
        spec = (
            given
            if isinstance(given, SecretSpec)
            else _secret_spec("ManagedSecret", name, args, parse=request_from_args)
        )
        store, request = spec.store, spec.request
        former = former_names(name, request)
        if request.physical != request.secret:
            # After a rename the component keeps its state under the new name.
            aliases = [pulumi.Alias(name=n) for n in former]
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=aliases))
        super().__init__(token("ManagedSecret"), name, {}, opts)
        # Children are named from this component's name; the names they had before stay as aliases.
        request = replace(request, base=name, former_bases=tuple(former))
        stored = store_of(store).provision(request, self)
        #: True when the store holds a previous version (generated secrets past generation 1).
        self.has_previous = stored.previous_value is not None
        none: pulumi.Output[Optional[str]] = pulumi.Output.from_input(None)
        self.value = stored.value
        self.version = stored.version
        self.full_version = stored.full_version if stored.full_version is not None else stored.version
        self.previous_value = stored.previous_value if stored.previous_value is not None else none
        self.previous_version = stored.previous_version if stored.previous_version is not None else none
        self.previous_full_version = stored.previous_full_version if stored.previous_full_version is not None else none
        self.ref = stored.ref if stored.ref is not None else none
        self.object_name = stored.object_name if stored.object_name is not None else self.ref
        self.register_outputs(
            {
                "value": self.value,
                "version": self.version,
                "fullVersion": self.full_version,
                "previousValue": self.previous_value,
                "previousVersion": self.previous_version,
                "previousFullVersion": self.previous_full_version,
                "ref": self.ref,
                "objectName": self.object_name,
            }
        )


class RetiringVersion(pulumi.ComponentResource):
    """The version before the previous one, kept readable until the resources this component
    `dependsOn` (its consumers' Deployments) have rolled; then disabled (GCP) or released (retained)."""

    retiring_generation: pulumi.Output[Optional[int]]
    """The generation being retired (none before generation 3, or for config-sourced secrets)."""

    @overload
    def __init__(self, name: str, args: RetiringVersionArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None: ...

    @overload
    def __init__(self, name: str, args: SecretSpec, opts: Optional[pulumi.ResourceOptions] = None) -> None: ...

    # One constructor, as ManagedSecret's (a spec carries `moved_from` and `former_bases` set).
    def __init__(  # type: ignore[misc]  # SDK gap: its analyzer reads this annotation, takes no Union
        self, name: str, args: RetiringVersionArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None:
        given: object = args
        spec = (
            given
            if isinstance(given, SecretSpec)
            else _secret_spec("RetiringVersion", name, args, parse=_retiring_request)
        )
        store, request = spec.store, spec.request
        super().__init__(token("RetiringVersion"), name, {}, opts)
        after = list(opts.depends_on or []) if opts and isinstance(opts.depends_on, list) else []
        store_of(store).retire(replace(request, base=name), self, after)
        retiring = request.generation - 2 if request.source == "generated" and request.generation > 2 else None
        self.retiring_generation = pulumi.Output.from_input(retiring)
        self.register_outputs({"retiringGeneration": self.retiring_generation})


def former_names(name: str, request: StoreRequest) -> list[str]:
    """Prefixes a secret's children had before: after a rename (`renamedFrom`), the component's
    name with the former secret name. Nothing else: an alias that no former name needs would claim
    another component's resources (two components of one app on two clusters)."""
    if request.physical == request.secret or not name.endswith(f"-{request.secret}"):
        return []
    return [name[: -len(request.secret)] + request.physical]


def _retiring_request(node: Node, default_environment: str) -> StoreRequest:
    container = node.field("container").required("pass the ManagedSecret's ref (or the namespace on kubernetes)")
    node.field("generation").required("pass the ManagedSecret's current generation")
    request = request_from_args(node, default_environment, ("container", "managed_secret", "moved_from"))
    key = "namespace" if request.settings is None else "container"
    managed = node.get("managed_secret")
    formers = [managed, *former_names(managed, request)] if isinstance(managed, str) else []
    return replace(
        request,
        context={**request.context, key: container.value},
        former_bases=tuple(formers),
        moved_from=node.get("moved_from"),
    )
