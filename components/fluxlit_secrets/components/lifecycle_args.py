"""Args of SecretLifecycle: the stack-config model of DESIGN.md in snake_case (one TypedDict per block)."""

from typing import NotRequired, TypedDict

import pulumi

from fluxlit_secrets.components.cloud_args import AwsArgs, AzureArgs, GcpArgs


class ConsumerArgs(TypedDict):
    """How one workload receives a secret (stack config: `{as: file, name: X}`)."""

    as_: NotRequired[str]
    """`file` (default: a file in /var/run/secrets/fluxlit) or `env` (an environment variable); `as` in
    stack config and other languages (`mode` is accepted, deprecated)."""
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
    reads_secrets_dir: NotRequired[bool]
    """True once the app builds `FluxlitSettings(_secrets_dir="/var/run/secrets/fluxlit")` (stock FluxLit
    reads env only): marks the pods so `check` knows the files reach FluxLit."""
    await_rollout: NotRequired[bool]
    """Wait for each Deployment's rollout and Service's endpoints (default true; false sets
    `pulumi.com/skipAwait`, for clusters without Ready pods on disposable stacks)."""
    rollout_timeout_seconds: NotRequired[int]
    """Bound on that wait (customTimeouts; default: the provider's 600 seconds)."""


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


class AdmissionArgs(TypedDict):
    """The app's ValidatingAdmissionPolicy (stack config `fluxlit-secrets:admission`)."""

    enabled: NotRequired[bool]
    """False to create none (the cluster is older than 1.30, or another admission controller does it)."""
    reason: NotRequired[str]
    """Why it is off (required with enabled: false); `check` and the pack report it."""


class SecretLifecycleArgs(TypedDict):
    """Inputs of SecretLifecycle: the stack-config model of DESIGN.md in snake_case."""

    app: str
    """The app's DNS-1123 name (at most 40 characters); names every resource."""
    environment: NotRequired[str]
    """The stack / environment name (default: the Pulumi stack)."""
    secrets: dict[str, SecretArgs]
    """The app's secrets by DNS-1123 name."""
    namespace: NotRequired[str]
    """The app's own namespace (default: the app name; never `default`)."""
    topology: NotRequired[str]
    """`split` (default) or `unified`."""
    store: NotRequired[str]
    """`kubernetes` (default), `aws`, `gcp` or `azure`."""
    delivery: NotRequired[str]
    """`kubernetes-secret` (default: a Secret per workload) or `csi` (pods read the cloud store through the
    Secrets Store CSI driver with their own identity; files only, values never in etcd)."""
    disposable: NotRequired[bool]
    """True for a throw-away stack: values of record are then not protected."""
    create_namespace: NotRequired[bool]
    """False to use a namespace (and records namespace) that exists already: neither is created,
    nor are their labels managed (default true)."""
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
    admission: NotRequired[AdmissionArgs]
    """The admission policy that refuses, in the cluster, any way around the scoping (default on)."""
