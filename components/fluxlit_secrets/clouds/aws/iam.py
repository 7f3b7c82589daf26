"""AWS IAM evaluated the way AWS does (pure): statements with wildcards, NotAction and
NotResource; managed policies that read every secret; principals that mean anyone."""

import fnmatch
import json
import re
from collections.abc import Mapping
from typing import Any

from fluxlit_secrets.clouds.aws.managed import POWERS
from fluxlit_secrets.model.resources import as_list, policy_document

READ_SECRET = "secretsmanager:getsecretvalue"
#: A secret ARN ends in '-' and six random characters; `-??????` names exactly one secret.
ARN_SUFFIX = re.compile(r"-\?{6}$")


def statements(doc: Any) -> list[Mapping[str, Any]]:
    """The statements of an IAM policy given as JSON text or a mapping."""
    return [s for s in as_list(policy_document(doc).get("Statement")) if isinstance(s, Mapping)]


def _matches(patterns: list[Any], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, str(p).lower()) for p in patterns)


def allows(statement: Mapping[str, Any], action: str) -> bool:
    """An Allow statement that grants `action` (lowercased; wildcards and NotAction evaluated)."""
    if str(statement.get("Effect")) != "Allow":
        return False
    if "NotAction" in statement:
        return not _matches(as_list(statement.get("NotAction")), action)
    return _matches(as_list(statement.get("Action")), action)


def allows_secret_read(statement: Mapping[str, Any]) -> bool:
    """An Allow statement that grants secretsmanager:GetSecretValue (wildcards, NotAction included)."""
    return allows(statement, READ_SECRET)


def gains_every_secret(statement: Mapping[str, Any]) -> bool:
    """An Allow statement that gives the power to read any secret (IAM writes; see managed.POWERS)."""
    return any(allows(statement, power) for power in POWERS if power.startswith("iam:"))


def broad_resources(statement: Mapping[str, Any]) -> list[str]:
    """The resources of a secret-read statement that name more than one exact secret."""
    if "NotResource" in statement:
        return [f"NotResource {json.dumps(as_list(statement.get('NotResource')))}"]
    broad = []
    for r in as_list(statement.get("Resource")):
        text = ARN_SUFFIX.sub("", str(r))
        if "*" in text or "?" in text or not text.startswith("arn:"):
            broad.append(str(r))
    return broad


def principal_is_anyone(statement: Mapping[str, Any]) -> bool:
    """`Principal: "*"` or `{"AWS": "*"}` (anyone, in any account)."""
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any("*" in [str(p) for p in as_list(v)] for v in principal.values())
    return False


def managed_policy_name(arn: str) -> str:
    """`SecretsManagerReadWrite` of `arn:aws:iam::aws:policy/SecretsManagerReadWrite`, lowercased."""
    return arn.rsplit("/", 1)[-1].lower() if ":iam::aws:policy/" in arn else ""
