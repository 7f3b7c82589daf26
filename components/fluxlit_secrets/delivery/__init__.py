"""Delivery layer: per workload, an immutable Secret mounted as files and/or mapped to env, or a
SecretProviderClass the Secrets Store CSI driver mounts."""

from fluxlit_secrets.delivery.csi import deliver_csi
from fluxlit_secrets.delivery.restart import delivery_secret_name, provider_class_name, restart_trigger
from fluxlit_secrets.delivery.secret import Delivered, DeliveredSecret, DeliveryTarget, deliver

__all__ = [
    "Delivered",
    "DeliveredSecret",
    "DeliveryTarget",
    "deliver",
    "deliver_csi",
    "delivery_secret_name",
    "provider_class_name",
    "restart_trigger",
]
