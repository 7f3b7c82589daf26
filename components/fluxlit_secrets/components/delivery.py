"""WorkloadDelivery: one workload's immutable Secret (or SecretProviderClass with CSI delivery), its
pod-spec fragments and restart trigger."""

from dataclasses import dataclass
from typing import Any, NotRequired, Optional, TypedDict, overload

import pulumi

from fluxlit_secrets.clouds import CLOUDS
from fluxlit_secrets.clouds.csi import CsiClass
from fluxlit_secrets.components.base import STORES, cloud_settings, parse_component_args, token
from fluxlit_secrets.components.cloud_args import AwsArgs, AzureArgs, GcpArgs
from fluxlit_secrets.delivery import DeliveredSecret, DeliveryTarget, deliver, deliver_csi
from fluxlit_secrets.model import names
from fluxlit_secrets.model.kinds import DELIVERIES, KINDS, PHYSICAL_WORKLOADS
from fluxlit_secrets.model.secrets import PREVIOUS_SUFFIX, as_key, check_delivery_name, consumed_as, label
from fluxlit_secrets.model.shape import Node


class DeliveredSecretArgs(TypedDict):
    """One secret as one workload receives it."""

    secret: str
    """The declared secret's name (its version is tracked under this name)."""
    as_: NotRequired[str]
    """`file` (default: a file in /var/run/secrets/fluxlit) or `env` (one secretKeyRef); `as` in other
    languages (`mode` is accepted, deprecated)."""
    name: str
    """The file name or environment variable name."""
    value: NotRequired[pulumi.Input[str]]
    """The value (kept secret); required with `kubernetes-secret` delivery, refused with `csi`."""
    version: pulumi.Input[str]
    """The version identifier; a new one restarts this workload only."""
    ref: NotRequired[pulumi.Input[str]]
    """`csi`: the ManagedSecret's `object_name` (the AWS ARN, the Key Vault secret name or resource id;
    GCP reads the secret from `full_version`)."""
    full_version: NotRequired[pulumi.Input[str]]
    """`csi`: the ManagedSecret's `full_version`, the exact version the pod reads."""


class WorkloadDeliveryArgs(TypedDict):
    """Inputs of a WorkloadDelivery."""

    app: str
    """The app's DNS-1123 name."""
    namespace: pulumi.Input[str]
    """The namespace of the Secret."""
    workload: str
    """`gateway`, `streamlit`, or `app` (unified topology)."""
    secrets: list[DeliveredSecretArgs]
    """Exactly the secrets this workload consumes."""
    labels: NotRequired[dict[str, str]]
    """Extra labels for the Secret."""
    store: NotRequired[str]
    """Name of the store of record, shown on the Secret (default `kubernetes`)."""
    delivery: NotRequired[str]
    """`kubernetes-secret` (default) or `csi` (a SecretProviderClass; files only; needs a cloud store)."""
    aws: NotRequired[AwsArgs]
    """AWS settings (`csi` with store aws)."""
    gcp: NotRequired[GcpArgs]
    """GCP settings (`csi` with store gcp)."""
    azure: NotRequired[AzureArgs]
    """Azure settings (`csi` with store azure)."""
    cloud_identity: NotRequired[pulumi.Input[str]]
    """`csi` with store azure: the WorkloadIdentity's `cloud_identity` (its client id)."""


def _entry(node: Node, workload: str, csi: bool) -> DeliveredSecret:
    node = node.mapping("{secret: ..., as_: file, name: ..., value: ..., version: ...}")
    secret = node.field("secret").required("name the declared secret")
    if not isinstance(secret.value, str) or not names.is_dns_label(secret.value.removesuffix(".previous")):
        secret.fail("is not a secret name", "use the declared secret's DNS-1123 name")
    mode = consumed_as(node, tuple(DeliveredSecretArgs.__annotations__))
    name = node.field("name").required("give the file or env var name, e.g. API_TOKEN")
    previous = secret.value.endswith(".previous")
    base = name.value.removesuffix(PREVIOUS_SUFFIX) if previous and isinstance(name.value, str) else name.value
    kind = next((k.name for k in KINDS.values() if k.default_name == base), "opaque")
    check_delivery_name(
        Node(name.shape, name.path, base), mode, "streamlit" if workload == "streamlit" else "gateway", kind_name=kind
    )
    version = node.field("version").required("pass the version id").value
    if not csi:
        value = node.field("value").required("pass the value").value
        return DeliveredSecret(secret=secret.value, as_=mode, name=name.value, value=value, version=version)
    if node.has("value"):
        node.field("value").fail(
            "is set, but with delivery: csi the pod reads the value from the store itself",
            "drop value and pass ref and full_version",
        )
    if mode != "file":
        node.child_raw(as_key(node)).fail("is env, but delivery: csi mounts files only", "use as_: file")
    ref = node.field("ref").required("pass the ManagedSecret's object_name").value
    full = node.field("full_version").required("pass the ManagedSecret's full_version").value
    return DeliveredSecret(
        secret=secret.value, as_=mode, name=name.value, value=None, version=version, ref=ref, full_version=full
    )


@dataclass(frozen=True, kw_only=True)
class DeliverySpec(DeliveryTarget):
    """A validated WorkloadDelivery: the target `delivery.deliver` builds for, and with CSI delivery
    the store's CSI provider."""

    #: With CSI delivery: the store's CSI provider, and the identity its parameters name (Azure).
    csi: Optional[CsiClass] = None
    identity: Optional[pulumi.Input[str]] = None


