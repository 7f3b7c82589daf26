"""The CrossGuard pack: `pulumi up --policy-pack policies` runs the package's rules at deploy time."""

from pulumi_policy import PolicyPack

from fluxlit_secrets.policy.crossguard import policies

PolicyPack(name="fluxlit-secrets", policies=policies())
