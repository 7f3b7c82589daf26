"""SecretLifecycle: the whole of one FluxLit app's secrets on one stack, from store to pod."""

from typing import Any, NotRequired, Optional, TypedDict

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets.cloud_args import AwsArgs, AzureArgs, GcpArgs, camel, settings_to_args
from fluxlit_secrets.delivery import DeliveredSecretArgs, WorkloadDelivery
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.identity import WorkloadIdentity
from fluxlit_secrets.spec import AppSpec, parse_app
from fluxlit_secrets.spec.parse import PREVIOUS_SUFFIX
from fluxlit_secrets.stores.managed_secret import ManagedSecret
from fluxlit_secrets.tokens import MANAGED_BY, WORKLOAD_LABEL, token, workload_labels
from fluxlit_secrets.workloads import FluxLitWorkloads, WorkloadPodArgs
from fluxlit_secrets.workloads.netpol import network_policies


class ConsumerArgs(TypedDict):
    """How one workload receives a secret (stack config: `{as: file, name: X}`)."""

    mode: NotRequired[str]
    """`file` (default) or `env` (stack config key `as`)."""
    name: NotRequired[str]
    """File or env var name (default: the kind's FluxLit name)."""


class SecretArgs(TypedDict):
    """One declared secret (stack config: an entry of `fluxlit-secrets:secrets`)."""

    kind: str
    """`jwt-hs256`, `oidc-bff`, `oidc-client` or `opaque`."""
    source: NotRequired[str]
    """`generated` or `config` (default: the kind's)."""
    generation: NotRequired[int]
    """Version counter of a generated secret; raise it to rotate (default 1)."""
    length: NotRequired[int]
    """Length of a generated value (32-256, default 64)."""
    value: NotRequired[pulumi.Input[str]]
    """The value of a config-sourced secret (kept secret)."""
    consumers: NotRequired[dict[str, ConsumerArgs]]
    """`gateway` and/or `streamlit` (default: the kind's, gateway only)."""
    overlap: NotRequired[bool]
    """Also deliver the previous version as `<name>_PREVIOUS`."""
    rotated_at: NotRequired[str]
    """Date of the last rotation (YYYY-MM-DD)."""
    max_age_days: NotRequired[int]
    """Most days between rotations."""
    renamed_from: NotRequired[str]
    """The secret's former name: its state and store name are kept."""


class DeploymentsArgs(TypedDict):
    """The FluxLit Deployments to create (stack config `fluxlit-secrets:deployments`)."""

    image: str
    """The app image."""
    target: NotRequired[str]
    """FluxLit import target `module:attr` (default `app:app`)."""
    api_prefix: NotRequired[str]
    """API mount path (default `/api`)."""
    gateway_replicas: NotRequired[int]
    """Gateway (or unified) replicas (default 2)."""
    streamlit_replicas: NotRequired[int]
    """Streamlit replicas (default 1)."""
    streamlit_script: NotRequired[str]
    """Absolute path of fluxlit/streamlit/main.py in the image."""
    image_pull_policy: NotRequired[str]
    """Image pull policy (default Always)."""
    run_as_user: NotRequired[int]
    """uid of the containers (default 10001; 1000 is the user of `fluxlit build` images)."""


class AuthArgs(TypedDict):
    """JWKS token validation instead of an HS256 key (stack config `fluxlit-secrets:auth`)."""

    jwks_url: str
    """The IdP's JWKS URL (https)."""
    issuer: NotRequired[str]
    """Expected `iss`."""
    audience: NotRequired[str]
    """Expected `aud`."""
    leeway_seconds: NotRequired[int]
    """Clock-skew leeway, 0-300 s."""


class NetworkPolicyArgs(TypedDict):
    """Egress NetworkPolicies (stack config `fluxlit-secrets:networkPolicy`)."""

    idp_cidrs: NotRequired[list[str]]
    """Networks of the IdP the gateway may reach on 443 (absent or empty: any address)."""


