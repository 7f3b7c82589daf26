"""Build one workload's delivery: an immutable Secret holding only its keys, replaced under a new
name on rotation, and the pod-spec fragments and restart trigger that go with it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, cast

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


@dataclass(frozen=True, kw_only=True)
class DeliveredSecret:
    """One secret as one workload receives it (validated by the model or the component)."""

    secret: str
    as_: str  # file | env
    name: str
    #: The value (a Kubernetes Secret holds it); None with CSI delivery, where pods fetch it.
    value: Optional[pulumi.Input[str]]
    #: The short version id the restart trigger shows.
    version: pulumi.Input[str]
    #: CSI delivery: what the store calls the secret (ARN, Secret Manager id, Key Vault resource id).
    ref: Optional[pulumi.Input[str]] = None
    #: CSI delivery: the full id of the version to pin.
    full_version: Optional[pulumi.Input[str]] = None


@dataclass(frozen=True, kw_only=True)
class DeliveryTarget:
    """Whose delivery it is: the app, its namespace, the workload, exactly its entries, the store of
    record (shown on the object) and extra labels."""

    app: str
    namespace: pulumi.Input[str]
    workload: str
    entries: Sequence[DeliveredSecret]
    store: str = "kubernetes"
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Delivered:
    """What a workload's pods need: fragments, trigger, and what they read from (a Secret, or a
    SecretProviderClass with CSI delivery; neither when the workload consumes nothing).

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
    provider_class: Optional[k8s.apiextensions.CustomResource] = None
    provider_class_name: Optional[pulumi.Output[str]] = None

    @property
    def source(self) -> Optional[pulumi.Resource]:
        """The object the pods mount (retirement of old versions waits for it)."""
        return self.secret if self.secret is not None else self.provider_class


def trigger_of(entries: Sequence[DeliveredSecret]) -> pulumi.Output[str]:
    """The restart trigger of these entries (their short version ids, in secret-name order)."""
    versions = {e.secret: e.version for e in entries}
    names = sorted(versions)
    return pulumi.Output.all(*(versions[s] for s in names)).apply(
        lambda vs: restart_trigger(dict(zip(names, (str(v) for v in vs), strict=True)))
    )


def delivery_metadata(name: pulumi.Input[str], target: DeliveryTarget, trigger: pulumi.Input[str]) -> Any:
    """Metadata (ObjectMeta JSON) of what a workload's pods read from: its labels, versions, and
    which secret each file or variable holds (names only, never a value)."""
    return {
        "name": name,
        "namespace": target.namespace,
        "labels": {**workload_labels(target.app, target.workload), **MANAGED_BY, **target.labels},
        "annotations": {
            RESTART_ANNOTATION: trigger,
            KEYS_ANNOTATION: ",".join(sorted({f"{e.name}={e.secret}" for e in target.entries})),
            STORE_ANNOTATION: target.store,
        },
    }


def deliver(name: str, target: DeliveryTarget, *, parent: pulumi.Resource) -> Delivered:
    """Create the workload's Secret (child of `parent`, logical name `<name>-secret`) and its fragments."""
    entries = target.entries
    trigger = trigger_of(entries)
    file_keys = [e.name for e in entries if e.as_ == "file"]
    env_keys = [e.name for e in entries if e.as_ == "env"]
    secret: Optional[k8s.core.v1.Secret] = None
    secret_name: pulumi.Output[Optional[str]] = pulumi.Output.from_input(None)
    if entries:
        layout = [e.name for e in entries]
        app, workload = target.app, target.workload
        secret = k8s.core.v1.Secret(
            f"{name}-secret",
            metadata=delivery_metadata(
                trigger.apply(lambda t: delivery_secret_name(app, workload, t, layout=layout)), target, trigger
            ),
            type="Opaque",
            immutable=True,
            string_data={e.name: pulumi.Output.secret(cast(pulumi.Input[str], e.value)) for e in entries},
            # A new name each rotation: the replacement exists before the old one goes.
            opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=False),
        )
        secret_name = secret.metadata.apply(lambda m: m.name)
    return Delivered(
        secret=secret,
        secret_name=secret_name,
        restart_trigger=trigger,
        volumes=secret_volumes(secret_name, file_keys),
        volume_mounts=secret_volume_mounts(file_keys),
        env=secret_env(secret_name, env_keys),
        pod_annotations={RESTART_ANNOTATION: trigger},
    )
