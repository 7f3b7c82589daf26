"""AWS settings (`aws` block): region, identity flavour, cluster trust, KMS, naming."""

import re
from dataclasses import dataclass

from fluxlit_secrets.model.app import CloudSettings
from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.shape import Node

AWS_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]{1,2}", re.ASCII)
AWS_PARTITION = r"aws(?:-cn|-us-gov|-iso|-iso-b)?"
OIDC_PROVIDER_ARN = re.compile(rf"arn:{AWS_PARTITION}:iam::([0-9]{{12}}):oidc-provider/([A-Za-z0-9.\-_/]+)", re.ASCII)
KMS_KEY_ARN = re.compile(
    rf"arn:{AWS_PARTITION}:kms:([a-z0-9-]+):([0-9]{{12}}):"
    r"(key/[a-f0-9-]{36}|key/mrk-[a-f0-9]{32}|alias/[A-Za-z0-9/_-]+)",
    re.ASCII,
)
EKS_CLUSTER = re.compile(r"[0-9A-Za-z][A-Za-z0-9\-_]{0,99}", re.ASCII)
AWS_NAME_CHARS = re.compile(r"[A-Za-z0-9/_+=.@-]*", re.ASCII)
ACCOUNT_ID = re.compile(r"[0-9]{12}", re.ASCII)
IDENTITIES = ("irsa", "pod-identity")
FIELDS = (
    "region",
    "identity",
    "oidc_provider_arn",
    "cluster_name",
    "kms_key_arn",
    "recovery_window_in_days",
    "name_prefix",
    "account_id",
)


@dataclass(frozen=True, kw_only=True)
class AwsSettings(CloudSettings):
    """AWS Secrets Manager and EKS identity settings."""

    region: str
    identity: str  # irsa | pod-identity
    account: str
    oidc_provider_arn: str | None = None
    cluster_name: str | None = None
    kms_key_arn: str | None = None
    recovery_window_in_days: int = 30
    name_prefix: str = "fluxlit/"

    @property
    def oidc_issuer(self) -> str | None:
        """The issuer host/path of the cluster's IAM OIDC provider (the ARN's last part)."""
        return self.oidc_provider_arn.split(":oidc-provider/", 1)[1] if self.oidc_provider_arn else None


def _optional(node: Node, pattern: re.Pattern[str], fix: str, *, required: bool) -> str | None:
    if node.value is None:
        if required:
            node.fail("is missing", fix)
        return None
    return node.text(pattern, fix)


def _recovery_window(node: Node, disposable: bool) -> int:
    window = node.value
    if isinstance(window, float) and not node.shape.config and window.is_integer():
        window = int(window)
    if isinstance(window, bool) or not isinstance(window, int) or not (window == 0 or 7 <= window <= 30):
        node.fail(f"must be 0 or from 7 to 30, got {shown(node.value)}", "omit it for 30 days")
    if window == 0 and not disposable:
        node.fail(
            "0 deletes a secret at once, with no recovery",
            "use 7 to 30 days, or mark a throw-away stack disposable: true",
        )
    return window


def _account(node: Node, arn: str | None, kms: str | None) -> str:
    accounts = {m.group(1) for m in (OIDC_PROVIDER_ARN.fullmatch(arn or ""),) if m}
    accounts |= {m.group(2) for m in (KMS_KEY_ARN.fullmatch(kms or ""),) if m}
    account = node.field("account_id")
    if account.value is not None:
        if not isinstance(account.value, str) or not ACCOUNT_ID.fullmatch(account.value):
            account.fail(f"{shown(account.value)} is not a 12-digit account id", 'quote it: "123456789012"')
        accounts.add(account.value)
    if len(accounts) > 1:
        node.fail(
            f"names several accounts ({', '.join(sorted(accounts))})",
            "use the OIDC provider, KMS key and account of one account",
        )
    if not accounts:
        account.fail(
            "is missing (no OIDC provider or KMS key names the account)", 'set accountId: "<12-digit account>"'
        )
    return accounts.pop()


def parse_aws(node: Node, disposable: bool) -> AwsSettings:
    """Validate the `aws` block."""
    node = node.mapping("{region: us-east-1, identity: irsa, oidcProviderArn: arn:aws:iam::...}")
    node.known(FIELDS)
    region = node.field("region").required("give an AWS region such as us-east-1")
    region.text(AWS_REGION, "give an AWS region such as us-east-1")
    identity = node.field("identity", "irsa").one_of(IDENTITIES, "identity")
    arn = _optional(
        node.field("oidc_provider_arn"),
        OIDC_PROVIDER_ARN,
        "give the ARN of the cluster's IAM OIDC provider, "
        "arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
        required=identity == "irsa",
    )
    cluster = _optional(
        node.field("cluster_name"),
        EKS_CLUSTER,
        "give the EKS cluster name (letters, digits, '-', '_', at most 100)",
        required=identity == "pod-identity",
    )
    kms_node = node.field("kms_key_arn")
    kms = _optional(
        kms_node, KMS_KEY_ARN, "give a KMS key ARN arn:aws:kms:<region>:<account>:key/<id>, or omit it", required=False
    )
    prefix = node.field("name_prefix", "fluxlit/")
    if not isinstance(prefix.value, str) or len(prefix.value) > 256 or not AWS_NAME_CHARS.fullmatch(prefix.value):
        prefix.fail(
            f"{shown(prefix.value)} is not valid in a secret name",
            "use letters, digits and /_+=.@-, at most 256 characters",
        )
    account = _account(node, arn, kms)
    kms_match = KMS_KEY_ARN.fullmatch(kms or "")
    if kms_match and kms_match.group(1) != region.value:
        kms_node.fail(f"is in {kms_match.group(1)}, not in {region.value}", "use a key of the stack's region")
    return AwsSettings(
        region=region.value,
        identity=identity,
        account=account,
        oidc_provider_arn=arn,
        cluster_name=cluster,
        kms_key_arn=kms,
        recovery_window_in_days=_recovery_window(node.field("recovery_window_in_days", 30), disposable),
        name_prefix=prefix.value,
    )
