"""Rules on enforcement (pure): each app's admission policy is on and in place, and each workload
identity is run by its own Deployment alone, as the admission policy refuses in the cluster."""

from collections.abc import Iterator, Mapping
from typing import Any

from fluxlit_secrets.model.resources import LIFECYCLE_TYPE, WORKLOADS_TYPE, Res, as_list, dig
from fluxlit_secrets.policy.graph import Graph, Pod
from fluxlit_secrets.policy.identities import Identity

POLICY = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
SA_ANNOTATION = "kubernetes.io/service-account.name"


def _admission(res: Res) -> Mapping[str, Any] | None:
    """A SecretLifecycle's `admission` output (None when it records none)."""
    record = res.props.get("admission")
    return record if isinstance(record, Mapping) else None


def admission_policy_on(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """Advisory: an app whose stack switched its admission policy off, with the reason it gave."""
    for res in resources:
        record = _admission(res) if res.type == LIFECYCLE_TYPE else None
        if record is not None and record.get("enabled") is False:
            yield (
                res,
                f"the admission policy is switched off ({record.get('reason')}): nothing in the cluster "
                "refuses a pod or a token that reaches this app's secrets around `check`; remove admission.enabled: "
                "false when the cluster runs Kubernetes 1.30 or later",
            )


def _bindings_of(resources: list[Res], policy: str) -> list[Res]:
    return [r for r in resources if r.type == BINDING and dig(r.props, "spec", "policyName") == policy]


def admission_policy_present(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """Every app with its admission policy on has it in the stack: the policy (failing closed) and a
    binding that denies."""
    policies = {str(r.meta.get("name") or ""): r for r in resources if r.type == POLICY}
    for res in resources:
        if res.type != LIFECYCLE_TYPE:
            continue
        record = _admission(res)
        if record is None:
            yield res, "records no admission policy (a component older than 0.2?); upgrade fluxlit-secrets"
            continue
        if record.get("enabled") is False:
            continue
        name = str(record.get("policy") or "")
        policy = policies.get(name)
        if policy is None:
            yield res, f"ValidatingAdmissionPolicy {name!r} is not in the stack; do not remove or transform it away"
            continue
        if dig(policy.props, "spec", "failurePolicy") not in (None, "Fail"):
            yield policy, "failurePolicy is not Fail: a request the policy cannot evaluate would be admitted"
        denying = [
            b for b in _bindings_of(resources, name) if "Deny" in as_list(dig(b.props, "spec", "validationActions"))
        ]
        if not denying:
            yield res, f"no ValidatingAdmissionPolicyBinding with validationActions [Deny] binds {name!r}"


def _managed(pod: Pod) -> bool:
    """A Deployment a SecretLifecycle created for a workload (FluxLitWorkloads' child)."""
    return pod.res.kind == "Deployment" and f"{WORKLOADS_TYPE}$" in pod.res.urn


def _runners(graph: Graph) -> dict[Identity, list[Pod]]:
    runners: dict[Identity, list[Pod]] = {}
    for pod in graph.pods():
        identity = pod.identity()
        if identity is not None:
            runners.setdefault(identity, []).append(pod)
    return runners


def identity_only_its_deployment(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A workload identity runs in one Deployment: the one its SecretLifecycle created, or (pod
    fragments) one Deployment of the program. No bare Pod, Job, StatefulSet or custom resource
    runs as it, and no long-lived token Secret names it: each would hold that workload's power."""
    graph = Graph.of(resources)
    for res in resources:
        if res.kind == "Secret" and res.props.get("type") == "kubernetes.io/service-account-token":
            named = (str(res.meta.get("namespace") or ""), str(dig(res.meta, "annotations", SA_ANNOTATION) or ""))
            if graph.identities.get(named):
                yield (
                    res,
                    f"a long-lived token Secret names ServiceAccount {named[1]}, a workload identity: whoever reads it "
                    "acts as that workload (the admission policy refuses it); pods get short-lived projected tokens",
                )
    for identity, pods in _runners(graph).items():
        managed = [p for p in pods if _managed(p)]
        deployments = managed or [p for p in pods if p.res.kind == "Deployment"][:1]
        own = {(p.namespace, str(p.res.meta.get("name") or "")) for p in deployments}
        for pod in pods:
            name = (pod.namespace, str(pod.res.meta.get("name") or ""))
            if any(p is pod for p in deployments) or (pod.res.kind == "DeploymentPatch" and name in own):
                continue
            yield (
                pod.res,
                f"a {pod.res.kind or pod.res.type} runs as ServiceAccount {identity.service_account}, the identity of "
                f"{identity.app}'s {identity.workload}; only its Deployment may (the admission policy refuses it); "
                "give this workload a ServiceAccount of its own",
            )
