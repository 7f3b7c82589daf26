"""The policy rules: plain functions over resources, shared by the CrossGuard pack and `check`.

A resource rule takes one `Res` and yields violation messages; a stack rule takes every `Res` of
the stack and yields (resource, message) pairs. Messages name what is wrong, never a value.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.csi import (
    csi_volumes_read_only,
    provider_classes_pinned,
    provider_classes_read_by_their_identity,
)
from fluxlit_secrets.policy.grants import (
    cloud_secrets_read_by_their_workloads,
    identity_one_federation,
    identity_trust_one_subject,
    no_secret_build_args,
    secret_containers_protected,
    secret_grants_name_secrets,
)
from fluxlit_secrets.policy.pods import (
    automount_token_off,
    fluxlit_reads_its_secret_files,
    no_default_namespace,
    no_envfrom_unless_all_keys_declared,
    no_pod_reads_a_record,
    no_secret_literal_in_env,
    pod_namespace_matches_its_secrets,
    restart_annotation_not_a_hash,
    secret_files_readable_by_the_pod_user,
    secret_volumes_read_only,
    streamlit_no_gateway_secrets,
    unified_streamlit_sees_gateway_secrets,
)

MANDATORY, ADVISORY = "mandatory", "advisory"


@dataclass(frozen=True)
class Rule:
    """One policy: a name, a description, an enforcement level and its check."""

    name: str
    description: str
    level: str
    resource_check: Callable[[Res], Iterable[str]] | None = None
    stack_check: Callable[[list[Res]], Iterable[tuple[Res, str]]] | None = None


RULES: list[Rule] = [
    Rule(
        "csi-volumes-read-only",
        "Secrets Store CSI volumes are read-only and mounted whole, never through subPath.",
        MANDATORY,
        resource_check=csi_volumes_read_only,
    ),
    Rule(
        "provider-classes-pinned",
        "A SecretProviderClass pins every object to a full version id (no latest, no label) and syncs "
        "nothing into a Kubernetes Secret (no secretObjects).",
        MANDATORY,
        resource_check=provider_classes_pinned,
    ),
    Rule(
        "provider-classes-read-by-their-identity",
        "Each object of a mounted SecretProviderClass is a secret the mounting pod's own identity may read, "
        "in a file mode its non-root user can read.",
        MANDATORY,
        stack_check=provider_classes_read_by_their_identity,
    ),
    Rule(
        "pod-namespace-matches-its-secrets",
        "A pod references only Secrets of its own namespace.",
        MANDATORY,
        stack_check=pod_namespace_matches_its_secrets,
    ),
    Rule(
        "secret-files-readable-by-the-pod-user",
        "A non-root pod mounting owner-only secret files sets fsGroup, so its user can read them.",
        MANDATORY,
        resource_check=secret_files_readable_by_the_pod_user,
    ),
    Rule(
        "fluxlit-reads-its-secret-files",
        "FluxLit settings delivered as files are read by the app (FluxlitSettings(_secrets_dir=...)).",
        ADVISORY,
        resource_check=fluxlit_reads_its_secret_files,
    ),
    Rule(
        "identity-one-federation",
        "A managed identity is federated with exactly one issuer and ServiceAccount.",
        MANDATORY,
        stack_check=identity_one_federation,
    ),
    Rule(
        "cloud-secrets-read-by-their-workloads",
        "A cloud secret is readable only by the workload identities of the workloads it is for.",
        MANDATORY,
        stack_check=cloud_secrets_read_by_their_workloads,
    ),
    Rule(
        "no-pod-reads-a-record",
        "No pod can read a Secret of record (the kubernetes store's), through any path.",
        MANDATORY,
        stack_check=no_pod_reads_a_record,
    ),
    Rule(
        "no-secret-literal-in-env",
        "No secret-looking literal in a container env value.",
        MANDATORY,
        resource_check=no_secret_literal_in_env,
    ),
    Rule(
        "no-envfrom-undeclared-secret",
        "No envFrom secretRef unless every key of that Secret is declared for the container.",
        MANDATORY,
        stack_check=no_envfrom_unless_all_keys_declared,
    ),
    Rule(
        "secret-volumes-read-only",
        "Secret volumes are read-only, mode 0400 or stricter, never mounted with subPath.",
        MANDATORY,
        resource_check=secret_volumes_read_only,
    ),
    Rule(
        "streamlit-no-gateway-secrets",
        "Only the gateway's pods (by ServiceAccount and command, not label) can read gateway-only material "
        "(JWT, BFF, OIDC client), through any volume, env, CSI or RBAC path.",
        MANDATORY,
        stack_check=streamlit_no_gateway_secrets,
    ),
    Rule(
        "unified-streamlit-sees-gateway-secrets",
        "Unified topology: FluxLit's Streamlit child inherits the gateway's env and files.",
        ADVISORY,
        stack_check=unified_streamlit_sees_gateway_secrets,
    ),
    Rule(
        "automount-token-off",
        "automountServiceAccountToken is false where no identity needs the API token.",
        MANDATORY,
        resource_check=automount_token_off,
    ),
    Rule(
        "no-default-namespace",
        "No workload, Secret or ServiceAccount in the default namespace.",
        MANDATORY,
        resource_check=no_default_namespace,
    ),
    Rule(
        "identity-trust-one-subject",
        "Workload-identity trust or federation is scoped to exactly one ServiceAccount.",
        MANDATORY,
        resource_check=identity_trust_one_subject,
    ),
    Rule(
        "secret-grants-name-secrets",
        "Secret-read grants name specific secrets: no *, no project, resource-group or subscription scope.",
        MANDATORY,
        resource_check=secret_grants_name_secrets,
    ),
    Rule(
        "secret-containers-protected",
        "Cloud secret containers are protected or retained.",
        MANDATORY,
        resource_check=secret_containers_protected,
    ),
    Rule(
        "no-secret-build-args",
        "No secret-looking build args or Dockerfile ENV on image builds.",
        MANDATORY,
        resource_check=no_secret_build_args,
    ),
    Rule(
        "restart-annotation-not-a-hash",
        "Restart annotations are not a plain hash of any secret value.",
        MANDATORY,
        stack_check=restart_annotation_not_a_hash,
    ),
]
