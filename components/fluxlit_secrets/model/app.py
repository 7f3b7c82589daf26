"""The validated model of one app's secrets: frozen dataclasses, built only by `model.parse`."""

from collections.abc import Callable
from dataclasses import dataclass, field

from fluxlit_secrets.model.admission import AdmissionSettings
from fluxlit_secrets.model.auth import AuthSettings, NetworkPolicySettings
from fluxlit_secrets.model.kinds import KINDS, WORKLOADS, pods_of


@dataclass(frozen=True, kw_only=True)
class CloudSettings:
    """Base of one cloud's validated settings (each cloud folder defines its own subclass)."""


@dataclass(frozen=True, kw_only=True)
class CloudBlock:
    """A stack file's cloud settings block as written, for apps declared in code to share
    (`stack_args().cloud`); each app validates it again under its own settings (`disposable`)."""

    cloud: str
    #: The block's JSON, as the stack file holds it (camelCase keys).
    written: str
    #: The stack file (errors name its key, where the block was written).
    where: str


@dataclass(frozen=True, kw_only=True)
class Consumer:
    """One workload that reads a secret, as a file or an env var (`as_`; `as` in stack config and
    other languages), under one name."""

    workload: str
    as_: str  # "file" | "env"
    name: str


@dataclass(frozen=True, kw_only=True)
class SecretModel:
    """One declared secret: where its value comes from and who receives it."""

    name: str
    kind: str
    source: str  # "generated" | "config"
    generation: int
    length: int
    #: Stack config key holding a config-sourced value (None in component args: the value is passed).
    config_key: str | None
    consumers: tuple[Consumer, ...]
    overlap: bool = False
    rotated_at: str | None = None
    max_age_days: int | None = None
    #: The secret's former name: its resources keep their state (aliases) and physical names.
    renamed_from: str | None = None

    @property
    def gateway_only(self) -> bool:
        """True for FluxLit's gateway material (JWT, BFF and OIDC client secrets)."""
        return KINDS[self.kind].gateway_only

    @property
    def store_name(self) -> str:
        """The name the store knows the secret by (its former name after a rename)."""
        return self.renamed_from or self.name

    def read_by(self) -> frozenset[str]:
        """The workloads (gateway, streamlit) that receive this secret."""
        return frozenset(c.workload for c in self.consumers)


@dataclass(frozen=True, kw_only=True)
class DeploymentsModel:
    """The FluxLit Deployments to create (absent: only pod-spec fragments are exported)."""

    image: str
    target: str = "app:app"
    api_prefix: str = "/api"
    gateway_replicas: int = 2
    streamlit_replicas: int = 1
    streamlit_script: str | None = None
    image_pull_policy: str = "Always"
    run_as_user: int = 10001
    #: The app builds FluxlitSettings(_secrets_dir="/var/run/secrets/fluxlit"): files reach FluxLit.
    reads_secrets_dir: bool = False
    #: pulumi-kubernetes waits for each Deployment's rollout and Service's endpoints (False:
    #: `pulumi.com/skipAwait`, disposable stacks only: retirement of old versions relies on the wait).
    await_rollout: bool = True
    #: How long that wait may take (customTimeouts create and update); None: the provider's 10 minutes.
    rollout_timeout_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class AppModel:
    """One FluxLit app's secrets on one stack."""

    app: str
    namespace: str
    environment: str
    topology: str = "split"
    store: str = "kubernetes"
    #: `kubernetes-secret` (a Secret per workload) or `csi` (pods fetch from the cloud store).
    delivery: str = "kubernetes-secret"
    disposable: bool = False
    #: False: the namespace (and the kubernetes store's records namespace) exist already, owned by
    #: someone else; the component neither creates them nor manages their labels.
    create_namespace: bool = True
    secrets: tuple[SecretModel, ...] = ()
    deployments: DeploymentsModel | None = None
    #: The store's cloud settings (None for the kubernetes store).
    cloud: CloudSettings | None = None
    auth: AuthSettings | None = None
    network_policy: NetworkPolicySettings | None = None
    #: The app's ValidatingAdmissionPolicy (on unless switched off with a reason).
    admission: AdmissionSettings = field(default_factory=AdmissionSettings)
    #: Deprecation notices from parsing (a deprecated spelling was used), one line each.
    notices: tuple[str, ...] = ()
    #: The cloud settings block as the stack file wrote it (None for args in code, or no cloud store).
    cloud_block: CloudBlock | None = None
    #: The stack file the model was read from (`stacks/Pulumi.dev.yaml`); '' for args written in code.
    declared_in: str = ""

    def workloads(self) -> tuple[str, ...]:
        """The pods that exist: gateway and streamlit (split) or one `app` pod (unified)."""
        return pods_of(self.topology)

    def consumed_by(self, workload: str) -> tuple[tuple[SecretModel, Consumer], ...]:
        """Every (secret, consumer entry) a physical workload receives, deduplicated, in name order.

        In the unified topology the one pod receives what both processes consume, because
        FluxLit's Streamlit child inherits the gateway's environment and files.
        """
        wanted = WORKLOADS if workload == "app" else (workload,)
        seen: dict[tuple[str, str], tuple[SecretModel, Consumer]] = {}
        for secret in self.secrets:
            for c in secret.consumers:
                if c.workload in wanted:
                    seen.setdefault((c.as_, c.name), (secret, c))
        return tuple(sorted(seen.values(), key=lambda sc: (sc[1].name, sc[1].as_)))

    def consumers_of(self, secret: SecretModel) -> tuple[str, ...]:
        """The physical workloads whose pods read `secret` (the unified pod reads every secret)."""
        return tuple(w for w in self.workloads() if w == "app" or w in secret.read_by())

    def secret(self, name: str) -> SecretModel:
        """The declared secret called `name` (KeyError when there is none)."""
        for s in self.secrets:
            if s.name == name:
                return s
        raise KeyError(name)


#: Answers, for a config key, None (absent), True (secret) or False (plaintext).
SecretConfigLookup = Callable[[str], bool | None]
