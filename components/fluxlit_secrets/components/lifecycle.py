"""SecretLifecycle: the whole of one FluxLit app's secrets on one stack, from store to pod."""

from dataclasses import replace
from typing import Any, Optional, cast, overload

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.clouds import CLOUDS, StoreRequest, store_of
from fluxlit_secrets.components.admission import admission_record, create_admission, identities_record
from fluxlit_secrets.components.base import given_name, token
from fluxlit_secrets.components.delivery import DeliverySpec, WorkloadDelivery
from fluxlit_secrets.components.identity import IdentitySpec, WorkloadIdentity
from fluxlit_secrets.components.lifecycle_args import SecretLifecycleArgs
from fluxlit_secrets.components.lifecycle_value import Lifecycle, lifecycle_from_args, replica_of
from fluxlit_secrets.components.managed_secret import ManagedSecret, RetiringVersion, SecretSpec, former_names
from fluxlit_secrets.components.workloads import FluxLitWorkloads, WorkloadsSpec
from fluxlit_secrets.delivery import DeliveredSecret
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.model.app import AppModel, CloudSettings, DeploymentsModel, SecretModel
from fluxlit_secrets.model.labels import MANAGED_BY, MANAGED_BY_TAG, WORKLOAD_LABEL, workload_labels
from fluxlit_secrets.model.secrets import PREVIOUS_SUFFIX
from fluxlit_secrets.workloads import PodInputs
from fluxlit_secrets.workloads.netpol import network_policies
from fluxlit_secrets.workloads.podspec import container_security_context, pod_security_context


