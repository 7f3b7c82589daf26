"""What `delivery: csi` asks of the rest of the model: a cloud store, and files only."""

from fluxlit_secrets.model.app import AppModel
from fluxlit_secrets.model.secrets import as_key
from fluxlit_secrets.model.shape import Node


def check_csi(root: Node, secrets_node: Node, model: AppModel) -> None:
    """Refuse `delivery: csi` with the kubernetes store, and any env consumer (the driver mounts files)."""
    if model.store == "kubernetes":
        root.field("delivery").fail(
            "is csi, but the kubernetes store has no secret manager for the CSI driver to read",
            "set store to aws, gcp or azure, or use delivery: kubernetes-secret",
        )
    mode = root.shape.spell("as_")
    for secret in model.secrets:
        for d in secret.consumers:
            if d.as_ == "env":
                consumer = secrets_node.child_raw(secret.name).field("consumers").child_raw(d.workload)
                consumer.child_raw(as_key(consumer)).fail(
                    f"is env, but delivery: csi mounts files only ({d.name} cannot be an env var)",
                    f"use {mode}: file (FluxLit reads /var/run/secrets/fluxlit with "
                    "FluxlitSettings(_secrets_dir=...)), or use delivery: kubernetes-secret",
                )
