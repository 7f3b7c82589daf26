"""An app stack: fluxlit-secrets owns the secrets, the app team owns its Deployment.

The secrets are declared in the stack file (stacks/Pulumi.dev.yaml, under `fluxlit-secrets:*`),
so `fluxlit-secrets rotate --stack dev jwt` edits it and prints what restarts.
"""

import pulumi_kubernetes as k8s

from fluxlit_secrets import SecretLifecycle, merge_pod_template, stack_args

args = stack_args()
secrets = SecretLifecycle(args.app, args)

# The app's own pod template; the fragment adds the ServiceAccount, the secret volume and mounts,
# the restart annotation, the labels its NetworkPolicies select, and the pod and container security
# contexts that restricted Pod Security asks for (fsGroup makes the 0400 files readable).
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
