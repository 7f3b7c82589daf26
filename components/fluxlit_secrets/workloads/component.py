"""FluxLitWorkloads: the gateway and Streamlit Deployments and Services (split or unified)."""

from typing import Any, NotRequired, Optional, TypedDict

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.spec.model import DeploymentsSpec
from fluxlit_secrets.tokens import token, workload_name
from fluxlit_secrets.workloads.podspec import PodSecrets, deployment_spec, object_labels, service_spec


class WorkloadPodArgs(TypedDict):
    """The secret-delivery fragments of one workload's pods."""

    service_account_name: pulumi.Input[str]
    """ServiceAccount the pods run as."""
    volumes: pulumi.Input[list[dict[str, Any]]]
    """Secret volumes."""
    volume_mounts: pulumi.Input[list[dict[str, Any]]]
    """Secret volume mounts."""
    env: pulumi.Input[list[dict[str, Any]]]
    """secretKeyRef env entries."""
    pod_annotations: pulumi.Input[dict[str, str]]
    """Pod-template annotations (restart trigger)."""
    pod_labels: NotRequired[pulumi.Input[dict[str, str]]]
    """Extra pod labels (e.g. workload identity)."""


class FluxLitWorkloadsArgs(TypedDict):
    """Inputs of FluxLitWorkloads."""

    app: str
    """The app's DNS-1123 name."""
    namespace: str
    """Namespace of the Deployments and Services."""
    topology: str
    """`split` (gateway and Streamlit pods) or `unified` (one `fluxlit run` pod)."""
    image: str
    """The app image (built with `fluxlit build`)."""
    pods: dict[str, WorkloadPodArgs]
    """Fragments per workload: `gateway` and `streamlit`, or `app`."""
    target: NotRequired[str]
    """FluxLit import target `module:attr` (default `app:app`)."""
    api_prefix: NotRequired[str]
    """API mount path (default `/api`)."""
    gateway_replicas: NotRequired[int]
    """Gateway (or unified) replicas (default 2)."""
    streamlit_replicas: NotRequired[int]
    """Streamlit replicas (default 1)."""
    streamlit_script: NotRequired[str]
    """Absolute path of fluxlit/streamlit/main.py in the image (default: found at start)."""
    image_pull_policy: NotRequired[str]
    """Image pull policy (default Always)."""
    run_as_user: NotRequired[int]
    """uid (and gid, fsGroup) of the containers (default 10001; any non-root uid)."""
    session_affinity: NotRequired[bool]
    """ClientIP affinity on the gateway Service (needed for BFF logins with several replicas)."""


class FluxLitWorkloads(pulumi.ComponentResource):
    """Deployments that roll with maxUnavailable 0 and Services for each FluxLit process."""

    deployment_names: pulumi.Output[dict[str, str]]
    """Deployment name per workload."""
    service_names: pulumi.Output[dict[str, str]]
    """Service name per workload."""

    def __init__(self, name: str, args: FluxLitWorkloadsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(token("FluxLitWorkloads"), name, {}, opts)
        app, namespace = args["app"], args["namespace"]
        fields = DeploymentsSpec.__dataclass_fields__
        d = DeploymentsSpec(**{k: v for k, v in args.items() if k in fields})  # type: ignore[arg-type]
        workloads = ("gateway", "streamlit") if args["topology"] == "split" else ("app",)
        deployments: dict[str, pulumi.Output[str]] = {}
        services: dict[str, pulumi.Output[str]] = {}
        #: The Deployment resource of each workload.
        self.deployments: dict[str, k8s.apps.v1.Deployment] = {}
        for workload in workloads:
            pod = args["pods"][workload]
            spec = pulumi.Output.all(
                pod["service_account_name"],
                pod["volumes"],
                pod["volume_mounts"],
                pod["env"],
                pod["pod_annotations"],
                pod.get("pod_labels") or {},
            ).apply(
                lambda v, w=workload: deployment_spec(
                    w,
                    d,
                    app,
                    namespace,
                    PodSecrets(
                        service_account_name=v[0],
                        volumes=v[1],
                        volume_mounts=v[2],
                        env=v[3],
                        pod_annotations=v[4],
                        pod_labels=v[5],
                    ),
                )
            )
            meta = {
                "name": workload_name(app, workload),
                "namespace": namespace,
                "labels": object_labels(app, workload),
            }
            dep = k8s.apps.v1.Deployment(
                f"{name}-{workload}",
                metadata=meta,
                spec=spec,
                opts=pulumi.ResourceOptions(parent=self),
            )
            svc = k8s.core.v1.Service(
                f"{name}-{workload}",
                metadata=meta,
                spec=service_spec(workload, app, session_affinity=bool(args.get("session_affinity"))),
                opts=pulumi.ResourceOptions(parent=self),
            )
            deployments[workload] = dep.metadata.apply(lambda m: m.name)
            self.deployments[workload] = dep
            services[workload] = svc.metadata.apply(lambda m: m.name)
        self.deployment_names = pulumi.Output.all(**deployments)
        self.service_names = pulumi.Output.all(**services)
        self.register_outputs({"deploymentNames": self.deployment_names, "serviceNames": self.service_names})
