"""The app's ValidatingAdmissionPolicy and its binding (pure): the API server refuses, whoever sends
the request (this program, `kubectl apply`, a GitOps controller), every way from a workload's
secrets to a process that is not that workload.

Identities are the ServiceAccounts the component creates (`<app>-<workload>`), never labels or
commands. Per workload W of the app, in the app's namespace (and the records namespace):

- `delivered-only-to-its-workload`: a pod or pod template of any kind (Pod, Deployment,
  StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, a custom resource with a pod template such as
  an Argo Rollout) that references W's delivery Secret or SecretProviderClass (volume, projected
  volume, env, envFrom, CSI) runs as W's ServiceAccount;
- `identity-only-its-deployment`: a pod or template that runs as W's ServiceAccount is W's
  Deployment (by name when the component creates it), a ReplicaSet the deployment controller made
  for it, or a Pod the ReplicaSet controller made; no debug container joins such a pod;
- `no-token-for-an-identity`: a TokenRequest for W's ServiceAccount comes from a node (kubelet),
  and no `kubernetes.io/service-account-token` Secret names it;
- `no-exec-into-gateway-material`: no exec or attach into the pods of a Deployment holding
  gateway material (by the Deployment's pod names; managed Deployments only);
- `no-host-path`: no hostPath volume (kubelet's directory holds every pod's secret volumes);
- `records-run-nothing`: the records namespace (kubernetes store) runs no pod at all.
"""

import json
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.model.labels import MANAGED_BY, PACKAGE, delivery_name_pattern, workload_name

#: Who makes a Deployment's ReplicaSets and their Pods (per-controller credentials, or the
#: controller manager's own when it runs without them).
DEPLOYMENT_CONTROLLERS = (
    "system:serviceaccount:kube-system:deployment-controller",
    "system:kube-controller-manager",
)
REPLICASET_CONTROLLERS = (
    "system:serviceaccount:kube-system:replicaset-controller",
    "system:kube-controller-manager",
)

# What every expression reads: the pod spec of a Pod, or the pod template of any workload kind.
# An AdmissionRequest leaves empty fields out (a core group, no subresource, a generated name): read
# each through has(), as a missing key is an evaluation error and the policy fails closed.
VARIABLES = [
    ("sub", "has(request.subResource) ? request.subResource : ''"),
    ("group", "has(request.resource.group) ? request.resource.group : ''"),
    ("kindGroup", "has(request.kind.group) ? request.kind.group : ''"),
    ("name", "has(request.name) ? request.name : ''"),
    ("isPod", "variables.group == '' && request.resource.resource == 'pods'"),
    (
        "ps",
        "object == null ? {} : "
        "(variables.isPod && variables.sub in ['', 'ephemeralcontainers']) ? object.spec : "
        "object.?spec.?template.?spec.orValue(object.?spec.?jobTemplate.?spec.?template.?spec.orValue({}))",
    ),
    ("hasPod", "size(variables.ps) > 0"),
    ("sa", "variables.ps.?serviceAccountName.orValue(variables.ps.?serviceAccount.orValue('default'))"),
    ("volumes", "variables.ps.?volumes.orValue([])"),
    (
        "containers",
        "variables.ps.?containers.orValue([]) + variables.ps.?initContainers.orValue([]) + "
        "variables.ps.?ephemeralContainers.orValue([])",
    ),
    ("owners", "object == null ? [] : object.?metadata.?ownerReferences.orValue([])"),
    (
        "specChanged",
        "request.operation == 'CREATE' || oldObject == null || object.?spec.orValue({}) != oldObject.?spec.orValue({})",
    ),
]


@dataclass(frozen=True, kw_only=True)
class AdmissionSpec:
    """What the policy names: the app, its namespaces, its workloads, and whether the component
    creates the Deployments (then each identity is its Deployment's alone, by name)."""

    app: str
    namespace: str
    records_namespace: str | None
    workloads: tuple[str, ...]
    #: The workloads whose files or env hold gateway material (JWT, BFF, OIDC client secrets).
    gateway_material: tuple[str, ...]
    managed_deployments: bool


def _q(text: str) -> str:
    """A CEL string literal (JSON's escapes are CEL's)."""
    return json.dumps(text)


def _refs(pattern: str) -> str:
    """True when the pod references an object whose name matches `pattern`, by any path."""
    p = _q(pattern)
    return (
        f"variables.volumes.exists(v, v.?secret.?secretName.orValue('').matches({p}) || "
        f"v.?projected.?sources.orValue([]).exists(s, s.?secret.?name.orValue('').matches({p})) || "
        f"v.?csi.?volumeAttributes.?secretProviderClass.orValue('').matches({p})) || "
        f"variables.containers.exists(c, c.?env.orValue([]).exists(e, "
        f"e.?valueFrom.?secretKeyRef.?name.orValue('').matches({p})) || "
        f"c.?envFrom.orValue([]).exists(f, f.?secretRef.?name.orValue('').matches({p})))"
    )


