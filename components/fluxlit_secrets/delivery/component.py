"""WorkloadDelivery: one workload's immutable Secret, its pod-spec fragments and restart trigger."""

from typing import Any, NotRequired, Optional, TypedDict

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.delivery.fragments import secret_env, secret_volume_mounts, secret_volumes
from fluxlit_secrets.delivery.restart import (
    KEYS_ANNOTATION,
    RESTART_ANNOTATION,
    STORE_ANNOTATION,
    delivery_secret_name,
    restart_trigger,
)
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.tokens import MANAGED_BY, token, workload_labels


class DeliveredSecretArgs(TypedDict):
    """One secret as one workload receives it."""

    secret: str
    """The declared secret's name (its version is tracked under this name)."""
    mode: str
    """`file` (a file in /var/run/secrets/fluxlit) or `env` (one secretKeyRef)."""
    name: str
    """The file name or environment variable name."""
    value: pulumi.Input[str]
    """The value (kept secret)."""
    version: pulumi.Input[str]
    """The version identifier; a new one restarts this workload only."""


class WorkloadDeliveryArgs(TypedDict):
    """Inputs of a WorkloadDelivery."""

    app: str
    """The app's DNS-1123 name."""
    namespace: pulumi.Input[str]
    """The namespace of the Secret."""
    workload: str
    """`gateway`, `streamlit`, or `app` (unified topology)."""
    secrets: list[DeliveredSecretArgs]
    """Exactly the secrets this workload consumes."""
    labels: NotRequired[dict[str, str]]
    """Extra labels for the Secret."""
    store: NotRequired[str]
    """Name of the store of record, shown on the Secret (default `kubernetes`)."""


class WorkloadDelivery(pulumi.ComponentResource):
    """An immutable Secret with only this workload's keys, replaced under a new name on rotation."""

    secret_name: pulumi.Output[Optional[str]]
    """Name of the workload's Secret (absent when it consumes nothing)."""
    restart_trigger: pulumi.Output[str]
    """`secret=version,...`: changes exactly when one of this workload's versions changes."""
    volumes: pulumi.Output[list[dict[str, Any]]]
    """Pod volumes to add (the read-only Secret volume)."""
    volume_mounts: pulumi.Output[list[dict[str, Any]]]
    """Container volume mounts to add."""
    env: pulumi.Output[list[dict[str, Any]]]
    """Container env entries to add (one secretKeyRef each)."""
    pod_annotations: pulumi.Output[dict[str, str]]
    """Pod-template annotations to add (the restart trigger)."""

    def __init__(self, name: str, args: WorkloadDeliveryArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(token("WorkloadDelivery"), name, {}, opts)
        app, workload, entries = args["app"], args["workload"], list(args["secrets"])
        _check_entries(entries)
        versions = {e["secret"]: e["version"] for e in entries}
        secret_names = sorted(versions)
        file_keys = [e["name"] for e in entries if e["mode"] == "file"]
        env_keys = [e["name"] for e in entries if e["mode"] == "env"]

        trigger = pulumi.Output.all(*(versions[s] for s in secret_names)).apply(
            lambda vs: restart_trigger(dict(zip(secret_names, (str(v) for v in vs), strict=True)))
        )
        self.restart_trigger = trigger
        self.pod_annotations = trigger.apply(lambda t: {RESTART_ANNOTATION: t})
        if entries:
            physical = trigger.apply(lambda t: delivery_secret_name(app, workload, t, [e["name"] for e in entries]))
            secret = k8s.core.v1.Secret(
                f"{name}-secret",
                metadata={
                    "name": physical,
                    "namespace": args["namespace"],
                    "labels": {**workload_labels(app, workload), **MANAGED_BY, **(args.get("labels") or {})},
                    "annotations": {
                        RESTART_ANNOTATION: trigger,
                        # Names only: which declared secret each key holds.
                        KEYS_ANNOTATION: ",".join(sorted({f"{e['name']}={e['secret']}" for e in entries})),
                        STORE_ANNOTATION: args.get("store", "kubernetes"),
                    },
                },
                type="Opaque",
                immutable=True,
                string_data={e["name"]: pulumi.Output.secret(e["value"]) for e in entries},
                # A new name each rotation: the replacement exists before the old one goes.
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=False),
            )
            secret_name: pulumi.Output[Optional[str]] = secret.metadata.apply(lambda m: m.name)
        else:
            secret, secret_name = None, pulumi.Output.from_input(None)
        #: The Kubernetes Secret resource (None when the workload consumes nothing).
        self.secret: Optional[k8s.core.v1.Secret] = secret
        self.secret_name = secret_name
        self.volumes = secret_name.apply(lambda n: secret_volumes(n, file_keys) if n else [])
        self.volume_mounts = pulumi.Output.from_input(secret_volume_mounts(file_keys))
        self.env = secret_name.apply(lambda n: secret_env(n, env_keys) if n else [])
        self.register_outputs(
            {
                "secretName": self.secret_name,
                "restartTrigger": self.restart_trigger,
                "volumes": self.volumes,
                "volumeMounts": self.volume_mounts,
                "env": self.env,
                "podAnnotations": self.pod_annotations,
            }
        )


def _check_entries(entries: list[DeliveredSecretArgs]) -> None:
    seen: dict[str, str] = {}
    for e in entries:
        if e["mode"] not in ("file", "env"):
            raise ConfigError(f"WorkloadDelivery.secrets.{e['secret']}.mode", "is unknown", "use file or env")
        owner = seen.setdefault(e["name"], e["secret"])
        if owner != e["secret"]:
            raise ConfigError(
                f"WorkloadDelivery.secrets.{e['secret']}.name",
                f"{e['name']} is already delivered by {owner!r}",
                "give each secret its own name",
            )
