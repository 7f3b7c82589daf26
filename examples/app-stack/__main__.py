"""An app stack: fluxlit-secrets owns the secrets, the app team owns its Deployment."""

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets import SecretLifecycle

config = pulumi.Config()
secrets = SecretLifecycle(
    "shop",
    {
        "app": "shop",
        "environment": pulumi.get_stack(),
        "namespace": "shop",
        "secrets": {
            "jwt": {"kind": "jwt-hs256", "generation": 1},
            "payments-key": {
                "kind": "opaque",
                "source": "config",
                "value": config.require_secret("paymentsKey"),
                "consumers": {"gateway": {"mode": "file", "name": "PAYMENTS_KEY"}},
            },
        },
    },
)

gateway = secrets.pod_fragments.apply(lambda f: f["gateway"])
labels = {"app": "shop-gateway"}
k8s.apps.v1.Deployment(
    "shop-gateway",
    metadata={"name": "shop-gateway", "namespace": secrets.namespace},
    spec={
        "replicas": 2,
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {
                "labels": labels,
                "annotations": gateway.apply(lambda g: g["podAnnotations"]),  # the restart trigger
            },
            "spec": {
                "serviceAccountName": gateway.apply(lambda g: g["serviceAccountName"]),
                "automountServiceAccountToken": False,
                "containers": [
                    {
                        "name": "gateway",
                        "image": "ghcr.io/acme/shop:2.0.1",
                        "command": [
                            "uvicorn",
                            "fluxlit.runtime:create_gateway_app",
                            "--factory",
                            "--host",
                            "0.0.0.0",
                            "--port",
                            "8000",
                        ],
                        "env": gateway.apply(lambda g: [{"name": "FLUXLIT_APP", "value": "shop.main:app"}, *g["env"]]),
                        "volumeMounts": gateway.apply(lambda g: g["volumeMounts"]),
                    }
                ],
                "volumes": gateway.apply(lambda g: g["volumes"]),
            },
        },
    },
)
