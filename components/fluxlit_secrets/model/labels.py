"""Labels, annotations and object names shared by every layer (pure strings, no values)."""

PACKAGE = "fluxlit-secrets"
MANAGED_BY = {"app.kubernetes.io/managed-by": PACKAGE}
#: The same, as a tag (cloud secrets, roles, identities: tag keys take no `/`).
MANAGED_BY_TAG = {"managed-by": PACKAGE}
#: Pod label naming the FluxLit process a pod runs (gateway, streamlit or app).
WORKLOAD_LABEL = "fluxlit-secrets/workload"
#: Label of the kubernetes store's own Secrets of record (never mounted).
STORE_LABEL = "fluxlit-secrets/store-of"
#: Label of a namespace that holds Secrets of record and runs no workload.
RECORDS_LABEL = "fluxlit-secrets/records"
#: Tag (label on GCP) of a cloud secret: the workloads that may read it, `-`-joined (`gateway-streamlit`).
READERS_TAG = "readers"
#: Pod-template annotation saying the app reads SECRETS_DIR (`FluxlitSettings(_secrets_dir=...)`).
SECRETS_DIR_ANNOTATION = "fluxlit-secrets/secrets-dir"
#: Pod-template annotation holding the restart trigger.
RESTART_ANNOTATION = "fluxlit-secrets/versions"
#: Secret annotation: which declared secret each data key holds (`KEY=secret,...`).
KEYS_ANNOTATION = "fluxlit-secrets/keys"
#: Secret annotation: the store of record of the values.
STORE_ANNOTATION = "fluxlit-secrets/store"
#: Hex digits of the digest that ends a delivery object's name, `<app>-<workload>-<digest>`.
DELIVERY_DIGEST_LENGTH = 10
#: Where file-delivered secrets appear in every pod (FluxlitSettings(_secrets_dir=...) reads it).
SECRETS_DIR = "/var/run/secrets/fluxlit"
#: Mode of files a CSI mount writes: the driver ignores fsGroup and files are root's, so "other" reads.
CSI_FILE_MODE = 0o444


def workload_labels(app: str, workload: str) -> dict[str, str]:
    """Labels that select one workload's pods (stable across rotations)."""
    return {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/component": workload,
        WORKLOAD_LABEL: workload,
    }


def workload_name(app: str, workload: str) -> str:
    """`<app>-gateway`, `<app>-streamlit`, or `<app>` for the unified pod."""
    return app if workload == "app" else f"{app}-{workload}"


def delivery_name_pattern(app: str, workload: str) -> str:
    """The regular expression (Python's and CEL's RE2 alike) of a workload's delivery Secret and
    SecretProviderClass names; app and workload are DNS-1123 labels, so nothing needs escaping."""
    return f"^{app}-{workload}-[0-9a-f]{{{DELIVERY_DIGEST_LENGTH}}}$"
