"""The policy rules: plain functions over resources, shared by the CrossGuard pack and `check`.

A resource rule takes one `Res` and yields violation messages; a stack rule takes every `Res` of
the stack and yields (resource, message) pairs. Messages name what is wrong, never a value.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.admission import (
    admission_policy_on,
    admission_policy_present,
    identity_only_its_deployment,
)
from fluxlit_secrets.policy.copies import no_copy_of_a_secret_value
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
from fluxlit_secrets.policy.volumes import no_claim_shared_with_the_gateway, no_host_files

MANDATORY, ADVISORY = "mandatory", "advisory"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One policy: a name, a description, an enforcement level and its check."""

    name: str
    description: str
    level: str
    resource_check: Callable[[Res], Iterable[str]] | None = None
    stack_check: Callable[[list[Res]], Iterable[tuple[Res, str]]] | None = None


RULES: list[Rule] = [
    Rule(
        name="csi-volumes-read-only",
        description="Secrets Store CSI volumes are read-only and mounted whole, never through subPath.",
        level=MANDATORY,
        resource_check=csi_volumes_read_only,
    ),
    Rule(
        name="provider-classes-pinned",
        description="A SecretProviderClass pins every object to a full version id (no latest, no label) and syncs "
        "nothing into a Kubernetes Secret (no secretObjects).",
        level=MANDATORY,
        resource_check=provider_classes_pinned,
    ),
    Rule(
        name="provider-classes-read-by-their-identity",
        description="Each object of a mounted SecretProviderClass is a secret the mounting pod's own identity "
        "may read, in a file mode its non-root user can read.",
        level=MANDATORY,
        stack_check=provider_classes_read_by_their_identity,
    ),
    Rule(
        name="pod-namespace-matches-its-secrets",
        description="A pod references only Secrets of its own namespace.",
        level=MANDATORY,
        stack_check=pod_namespace_matches_its_secrets,
    ),
    Rule(
        name="secret-files-readable-by-the-pod-user",
        description="A non-root pod mounting owner-only secret files sets fsGroup, so its user can read them.",
        level=MANDATORY,
        resource_check=secret_files_readable_by_the_pod_user,
    ),
    Rule(
        name="fluxlit-reads-its-secret-files",
        description="FluxLit settings delivered as files are read by the app (FluxlitSettings(_secrets_dir=...)).",
        level=ADVISORY,
        resource_check=fluxlit_reads_its_secret_files,
    ),
    Rule(
        name="identity-one-federation",
        description="A managed identity is federated with exactly one issuer and ServiceAccount.",
        level=MANDATORY,
        stack_check=identity_one_federation,
    ),
    Rule(
        name="cloud-secrets-read-by-their-workloads",
        description="A cloud secret is readable only by the workload identities of the workloads it is for.",
        level=MANDATORY,
        stack_check=cloud_secrets_read_by_their_workloads,
    ),
    Rule(
        name="no-pod-reads-a-record",
        description="No pod can read a Secret of record (the kubernetes store's), through any path.",
        level=MANDATORY,
        stack_check=no_pod_reads_a_record,
    ),
    Rule(
        name="no-secret-literal-in-env",
        description="No secret-looking literal in a container env value.",
        level=MANDATORY,
        resource_check=no_secret_literal_in_env,
    ),
    Rule(
        name="no-envfrom-undeclared-secret",
        description="No envFrom secretRef unless every key of that Secret is declared for the container.",
        level=MANDATORY,
        stack_check=no_envfrom_unless_all_keys_declared,
    ),
    Rule(
        name="secret-volumes-read-only",
        description="Secret volumes are read-only, mode 0400 or stricter, never mounted with subPath.",
        level=MANDATORY,
        resource_check=secret_volumes_read_only,
    ),
    Rule(
        name="streamlit-no-gateway-secrets",
        description="Only the gateway's pods (by the identity its component created, never a label) can read "
        "gateway-only material (JWT, BFF, OIDC client), through any volume, env, CSI or RBAC path.",
        level=MANDATORY,
        stack_check=streamlit_no_gateway_secrets,
    ),
    Rule(
        name="identity-only-its-deployment",
        description="A workload identity (the ServiceAccount a fluxlit-secrets component created) is run by its "
        "own Deployment alone: no other Deployment, bare Pod, Job, StatefulSet or custom resource runs as it.",
        level=MANDATORY,
        stack_check=identity_only_its_deployment,
    ),
    Rule(
        name="admission-policy-present",
        description="Each app's ValidatingAdmissionPolicy is in the stack, fails closed, and is bound to deny.",
        level=MANDATORY,
        stack_check=admission_policy_present,
    ),
    Rule(
        name="admission-policy-on",
        description="Each app's admission policy is on; a stack that switches it off is reported with its reason.",
        level=ADVISORY,
        stack_check=admission_policy_on,
    ),
    Rule(
        name="unified-streamlit-sees-gateway-secrets",
        description="Unified topology: FluxLit's Streamlit child inherits the gateway's env and files.",
        level=ADVISORY,
        stack_check=unified_streamlit_sees_gateway_secrets,
    ),
    Rule(
        name="automount-token-off",
        description="automountServiceAccountToken is false where no identity needs the API token.",
        level=MANDATORY,
        resource_check=automount_token_off,
    ),
    Rule(
        name="no-default-namespace",
        description="No workload, Secret or ServiceAccount in the default namespace.",
        level=MANDATORY,
        resource_check=no_default_namespace,
    ),
    Rule(
        name="identity-trust-one-subject",
        description="Workload-identity trust or federation is scoped to exactly one ServiceAccount.",
        level=MANDATORY,
        resource_check=identity_trust_one_subject,
    ),
    Rule(
        name="secret-grants-name-secrets",
        description="Secret-read grants name specific secrets: no *, no project, resource-group or subscription scope.",
        level=MANDATORY,
        resource_check=secret_grants_name_secrets,
    ),
    Rule(
        name="secret-containers-protected",
        description="Cloud secret containers are protected or retained.",
        level=MANDATORY,
        resource_check=secret_containers_protected,
    ),
    Rule(
        name="no-secret-build-args",
        description="No secret-looking build args or Dockerfile ENV on image builds.",
        level=MANDATORY,
        resource_check=no_secret_build_args,
    ),
    Rule(
        name="no-host-files",
        description="No hostPath volume in any pod and no hostPath or local PersistentVolume: they reach the node's "
        "files, where kubelet keeps every Secret mounted on it.",
        level=MANDATORY,
        stack_check=no_host_files,
    ),
    Rule(
        name="no-claim-shared-with-the-gateway",
        description="A PersistentVolumeClaim the gateway's pods mount is mounted by no other pod (a copy of "
        "gateway-only material would pass through it).",
        level=MANDATORY,
        stack_check=no_claim_shared_with_the_gateway,
    ),
    Rule(
        name="no-copy-of-a-secret-value",
        description="No secret value (a Secret's data, a generated value, a secret version, anything marked secret) "
        "anywhere but a secret field of a resource allowed to hold it: plain, base64, hex, as a substring, or "
        "hashed with any hashlib algorithm (whole or an 8+ hex-digit prefix).",
        level=MANDATORY,
        stack_check=no_copy_of_a_secret_value,
    ),
    Rule(
        name="restart-annotation-not-a-hash",
        description="Restart annotations are not a plain hash of any secret value.",
        level=MANDATORY,
        stack_check=restart_annotation_not_a_hash,
    ),
]
