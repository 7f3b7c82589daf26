"""merge_pod_template: an app team's pod gets what reading its secrets needs, and stays admissible."""

from fluxlit_secrets import merge_pod_template
from fluxlit_secrets.workloads.podspec import container_security_context, pod_security_context

FRAGMENT = {
    "serviceAccountName": "shop-gateway",
    "podSecurityContext": pod_security_context(10001),
    "containerSecurityContext": container_security_context(),
    "volumes": [{"name": "fluxlit-secrets", "secret": {"secretName": "shop-gateway-0123456789"}}],
    "volumeMounts": [{"name": "fluxlit-secrets", "mountPath": "/var/run/secrets/fluxlit", "readOnly": True}],
    "env": [],
    "podAnnotations": {"fluxlit-secrets/versions": "jwt=1"},
    "podLabels": {"fluxlit-secrets/workload": "gateway"},
}


def container(security: dict | None = None) -> dict:
    base: dict = {"name": "app", "image": "ghcr.io/acme/shop:1"}
    if security is not None:
        base["securityContext"] = security
    return base


def merged(security: dict | None = None) -> dict:
    template = {"spec": {"containers": [container(security)]}}
    out: dict = merge_pod_template(FRAGMENT, template)["spec"]["containers"][0]["securityContext"]
    return out


def test_a_container_without_a_security_context_gets_what_restricted_requires() -> None:
    assert merged() == {
        "allowPrivilegeEscalation": False,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def test_stricter_settings_of_the_container_stay() -> None:
    strict = {
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["NET_RAW", "ALL"], "add": ["NET_BIND_SERVICE"]},
        "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/app.json"},
        "runAsUser": 20000,
    }
    out = merged(strict)
    assert out["readOnlyRootFilesystem"] is True and out["runAsUser"] == 20000
    assert out["capabilities"] == {"drop": ["NET_RAW", "ALL"], "add": ["NET_BIND_SERVICE"]}
    assert out["seccompProfile"] == {"type": "Localhost", "localhostProfile": "profiles/app.json"}


def test_looser_settings_are_raised_to_restricted() -> None:
    loose = {"allowPrivilegeEscalation": True, "runAsNonRoot": False, "seccompProfile": {"type": "Unconfined"}}
    out = merged(loose)
    assert out["allowPrivilegeEscalation"] is False and out["runAsNonRoot"] is True
    assert out["seccompProfile"] == {"type": "RuntimeDefault"}
    assert out["capabilities"] == {"drop": ["ALL"]}
