"""WorkloadIdentity: the Kubernetes ServiceAccount of one workload (cloud bindings attach here)."""

from typing import NotRequired, Optional, TypedDict

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.tokens import MANAGED_BY, token, workload_labels, workload_name


class WorkloadIdentityArgs(TypedDict):
    """Inputs of a WorkloadIdentity."""

    app: str
    """The app's DNS-1123 name."""
    namespace: pulumi.Input[str]
    """The namespace the ServiceAccount lives in."""
    workload: str
    """`gateway`, `streamlit`, or `app` (unified topology)."""
    annotations: NotRequired[dict[str, pulumi.Input[str]]]
    """Extra ServiceAccount annotations (cloud workload-identity bindings)."""


class WorkloadIdentity(pulumi.ComponentResource):
    """One ServiceAccount per workload; no API token is mounted unless an identity needs it."""

    service_account_name: pulumi.Output[str]
    """Name of the ServiceAccount the workload's pods run as."""

    def __init__(
        self, name: str, args: WorkloadIdentityArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None:
        super().__init__(token("WorkloadIdentity"), name, {}, opts)
        sa_name = workload_name(args["app"], args["workload"])
        sa = k8s.core.v1.ServiceAccount(
            f"{name}-sa",
            metadata={
                "name": sa_name,
                "namespace": args["namespace"],
                "labels": {**workload_labels(args["app"], args["workload"]), **MANAGED_BY},
                "annotations": dict(args.get("annotations") or {}),
            },
            automount_service_account_token=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.service_account_name = sa.metadata.apply(lambda m: m.name)
        self.register_outputs({"serviceAccountName": self.service_account_name})