def parse_delivery(node: Node) -> DeliverySpec:
    """Validate WorkloadDelivery args: names the kubelet and FluxLit accept, each key once."""
    node.known(tuple(WorkloadDeliveryArgs.__annotations__))
    delivery = node.field("delivery", "kubernetes-secret").one_of(DELIVERIES, "delivery")
    store = node.field("store", "kubernetes").one_of(STORES, "store")
    csi = csi_of(node, store, delivery)
    app = label(node.field("app").required("pass the app's DNS-1123 name"), names.APP_MAX, "app name")
    workload = node.field("workload").required("gateway, streamlit or app").one_of(PHYSICAL_WORKLOADS, "workload")
    listed = node.field("secrets").required("list the workload's secrets")
    if not isinstance(listed.value, list):
        listed.fail("must be a list", "list the workload's secrets")
    entries = [
        _entry(Node(listed.shape, (*listed.path, str(i)), e), workload, csi is not None)
        for i, e in enumerate(listed.value)
    ]
    seen: dict[str, str] = {}
    for i, e in enumerate(entries):
        if e.name in seen:
            Node(listed.shape, (*listed.path, str(i), "name"), e.name).fail(
                f"{e.name} is already delivered by {seen[e.name]!r}", "deliver each name once"
            )
        seen[e.name] = e.secret
    labels = node.field("labels", {}).mapping("{key: value}").value
    namespace = node.field("namespace").required("pass the app's namespace").value
    identity = node.get("cloud_identity")
    if csi is not None and store == "azure" and identity is None:
        node.field("cloud_identity").fail("is missing", "pass the WorkloadIdentity's cloud_identity (its client id)")
    return DeliverySpec(
        app=app,
        namespace=namespace,
        workload=workload,
        entries=entries,
        store=store,
        labels=dict(labels),
        csi=csi,
        identity=identity,
    )


def csi_of(node: Node, store: str, delivery: str) -> Optional[CsiClass]:
    """The store's CSI provider with `delivery: csi` (None otherwise); the kubernetes store has none."""
    if delivery != "csi":
        return None
    make = CLOUDS[store].csi
    if make is None:
        node.field("store").fail(
            f"is {store}, which has no secret manager for the CSI driver to read",
            "use store aws, gcp or azure, or delivery: kubernetes-secret",
        )
    return make(cloud_settings(node, store, True))


class WorkloadDelivery(pulumi.ComponentResource):
    """An immutable Secret with only this workload's keys, replaced under a new name on rotation."""

    secret_name: pulumi.Output[Optional[str]]
    """Name of the workload's Secret (absent when it consumes nothing, and with CSI delivery)."""
    provider_class_name: pulumi.Output[Optional[str]]
    """Name of the workload's SecretProviderClass (CSI delivery only)."""
    restart_trigger: pulumi.Output[str]
    """`secret=version,...`: changes exactly when one of this workload's versions changes."""
    volumes: pulumi.Output[list[dict[str, Any]]]
    """Pod volumes to add (the read-only Secret or CSI volume)."""
    volume_mounts: pulumi.Output[list[dict[str, Any]]]
    """Container volume mounts to add."""
    env: pulumi.Output[list[dict[str, Any]]]
    """Container env entries to add (one secretKeyRef each)."""
    pod_annotations: pulumi.Output[dict[str, str]]
    """Pod-template annotations to add (the restart trigger)."""

    @overload
    def __init__(
        self, name: str, args: WorkloadDeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None: ...

    @overload
    def __init__(self, name: str, args: DeliverySpec, opts: Optional[pulumi.ResourceOptions] = None) -> None: ...

    # One constructor: args (validated here, errors naming `WorkloadDelivery "<name>"`) or a spec validated
    # already (SecretLifecycle's path: no second parse). Annotated with the args alone for the host.
    def __init__(  # type: ignore[misc]  # SDK gap: its analyzer reads this annotation, takes no Union
        self, name: str, args: WorkloadDeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None:
        given: object = args
        spec = (
            given
            if isinstance(given, DeliverySpec)
            else parse_component_args("WorkloadDelivery", name, args, parse=parse_delivery)
        )
        super().__init__(token("WorkloadDelivery"), name, {}, opts)
        if spec.csi is None:
            built = deliver(name, spec, parent=self)
        else:
            built = deliver_csi(name, spec, spec.csi, identity=spec.identity, parent=self)
        #: The Kubernetes Secret resource (None when the workload consumes nothing).
        self.secret = built.secret
        #: The SecretProviderClass resource (CSI delivery; None otherwise).
        self.provider_class = built.provider_class
        #: The fragments with Outputs nested where they are computed (for pod templates in Python).
        self.fragments = built
        self.secret_name = built.secret_name
        self.provider_class_name = (
            built.provider_class_name if built.provider_class_name is not None else pulumi.Output.from_input(None)
        )
        self.restart_trigger = built.restart_trigger
        self.volumes = pulumi.Output.from_input(built.volumes)
        self.volume_mounts = pulumi.Output.from_input(built.volume_mounts)
        self.env = pulumi.Output.from_input(built.env)
        self.pod_annotations = pulumi.Output.from_input(built.pod_annotations)
        self.register_outputs(
            {
                "secretName": self.secret_name,
                "providerClassName": self.provider_class_name,
                "restartTrigger": self.restart_trigger,
                "volumes": self.volumes,
                "volumeMounts": self.volume_mounts,
                "env": self.env,
                "podAnnotations": self.pod_annotations,
            }
        )
