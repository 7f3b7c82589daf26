"""AWS Secrets Manager: one secret per declared secret, one SecretVersion per version.

Putting a new version moves AWSCURRENT to it and AWSPREVIOUS to the one before; version
resources are retained on delete, so a rotation never removes a version from AWS.
"""

from typing import Any, Optional, cast

import pulumi
import pulumi_aws as aws

from fluxlit_secrets.clouds.aws.names import secret_name
from fluxlit_secrets.clouds.aws.settings import AwsSettings
from fluxlit_secrets.clouds.base import StoreRequest
from fluxlit_secrets.clouds.versions import (
    CURRENT,
    PREVIOUS,
    RETIRING,
    VersionedStore,
    VersionSlot,
    Written,
    base_name,
    child_options,
    secret_tags,
)

#: Staging labels of each version state: explicit, so creation order never decides AWSCURRENT.
#: The retiring version keeps a label of its own (a version with none may be deleted by AWS).
STAGES = {CURRENT: ["AWSCURRENT"], PREVIOUS: ["AWSPREVIOUS"], RETIRING: ["FLUXLIT_RETIRING"]}


class AwsStore(VersionedStore):
    """Secrets Manager as the store of record."""

    # AWSCURRENT moves to the current version when it is written; the previous one is labelled after.
    current_last = False

    def container(self, request: StoreRequest, parent: pulumi.Resource) -> tuple[Optional[pulumi.Output[str]], Any]:
        """The secret, protected unless the stack is disposable; versions name it by ARN."""
        settings = cast(AwsSettings, request.settings)
        base = base_name(request)
        secret = aws.secretsmanager.Secret(
            base,
            name=secret_name(settings.name_prefix, request.app, request.environment, secret=request.store_name),
            description=f"{request.secret} of {request.app} ({request.environment}), managed by fluxlit-secrets",
            kms_key_id=settings.kms_key_arn,
            region=settings.region,
            recovery_window_in_days=settings.recovery_window_in_days,
            tags=secret_tags(request),
            opts=child_options(request, base, parent, protect=not request.disposable),
        )
        return secret.arn, secret.id

    def version(self, request: StoreRequest, handle: Any, slot: VersionSlot, *, parent: pulumi.Resource) -> Written:
        """A SecretVersion, retained on delete (AWS keeps it: AWSPREVIOUS, then unlabelled)."""
        version = aws.secretsmanager.SecretVersion(
            slot.logical,
            secret_id=handle,
            secret_string=slot.source.value,
            version_stages=STAGES[slot.state],
            region=cast(AwsSettings, request.settings).region,
            opts=child_options(request, slot.logical, parent, retain_on_delete=True, depends_on=slot.after),
        )
        return Written(version.version_id.apply(lambda v: v[:8]), version.version_id, version)
