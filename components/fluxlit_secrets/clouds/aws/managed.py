"""AWS managed policies as the statements that matter to a secret (pure data).

Source: the AWS Managed Policy Reference Guide
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/), read for this release; each
policy is kept to its statements that allow `secretsmanager:GetSecretValue` or a power to get it
(IAM writes, a secret's resource policy), and a policy not listed is taken to allow none. To
refresh a row: `aws iam get-policy-version --policy-arn ARN --version-id $(aws iam get-policy
--policy-arn ARN --query Policy.DefaultVersionId --output text)`.
"""

from collections.abc import Mapping
from typing import Any

#: Actions that give the power to read any secret: write a role's or a user's policies, its trust,
#: a policy's default version, or a secret's resource policy.
POWERS = (
    "iam:putrolepolicy",
    "iam:attachrolepolicy",
    "iam:createpolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:updateassumerolepolicy",
    "iam:putuserpolicy",
    "iam:attachuserpolicy",
    "secretsmanager:putresourcepolicy",
)

_EVERYTHING: list[Mapping[str, Any]] = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
MANAGED: Mapping[str, list[Mapping[str, Any]]] = {
    "administratoraccess": _EVERYTHING,
    "poweruseraccess": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}],
    "secretsmanagerreadwrite": [{"Effect": "Allow", "Action": ["secretsmanager:*"], "Resource": "*"}],
    "iamfullaccess": [{"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}],
    # It creates and passes roles of any policy, so it can read what any role reads.
    "administratoraccess-amplify": [
        {"Effect": "Allow", "Action": ["iam:PutRolePolicy", "iam:AttachRolePolicy"], "Resource": "*"}
    ],
    # Read-only reads metadata, never a value.
    "readonlyaccess": [
        {"Effect": "Allow", "Action": ["secretsmanager:Describe*", "secretsmanager:List*"], "Resource": "*"}
    ],
}


def managed_statements(name: str) -> list[Mapping[str, Any]] | None:
    """The kept statements of an AWS managed policy by its lowercased name (None: not an AWS one)."""
    return MANAGED.get(name) if name else None
