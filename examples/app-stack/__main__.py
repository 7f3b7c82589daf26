"""An app stack: fluxlit-secrets owns the secrets, the app team owns its Deployment."""

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets import SecretLifecycle, merge_pod_template

config = pulumi.Config()
secrets = SecretLifecycle(
    "shop",
    {
        "app": "shop",
        "namespace": "shop",
        "secrets": {
            "jwt": {"kind": "jwt-hs256", "generation": 1},
            "payments-key": {
                "kind": "opaque",
                "source": "config",
                "value": config.require_secret("paymentsKey"),
                "consumers": {"gateway": {"as_": "file", "name": "PAYMENTS_KEY"}},
            },
        },
    },
)

# The app's own pod template; the fragment adds the ServiceAccount, the secret volume and mounts,
# the restart annotation, the labels its NetworkPolicies select, and a pod security context whose
# fsGroup makes the 0400 files readable by the app's non-root user.
TEMPLATE = {
    "metadata": {"labels": {"app": "shop-gateway"}},
    "spec": {
        "containers": [
            {
                "name": "gateway",
                "image": "ghcr.io/acme/shop:2.0.1",
                "command": ["uvicorn", "fluxlit.runtime:create_gateway_app", "--factory", "--host", "0.0.0.0"],
                "env": [{"name": "FLUXLIT_APP", "value": "shop.main:app"}],
            }
        ]
    },
}
gateway = secrets.pod_fragments.apply(lambda f: f["gateway"])
template = gateway.apply(lambda g: merge_pod_template(g, TEMPLATE))
k8s.apps.v1.Deployment(
    "shop-gateway",
    metadata={"name": "shop-gateway", "namespace": gateway.apply(lambda g: g["namespace"])},
    spec={
        "replicas": 2,
        "selector": {"matchLabels": {"app": "shop-gateway"}},
        "template": template,
    },
)
