"""Merge a SecretLifecycle pod fragment into an app team's own pod template (pure)."""

from collections.abc import Mapping
from typing import Any


def container_security(fragment: Mapping[str, Any], given: Mapping[str, Any] | None) -> dict[str, Any]:
    """A container's securityContext with what `restricted` Pod Security requires: the container's
    own settings stay where they are as strict (a Localhost seccomp profile, more dropped
    capabilities, a read-only root), a looser one is raised to the fragment's."""
    required = fragment.get("containerSecurityContext") or {}
    merged = {**(given or {})}
    if "allowPrivilegeEscalation" in required:
        merged["allowPrivilegeEscalation"] = False
    if "runAsNonRoot" in required:
        merged["runAsNonRoot"] = True
    if "capabilities" in required:
        capabilities = dict(merged.get("capabilities") or {})
        drop = [*(capabilities.get("drop") or [])]
        capabilities["drop"] = [*drop, *(c for c in required["capabilities"]["drop"] if c not in drop)]
        merged["capabilities"] = capabilities
    if "seccompProfile" in required and (merged.get("seccompProfile") or {}).get("type") not in (
        "RuntimeDefault",
        "Localhost",
    ):
        merged["seccompProfile"] = dict(required["seccompProfile"])
    return merged


def merge_pod_template(fragment: Mapping[str, Any], template: Mapping[str, Any]) -> dict[str, Any]:
    """`template` (a pod template: `metadata` and `spec`) with everything the fragment says a pod
    needs to read its secrets: ServiceAccount (no token), volumes, every container's mounts and env,
    the restart annotation, the labels (NetworkPolicies and workload identity select on them), a
    pod security context whose fsGroup makes the 0400 files readable, and on every container what
    restricted Pod Security requires. The template's own values win, except where the fragment
    must: its labels, volumes, mounts and env are added, never dropped, and no container is left
    looser than `restricted` allows."""
    metadata = dict(template.get("metadata") or {})
    spec = dict(template.get("spec") or {})
    metadata["labels"] = {**(metadata.get("labels") or {}), **(fragment.get("podLabels") or {})}
    metadata["annotations"] = {**(metadata.get("annotations") or {}), **(fragment.get("podAnnotations") or {})}
    spec["serviceAccountName"] = fragment["serviceAccountName"]
    spec["automountServiceAccountToken"] = False
    spec["securityContext"] = {**(fragment.get("podSecurityContext") or {}), **(spec.get("securityContext") or {})}
    spec["volumes"] = [*(spec.get("volumes") or []), *(fragment.get("volumes") or [])]
    spec["containers"] = [
        {
            **c,
            "env": [*(c.get("env") or []), *(fragment.get("env") or [])],
            "volumeMounts": [*(c.get("volumeMounts") or []), *(fragment.get("volumeMounts") or [])],
            "securityContext": container_security(fragment, c.get("securityContext")),
        }
        for c in spec.get("containers") or []
    ]
    return {"metadata": metadata, "spec": spec}
