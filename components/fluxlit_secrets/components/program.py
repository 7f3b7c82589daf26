"""The stack program: read `fluxlit-secrets:*` stack config once, build SecretLifecycle, export."""

import pulumi

from fluxlit_secrets.components.lifecycle import SecretLifecycle
from fluxlit_secrets.components.stack_args import stack_args
from fluxlit_secrets.errors import ConfigError


def main() -> SecretLifecycle:
    """Entry point of `__main__.py`: a config mistake surfaces as one line, no traceback."""
    try:
        args = stack_args()
        component = SecretLifecycle(args.app, args)
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from None
    pulumi.export("namespace", component.namespace)
    pulumi.export("versions", component.versions)
    pulumi.export("secretNames", component.secret_names)
    pulumi.export("restartTriggers", component.restart_triggers)
    pulumi.export("podFragments", component.pod_fragments)
    return component