def _its_deployment(sa: str, deployment: str) -> str:
    """True when the object running as `sa` is that identity's Deployment or made for it."""
    named = f" && object.metadata.name == {_q(deployment)}" if deployment else ""
    owner_rs = f" && o.name.startsWith({_q(deployment + '-')})" if deployment else ""
    owner_dep = f" && o.name == {_q(deployment)}" if deployment else ""
    return (
        f"(variables.kindGroup == 'apps' && request.kind.kind == 'Deployment'{named}) || "
        f"(variables.kindGroup == 'apps' && request.kind.kind == 'ReplicaSet' && "
        f"(!variables.specChanged || request.userInfo.username in {json.dumps(list(DEPLOYMENT_CONTROLLERS))}) && "
        f"variables.owners.exists(o, o.kind == 'Deployment'{owner_dep})) || "
        f"(variables.isPod && variables.sub == '' && "
        f"(!variables.specChanged || request.userInfo.username in {json.dumps(list(REPLICASET_CONTROLLERS))}) && "
        f"variables.owners.exists(o, o.kind == 'ReplicaSet'{owner_rs}))"
    )


def _validation(rule: str, expression: str, message: str) -> dict[str, Any]:
    return {"expression": expression, "message": f"{PACKAGE} {rule}: {message}", "reason": "Forbidden"}


def _per_workload(spec: AdmissionSpec, workload: str) -> list[dict[str, Any]]:
    sa = workload_name(spec.app, workload)
    deployment = sa if spec.managed_deployments else ""
    delivered = delivery_name_pattern(spec.app, workload)
    rules = [
        _validation(
            "delivered-only-to-its-workload",
            f"!variables.hasPod || variables.sa == {_q(sa)} || !({_refs(delivered)})",
            f"only pods running as ServiceAccount {sa} may reference its Secret or SecretProviderClass "
            f"({spec.app}-{workload}-<digest>); declare the secret for the workload that needs it "
            "in the stack file instead of mounting another workload's",
        ),
        _validation(
            "identity-only-its-deployment",
            f"!variables.hasPod || variables.sa != {_q(sa)} || ({_its_deployment(sa, deployment)})",
            f"only {'Deployment ' + deployment if deployment else 'a Deployment'} (and the ReplicaSets and "
            f"Pods its controllers make, with no debug container) may run as ServiceAccount {sa}; run other "
            "pods as their own ServiceAccount",
        ),
        _validation(
            "no-token-for-an-identity",
            f"!(variables.sub == 'token' && variables.name == {_q(sa)}) || "
            "(has(request.userInfo.groups) && 'system:nodes' in request.userInfo.groups)",
            f"only a node's kubelet may request a token for ServiceAccount {sa}; give the caller an identity "
            "of its own",
        ),
        _validation(
            "no-token-for-an-identity",
            "!(variables.kindGroup == '' && request.kind.kind == 'Secret') || object == null || "
            "object.?type.orValue('') != 'kubernetes.io/service-account-token' || "
            f"object.?metadata.?annotations[?'kubernetes.io/service-account.name'].orValue('') != {_q(sa)}",
            f"no long-lived token Secret may name ServiceAccount {sa}; pods get short-lived projected tokens",
        ),
    ]
    if deployment and workload in spec.gateway_material:
        pod_names = f"^{deployment}-[a-z0-9]+-[a-z0-9]{{5}}$"
        rules.append(
            _validation(
                "no-exec-into-gateway-material",
                f"!(variables.isPod && variables.sub in ['exec', 'attach'] && variables.name.matches({_q(pod_names)}))",
                f"no exec or attach into the pods of Deployment {deployment}: their files hold gateway "
                "material; debug with logs, metrics, or a copy of the image without the secrets",
            )
        )
    return rules


def policy_name(app: str, namespace: str) -> str:
    """The policy's and its binding's name (cluster-scoped: one per app and namespace)."""
    return f"{PACKAGE}.{namespace}.{app}"


def admission_policy(spec: AdmissionSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the ValidatingAdmissionPolicy's metadata and spec, the binding's metadata and spec)."""
    name = policy_name(spec.app, spec.namespace)
    namespaces = [spec.namespace, *([spec.records_namespace] if spec.records_namespace else [])]
    validations = [v for w in spec.workloads for v in _per_workload(spec, w)]
    validations.append(
        _validation(
            "no-host-path",
            "!variables.volumes.exists(v, has(v.hostPath))",
            "no hostPath volume here: kubelet's directory holds every pod's secret files; use a "
            "Secret, ConfigMap or emptyDir volume",
        )
    )
    if spec.records_namespace:
        validations.append(
            _validation(
                "records-run-nothing",
                f"!variables.hasPod || !has(request.namespace) || request.namespace != {_q(spec.records_namespace)}",
                f"namespace {spec.records_namespace} holds the Secrets of record and runs no pod; run "
                f"workloads in {spec.namespace}",
            )
        )
    labels = {"app.kubernetes.io/name": spec.app, **MANAGED_BY}
    policy = {
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {
                "resourceRules": [
                    _rule(["*"], ["*"], ["CREATE", "UPDATE"]),
                    _rule([""], ["pods/ephemeralcontainers"], ["UPDATE"]),
                    _rule([""], ["pods/exec", "pods/attach"], ["CONNECT"]),
                    _rule([""], ["serviceaccounts/token"], ["CREATE"]),
                ]
            },
            "variables": [{"name": n, "expression": e} for n, e in VARIABLES],
            "validations": validations,
        },
    }
    selector = {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": namespaces}]}
    binding = {
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "policyName": name,
            "validationActions": ["Deny"],
            "matchResources": {"namespaceSelector": selector},
        },
    }
    return policy, binding


def _rule(groups: list[str], resources: list[str], operations: list[str]) -> dict[str, Any]:
    return {
        "apiGroups": groups,
        "apiVersions": ["*"],
        "resources": resources,
        "operations": operations,
        "scope": "Namespaced",
    }
