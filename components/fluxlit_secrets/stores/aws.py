"""AWS Secrets Manager: one secret per declared secret, one SecretVersion per version.

Putting a new version moves AWSCURRENT to it and AWSPREVIOUS to the one before; version
resources are retained on delete, so a rotation never removes a version from AWS.
"""

import pulumi
import pulumi_aws as aws

from fluxlit_secrets.spec.clouds import AwsSettings
from fluxlit_secrets.spec.naming import aws_secret_name
from fluxlit_secrets.stores.base import StoredSecret, StoreRequest
from fluxlit_secrets.stores.sources import base_name, child_options, secret_tags, sources


class AwsStore:
    """Secrets Manager as the store of record."""

    name = "aws"

    def provision(self, request: StoreRequest, parent: pulumi.Resource) -> StoredSecret:
        """The secret (protected unless disposable) and its current and previous versions."""
        settings: AwsSettings = request.settings
        base = base_name(request)
        container = aws.secretsmanager.Secret(
            base,
            name=aws_secret_name(settings.name_prefix, request.app, request.environment, request.store_name),
            description=f"{request.secret} of {request.app} ({request.environment}), managed by fluxlit-secrets",
            kms_key_id=settings.kms_key_arn,
            recovery_window_in_days=settings.recovery_window_in_days,
            tags=secret_tags(request),
            opts=child_options(request, base, parent, protect=not request.disposable),
        )
        src = sources(request, parent)
        previous = None
        if src.previous is not None:
            previous = self._version(request, f"{base}-v{src.previous.generation}", container,
                                     src.previous.value, parent, [])
        suffix = f"v{src.current.generation}" if request.source == "generated" else "version"
        current = self._version(request, f"{base}-{suffix}", container, src.current.value, parent,
                                [previous] if previous is not None else [])
        return StoredSecret(
            value=src.current.value,
            version=current.version_id.apply(lambda v: v[:8]),
            previous_value=src.previous.value if src.previous else None,
            previous_version=previous.version_id.apply(lambda v: v[:8]) if previous is not None else None,
            ref=container.arn,
        )

    @staticmethod
    def _version(request: StoreRequest, name: str, container: aws.secretsmanager.Secret,
                 value: pulumi.Output[str], parent: pulumi.Resource,
                 after: list[pulumi.Resource]) -> aws.secretsmanager.SecretVersion:
        return aws.secretsmanager.SecretVersion(
            name,
            secret_id=container.id,
            secret_string=value,
            # Dropping a version from the program leaves it in AWS (AWSPREVIOUS, then unlabelled).
            opts=child_options(request, name, parent, retain_on_delete=True, depends_on=after),
        )
