"""fluxlit-secrets: Pulumi components for the whole lifecycle of a FluxLit app's secrets.

The names below are imported when first used (PEP 562), so the command line starts without
importing Pulumi, and a signal that arrives while it starts is answered like any other."""

from typing import TYPE_CHECKING

from fluxlit_secrets.lazy import lazy_names

if TYPE_CHECKING:
    from fluxlit_secrets.components import (
        COMPONENTS,
        AuthArgs,
        AwsArgs,
        AzureArgs,
        ConsumerArgs,
        DeliveredSecretArgs,
        DeploymentsArgs,
        FluxLitWorkloads,
        FluxLitWorkloadsArgs,
        GcpArgs,
        ManagedSecret,
        ManagedSecretArgs,
        NetworkPolicyArgs,
        RetiringVersion,
        RetiringVersionArgs,
        SecretArgs,
        SecretLifecycle,
        SecretLifecycleArgs,
        WorkloadDelivery,
        WorkloadDeliveryArgs,
        WorkloadIdentity,
        WorkloadIdentityArgs,
        WorkloadPodArgs,
        stack_args,
    )
    from fluxlit_secrets.errors import ConfigError, FluxlitSecretsError
    from fluxlit_secrets.workloads.merge import merge_pod_template

__all__ = [
    "COMPONENTS",
    "AuthArgs",
    "AwsArgs",
    "AzureArgs",
    "ConfigError",
    "ConsumerArgs",
    "DeliveredSecretArgs",
    "DeploymentsArgs",
    "FluxLitWorkloads",
    "FluxLitWorkloadsArgs",
    "FluxlitSecretsError",
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
    "merge_pod_template",
    "stack_args",
]

#: Where each public name is defined.
_HOMES = {
    **{name: "fluxlit_secrets.components" for name in __all__},
    "ConfigError": "fluxlit_secrets.errors",
    "FluxlitSecretsError": "fluxlit_secrets.errors",
    "merge_pod_template": "fluxlit_secrets.workloads.merge",
}


__getattr__ = lazy_names(__name__, _HOMES)
