"""Components layer: thin Pulumi adapters that parse their args once into the model and call
the typed builders of the clouds, delivery and workloads layers."""

from fluxlit_secrets.components.cloud_args import AwsArgs, AzureArgs, GcpArgs
from fluxlit_secrets.components.delivery import DeliveredSecretArgs, WorkloadDelivery, WorkloadDeliveryArgs
from fluxlit_secrets.components.identity import WorkloadIdentity, WorkloadIdentityArgs
from fluxlit_secrets.components.lifecycle import SecretLifecycle
from fluxlit_secrets.components.lifecycle_args import (
    AuthArgs,
    ConsumerArgs,
    DeploymentsArgs,
    NetworkPolicyArgs,
    SecretArgs,
    SecretLifecycleArgs,
)
from fluxlit_secrets.components.managed_secret import (
    ManagedSecret,
    ManagedSecretArgs,
    RetiringVersion,
    RetiringVersionArgs,
)
from fluxlit_secrets.components.stack_args import stack_args
from fluxlit_secrets.components.workloads import FluxLitWorkloads, FluxLitWorkloadsArgs, WorkloadPodArgs

#: The components hosted by the multi-language package (components/__main__.py).
COMPONENTS = [SecretLifecycle, ManagedSecret, RetiringVersion, WorkloadIdentity, WorkloadDelivery, FluxLitWorkloads]

__all__ = [
    "COMPONENTS",
    "AuthArgs",
    "AwsArgs",
    "AzureArgs",
    "ConsumerArgs",
    "DeliveredSecretArgs",
    "DeploymentsArgs",
    "FluxLitWorkloads",
    "FluxLitWorkloadsArgs",
    "GcpArgs",
    "ManagedSecret",
    "ManagedSecretArgs",
    "NetworkPolicyArgs",
    "RetiringVersion",
    "RetiringVersionArgs",
    "SecretArgs",
    "SecretLifecycle",
    "SecretLifecycleArgs",
    "WorkloadDelivery",
    "WorkloadDeliveryArgs",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
    "WorkloadPodArgs",
    "stack_args",
]
