"""The validated secrets model: frozen dataclasses, built only by `spec.parse`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fluxlit_secrets.spec.auth import AuthSettings, NetworkPolicySettings
    from fluxlit_secrets.spec.clouds import AwsSettings, AzureSettings, GcpSettings

#: Where file-delivered secrets appear in every pod (FluxlitSettings(_secrets_dir=...) reads it).
SECRETS_DIR = "/var/run/secrets/fluxlit"


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """One secret delivered to one workload, as a file or an env var, under one name."""

    workload: str
    mode: str  # "file" | "env"
    name: str


@dataclass(frozen=True, kw_only=True)
class SecretSpec:
    """One declared secret: where its value comes from and who receives it."""

    name: str
    kind: str
    source: str  # "generated" | "config"
    generation: int
    length: int
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
        from fluxlit_secrets.spec.kinds import KINDS

        return KINDS[self.kind].gateway_only

    def delivery_to(self, workload: str) -> Delivery | None:
        """This secret's delivery to `workload`, if it has one."""
        return next((d for d in self.deliveries if d.workload == workload), None)


@dataclass(frozen=True, kw_only=True)
class DeploymentsSpec:
    """The FluxLit Deployments to create (absent: only pod-spec fragments are exported)."""

    image: str
    target: str = "app:app"
    api_prefix: str = "/api"
    gateway_replicas: int = 2
    streamlit_replicas: int = 1
    streamlit_script: str | None = None
    image_pull_policy: str = "Always"
    run_as_user: int = 10001

    def as_args(self) -> dict[str, object]:
        """The same settings as component args (snake_case; unset options left out)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True, kw_only=True)
class AppSpec:
    """One FluxLit app's secrets on one stack."""

    app: str
    namespace: str
    environment: str
    topology: str = "split"
    store: str = "kubernetes"
    disposable: bool = False
    secrets: tuple[SecretSpec, ...] = ()
    deployments: DeploymentsSpec | None = None
    aws: AwsSettings | None = None
    gcp: GcpSettings | None = None
    azure: AzureSettings | None = None
    auth: AuthSettings | None = None
    network_policy: NetworkPolicySettings | None = None
    extra_labels: dict[str, str] = field(default_factory=dict)

    @property
    def cloud(self) -> AwsSettings | GcpSettings | AzureSettings | None:
        """Settings of the store's cloud (None for the kubernetes store)."""
        return {"aws": self.aws, "gcp": self.gcp, "azure": self.azure}.get(self.store)

    def workloads(self) -> tuple[str, ...]:
        """The pods that exist: gateway and streamlit (split) or one `app` pod (unified)."""
        return ("gateway", "streamlit") if self.topology == "split" else ("app",)

    def deliveries_for(self, workload: str) -> tuple[tuple[SecretSpec, Delivery], ...]:
        """Every (secret, delivery) a physical workload receives, deduplicated, in name order.

        In the unified topology the one pod receives what both processes consume, because
        FluxLit's Streamlit child inherits the gateway's environment and files.
        """
        wanted = ("gateway", "streamlit") if workload == "app" else (workload,)
        seen: dict[tuple[str, str], tuple[SecretSpec, Delivery]] = {}
        for secret in self.secrets:
            for d in secret.deliveries:
                if d.workload in wanted:
                    seen.setdefault((d.mode, d.name), (secret, d))
        return tuple(sorted(seen.values(), key=lambda sd: (sd[1].name, sd[1].mode)))

    def secret(self, name: str) -> SecretSpec:
        """The declared secret called `name` (KeyError when there is none)."""
        for s in self.secrets:
            if s.name == name:
                return s
        raise KeyError(name)
