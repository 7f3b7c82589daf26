"""ManagedSecret: one secret's container and versions in the configured store."""

from collections.abc import Sequence
from typing import NotRequired, Optional, TypedDict

import pulumi

from fluxlit_secrets.cloud_args import AwsArgs, AzureArgs, GcpArgs, settings_from_args
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.spec import names
from fluxlit_secrets.spec.kinds import SOURCES, STORES
from fluxlit_secrets.stores import StoreRequest, get_store
from fluxlit_secrets.tokens import token


class ManagedSecretArgs(TypedDict):
    """Inputs of a ManagedSecret."""

    app: str
    """The app's DNS-1123 name; prefixes every resource name."""
    environment: str
    """The stack (environment) the secret belongs to."""
    secret: str
    """The secret's DNS-1123 name within the app."""
    source: str
    """`generated` (random, rotated by `generation`) or `config` (the `value` input)."""
    generation: int
    """Version counter: raise it by one to rotate."""
    store: str
    """Where the value of record lives: `kubernetes`."""
    length: NotRequired[int]
    """Length of a generated value (default 64)."""
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


class ManagedSecret(pulumi.ComponentResource):
    """One secret in its store: the current version, the previous one, and their version ids."""

    value: pulumi.Output[str]
    """The current value (secret)."""
    version: pulumi.Output[str]
    """The current version identifier (a generation or a store version id)."""
    previous_value: pulumi.Output[Optional[str]]
    """The previous version's value (secret), when the store still holds one."""
    previous_version: pulumi.Output[Optional[str]]
    """The previous version's identifier, when there is one."""
    ref: pulumi.Output[Optional[str]]
    """What identity grants name: the secret's ARN, Secret Manager id or Key Vault resource id."""

    def __init__(self, name: str, args: ManagedSecretArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        old = args.get("renamed_from")
        if old:
            # The component and (by name prefix) every child keep their state under the new name.
            alias = pulumi.Alias(name=f"{args['app']}-{old}")
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[alias]))
        super().__init__(token("ManagedSecret"), name, {}, opts)
        request = _request(args)
        stored = get_store(args["store"]).provision(request, self)
        self._retire = stored.retire
        #: True when the store holds a previous version (generated secrets past generation 1).
        self.has_previous = stored.previous_value is not None
        self.value = stored.value
        self.version = stored.version
        self.previous_value = (
            stored.previous_value if stored.previous_value is not None else pulumi.Output.from_input(None)
        )
        self.previous_version = (
            stored.previous_version if stored.previous_version is not None else pulumi.Output.from_input(None)
        )
        self.ref = stored.ref if stored.ref is not None else pulumi.Output.from_input(None)
        self.register_outputs(
            {
                "value": self.value,
                "version": self.version,
                "previousValue": self.previous_value,
                "previousVersion": self.previous_version,
                "ref": self.ref,
            }
        )

    def retire_after(self, consumers: Sequence[pulumi.Resource]) -> None:
        """Keep the version before the previous one until `consumers` (its Deployments) have rolled.

        Call it once, after the consumers exist: the store then disables (GCP) or releases that
        version only after them; older versions are retained by the store, never destroyed.
        """
        retire, self._retire = self._retire, (lambda _after: None)
        retire(consumers)


def _request(args: ManagedSecretArgs) -> StoreRequest:
    for field in ("app", "secret"):
        if not names.is_dns_label(args.get(field)):
            raise ConfigError(f"ManagedSecret.{field}", "is not a DNS-1123 label", "use lowercase letters, digits, '-'")
    if args.get("source") not in SOURCES:
        raise ConfigError("ManagedSecret.source", "is unknown", "use one of " + ", ".join(SOURCES))
    if args.get("store") not in STORES:
        raise ConfigError("ManagedSecret.store", "is unknown", "use one of " + ", ".join(STORES))
    gen = args.get("generation")
    if isinstance(gen, bool) or not isinstance(gen, int) or gen < 1:
        raise ConfigError("ManagedSecret.generation", "must be a positive whole number", "start at 1")
    if args["source"] == "config" and args.get("value") is None:
        raise ConfigError("ManagedSecret.value", "is missing for a config-sourced secret", "pass the secret value")
    disposable = bool(args.get("disposable", False))
    settings = settings_from_args(args["store"], dict(args), disposable=disposable)
    context: dict = {}
    if args["store"] == "kubernetes":
        if args.get("namespace") is None:
            raise ConfigError(
                "ManagedSecret.namespace",
                "is missing for the kubernetes store",
                "pass the app's namespace: its versions are kept there",
            )
        context = {"namespace": args["namespace"]}
    if args["store"] == "azure":
        # vault_name is also the name in vaultId (parse_azure checks that they agree).
        context = {"vault_name": args.get("vault_name", settings.vault_name), "resource_group": settings.vault_group}
    return StoreRequest(
        settings=settings,
        context=context,
        physical=args.get("renamed_from") or args["secret"],
        app=args["app"],
        environment=args["environment"],
        secret=args["secret"],
        source=args["source"],
        generation=gen,
        length=args.get("length", 64),
        value=args.get("value"),
        disposable=disposable,
    )
