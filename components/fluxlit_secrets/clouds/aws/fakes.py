"""What the mocks answer for AWS resources (ARNs in AWS's format), and which inputs force a replacement."""

from collections.abc import Mapping
from typing import Any

from fluxlit_secrets.clouds.fakes import ALNUM, LOWER, Context, Fake, auto_name, chars, config_block, uuid


def context(values: Mapping[str, str]) -> dict[str, str]:
    """Region and account from `fluxlit-secrets:aws` (or `aws:region`)."""
    aws = config_block(values, "fluxlit-secrets:aws")
    account = "123456789012"
    for arn in (aws.get("oidcProviderArn"), aws.get("kmsKeyArn")):
        parts = str(arn or "").split(":")
        if len(parts) > 4 and parts[4].isdigit():
            account = parts[4]
    return {
        # The provider's default region: a resource without a `region` input lands there.
        "aws_region": str(values.get("aws:region") or "us-east-1"),
        "aws_account": str(aws.get("accountId") or account),
    }


def secret(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = auto_name(inputs, "name", logical, seed=seed)
    region = inputs.get("region") or ctx["aws_region"]
    arn = f"arn:aws:secretsmanager:{region}:{ctx['aws_account']}:secret:{name}-{chars(seed, 6)}"
    return arn, {"arn": arn, "name": name, "tagsAll": inputs.get("tags") or {}}


def secret_version(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    version = uuid(seed)
    arn = str(inputs.get("secretId"))
    stages = inputs.get("versionStages") or ["AWSCURRENT"]
    return f"{arn}|{version}", {"arn": arn, "versionId": version, "versionStages": stages}


def role(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = auto_name(inputs, "name", logical, seed=seed)
    return name, {
        "arn": f"arn:aws:iam::{ctx['aws_account']}:role/{name}",
        "name": name,
        "uniqueId": "AROA" + chars(seed, 17, ALNUM[:26] + "234567"),
    }


def policy(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = auto_name(inputs, "name", logical, seed=seed)
    arn = f"arn:aws:iam::{ctx['aws_account']}:policy/{name}"
    return arn, {"arn": arn, "name": name, "policyId": "ANPA" + chars(seed, 17, ALNUM[:26] + "234567")}


def role_policy(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    name = auto_name(inputs, "name", logical, seed=seed)
    return f"{inputs.get('role')}:{name}", {"name": name}


def pod_identity(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    assoc = "a-" + chars(seed, 17, LOWER)
    cluster = inputs.get("clusterName")
    region = inputs.get("region") or ctx["aws_region"]
    arn = f"arn:aws:eks:{region}:{ctx['aws_account']}:podidentityassociation/{cluster}/{assoc}"
    return f"{cluster},{assoc}", {"associationArn": arn, "associationId": assoc}


FAKES: dict[str, Fake] = {
    "aws:secretsmanager/secret:Secret": secret,
    "aws:secretsmanager/secretVersion:SecretVersion": secret_version,
    "aws:iam/role:Role": role,
    "aws:iam/rolePolicy:RolePolicy": role_policy,
    "aws:iam/policy:Policy": policy,
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": pod_identity,
}
#: Inputs whose change makes the provider replace the resource.
FORCE_NEW: dict[str, tuple[str, ...]] = {
    "aws:secretsmanager/secret:Secret": ("name",),
    "aws:secretsmanager/secretVersion:SecretVersion": ("secretId", "secretString"),
    "aws:iam/role:Role": ("name",),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ("clusterName", "namespace", "serviceAccount"),
}
