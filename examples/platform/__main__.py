"""A platform team's program: the shop app (declared in the stack file) on two clusters, from one
value of record per secret, and the billing and ledger apps (declared here) on the first cluster.

`fluxlit-secrets rotate --stack dev shop/jwt` rolls shop's gateways on both clusters and nothing
else; billing's and ledger's secrets are rotated by raising their `generation` below.
"""

import pulumi
import pulumi_kubernetes as k8s

from fluxlit_secrets import SecretLifecycle, stack_args

config = pulumi.Config()


def cluster(name: str) -> k8s.Provider:
    """A cluster by `platform:<name>Kubeconfig` (a path, or the file's text) and/or `<name>Context`;
    neither set: the current context of the ambient kubeconfig."""
    return k8s.Provider(name, kubeconfig=config.get(f"{name}Kubeconfig"), context=config.get(f"{name}Context"))


east, west = cluster("east"), cluster("west")
shop = stack_args()
home = SecretLifecycle(shop.app, shop, pulumi.ResourceOptions(provider=east))
# The same app on the second cluster: its own ServiceAccounts, Secrets and Deployments there,
# delivering the values of record `home` keeps (no store entry, no value of its own).
SecretLifecycle(f"{shop.app}-west", shop, pulumi.ResourceOptions(provider=west), values_from=home)

for app in ("billing", "ledger"):
    SecretLifecycle(
        app,
        {
            "app": app,
            "disposable": shop.model.disposable,
            "secrets": {
                "jwt": {"kind": "jwt-hs256", "generation": 1},
                "api-token": {"kind": "opaque", "consumers": {"streamlit": {"as": "file", "name": "API_TOKEN"}}},
            },
            "deployments": {"image": f"ghcr.io/acme/{app}:1.0.0", "reads_secrets_dir": True},
        },
        pulumi.ResourceOptions(provider=east),
    )
