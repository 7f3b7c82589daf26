"""The one list of clouds (pure): adding a cloud is a folder and one line here, or one `register`
call for a cloud that lives outside this package. Everything else (model, store, identity, fakes,
policy) is reached through the cloud's descriptor."""

from fluxlit_secrets.clouds import aws, azure, gcp, kubernetes
from fluxlit_secrets.clouds.descriptor import Cloud
from fluxlit_secrets.clouds.policy import CloudPolicy, CsiPolicy
from fluxlit_secrets.model.cloud import CloudModel

CLOUDS: dict[str, Cloud] = {c.name: c for c in (kubernetes.CLOUD, aws.CLOUD, gcp.CLOUD, azure.CLOUD)}
#: What the model needs of each cloud (settings and name checks), by store name.
CLOUD_MODELS: dict[str, CloudModel] = {name: c.model for name, c in CLOUDS.items()}


def register(cloud: Cloud) -> None:
    """Add a cloud (or replace one of its name): every layer sees it from then on."""
    CLOUDS[cloud.name] = cloud
    CLOUD_MODELS[cloud.name] = cloud.model


def policies() -> list[CloudPolicy]:
    """Each cloud's answers to the policy rules."""
    return [c.policy for c in CLOUDS.values()]


def physical_names() -> dict[str, tuple[str, ...]]:
    """Per type token, the inputs that name a cloud object (each cloud's `CloudPolicy.names`)."""
    return {t: inputs for p in policies() for t, inputs in p.names.items()}


def containers() -> frozenset[str]:
    """Types that hold values of record, in every cloud."""
    return frozenset(t for p in policies() for t in p.containers)


def csi_provider(name: str) -> CsiPolicy | None:
    """The CSI provider a SecretProviderClass names in `spec.provider` (None: no cloud has it)."""
    return next((p.csi for p in policies() if p.csi is not None and name in p.csi.providers), None)


def csi_providers() -> tuple[str, ...]:
    """Every provider name a cloud's CSI provider answers to."""
    return tuple(n for p in policies() if p.csi is not None for n in p.csi.providers)
