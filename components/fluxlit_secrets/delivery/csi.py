"""CSI delivery: one SecretProviderClass per workload listing exactly its secrets, each pinned to
its full version id; pods mount it read-only and fetch the values with their own identity, so no
Kubernetes Secret ever holds them. A new set of versions is a new SecretProviderClass (new name),
created before the old one goes, so pods of the old ReplicaSet keep mounting theirs."""

from collections.abc import Sequence
from typing import Any, Optional

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.clouds.csi import API_VERSION, KIND, CsiClass, PinnedObject
from fluxlit_secrets.delivery.fragments import csi_volumes, secret_volume_mounts
from fluxlit_secrets.delivery.restart import provider_class_name
from fluxlit_secrets.delivery.secret import (
    Delivered,
    DeliveredSecret,
    DeliveryTarget,
    delivery_metadata,
    trigger_of,
)
from fluxlit_secrets.errors import FluxlitSecretsError
from fluxlit_secrets.model.labels import RESTART_ANNOTATION


def _pinned(entries: Sequence[DeliveredSecret]) -> pulumi.Output[list[PinnedObject]]:
    def one(e: DeliveredSecret) -> pulumi.Output[PinnedObject]:
        if e.ref is None or e.full_version is None or e.as_ != "file":
            raise FluxlitSecretsError(f"{e.name}: CSI delivery needs a file, the store's ref and full version id")
        return pulumi.Output.all(e.ref, e.full_version).apply(
            lambda rv: PinnedObject(secret=e.secret, file=e.name, ref=str(rv[0] or ""), version=str(rv[1] or ""))
        )

    return pulumi.Output.all(*(one(e) for e in sorted(entries, key=lambda e: e.name))).apply(list)


def spec_of(csi: CsiClass, objects: Sequence[PinnedObject], identity: Optional[str]) -> dict[str, Any]:
    """The SecretProviderClass spec: the provider and its parameters (no `secretObjects`: nothing
    is synced back into a Kubernetes Secret)."""
    return {"provider": csi.provider, "parameters": csi.parameters(objects, identity)}


def deliver_csi(
    name: str,
    target: DeliveryTarget,
    csi: CsiClass,
    *,
    identity: Optional[pulumi.Input[str]],
    parent: pulumi.Resource,
) -> Delivered:
    """Create the workload's SecretProviderClass (logical name `<name>-provider-class`) and fragments."""
    entries, app, workload = target.entries, target.app, target.workload
    trigger = trigger_of(entries)
    none: pulumi.Output[Optional[str]] = pulumi.Output.from_input(None)
    if not entries:
        return Delivered(
            secret=None,
            secret_name=none,
            restart_trigger=trigger,
            volumes=[],
            volume_mounts=[],
            env=[],
            pod_annotations={RESTART_ANNOTATION: trigger},
        )
    spec = pulumi.Output.all(_pinned(entries), identity).apply(lambda pi: spec_of(csi, pi[0], pi[1]))
    class_name = spec.apply(lambda s: provider_class_name(app, workload, s))
    provider_class = k8s.apiextensions.CustomResource(
        f"{name}-provider-class",
        api_version=API_VERSION,
        kind=KIND,
        metadata=delivery_metadata(class_name, target, trigger),
        spec=spec,
        # A new name for each new set of versions: the replacement exists before the old one goes.
        opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=False),
    )
    # The name we gave, as an Output of the resource: pods mount it only once it exists.
    mounted = pulumi.Output.all(provider_class.urn, class_name).apply(lambda uc: str(uc[1]))
    return Delivered(
        secret=None,
        secret_name=none,
        restart_trigger=trigger,
        volumes=csi_volumes(csi.driver, mounted),
        volume_mounts=secret_volume_mounts([e.name for e in entries]),
        env=[],
        pod_annotations={RESTART_ANNOTATION: trigger},
        provider_class=provider_class,
        provider_class_name=mounted,
    )
