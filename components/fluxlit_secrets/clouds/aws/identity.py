"""AWS: an IAM role per workload, trusted through IRSA or EKS Pod Identity, reading only its secrets."""

import json
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from fluxlit_secrets.clouds.aws.names import role_name
from fluxlit_secrets.clouds.aws.settings import AwsSettings
from fluxlit_secrets.clouds.base import Binding, CloudIdentity, IdentityRequest, subject
from fluxlit_secrets.model.labels import MANAGED_BY_TAG
from fluxlit_secrets.model.names import env_slug


def irsa_trust(settings: AwsSettings, namespace: str, service_account: str) -> dict[str, Any]:
    """Trust the cluster's OIDC provider for exactly one ServiceAccount subject and audience."""
    issuer = settings.oidc_issuer
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": settings.oidc_provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": subject(namespace, service_account),
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }


def pod_identity_trust(settings: AwsSettings, namespace: str, service_account: str) -> dict[str, Any]:
    """Trust the EKS Pod Identity agent, only for sessions tagged with this cluster and subject."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": settings.account,
                        "aws:RequestTag/eks-cluster-name": settings.cluster_name,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": service_account,
                    }
                },
            }
        ],
    }


def read_policy(settings: AwsSettings, secret_arns: list[str]) -> dict[str, Any]:
    """GetSecretValue and DescribeSecret on exactly these secrets (plus kms:Decrypt via Secrets Manager)."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ReadOwnSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": sorted(secret_arns),
        }
    ]
    if settings.kms_key_arn:
        statements.append(
            {
                "Sid": "DecryptThroughSecretsManager",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": settings.kms_key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{settings.region}.amazonaws.com"}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


class AwsIdentity(CloudIdentity):
    """IRSA or EKS Pod Identity, by `aws.identity`."""

    def bind(self, request: IdentityRequest, parent: pulumi.Resource) -> Binding:
        """Role, inline read policy, and the annotation (IRSA) or association (Pod Identity)."""
        s = cast(AwsSettings, request.settings)
        trust = (irsa_trust if s.identity == "irsa" else pod_identity_trust)(
            s, request.namespace, request.service_account
        )
        base = request.base
        role = aws.iam.Role(
            f"{base}-role",
            name=role_name(request.app, request.environment, request.workload),
            description=f"{request.workload} of {request.app} ({request.environment}): reads its own secrets",
            assume_role_policy=json.dumps(trust),
            max_session_duration=3600,
            tags={"app": request.app, "environment": env_slug(request.environment), **MANAGED_BY_TAG},
            opts=request.options(parent, f"{base}-role"),
        )
        aws.iam.RolePolicy(
            f"{base}-read",
            role=role.id,
            policy=pulumi.Output.all(*request.secret_refs.values()).apply(
                lambda arns: json.dumps(read_policy(s, list(arns)))
            ),
            opts=request.options(parent, f"{base}-read"),
        )
        if s.identity == "pod-identity":
            aws.eks.PodIdentityAssociation(
                f"{base}-association",
                cluster_name=s.cluster_name,
                namespace=request.namespace,
                service_account=request.service_account,
                role_arn=role.arn,
                region=s.region,
                opts=request.options(parent, f"{base}-association"),
            )
            return Binding(identity=role.arn)
        return Binding(identity=role.arn, annotations={"eks.amazonaws.com/role-arn": role.arn})