class SecretLifecycle(pulumi.ComponentResource):
    """Stores, identities, per-workload Secrets, restart triggers and (optionally) Deployments."""

    namespace: pulumi.Output[str]
    """The app's namespace."""
    versions: pulumi.Output[dict[str, str]]
    """Current version identifier per secret."""
    secret_names: pulumi.Output[dict[str, Optional[str]]]
    """Kubernetes Secret name per workload (none with CSI delivery)."""
    provider_class_names: pulumi.Output[dict[str, Optional[str]]]
    """SecretProviderClass name per workload (CSI delivery; none otherwise)."""
    restart_triggers: pulumi.Output[dict[str, str]]
    """Restart trigger per workload; it changes only when that workload's secrets rotate."""
    rotation: pulumi.Output[dict[str, Any]]
    """Per secret: generation, rotatedAt, maxAgeDays and declaredIn (the stack file, or "code");
    `fluxlit-secrets check` reads ages from it, `rotate` where to raise a generation."""
    pod_fragments: pulumi.Output[dict[str, Any]]
    """Per workload: namespace, serviceAccountName, volumes, volumeMounts, env, podAnnotations, podLabels,
    podSecurityContext and containerSecurityContext (merge them with `fluxlit_secrets.merge_pod_template`)."""
    identities: pulumi.Output[dict[str, Any]]
    """Per workload, the ServiceAccount created for it ({namespace, serviceAccountName}): the rules and
    the admission policy know each workload by it, never by a label or a command."""
    admission: pulumi.Output[dict[str, Any]]
    """The admission policy: {enabled: true, policy: <name>} or {enabled: false, reason: <why>}."""

    @overload
    def __init__(
        self,
        name: str,
        args: SecretLifecycleArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        values_from: Optional["SecretLifecycle"] = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        args: Lifecycle,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        values_from: Optional["SecretLifecycle"] = None,
    ) -> None: ...

    # The implementation is annotated with the args alone: the component host's schema is read from
    # this annotation (the SDK's analyzer takes no Union). A Lifecycle (stack_args()) is taken as it
    # is: it was parsed once and cannot have changed since.
    # `values_from` (Python): another SecretLifecycle of this program, on another cluster, whose
    # values of record this one delivers: one store entry, one value, one version history.
    def __init__(  # type: ignore[misc]  # SDK gap: its analyzer reads this annotation, takes no Union
        self,
        name: str,
        args: SecretLifecycleArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        values_from: Optional["SecretLifecycle"] = None,
    ) -> None:
        given: object = args
        lifecycle = given if isinstance(given, Lifecycle) else lifecycle_from_args(args, name)
        if values_from is not None:
            lifecycle = replica_of(values_from.model, lifecycle, source_name=values_from._name, name=name)
        super().__init__(token("SecretLifecycle"), name, {}, opts)
        self.model: AppModel = lifecycle.model
        model = self.model
        self._name = name
        self._values_from = values_from._name if values_from is not None else None
        for notice in model.notices:
            pulumi.log.warn(notice, resource=self)
        ns = self._namespace()
        #: The namespace's name, known in a preview, depending on the Namespace (one Output, shared).
        self._ns_name = given_name(ns, model.namespace) if ns else pulumi.Output.from_input(model.namespace)
        # A replica delivers its source's values of record; the source alone keeps and retires them.
        self._stored: dict[str, ManagedSecret] = (
            values_from._stored if values_from is not None else self._secrets(lifecycle, ns)
        )
        stored = self._stored
        identities = {w: self._identity(w, stored, ns) for w in model.workloads()}
        deliveries = {w: self._delivery(w, stored, identities[w]) for w in model.workloads()}
        self._network_policies(ns)
        create_admission(self._name, model, parent=self)
        rolled = self._workloads(identities, deliveries, ns)
        if values_from is None:
            self._retire(stored, rolled, ns)
        self._outputs(ns, stored, identities, deliveries=deliveries)

    # -- steps -------------------------------------------------------------------------------
    def _child(self, *depends_on: Optional[pulumi.Resource]) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=[d for d in depends_on if d is not None])

    def _namespace(self) -> Optional[k8s.core.v1.Namespace]:
        """The app's Namespace, restricted; None when it exists already (`create_namespace: false`)."""
        model = self.model
        if not model.create_namespace:
            return None
        labels = {
            "app.kubernetes.io/name": model.app,
            **MANAGED_BY,
            # Every pod here meets the "restricted" Pod Security Standard.
            "pod-security.kubernetes.io/enforce": "restricted",
        }
        return k8s.core.v1.Namespace(
            f"{self._name}-namespace", metadata={"name": model.namespace, "labels": labels}, opts=self._child()
        )

    def _request(
        self, secret: SecretModel, context: dict[str, Any], value: Optional[pulumi.Input[str]]
    ) -> StoreRequest:
        model = self.model
        return StoreRequest(
            app=model.app,
            environment=model.environment,
            secret=secret.name,
            source=secret.source,
            generation=secret.generation,
            length=secret.length,
            value=value,
            disposable=model.disposable,
            settings=model.cloud,
            context=context,
            physical=secret.store_name,
            readers=model.consumers_of(secret),
        )

    def _secrets(self, lifecycle: Lifecycle, ns: Optional[k8s.core.v1.Namespace]) -> dict[str, ManagedSecret]:
        model = self.model
        tags = {
            "app": model.app,
            **MANAGED_BY_TAG,
            **({"disposable": "true"} if model.disposable else {}),
        }
        try:
            shared = store_of(model.store).prepare(self._name, model, tags=tags, parent=self)
        except ConfigError as exc:
            raise exc.at(f'SecretLifecycle "{self._name}"') from None
        # What the store prepared for every secret (a records namespace, a vault) wins.
        context = self._context = {"namespace": self._ns_name, **shared}
        return {
            s.name: ManagedSecret(
                f"{self._name}-{s.name}",
                SecretSpec(store=model.store, request=self._request(s, context, lifecycle.values.get(s.name))),
                self._child(),
            )
            for s in model.secrets
        }

    def _identity(
        self, workload: str, stored: dict[str, ManagedSecret], ns: Optional[k8s.core.v1.Namespace]
    ) -> WorkloadIdentity:
        model = self.model
        consumed = sorted({s.name for s, _ in model.consumed_by(workload)})
        spec = IdentitySpec(
            app=model.app,
            namespace=model.namespace,
            workload=workload,
            environment=model.environment,
            store=model.store,
            settings=model.cloud,
            # Every cloud store gives a ref; the kubernetes store has no cloud identity to grant.
            secret_refs={s: cast(pulumi.Output[str], stored[s].ref) for s in consumed},
        )
        return WorkloadIdentity(f"{self._name}-{workload}", spec, self._child(ns))

    def _delivery(
        self, workload: str, stored: dict[str, ManagedSecret], identity: WorkloadIdentity
    ) -> WorkloadDelivery:
        model = self.model
        csi = model.delivery == "csi"
        entries: list[DeliveredSecret] = []
        for s, d in model.consumed_by(workload):
            held = stored[s.name]
            ref = cast(pulumi.Output[str], held.object_name) if csi else None
            value = None if csi else held.value
            entries.append(
                DeliveredSecret(
                    secret=s.name,
                    as_=d.as_,
                    name=d.name,
                    value=value,
                    version=held.version,
                    ref=ref,
                    full_version=held.full_version,
                )
            )
            if s.overlap and held.has_previous:
                # Overlap: the version before, under <name>_PREVIOUS (absent until one exists).
                previous = DeliveredSecret(
                    secret=f"{s.name}.previous",
                    as_=d.as_,
                    name=f"{d.name}{PREVIOUS_SUFFIX}",
                    value=None if csi else cast(pulumi.Output[str], held.previous_value),
                    version=cast(pulumi.Output[str], held.previous_version),
                    ref=ref,
                    full_version=cast(pulumi.Output[str], held.previous_full_version),
                )
                entries.append(previous)
        make = CLOUDS[model.store].csi
        spec = DeliverySpec(
            app=model.app,
            namespace=self._ns_name,
            workload=workload,
            entries=entries,
            store=model.store,
            csi=make(cast(CloudSettings, model.cloud)) if csi and make is not None else None,
            identity=cast(pulumi.Output[str], identity.cloud_identity) if csi else None,
        )
        return WorkloadDelivery(f"{self._name}-{workload}", spec, self._child())

    def _network_policies(self, ns: Optional[k8s.core.v1.Namespace]) -> None:
        model = self.model
        for policy in network_policies(model.app, model.namespace, model.topology, egress=model.network_policy):
            k8s.networking.v1.NetworkPolicy(
                f"{self._name}-{policy['metadata']['labels'][WORKLOAD_LABEL]}-network",
                metadata=policy["metadata"],
                spec=policy["spec"],
                opts=self._child(ns),
            )

    def _pod(self, workload: str, identity: WorkloadIdentity, delivery: WorkloadDelivery) -> PodInputs:
        auth = self.model.auth
        plain = (
            [{"name": k, "value": v} for k, v in auth.env().items()]
            if auth is not None and workload in ("gateway", "app")
            else []
        )
        fragments = delivery.fragments
        return PodInputs(
            service_account_name=identity.service_account_name,
            volumes=fragments.volumes,
            volume_mounts=fragments.volume_mounts,
            env=[*plain, *fragments.env],
            pod_annotations=fragments.pod_annotations,
            pod_labels=identity.pod_labels,
        )

    def _workloads(
        self,
        identities: dict[str, WorkloadIdentity],
        deliveries: dict[str, WorkloadDelivery],
        ns: Optional[k8s.core.v1.Namespace],
    ) -> dict[str, list[pulumi.Resource]]:
        """The Deployments (when declared); what each workload's pods run from, for retirement."""
        model = self.model
        self._pods = {w: self._pod(w, identities[w], deliveries[w]) for w in model.workloads()}
        d = model.deployments
        if d is None:
            return {w: [s for s in (deliveries[w].fragments.source,) if s is not None] for w in deliveries}
        affinity = d.gateway_replicas > 1 and any(s.kind == "oidc-bff" for s in model.secrets)
        spec = WorkloadsSpec(
            app=model.app,
            namespace=model.namespace,
            topology=model.topology,
            deployments=d,
            pods=self._pods,
            session_affinity=affinity,
        )
        workloads = FluxLitWorkloads(f"{self._name}-workloads", spec, self._child(ns))
        return {w: [dep] for w, dep in workloads.deployments.items()}

    def _retire(
        self,
        stored: dict[str, ManagedSecret],
        rolled: dict[str, list[pulumi.Resource]],
        ns: Optional[k8s.core.v1.Namespace],
    ) -> None:
        """Per generated secret past generation 2: its retiring version, after its consumers rolled."""
        model = self.model
        for s in model.secrets:
            if s.source != "generated" or s.generation <= 2:
                continue
            after = [r for w in model.consumers_of(s) for r in rolled.get(w, [])]
            held = stored[s.name]
            context = {**self._context, "container": held.ref}
            managed = f"{self._name}-{s.name}"
            request = self._request(s, context, None)
            request = replace(request, former_bases=(managed, *former_names(managed, request)), moved_from=held.urn)
            RetiringVersion(f"{managed}-retiring", SecretSpec(store=model.store, request=request), self._child(*after))

    def _outputs(
        self,
        ns: Optional[k8s.core.v1.Namespace],
        stored: dict[str, ManagedSecret],
        identities: dict[str, WorkloadIdentity],
        *,
        deliveries: dict[str, WorkloadDelivery],
    ) -> None:
        model = self.model
        uid = model.deployments.run_as_user if model.deployments else DeploymentsModel(image="x").run_as_user
        fragments = {
            w: pulumi.Output.all(
                namespace=self._ns_name,
                podSecurityContext=pod_security_context(uid),
                containerSecurityContext=container_security_context(),
                serviceAccountName=pod.service_account_name,
                volumes=pod.volumes,
                volumeMounts=pod.volume_mounts,
                env=pod.env,
                podAnnotations=pod.pod_annotations,
                # The workload's labels select it in the NetworkPolicies; identity labels bind it.
                podLabels=_with_workload_labels(model.app, w, identities[w].pod_labels),
            )
            for w, pod in self._pods.items()
        }
        self.namespace = self._ns_name
        self.versions = pulumi.Output.all(**{s: m.version for s, m in stored.items()})
        self.secret_names = pulumi.Output.all(**{w: d.secret_name for w, d in deliveries.items()})
        self.provider_class_names = pulumi.Output.all(**{w: d.provider_class_name for w, d in deliveries.items()})
        self.restart_triggers = pulumi.Output.all(**{w: d.restart_trigger for w, d in deliveries.items()})
        self.pod_fragments = pulumi.Output.all(**fragments)
        self.rotation = pulumi.Output.from_input(
            {
                s.name: {
                    "generation": s.generation,
                    "rotatedAt": s.rotated_at,
                    "maxAgeDays": s.max_age_days,
                    # Where the secret is declared: its stack file, or "code" (`rotate` edits only a file).
                    "declaredIn": model.declared_in or "code",
                    # A replica on another cluster: the component that holds the values of record.
                    **({"valuesFrom": self._values_from} if self._values_from else {}),
                }
                for s in model.secrets
            }
        )
        self.identities = pulumi.Output.from_input(identities_record(model))
        self.admission = pulumi.Output.from_input(admission_record(model))
        self.register_outputs(
            {
                "namespace": self.namespace,
                "identities": self.identities,
                "admission": self.admission,
                "versions": self.versions,
                "secretNames": self.secret_names,
                "providerClassNames": self.provider_class_names,
                "restartTriggers": self.restart_triggers,
                "podFragments": self.pod_fragments,
                "rotation": self.rotation,
            }
        )


def _with_workload_labels(
    app: str, workload: str, extra: pulumi.Output[dict[str, str]]
) -> pulumi.Output[dict[str, str]]:
    labels = workload_labels(app, workload)
    return extra.apply(lambda more: {**labels, **more})
