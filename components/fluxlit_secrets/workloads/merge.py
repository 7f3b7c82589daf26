"""Merge a SecretLifecycle pod fragment into an app team's own pod template (pure)."""

from collections.abc import Mapping
from typing import Any


def merge_pod_template(fragment: Mapping[str, Any], template: Mapping[str, Any]) -> dict[str, Any]:
    """`template` (a pod template: `metadata` and `spec`) with everything the fragment says a pod
    needs to read its secrets: ServiceAccount (no token), volumes, every container's mounts and env,
    the restart annotation, the labels (NetworkPolicies and workload identity select on them) and a
    pod security context whose fsGroup makes the 0400 files readable. The template's own values win,
    except where the fragment must: its labels, volumes, mounts and env are added, never dropped."""
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
        }
        for c in spec.get("containers") or []
    ]
    return {"metadata": metadata, "spec": spec}
