"""The Kubernetes-only store: each version is an immutable Secret of record in a records namespace.

Those Secrets are mounted by no pod (the per-workload delivery Secrets are); they are retained
when they leave the program, so a rotation never destroys a value. Versions are the generation
of a generated value, or a RandomId whose keepers hold a config value (never a hash of it).
"""

from typing import Any, Optional

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.clouds.base import StoreRequest
from fluxlit_secrets.clouds.versions import CURRENT, VersionedStore, VersionSlot, Written, child_options, config_version
from fluxlit_secrets.model.app import AppModel
from fluxlit_secrets.model.labels import MANAGED_BY, RECORDS_LABEL, STORE_LABEL


def records_namespace(namespace: str) -> str:
    """The namespace of an app's Secrets of record: `<namespace>-records`, where no workload runs."""
    return f"{namespace[:55].rstrip('-')}-records"


class KubernetesStore(VersionedStore):
    """Store of record for local clusters: nothing outside Kubernetes and Pulumi state.

    The Secrets of record live in a namespace of their own, where no workload runs: a pod in the
    app's namespace cannot mount them, whoever may create pods there.
    """

    def prepare(self, name: str, model: AppModel, *, tags: dict[str, str], parent: pulumi.Resource) -> dict[str, Any]:
        """The records namespace (restricted pod security, no workloads).

        Deleting a namespace deletes every Secret in it, retained or not: on a stack that is not
        disposable the namespace is protected and retained too, so neither `pulumi destroy` nor
        dropping the app from the program loses a value of record.
        """
        records = records_namespace(model.namespace)
        if not model.create_namespace:  # it exists already, owned by someone else
            return {"namespace": pulumi.Output.from_input(records)}
        ns = k8s.core.v1.Namespace(
            f"{name}-records",
            metadata={
                "name": records,
                "labels": {
                    **MANAGED_BY,
                    "app.kubernetes.io/name": model.app,
                    RECORDS_LABEL: "true",
                    "pod-security.kubernetes.io/enforce": "restricted",
                },
            },
            opts=pulumi.ResourceOptions(
                parent=parent, protect=not model.disposable, retain_on_delete=not model.disposable
            ),
        )
        return {"namespace": ns.urn.apply(lambda _: records)}

    def container(self, request: StoreRequest, parent: pulumi.Resource) -> tuple[Optional[pulumi.Output[str]], Any]:
        """No container: the namespace holds the versions."""
        return None, self.handle(request)

    def handle(self, request: StoreRequest) -> Any:
        """The app's namespace."""
        return request.context["namespace"]

    def version(self, request: StoreRequest, handle: Any, slot: VersionSlot, *, parent: pulumi.Resource) -> Written:
        """An immutable Secret `<app>-<secret>-v<generation>` (or `-<version id>` for config values)."""
        if request.source == "config":
            version = config_version(request, slot.source.value, parent)
        else:
            version = pulumi.Output.from_input(str(slot.source.generation))
        prefix = f"{request.app}-{request.store_name}-{'v' if request.source == 'generated' else ''}"
        secret = k8s.core.v1.Secret(
            slot.logical,
            metadata={
                "name": version.apply(lambda v: prefix + v),
                "namespace": handle,
                "labels": {**MANAGED_BY, "app.kubernetes.io/name": request.app, STORE_LABEL: request.store_name},
                "annotations": {"fluxlit-secrets/version": version, "fluxlit-secrets/state": slot.state},
            },
            type="Opaque",
            immutable=True,
            string_data={"value": slot.source.value},
            opts=child_options(
                request,
                slot.logical,
                parent,
                retain_on_delete=True,
                depends_on=slot.after,
                # A config value's record is the config itself; its version Secret
                # is replaced by the next value, so only generated values are protected.
                protect=slot.state == CURRENT and request.source == "generated" and not request.disposable,
            ),
        )
        return Written(version, version, secret)
