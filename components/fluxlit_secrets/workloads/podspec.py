"""FluxLit Deployments, Services and pod templates as plain Kubernetes JSON (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fluxlit_secrets.spec.model import DeploymentsSpec
from fluxlit_secrets.tokens import MANAGED_BY, workload_labels, workload_name

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
class PodSecrets:
    """The resolved delivery fragments of one workload (see `delivery.fragments`)."""

    service_account_name: str
    volumes: list[dict[str, Any]] = field(default_factory=list)
    volume_mounts: list[dict[str, Any]] = field(default_factory=list)
    env: list[dict[str, Any]] = field(default_factory=list)
    pod_annotations: dict[str, str] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)


def service_url(app: str, namespace: str, workload: str, port: int) -> str:
    """In-cluster origin of a workload's Service."""
    return f"http://{workload_name(app, workload)}.{namespace}.svc:{port}"


def command(workload: str, d: DeploymentsSpec) -> list[str]:
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


def runtime_env(workload: str, d: DeploymentsSpec, app: str, namespace: str) -> list[dict[str, str]]:
    """Plain (non-secret) env each process needs to find the other."""
    env = {"FLUXLIT_APP": d.target, "HOME": HOME}
    if workload == "gateway":
        env["FLUXLIT_API_PREFIX"] = d.api_prefix
        env["FLUXLIT_STREAMLIT_UPSTREAM"] = service_url(app, namespace, "streamlit", STREAMLIT_PORT)
    elif workload == "streamlit":
        env["FLUXLIT_API_PREFIX"] = d.api_prefix
        env["FLUXLIT_INTERNAL_API_BASE"] = service_url(app, namespace, "gateway", GATEWAY_PORT) + d.api_prefix
    else:
        env["FLUXLIT_API_MOUNT_PATH"] = d.api_prefix
    return [{"name": k, "value": v} for k, v in env.items()]


def _probes(workload: str, d: DeploymentsSpec) -> dict[str, Any]:
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


def pod_template(workload: str, d: DeploymentsSpec, app: str, namespace: str, pod: PodSecrets) -> dict[str, Any]:
    """A hardened pod template: non-root uid 1000, read-only root, no token, secrets as delivered."""
    port = STREAMLIT_PORT if workload == "streamlit" else GATEWAY_PORT
    writable = [{"name": "tmp", "mountPath": "/tmp"}]
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}]
    if workload in ("streamlit", "app"):
        writable.append({"name": "streamlit-home", "mountPath": STREAMLIT_HOME})
        volumes.append({"name": "streamlit-home", "emptyDir": {"sizeLimit": "64Mi"}})
    container = {
        "name": workload,
        "image": d.image,
        "imagePullPolicy": d.image_pull_policy,
        "command": command(workload, d),
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": runtime_env(workload, d, app, namespace) + list(pod.env),
        "volumeMounts": writable + list(pod.volume_mounts),
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
    return {
        "metadata": {
            "labels": {**workload_labels(app, workload), **pod.pod_labels},
            "annotations": dict(pod.pod_annotations),
        },
        "spec": {
            "serviceAccountName": pod.service_account_name,
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "terminationGracePeriodSeconds": 60,
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": d.run_as_user,
                "runAsGroup": d.run_as_user,
                # Secret files are 0400; the kubelet makes them readable to this group only.
                "fsGroup": d.run_as_user,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [container],
            "volumes": volumes + list(pod.volumes),
        },
    }


def deployment_spec(workload: str, d: DeploymentsSpec, app: str, namespace: str, pod: PodSecrets) -> dict[str, Any]:
    """Deployment spec that rolls with no unavailable pod (maxUnavailable 0, maxSurge 1)."""
    replicas = d.streamlit_replicas if workload == "streamlit" else d.gateway_replicas
    return {
        "replicas": replicas,
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": workload_labels(app, workload)},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
        "template": pod_template(workload, d, app, namespace, pod),
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
