"""FluxLit Deployments, Services and pod templates as plain Kubernetes JSON (pure functions)."""

from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.model.app import DeploymentsModel
from fluxlit_secrets.model.labels import MANAGED_BY, workload_labels, workload_name

GATEWAY_PORT = 8000
STREAMLIT_PORT = 8501
#: Where `fluxlit build` images keep the app user's home (HOME is set: the uid may have no passwd entry).
HOME = "/home/appuser"
STREAMLIT_HOME = f"{HOME}/.streamlit"
STREAMLIT_FLAGS = (
    "--server.headless",
    "true",
    "--server.port",
    str(STREAMLIT_PORT),
    "--server.address",
    "0.0.0.0",
    "--server.enableXsrfProtection",
    "false",
    "--server.enableCORS",
    "false",
    "--browser.gatherUsageStats",
    "false",
)
#: Finds FluxLit's Streamlit entry script inside the image, wherever Python keeps site-packages.
FIND_STREAMLIT_MAIN = "python -c \"import importlib.util as u; print(u.find_spec('fluxlit.streamlit.main').origin)\""


@dataclass(frozen=True, kw_only=True)
class PodParts:
    """What a pod template takes from delivery and identity, each possibly still unknown (an
    Output in a preview): placed as they are, so only the fields that depend on them are unknown."""

    service_account_name: Any
    labels: Any
    annotations: Any
    env: Any
    volume_mounts: Any
    volumes: Any


def service_url(app: str, namespace: str, workload: str, *, port: int) -> str:
    """In-cluster origin of a workload's Service."""
    return f"http://{workload_name(app, workload)}.{namespace}.svc:{port}"


def command(workload: str, d: DeploymentsModel) -> list[str]:
    """The container command FluxLit documents for each process."""
    if workload == "gateway":
        return [
            "uvicorn",
            "fluxlit.runtime:create_gateway_app",
            "--factory",
            "--host",
            "0.0.0.0",
            "--port",
            str(GATEWAY_PORT),
        ]
    if workload == "streamlit":
        if d.streamlit_script:
            return ["python", "-m", "streamlit", "run", d.streamlit_script, *STREAMLIT_FLAGS]
        flags = " ".join(STREAMLIT_FLAGS)
        return ["sh", "-c", f'exec python -m streamlit run "$({FIND_STREAMLIT_MAIN})" {flags}']
    return ["fluxlit", "run", d.target, "--host", "0.0.0.0", "--port", str(GATEWAY_PORT), "--no-pidfile"]


def runtime_env(workload: str, d: DeploymentsModel, app: str, *, namespace: str) -> list[dict[str, str]]:
    """Plain (non-secret) env each process needs to find the other."""
    env = {"FLUXLIT_APP": d.target, "HOME": HOME}
    if workload == "gateway":
        env["FLUXLIT_API_PREFIX"] = d.api_prefix
        env["FLUXLIT_STREAMLIT_UPSTREAM"] = service_url(app, namespace, "streamlit", port=STREAMLIT_PORT)
    elif workload == "streamlit":
        env["FLUXLIT_API_PREFIX"] = d.api_prefix
        env["FLUXLIT_INTERNAL_API_BASE"] = service_url(app, namespace, "gateway", port=GATEWAY_PORT) + d.api_prefix
    else:
        env["FLUXLIT_API_MOUNT_PATH"] = d.api_prefix
    return [{"name": k, "value": v} for k, v in env.items()]


def _probes(workload: str, d: DeploymentsModel) -> dict[str, Any]:
    if workload == "streamlit":
        health = {"httpGet": {"path": "/_stcore/health", "port": "http"}}
        return {
            "livenessProbe": {**health, "periodSeconds": 20, "failureThreshold": 3},
            "readinessProbe": {**health, "periodSeconds": 5},
            "startupProbe": {**health, "periodSeconds": 2, "failureThreshold": 60},
        }
    return {
        "livenessProbe": {"httpGet": {"path": f"{d.api_prefix}/healthz", "port": "http"}, "periodSeconds": 20},
        "readinessProbe": {"httpGet": {"path": f"{d.api_prefix}/readyz", "port": "http"}, "periodSeconds": 5},
        "startupProbe": {
            "httpGet": {"path": f"{d.api_prefix}/healthz", "port": "http"},
            "periodSeconds": 2,
            "failureThreshold": 60,
        },
    }


def writable_volumes(workload: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(mounts, volumes) of the scratch space each process needs on a read-only root."""
    mounts = [{"name": "tmp", "mountPath": "/tmp"}]
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}]
    if workload in ("streamlit", "app"):
        mounts.append({"name": "streamlit-home", "mountPath": STREAMLIT_HOME})
        volumes.append({"name": "streamlit-home", "emptyDir": {"sizeLimit": "64Mi"}})
    return mounts, volumes


def container(workload: str, d: DeploymentsModel, pod: PodParts) -> dict[str, Any]:
    """The FluxLit container: its command, probes, limits, and a non-root read-only context."""
    port = STREAMLIT_PORT if workload == "streamlit" else GATEWAY_PORT
    return {
        "name": workload,
        "image": d.image,
        "imagePullPolicy": d.image_pull_policy,
        "command": command(workload, d),
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": pod.env,
        "volumeMounts": pod.volume_mounts,
        "resources": {
            "requests": {"cpu": "250m", "memory": "512Mi"},
            "limits": {"cpu": "1", "memory": "2Gi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": d.run_as_user,
            "runAsGroup": d.run_as_user,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        **_probes(workload, d),
    }


def container_security_context() -> dict[str, Any]:
    """What Pod Security `restricted` asks of every container (the app namespaces enforce it)."""
    return {
        "allowPrivilegeEscalation": False,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def pod_security_context(uid: int) -> dict[str, Any]:
    """Non-root uid/gid; fsGroup makes the kubelet give the 0400 secret files to that group."""
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": uid,
        "fsGroup": uid,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def pod_template(workload: str, d: DeploymentsModel, pod: PodParts) -> dict[str, Any]:
    """A hardened pod template: non-root uid, read-only root, no token, secrets as delivered."""
    return {
        "metadata": {"labels": pod.labels, "annotations": pod.annotations},
        "spec": {
            "serviceAccountName": pod.service_account_name,
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "terminationGracePeriodSeconds": 60,
            "securityContext": pod_security_context(d.run_as_user),
            "containers": [container(workload, d, pod)],
            "volumes": pod.volumes,
        },
    }


def deployment_spec(workload: str, d: DeploymentsModel, app: str, *, pod: PodParts) -> dict[str, Any]:
    """Deployment spec that rolls with no unavailable pod (maxUnavailable 0, maxSurge 1)."""
    replicas = d.streamlit_replicas if workload == "streamlit" else d.gateway_replicas
    return {
        "replicas": replicas,
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": workload_labels(app, workload)},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
        "template": pod_template(workload, d, pod),
    }


def service_spec(workload: str, app: str, *, session_affinity: bool) -> dict[str, Any]:
    """ClusterIP Service for a workload; ClientIP affinity keeps BFF logins on one replica."""
    port = STREAMLIT_PORT if workload == "streamlit" else GATEWAY_PORT
    spec: dict[str, Any] = {
        "type": "ClusterIP",
        "selector": workload_labels(app, workload),
        "ports": [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}],
    }
    if session_affinity and workload != "streamlit":
        spec["sessionAffinity"] = "ClientIP"
    return spec


def object_labels(app: str, workload: str) -> dict[str, str]:
    """Labels on the Deployment and Service objects themselves."""
    return {**workload_labels(app, workload), **MANAGED_BY}