class SecretLifecycleArgs(TypedDict):
    """Inputs of SecretLifecycle: the stack-config model of DESIGN.md in snake_case."""

    app: str
    """The app's DNS-1123 name (at most 40 characters); names every resource."""
    environment: str
    """The stack / environment name."""
    secrets: dict[str, SecretArgs]
    """The app's secrets by DNS-1123 name."""
    namespace: NotRequired[str]
    """The app's own namespace (default: the app name; never `default`)."""
    topology: NotRequired[str]
    """`split` (default) or `unified`."""
    store: NotRequired[str]
    """`kubernetes` (default)."""
    disposable: NotRequired[bool]
    """True for a throw-away stack: values of record are then not protected."""
    deployments: NotRequired[DeploymentsArgs]
    """Create FluxLit Deployments and Services; without it only pod-spec fragments are exported."""
    aws: NotRequired[AwsArgs]
    """AWS settings (store aws)."""
    gcp: NotRequired[GcpArgs]
    """GCP settings (store gcp)."""
    azure: NotRequired[AzureArgs]
    """Azure settings (store azure)."""
    auth: NotRequired[AuthArgs]
    """JWKS validation: the gateway gets FLUXLIT_JWT_JWKS_URL and friends (no HS256 secret allowed)."""
    network_policy: NotRequired[NetworkPolicyArgs]
    """Create NetworkPolicies: gateway egress to the IdP on 443 and DNS; Streamlit reaches only the gateway."""


def config_key_of(field: str) -> str:
    """The stack-config key of a component-arg field (`mode` is `as`; the rest camelCase)."""
    return "as" if field == "mode" else camel(field)


