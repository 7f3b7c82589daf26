"""FluxLitWorkloads: the gateway and Streamlit Deployments and Services (split or unified)."""

from dataclasses import dataclass
from typing import Any, NotRequired, Optional, TypedDict, overload

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.components.base import k8s_name, parse_component_args, token
from fluxlit_secrets.model import names
from fluxlit_secrets.model.app import DeploymentsModel
from fluxlit_secrets.model.deployments import DEPLOYMENT_FIELDS, parse_deployments
from fluxlit_secrets.model.kinds import TOPOLOGIES, pods_of
from fluxlit_secrets.model.secrets import label
from fluxlit_secrets.model.shape import Node
from fluxlit_secrets.workloads import PodInputs, fluxlit_workloads


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
    topology: NotRequired[str]
    """`split` (default: gateway and Streamlit pods) or `unified` (one `fluxlit run` pod)."""
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
    reads_secrets_dir: NotRequired[bool]
    """True once the app builds `FluxlitSettings(_secrets_dir="/var/run/secrets/fluxlit")` (stock FluxLit
    reads env only): marks the pods so `check` knows the files reach FluxLit."""
    await_rollout: NotRequired[bool]
    """Wait for each Deployment's rollout and Service's endpoints (default true; false sets
    `pulumi.com/skipAwait`, for clusters without Ready pods on disposable stacks)."""
    rollout_timeout_seconds: NotRequired[int]
    """Bound on that wait (customTimeouts; default: the provider's 600 seconds)."""
    session_affinity: NotRequired[bool]
    """ClientIP affinity on the gateway Service (needed for BFF logins with several replicas)."""


POD_FIELDS = tuple(WorkloadPodArgs.__annotations__)
OWN_FIELDS = ("app", "namespace", "topology", "pods", "session_affinity")


def _pods(node: Node, topology: str) -> dict[str, PodInputs]:
    pods = node.field("pods").required("give the fragments of each workload").mapping("{gateway: {...}}")
    wanted = pods_of(topology)
    pods.known(wanted)
    out = {}
    for workload in wanted:
        pod = pods.child_raw(workload).required(f"give the {workload} pod's fragments").mapping("{...}")
        pod.known(POD_FIELDS)
        for f in POD_FIELDS[:-1]:
            pod.field(f).required("pass the delivery and identity outputs")
        out[workload] = PodInputs(
            service_account_name=pod.get("service_account_name"),
            volumes=pod.get("volumes"),
            volume_mounts=pod.get("volume_mounts"),
            env=pod.get("env"),
            pod_annotations=pod.get("pod_annotations"),
            pod_labels=pod.get("pod_labels", {}),
        )
    return out


@dataclass(frozen=True, kw_only=True)
class WorkloadsSpec:
    """Validated FluxLitWorkloads: what `workloads.fluxlit_workloads` builds."""

    app: str
    namespace: str
    topology: str
    deployments: DeploymentsModel
    pods: dict[str, PodInputs]
    session_affinity: bool = False


def parse_workloads(node: Node) -> WorkloadsSpec:
    """Validate FluxLitWorkloads args with the stack program's rules (image, replicas, uid, namespace)."""
    node.known((*OWN_FIELDS, *DEPLOYMENT_FIELDS))
    app = label(node.field("app").required("pass the app's DNS-1123 name"), names.APP_MAX, "app name")
    ns_node = node.field("namespace").required("pass the app's own namespace")
    namespace = label(ns_node, names.LABEL_MAX, "namespace")
    if names.is_shared_namespace(namespace):
        ns_node.fail(f"{namespace!r} is shared with other workloads", "give the app a namespace of its own")
    topology = node.field("topology", "split").one_of(TOPOLOGIES, "topology")
    own = {node.shape.spell(f) for f in OWN_FIELDS}
    deployments = parse_deployments(Node(node.shape, node.path, {k: v for k, v in node.value.items() if k not in own}))
    affinity = node.field("session_affinity", False).boolean()
    return WorkloadsSpec(
        app=app,
        namespace=namespace,
        topology=topology,
        deployments=deployments,
        pods=_pods(node, topology),
        session_affinity=affinity,
    )


class FluxLitWorkloads(pulumi.ComponentResource):
    """Deployments that roll with maxUnavailable 0 and Services for each FluxLit process."""

    deployment_names: pulumi.Output[dict[str, str]]
    """Deployment name per workload."""
    service_names: pulumi.Output[dict[str, str]]
    """Service name per workload."""

    @overload
    def __init__(
        self, name: str, args: FluxLitWorkloadsArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None: ...

    @overload
    def __init__(self, name: str, args: WorkloadsSpec, opts: Optional[pulumi.ResourceOptions] = None) -> None: ...

    # One constructor: args (validated here, errors naming `FluxLitWorkloads "<name>"`) or a spec validated
    # already (SecretLifecycle's path: no second parse). Annotated with the args alone for the host.
    def __init__(  # type: ignore[misc]  # SDK gap: its analyzer reads this annotation, takes no Union
        self, name: str, args: FluxLitWorkloadsArgs, opts: Optional[pulumi.ResourceOptions] = None
    ) -> None:
        given: object = args
        spec = (
            given
            if isinstance(given, WorkloadsSpec)
            else parse_component_args("FluxLitWorkloads", name, args, parse=parse_workloads)
        )
        super().__init__(token("FluxLitWorkloads"), name, {}, opts)
        built = fluxlit_workloads(
            name,
            app=spec.app,
            namespace=spec.namespace,
            topology=spec.topology,
            deployments=spec.deployments,
            pods=spec.pods,
            session_affinity=spec.session_affinity,
            parent=self,
        )
        #: The Deployment resource of each workload.
        self.deployments: dict[str, k8s.apps.v1.Deployment] = {w: dep for w, (dep, _) in built.items()}
        self.deployment_names = pulumi.Output.all(**{w: k8s_name(d) for w, (d, _) in built.items()})
        self.service_names = pulumi.Output.all(**{w: k8s_name(s) for w, (_, s) in built.items()})
        self.register_outputs({"deploymentNames": self.deployment_names, "serviceNames": self.service_names})
