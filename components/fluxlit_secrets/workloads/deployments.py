"""Build the FluxLit Deployments and Services (split or unified) from one workload's pod parts.

Values that are unknown in a preview (a Secret's generated name, a cloud identity) are nested
where they go, so `pulumi preview` still shows every other field of the Deployment.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.model.app import DeploymentsModel
from fluxlit_secrets.model.kinds import pods_of
from fluxlit_secrets.model.labels import SECRETS_DIR_ANNOTATION, workload_labels, workload_name
from fluxlit_secrets.workloads.podspec import (
    PodParts,
    deployment_spec,
    object_labels,
    runtime_env,
    service_spec,
    writable_volumes,
)


@dataclass(frozen=True, kw_only=True)
class PodInputs:
    """The secret-delivery and identity fragments of one workload's pods."""

    service_account_name: pulumi.Input[str]
    #: Each a plain list or dict with nested Outputs, or one Output (from another language).
    volumes: Any
    volume_mounts: Any
    env: Any
    pod_annotations: Any
    pod_labels: pulumi.Input[dict[str, str]]


def _before(first: list[dict[str, Any]], rest: Any) -> Any:
    """`first` then `rest`: a plain list stays plain (its nested Outputs stay where they are)."""
    if isinstance(rest, list):
        return [*first, *rest]
    return pulumi.Output.from_input(rest).apply(lambda r: [*first, *r])


def _annotated(annotations: Any, reads_secrets_dir: bool) -> Any:
    if not reads_secrets_dir:
        return annotations
    mark = {SECRETS_DIR_ANNOTATION: "read"}
    if isinstance(annotations, dict):
        return {**annotations, **mark}
    return pulumi.Output.from_input(annotations).apply(lambda a: {**a, **mark})


def pod_parts(workload: str, d: DeploymentsModel, app: str, *, namespace: str, pod: PodInputs) -> PodParts:
    """The pod template's parts: FluxLit's own env and scratch volumes first, then the delivered ones."""
    mounts, volumes = writable_volumes(workload)
    labels = workload_labels(app, workload)
    return PodParts(
        service_account_name=pod.service_account_name,
        labels=pulumi.Output.from_input(pod.pod_labels).apply(lambda extra: {**labels, **extra}),
        annotations=_annotated(pod.pod_annotations, d.reads_secrets_dir),
        env=_before(runtime_env(workload, d, app, namespace=namespace), pod.env),
        volume_mounts=_before(mounts, pod.volume_mounts),
        volumes=_before(volumes, pod.volumes),
    )


#: pulumi-kubernetes' annotation that turns its wait for readiness off.
SKIP_AWAIT = "pulumi.com/skipAwait"


def _awaited(deployments: DeploymentsModel, parent: pulumi.Resource) -> pulumi.ResourceOptions:
    """The wait for a Deployment's rollout or a Service's endpoints, bounded when a timeout is set."""
    seconds = deployments.rollout_timeout_seconds
    bound = f"{seconds}s" if seconds is not None else None
    timeouts = pulumi.CustomTimeouts(create=bound, update=bound) if bound else None
    return pulumi.ResourceOptions(parent=parent, custom_timeouts=timeouts)


def fluxlit_workloads(
    name: str,
    *,
    app: str,
    namespace: str,
    topology: str,
    deployments: DeploymentsModel,
    pods: Mapping[str, PodInputs],
    session_affinity: bool,
    parent: pulumi.Resource,
) -> dict[str, tuple[k8s.apps.v1.Deployment, k8s.core.v1.Service]]:
    """One Deployment (maxUnavailable 0) and one Service per workload, children of `parent`."""
    out: dict[str, tuple[k8s.apps.v1.Deployment, k8s.core.v1.Service]] = {}
    for workload in pods_of(topology):
        parts = pod_parts(workload, deployments, app, namespace=namespace, pod=pods[workload])
        # Plain Kubernetes JSON; the SDK types metadata and specs as TypedDicts of the same shape.
        meta: Any = {
            "name": workload_name(app, workload),
            "namespace": namespace,
            "labels": object_labels(app, workload),
            **({} if deployments.await_rollout else {"annotations": {SKIP_AWAIT: "true"}}),
        }
        spec: Any = deployment_spec(workload, deployments, app, pod=parts)
        dep = k8s.apps.v1.Deployment(
            f"{name}-{workload}",
            metadata=meta,
            spec=spec,
            opts=_awaited(deployments, parent),
        )
        service: Any = service_spec(workload, app, session_affinity=session_affinity)
        svc = k8s.core.v1.Service(
            f"{name}-{workload}",
            metadata=meta,
            spec=service,
            opts=_awaited(deployments, parent),
        )
        out[workload] = (dep, svc)
    return out