def args_to_config(args: SecretLifecycleArgs) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split component args into the stack-config shape and the config-sourced values."""

    def rename(d: Any) -> Any:
        if isinstance(d, dict):
            return {config_key_of(k): rename(v) for k, v in d.items()}
        return d

    values: dict[str, Any] = {}
    secrets: dict[str, Any] = {}
    for name, given in dict(args.get("secrets") or {}).items():
        secret = dict(given)
        if "value" in secret:
            values[name] = secret.pop("value")
        secrets[name] = rename(secret)
    config = {config_key_of(k): rename(v) for k, v in args.items() if k not in ("secrets", "environment")}
    config["secrets"] = secrets
    if config.get("gcp", {}).get("replication") == []:
        config["gcp"]["replication"] = "auto"
    return config, values


class SecretLifecycle(pulumi.ComponentResource):
    """Stores, identities, per-workload Secrets, restart triggers and (optionally) Deployments."""

    namespace: pulumi.Output[str]
    """The app's namespace."""
    versions: pulumi.Output[dict[str, str]]
    """Current version identifier per secret."""
    secret_names: pulumi.Output[dict[str, Optional[str]]]
    """Kubernetes Secret name per workload."""
    restart_triggers: pulumi.Output[dict[str, str]]
    """Restart trigger per workload; it changes only when that workload's secrets rotate."""
    pod_fragments: pulumi.Output[dict[str, Any]]
    """Per workload: serviceAccountName, volumes, volumeMounts, env, podAnnotations, podLabels."""

    def __init__(self, name: str, args: SecretLifecycleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(token("SecretLifecycle"), name, {}, opts)
        config, values = args_to_config(args)
        spec = parse_app(config, environment=args["environment"])
        self.spec: AppSpec = spec
        child = pulumi.ResourceOptions(parent=self)

        ns = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata={
                "name": spec.namespace,
                "labels": {
                    "app.kubernetes.io/name": spec.app,
                    **MANAGED_BY,
                    # Every pod here meets the "restricted" Pod Security Standard.
                    "pod-security.kubernetes.io/enforce": "restricted",
                },
            },
            opts=child,
        )
        namespace = ns.metadata.apply(lambda m: m.name)

        cloud = settings_to_args(spec.cloud)
        store_context: dict[str, Any] = {}
        if spec.store == "azure":
            from fluxlit_secrets.stores.azure import create_vault

            store_context = create_vault(
                name,
                spec.azure,
                disposable=spec.disposable,
                parent=self,
                tags={
                    "app": spec.app,
                    "managed-by": "fluxlit-secrets",
                    **({"disposable": "true"} if spec.disposable else {}),
                },
            )
        # Checked before any secret exists, so the message names the component's own key.
        missing = [s.name for s in spec.secrets if s.source == "config" and s.name not in values]
        if missing:
            raise ConfigError(
                f"secrets.{missing[0]}.value",
                "is missing for a config-sourced secret",
                "pass the value (e.g. config.require_secret(...))",
            )
        stored = {}
        for secret in spec.secrets:
            stored[secret.name] = ManagedSecret(
                f"{name}-{secret.name}",
                {
                    "app": spec.app,
                    "environment": spec.environment,
                    "secret": secret.name,
                    "source": secret.source,
                    "generation": secret.generation,
                    "length": secret.length,
                    "store": spec.store,
                    "disposable": spec.disposable,
                    "namespace": namespace,
                    **cloud,
                    **({"renamed_from": secret.renamed_from} if secret.renamed_from else {}),
                    **({"vault_name": store_context["vault_name"]} if store_context else {}),
                    **({"value": values[secret.name]} if secret.name in values else {}),
                },
                opts=child,
            )

        fragments: dict[str, Any] = {}
        pods: dict[str, WorkloadPodArgs] = {}
        triggers: dict[str, pulumi.Output[str]] = {}
        secret_names: dict[str, pulumi.Output[Optional[str]]] = {}
        deliveries: dict[str, WorkloadDelivery] = {}
        for workload in spec.workloads():
            consumed = sorted({s.name for s, _ in spec.deliveries_for(workload)})
            identity = WorkloadIdentity(
                f"{name}-{workload}",
                {
                    "app": spec.app,
                    "namespace": spec.namespace,
                    "workload": workload,
                    "environment": spec.environment,
                    "store": spec.store,
                    "secret_refs": {s: stored[s].ref for s in consumed},
                    **cloud,
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[ns]),
            )
            entries: list[DeliveredSecretArgs] = []
            for s, d in spec.deliveries_for(workload):
                held = stored[s.name]
                entries.append(
                    {"secret": s.name, "mode": d.mode, "name": d.name, "value": held.value, "version": held.version}
                )
                if s.overlap and held.has_previous:
                    # Overlap: the version before, under <name>_PREVIOUS (absent until one exists).
                    entries.append(
                        {
                            "secret": f"{s.name}.previous",
                            "mode": d.mode,
                            "name": f"{d.name}{PREVIOUS_SUFFIX}",
                            "value": held.previous_value,
                            "version": held.previous_version,
                        }
                    )
            delivery = WorkloadDelivery(
                f"{name}-{workload}",
                {
                    "app": spec.app,
                    "namespace": namespace,
                    "workload": workload,
                    "secrets": entries,
                    "store": spec.store,
                },
                opts=child,
            )
            plain = (
                [{"name": k, "value": v} for k, v in spec.auth.env().items()]
                if spec.auth is not None and workload in ("gateway", "app")
                else []
            )
            env = delivery.env.apply(lambda refs, plain=plain: plain + refs)
            pods[workload] = {
                "service_account_name": identity.service_account_name,
                "volumes": delivery.volumes,
                "volume_mounts": delivery.volume_mounts,
                "env": env,
                "pod_annotations": delivery.pod_annotations,
                "pod_labels": identity.pod_labels,
            }
            fragments[workload] = pulumi.Output.all(
                serviceAccountName=identity.service_account_name,
                volumes=delivery.volumes,
                volumeMounts=delivery.volume_mounts,
                env=env,
                podAnnotations=delivery.pod_annotations,
                # The workload's labels select it in the NetworkPolicies; identity labels bind it.
                podLabels=identity.pod_labels.apply(
                    lambda extra, w=workload: {**workload_labels(spec.app, w), **extra}
                ),
            )
            deliveries[workload] = delivery
            triggers[workload] = delivery.restart_trigger
            secret_names[workload] = delivery.secret_name

        for policy in network_policies(spec.app, spec.namespace, spec.topology, spec.network_policy):
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{policy['metadata']['labels'][WORKLOAD_LABEL]}-network",
                metadata=policy["metadata"],
                spec=policy["spec"],
                opts=pulumi.ResourceOptions(parent=self, depends_on=[ns]),
            )

        # What each workload's pods run from: its Deployment, or (app stacks) its delivery Secret.
        rolled: dict[str, list[pulumi.Resource]] = {
            w: [deliveries[w].secret] if deliveries[w].secret is not None else [] for w in deliveries
        }
        if spec.deployments is not None:
            d = spec.deployments
            workloads = FluxLitWorkloads(
                f"{name}-workloads",
                {
                    **d.as_args(),  # type: ignore[typeddict-item]
                    "app": spec.app,
                    "namespace": spec.namespace,
                    "topology": spec.topology,
                    "session_affinity": d.gateway_replicas > 1 and any(s.kind == "oidc-bff" for s in spec.secrets),
                    "pods": pods,
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[ns]),
            )
            rolled = {w: [dep] for w, dep in workloads.deployments.items()}
        for secret in spec.secrets:
            consumers = {d.workload for d in secret.deliveries}
            after = [r for w in spec.workloads() if w == "app" or w in consumers for r in rolled.get(w, [])]
            stored[secret.name].retire_after(after)

        self.namespace = namespace
        self.versions = pulumi.Output.all(**{s: m.version for s, m in stored.items()})
        self.secret_names = pulumi.Output.all(**secret_names)
        self.restart_triggers = pulumi.Output.all(**triggers)
        self.pod_fragments = pulumi.Output.all(**fragments)
        self.register_outputs(
            {
                "namespace": self.namespace,
                "versions": self.versions,
                "secretNames": self.secret_names,
                "restartTriggers": self.restart_triggers,
                "podFragments": self.pod_fragments,
            }
        )
