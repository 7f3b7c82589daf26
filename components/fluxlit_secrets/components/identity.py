"""WorkloadIdentity: one workload's ServiceAccount and, on a cloud store, its cloud identity."""

from dataclasses import dataclass, field
from typing import NotRequired, Optional, TypedDict, overload

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.clouds import Binding, IdentityRequest, identity_of
from fluxlit_secrets.components.base import STORES, cloud_settings, given_name, parse_component_args, token
from fluxlit_secrets.components.cloud_args import AwsArgs, AzureArgs, GcpArgs
from fluxlit_secrets.model import names
from fluxlit_secrets.model.app import CloudSettings
from fluxlit_secrets.model.kinds import PHYSICAL_WORKLOADS
from fluxlit_secrets.model.labels import MANAGED_BY, workload_labels, workload_name
from fluxlit_secrets.model.secrets import label
from fluxlit_secrets.model.shape import Node


class WorkloadIdentityArgs(TypedDict):
    """Inputs of a WorkloadIdentity."""

    app: str
    """The app's DNS-1123 name."""
    namespace: str
    """The namespace the ServiceAccount lives in (its trust names it)."""
    workload: str
    """`gateway`, `streamlit`, or `app` (unified topology)."""
    environment: NotRequired[str]
    """The stack name (names cloud identities; default: the Pulumi stack)."""
    store: NotRequired[str]
    """`kubernetes` (no cloud identity, default), `aws`, `gcp` or `azure`."""
    secret_refs: NotRequired[dict[str, pulumi.Input[str]]]
    """Secret name -> ARN / id, for exactly the secrets this workload consumes (none: no cloud identity)."""
    aws: NotRequired[AwsArgs]
    """AWS settings (store aws)."""
    gcp: NotRequired[GcpArgs]
    """GCP settings (store gcp)."""
    azure: NotRequired[AzureArgs]
    """Azure settings (store azure)."""
    annotations: NotRequired[dict[str, pulumi.Input[str]]]
    """Extra ServiceAccount annotations."""


@dataclass(frozen=True, kw_only=True)
class IdentitySpec:
    """A validated WorkloadIdentity."""

    app: str
    namespace: str
    workload: str
    environment: str
    store: str
    settings: Optional[CloudSettings]
    secret_refs: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    annotations: dict[str, pulumi.Input[str]] = field(default_factory=dict)


def _spec(node: Node, default_environment: str) -> IdentitySpec:
    node.known(tuple(WorkloadIdentityArgs.__annotations__))
    store = node.field("store", "kubernetes").one_of(STORES, "store")
    refs = node.field("secret_refs", {}).mapping("{jwt: <the ManagedSecret's ref>}")
    for secret, _ in refs.items():
        label(Node(refs.shape, (*refs.path, secret), secret), names.LABEL_MAX, "secret name")
    environment = node.field("environment", default_environment)
    if not isinstance(environment.value, str) or not environment.value:
        environment.fail("must be the stack name", "omit it to use the Pulumi stack")
    return IdentitySpec(
        app=label(node.field("app").required("pass the app's DNS-1123 name"), names.APP_MAX, "app name"),
        namespace=label(node.field("namespace").required("pass the app's namespace"), names.LABEL_MAX, "namespace"),
        workload=node.field("workload").required("gateway, streamlit or app").one_of(PHYSICAL_WORKLOADS, "workload"),
        environment=environment.value,
        store=store,
        settings=cloud_settings(node, store, True),
        secret_refs=dict(refs.value),
        annotations=dict(node.field("annotations", {}).mapping("{key: value}").value),
    )


class WorkloadIdentity(pulumi.ComponentResource):
    """One ServiceAccount per workload (no API token mounted), bound to a cloud identity if it reads secrets."""

    service_account_name: pulumi.Output[str]
    """Name of the ServiceAccount the workload's pods run as."""
    pod_labels: pulumi.Output[dict[str, str]]
    """Labels the workload's pods need for the binding (Azure workload identity)."""
    cloud_identity: pulumi.Output[Optional[str]]
    """The role ARN, Google principal or service account, or managed identity client id."""
    identity: pulumi.Output[dict[str, str]]
    """{app, workload, namespace, serviceAccountName}: the record by which `check`, the pack and the
    admission policy know the workload (never by labels or commands)."""

    @overload
    def __init__(
        self, name: str, args: WorkloadIdentityArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None: ...

    @overload
    def __init__(self, name: str, args: IdentitySpec, opts: Optional[pulumi.ResourceOptions] = None) -> None: ...

    # One constructor: args (validated here, errors naming `WorkloadIdentity "<name>"`) or a spec validated
    # already (SecretLifecycle's path: no second parse). Annotated with the args alone for the host.
    def __init__(  # type: ignore[misc]  # SDK gap: its analyzer reads this annotation, takes no Union
        self, name: str, args: WorkloadIdentityArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None:
        given: object = args
        spec = (
            given
            if isinstance(given, IdentitySpec)
            else parse_component_args("WorkloadIdentity", name, args, parse=lambda n: _spec(n, pulumi.get_stack()))
        )
        super().__init__(token("WorkloadIdentity"), name, {}, opts)
        self._name = name
        sa_name = workload_name(spec.app, spec.workload)
        binding = self._bind(spec, sa_name)
        sa = k8s.core.v1.ServiceAccount(
            f"{name}-sa",
            metadata={
                "name": sa_name,
                "namespace": spec.namespace,
                "labels": {**workload_labels(spec.app, spec.workload), **MANAGED_BY},
                "annotations": {**spec.annotations, **(binding.annotations if binding else {})},
            },
            automount_service_account_token=False,
            # The component's own dependencies (e.g. the Namespace) hold for the ServiceAccount too.
            opts=pulumi.ResourceOptions(parent=self, depends_on=opts.depends_on if opts else None),
        )
        self.service_account_name = given_name(sa, sa_name)
        self.pod_labels = pulumi.Output.from_input(dict(binding.pod_labels) if binding else {})
        self.cloud_identity = binding.identity if binding else pulumi.Output.from_input(None)
        self.identity = pulumi.Output.from_input(
            {"app": spec.app, "workload": spec.workload, "namespace": spec.namespace, "serviceAccountName": sa_name}
        )
        self.register_outputs(
            {
                "identity": self.identity,
                "serviceAccountName": self.service_account_name,
                "podLabels": self.pod_labels,
                "cloudIdentity": self.cloud_identity,
            }
        )

    def _bind(self, spec: IdentitySpec, sa_name: str) -> Optional[Binding]:
        identity = identity_of(spec.store)
        if identity is None or not spec.secret_refs or spec.settings is None:
            return None
        request = IdentityRequest(
            app=spec.app,
            environment=spec.environment,
            workload=spec.workload,
            namespace=spec.namespace,
            service_account=sa_name,
            settings=spec.settings,
            secret_refs=spec.secret_refs,
            base=self._name,
        )
        return identity.bind(request, self)
