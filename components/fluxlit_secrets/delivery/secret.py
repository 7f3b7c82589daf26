"""Build one workload's delivery: an immutable Secret holding only its keys, replaced under a new
name on rotation, and the pod-spec fragments and restart trigger that go with it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.delivery.fragments import secret_env, secret_volume_mounts, secret_volumes
from fluxlit_secrets.delivery.restart import delivery_secret_name, restart_trigger
from fluxlit_secrets.model.labels import (
    KEYS_ANNOTATION,
    MANAGED_BY,
    RESTART_ANNOTATION,
    STORE_ANNOTATION,
    workload_labels,
)


@dataclass(frozen=True)
class DeliveredSecret:
    """One secret as one workload receives it (validated by the model or the component)."""

    secret: str
    mode: str  # file | env
    name: str
    value: pulumi.Input[str]
    version: pulumi.Input[str]


@dataclass(frozen=True)
class Delivery:
    """What a workload's pods need: fragments, trigger, and the Secret (None when it consumes nothing).

    The fragments are plain Kubernetes JSON with Outputs nested where a value is computed (the
    Secret's name, the trigger), so a preview shows every other field.
    """

    secret: Optional[k8s.core.v1.Secret]
    secret_name: pulumi.Output[Optional[str]]
    restart_trigger: pulumi.Output[str]
    volumes: list[dict[str, Any]]
    volume_mounts: list[dict[str, Any]]
    env: list[dict[str, Any]]
    pod_annotations: dict[str, Any]


def _trigger(entries: Sequence[DeliveredSecret]) -> pulumi.Output[str]:
    versions = {e.secret: e.version for e in entries}
    names = sorted(versions)
    return pulumi.Output.all(*(versions[s] for s in names)).apply(
        lambda vs: restart_trigger(dict(zip(names, (str(v) for v in vs), strict=True)))
    )


def deliver(
    name: str,
    *,
    app: str,
    namespace: pulumi.Input[str],
    workload: str,
    entries: Sequence[DeliveredSecret],
    store: str,
    labels: dict[str, str],
    parent: pulumi.Resource,
) -> Delivery:
    """Create the workload's Secret (child of `parent`, logical name `<name>-secret`) and its fragments."""
    trigger = _trigger(entries)
    file_keys = [e.name for e in entries if e.mode == "file"]
    env_keys = [e.name for e in entries if e.mode == "env"]
    secret: Optional[k8s.core.v1.Secret] = None
    secret_name: pulumi.Output[Optional[str]] = pulumi.Output.from_input(None)
    if entries:
        layout = [e.name for e in entries]
        secret = k8s.core.v1.Secret(
            f"{name}-secret",
            metadata={
                "name": trigger.apply(lambda t: delivery_secret_name(app, workload, t, layout)),
                "namespace": namespace,
                "labels": {**workload_labels(app, workload), **MANAGED_BY, **labels},
                "annotations": {
                    RESTART_ANNOTATION: trigger,
                    # Names only: which declared secret each key holds.
                    KEYS_ANNOTATION: ",".join(sorted({f"{e.name}={e.secret}" for e in entries})),
                    STORE_ANNOTATION: store,
                },
            },
            type="Opaque",
            immutable=True,
            string_data={e.name: pulumi.Output.secret(e.value) for e in entries},
            # A new name each rotation: the replacement exists before the old one goes.
            opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=False),
        )
        secret_name = secret.metadata.apply(lambda m: m.name)
    return Delivery(
        secret=secret,
        secret_name=secret_name,
        restart_trigger=trigger,
        volumes=secret_volumes(secret_name, file_keys),
        volume_mounts=secret_volume_mounts(file_keys),
        env=secret_env(secret_name, env_keys),
        pod_annotations={RESTART_ANNOTATION: trigger},
    )
