"""The validated model of one app's secrets: frozen dataclasses, built only by `model.parse`."""

from collections.abc import Callable
from dataclasses import dataclass

from fluxlit_secrets.model.auth import AuthSettings, NetworkPolicySettings
from fluxlit_secrets.model.kinds import KINDS


@dataclass(frozen=True, kw_only=True)
class CloudSettings:
    """Base of one cloud's validated settings (each cloud folder defines its own subclass)."""


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """One secret delivered to one workload, as a file or an env var, under one name."""

    workload: str
    mode: str  # "file" | "env"
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
    deliveries: tuple[Delivery, ...]
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

    def consumers(self) -> frozenset[str]:
        """The workloads (gateway, streamlit) that receive this secret."""
        return frozenset(d.workload for d in self.deliveries)


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
    secrets: tuple[SecretModel, ...] = ()
    deployments: DeploymentsModel | None = None
    #: The store's cloud settings (None for the kubernetes store).
    cloud: CloudSettings | None = None
    auth: AuthSettings | None = None
    network_policy: NetworkPolicySettings | None = None
    #: Deprecation notices from parsing (a deprecated spelling was used), one line each.
    notices: tuple[str, ...] = ()

    def workloads(self) -> tuple[str, ...]:
        """The pods that exist: gateway and streamlit (split) or one `app` pod (unified)."""
        return ("gateway", "streamlit") if self.topology == "split" else ("app",)

    def deliveries_for(self, workload: str) -> tuple[tuple[SecretModel, Delivery], ...]:
        """Every (secret, delivery) a physical workload receives, deduplicated, in name order.

        In the unified topology the one pod receives what both processes consume, because
        FluxLit's Streamlit child inherits the gateway's environment and files.
        """
        wanted = ("gateway", "streamlit") if workload == "app" else (workload,)
        seen: dict[tuple[str, str], tuple[SecretModel, Delivery]] = {}
        for secret in self.secrets:
            for d in secret.deliveries:
                if d.workload in wanted:
                    seen.setdefault((d.mode, d.name), (secret, d))
        return tuple(sorted(seen.values(), key=lambda sd: (sd[1].name, sd[1].mode)))

    def consumers_of(self, secret: SecretModel) -> tuple[str, ...]:
        """The physical workloads whose pods read `secret` (the unified pod reads every secret)."""
        return tuple(w for w in self.workloads() if w == "app" or w in secret.consumers())

    def secret(self, name: str) -> SecretModel:
        """The declared secret called `name` (KeyError when there is none)."""
        for s in self.secrets:
            if s.name == name:
                return s
        raise KeyError(name)


#: Answers, for a config key, None (absent), True (secret) or False (plaintext).
SecretConfigLookup = Callable[[str], bool | None]
