"""Delivery layer: per workload, an immutable Secret mounted as files and/or mapped to env."""

from fluxlit_secrets.delivery.restart import delivery_secret_name, restart_trigger
from fluxlit_secrets.delivery.secret import DeliveredSecret, Delivery, deliver

__all__ = ["DeliveredSecret", "Delivery", "deliver", "delivery_secret_name", "restart_trigger"]
