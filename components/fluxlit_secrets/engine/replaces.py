"""Which input changes make a provider replace a resource instead of updating it in place.

The kubernetes provider's rules are its defaults (pulumi-kubernetes `forceNewProperties`, with
`enableSecretMutable` and `enableConfigMapMutable` false): any change to a Secret's `data`,
`stringData` or `type`, or a ConfigMap's `data` or `binaryData`, replaces it, mutable or not; so
does a new name or namespace, a workload's selector, a Service's clusterIP, a binding's roleRef.
The random provider replaces on any change; the clouds' rules come from their folders.
"""

from collections.abc import Mapping
from typing import Any

from fluxlit_secrets.engine.clouds import force_new_of

_SELECTOR = ("spec.selector",)
_STATEFUL_SET = (
    *_SELECTOR,
    "spec.podManagementPolicy",
    "spec.revisionHistoryLimit",
    "spec.serviceName",
    "spec.volumeClaimTemplates",
)
#: pulumi-kubernetes' per-kind rules (its `forceNew` table), by kind; every kind adds name and namespace.
KUBERNETES_KINDS: dict[str, tuple[str, ...]] = {
    "apps/v1:Deployment": _SELECTOR,
    "apps/v1:DaemonSet": _SELECTOR,
    "apps/v1:StatefulSet": _STATEFUL_SET,
    "batch/v1:Job": (*_SELECTOR, "spec.completions", "spec.parallelism", "spec.template"),
    "core/v1:Secret": ("type", "stringData", "data"),
    "core/v1:ConfigMap": ("data", "binaryData"),
    "core/v1:Service": ("spec.clusterIP",),
    "core/v1:ResourceQuota": ("spec.scopes",),
    "core/v1:PersistentVolumeClaim": (*_SELECTOR, "spec.accessModes", "spec.storageClassName", "spec.volumeName"),
    "rbac.authorization.k8s.io/v1:RoleBinding": ("roleRef",),
    "rbac.authorization.k8s.io/v1:ClusterRoleBinding": ("roleRef",),
    "storage.k8s.io/v1:StorageClass": ("parameters", "provisioner"),
}
#: Every change replaces: the random provider's resources (keepers and all).
EVERYTHING = ("*",)


def replace_paths(type_token: str, inputs: Mapping[str, Any]) -> tuple[str, ...]:
    """The input paths (dotted) whose change replaces a resource of this type; `*`: any change."""
    if type_token.startswith("random:"):
        return EVERYTHING
    if type_token.startswith("kubernetes:") and not type_token.startswith("kubernetes:helm"):
        kind = type_token.removeprefix("kubernetes:")
        if kind.endswith("Patch"):  # patch resources update everything but their identity in place
            return ("metadata.name", "metadata.namespace")
        return ("metadata.name", "metadata.namespace", *KUBERNETES_KINDS.get(kind, ()))
    return force_new_of(type_token)


__all__ = ["KUBERNETES_KINDS", "replace_paths"]
