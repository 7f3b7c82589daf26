"""Type tokens and shared labels (a token rename changes URNs: add aliases when it happens)."""

PACKAGE = "fluxlit-secrets"


def token(name: str) -> str:
    """`fluxlit-secrets:index:<Name>`."""
    return f"{PACKAGE}:index:{name}"


MANAGED_BY = {"app.kubernetes.io/managed-by": PACKAGE}
#: Pod label naming the FluxLit process a pod runs (gateway, streamlit or app).
WORKLOAD_LABEL = "fluxlit-secrets/workload"


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
