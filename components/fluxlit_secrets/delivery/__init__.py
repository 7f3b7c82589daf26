"""Delivery layer: per workload, an immutable Secret mounted as files and/or mapped to env."""

from fluxlit_secrets.delivery.component import DeliveredSecretArgs, WorkloadDelivery, WorkloadDeliveryArgs
from fluxlit_secrets.delivery.restart import RESTART_ANNOTATION, restart_trigger

__all__ = [
    "RESTART_ANNOTATION",
    "DeliveredSecretArgs",
    "WorkloadDelivery",
    "WorkloadDeliveryArgs",
    "restart_trigger",
]
