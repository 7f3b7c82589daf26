"""fluxlit-secrets: Pulumi components for the whole lifecycle of a FluxLit app's secrets."""

from fluxlit_secrets.delivery import DeliveredSecretArgs, WorkloadDelivery, WorkloadDeliveryArgs
from fluxlit_secrets.errors import ConfigError, FluxlitSecretsError
from fluxlit_secrets.identity import WorkloadIdentity, WorkloadIdentityArgs
from fluxlit_secrets.lifecycle import (
    ConsumerArgs,
    DeploymentsArgs,
    SecretArgs,
    SecretLifecycle,
    SecretLifecycleArgs,
)
from fluxlit_secrets.stores.managed_secret import ManagedSecret, ManagedSecretArgs
from fluxlit_secrets.workloads import FluxLitWorkloads, FluxLitWorkloadsArgs, WorkloadPodArgs

#: The components hosted by the multi-language package (components/__main__.py).
COMPONENTS = [SecretLifecycle, ManagedSecret, WorkloadIdentity, WorkloadDelivery, FluxLitWorkloads]

__all__ = [
    "COMPONENTS",
    "ConfigError",
    "ConsumerArgs",
    "DeliveredSecretArgs",
    "DeploymentsArgs",
    "FluxLitWorkloads",
    "FluxLitWorkloadsArgs",
    "FluxlitSecretsError",
    "ManagedSecret",
    "ManagedSecretArgs",
    "SecretArgs",
    "SecretLifecycle",
    "SecretLifecycleArgs",
    "WorkloadDelivery",
    "WorkloadDeliveryArgs",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
    "WorkloadPodArgs",
]
