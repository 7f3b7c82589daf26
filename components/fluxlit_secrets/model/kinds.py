"""Secret kinds and the FluxLit defaults each one carries."""

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Kind:
    """What a kind of secret means to FluxLit: default source, consumer and delivered name."""

    name: str
    default_source: str | None
    default_name: str | None
    gateway_only: bool
    description: str


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            name="jwt-hs256",
            default_source="generated",
            default_name="FLUXLIT_JWT_HS256_SECRET",
            gateway_only=True,
            description="HS256 key FluxLit validates bearer tokens with",
        ),
        Kind(
            name="oidc-bff",
            default_source="generated",
            default_name="FLUXLIT_OIDC_BFF_SECRET",
            gateway_only=True,
            description="key that signs FluxLit's first-party tokens after the OIDC callback",
        ),
        Kind(
            name="oidc-client",
            default_source="config",
            default_name="OIDC_CLIENT_SECRET",
            gateway_only=True,
            description="the IdP client secret of FluxLit's auth recipes",
        ),
        Kind(
            name="opaque",
            default_source="generated",
            default_name=None,
            gateway_only=False,
            description="any other secret; consumers and names are explicit",
        ),
    )
}

#: Names under which FluxLit reads gateway-only material: never delivered to Streamlit.
GATEWAY_ONLY_NAMES = frozenset(k.default_name for k in KINDS.values() if k.gateway_only and k.default_name)

#: Environment variables the workloads set themselves: a secret may not take their place.
RUNTIME_ENV_NAMES = frozenset(
    {
        "FLUXLIT_APP",
        "FLUXLIT_API_PREFIX",
        "FLUXLIT_INTERNAL_API_BASE",
        "FLUXLIT_STREAMLIT_UPSTREAM",
        "FLUXLIT_STREAMLIT_UPSTREAM_FILE",
        "FLUXLIT_GATEWAY_HOST",
        "FLUXLIT_GATEWAY_PORT",
        "FLUXLIT_JWT_JWKS_URL",
        "FLUXLIT_JWT_ISSUER",
        "FLUXLIT_JWT_AUDIENCE",
        "HOME",
        "PATH",
        "PYTHONPATH",
    }
)


def fluxlit_reads_as(name: str) -> str | None:
    """The FluxLit setting `name` is read as, if any: FluxlitSettings matches env var and secret
    file names case-insensitively, so `fluxlit_jwt_hs256_secret` is FLUXLIT_JWT_HS256_SECRET."""
    folded = name.casefold()
    for known in (*GATEWAY_ONLY_NAMES, *(n for n in RUNTIME_ENV_NAMES if n.startswith("FLUXLIT_"))):
        if known.casefold() == folded:
            return known
    return None


SOURCES = ("generated", "config")
#: The FluxLit processes a secret is declared for.
WORKLOADS = ("gateway", "streamlit")
#: The pods that exist: per process in the split topology, one `app` pod in the unified one.
PHYSICAL_WORKLOADS = (*WORKLOADS, "app")


def pods_of(topology: str) -> tuple[str, ...]:
    """The physical workloads (pods) of a topology."""
    return WORKLOADS if topology == "split" else ("app",)


DELIVERY_MODES = ("file", "env")
#: How values reach pods: a per-workload Kubernetes Secret, or the Secrets Store CSI driver.
DELIVERIES = ("kubernetes-secret", "csi")
TOPOLOGIES = ("split", "unified")
STORES = ("kubernetes", "aws", "gcp", "azure")
