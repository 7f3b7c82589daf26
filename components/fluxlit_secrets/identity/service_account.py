"""WorkloadIdentity: one workload's ServiceAccount and, on a cloud store, its cloud identity."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.cloud_args import AwsArgs, AzureArgs, GcpArgs, settings_from_args
from fluxlit_secrets.identity.base import Binding, IdentityRequest
from fluxlit_secrets.stores import load_module
from fluxlit_secrets.tokens import MANAGED_BY, token, workload_labels, workload_name

#: store -> (module, class, pip extra) of its identity binding.
_IDENTITIES = {
    "aws": ("fluxlit_secrets.identity.aws", "AwsIdentity", "aws"),
    "gcp": ("fluxlit_secrets.identity.gcp", "GcpIdentity", "gcp"),
    "azure": ("fluxlit_secrets.identity.azure", "AzureIdentity", "azure"),
}


class WorkloadIdentityArgs(TypedDict):
    """Inputs of a WorkloadIdentity."""

    app: str
    """The app's DNS-1123 name."""
    namespace: str
    """The namespace the ServiceAccount lives in (its trust names it)."""
    workload: str
    """`gateway`, `streamlit`, or `app` (unified topology)."""
    environment: NotRequired[str]
    """The stack name (names cloud identities)."""
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


class WorkloadIdentity(pulumi.ComponentResource):
    """One ServiceAccount per workload (no API token mounted), bound to a cloud identity if it reads secrets."""

    service_account_name: pulumi.Output[str]
    """Name of the ServiceAccount the workload's pods run as."""
    pod_labels: pulumi.Output[dict[str, str]]
    """Labels the workload's pods need for the binding (Azure workload identity)."""
    cloud_identity: pulumi.Output[Optional[str]]
    """The role ARN, Google principal or service account, or managed identity client id."""

    def __init__(self, name: str, args: WorkloadIdentityArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(token("WorkloadIdentity"), name, {}, opts)
        app, workload = args["app"], args["workload"]
        sa_name = workload_name(app, workload)
        store = args.get("store", "kubernetes")
        refs = dict(args.get("secret_refs") or {})
        binding: Optional[Binding] = None
        if store in _IDENTITIES and refs:
            module, cls, extra = _IDENTITIES[store]
            namespace = args["namespace"]
            settings = settings_from_args(store, dict(args), disposable=True)
            request = IdentityRequest(
                app=app,
                environment=args.get("environment", pulumi.get_stack()),
                workload=workload,
                namespace=namespace,
                service_account=sa_name,
                settings=settings,
                secret_refs=refs,
            )
            binding = getattr(load_module(module, extra, "fluxlit-secrets:store"), cls)().bind(request, self)
        annotations = {**(args.get("annotations") or {}), **(binding.annotations if binding else {})}
        sa = k8s.core.v1.ServiceAccount(
            f"{name}-sa",
            metadata={
                "name": sa_name,
                "namespace": args["namespace"],
                "labels": {**workload_labels(app, workload), **MANAGED_BY},
                "annotations": annotations,
            },
            automount_service_account_token=False,
            # The component's own dependencies (e.g. the Namespace) hold for the ServiceAccount too.
            opts=pulumi.ResourceOptions(parent=self, depends_on=opts.depends_on if opts else None),
        )
        self.service_account_name = sa.metadata.apply(lambda m: m.name)
        self.pod_labels = pulumi.Output.from_input(dict(binding.pod_labels) if binding else {})
        self.cloud_identity = binding.identity if binding else pulumi.Output.from_input(None)
        self.register_outputs(
            {
                "serviceAccountName": self.service_account_name,
                "podLabels": self.pod_labels,
                "cloudIdentity": self.cloud_identity,
            }
        )
