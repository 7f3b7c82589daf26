"""The app's ValidatingAdmissionPolicy and binding as Kubernetes resources (children of its
SecretLifecycle, on its cluster), and the record of identities the rules read."""

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.clouds.kubernetes.store import records_namespace
from fluxlit_secrets.model.app import AppModel
from fluxlit_secrets.model.labels import workload_name
from fluxlit_secrets.workloads.admission import AdmissionSpec, admission_policy, policy_name


def admission_spec(model: AppModel) -> AdmissionSpec:
    """What the app's policy names, from its model."""
    return AdmissionSpec(
        app=model.app,
        namespace=model.namespace,
        records_namespace=records_namespace(model.namespace) if model.store == "kubernetes" else None,
        workloads=model.workloads(),
        gateway_material=tuple(w for w in model.workloads() if any(s.gateway_only for s, _ in model.consumed_by(w))),
        managed_deployments=model.deployments is not None,
    )


def create_admission(name: str, model: AppModel, *, parent: pulumi.Resource) -> list[pulumi.Resource]:
    """The policy and its binding (none when the stack switched it off)."""
    if not model.admission.enabled:
        return []
    policy, binding = admission_policy(admission_spec(model))
    vap = k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        f"{name}-admission",
        metadata=policy["metadata"],
        spec=policy["spec"],
        opts=pulumi.ResourceOptions(parent=parent),
    )
    bound = k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        f"{name}-admission-binding",
        metadata=binding["metadata"],
        spec=binding["spec"],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[vap]),
    )
    return [vap, bound]


def admission_record(model: AppModel) -> dict[str, Any]:
    """The `admission` output: on, with the policy's name, or off with the stack's reason; the app
    and the namespaces it guards either way."""
    spec = admission_spec(model)
    where = {"app": model.app, "namespace": model.namespace, "recordsNamespace": spec.records_namespace}
    if model.admission.enabled:
        return {"enabled": True, "policy": policy_name(model.app, model.namespace), **where}
    return {"enabled": False, "reason": model.admission.reason, **where}


def identities_record(model: AppModel) -> dict[str, dict[str, str]]:
    """The `identities` output: per workload, the ServiceAccount the component created for it."""
    return {
        w: {"namespace": model.namespace, "serviceAccountName": workload_name(model.app, w)} for w in model.workloads()
    }
