"""The stack program: read `fluxlit-secrets:*` stack config, build SecretLifecycle, export."""

from typing import Any, Optional

import pulumi

from fluxlit_secrets.cloud_args import settings_to_args
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.lifecycle import SecretLifecycle, SecretLifecycleArgs
from fluxlit_secrets.spec.parse import LATER_KEYS, NAMESPACE, TOP_KEYS, decode_config, parse_app


def _config_keys() -> list[str]:
    """Every key of our namespace set for this stack (explicit config and PULUMI_CONFIG)."""
    from pulumi.runtime import config as rc

    keys = set(rc.CONFIG.get()) | set(rc.get_config_env())
    return sorted(k.split(":", 1)[1] for k in keys if k.startswith(f"{NAMESPACE}:"))


def _secret_state(full_key: str) -> Optional[bool]:
    if pulumi.runtime.get_config(full_key) is None:
        return None
    return pulumi.runtime.is_config_secret(full_key)


def read_stack_config() -> tuple[dict[str, Any], list[str]]:
    """The structural keys of our namespace, decoded, and the names of all keys present."""
    present = _config_keys()
    values: dict[str, Any] = {}
    for key in (*TOP_KEYS, *LATER_KEYS):
        raw = pulumi.runtime.get_config(f"{NAMESPACE}:{key}")
        if raw is not None:
            values[key] = decode_config(key, raw)
    return values, present


def stack_args(environment: str) -> SecretLifecycleArgs:
    """Validated SecretLifecycle args for this stack (config-sourced values read as secrets)."""
    values, present = read_stack_config()
    spec = parse_app(values, environment=environment, secret_config=_secret_state, config_keys=tuple(present))
    secrets: dict[str, Any] = {}
    for s in spec.secrets:
        entry: dict[str, Any] = {
            "kind": s.kind,
            "source": s.source,
            "generation": s.generation,
            "consumers": {d.workload: {"mode": d.mode, "name": d.name} for d in s.deliveries},
            "overlap": s.overlap,
        }
        if s.source == "generated":
            entry["length"] = s.length
        if s.config_key:
            ns, key = s.config_key.split(":", 1)
            entry["value"] = pulumi.Config(ns).require_secret(key)
        if s.rotated_at:
            entry["rotated_at"] = s.rotated_at
        if s.max_age_days:
            entry["max_age_days"] = s.max_age_days
        if s.renamed_from:
            entry["renamed_from"] = s.renamed_from
        secrets[s.name] = entry
    args: SecretLifecycleArgs = {
        "app": spec.app,
        "environment": environment,
        "namespace": spec.namespace,
        "topology": spec.topology,
        "store": spec.store,
        "disposable": spec.disposable,
        "secrets": secrets,
    }
    if spec.auth is not None:
        a = spec.auth
        args["auth"] = {
            "jwks_url": a.jwks_url,
            **({"issuer": a.issuer} if a.issuer else {}),
            **({"audience": a.audience} if a.audience else {}),
            **({"leeway_seconds": a.leeway_seconds} if a.leeway_seconds is not None else {}),
        }
    if spec.network_policy is not None:
        args["network_policy"] = {"idp_cidrs": list(spec.network_policy.idp_cidrs)}
    for settings in (spec.aws, spec.gcp, spec.azure):
        args.update(settings_to_args(settings))  # type: ignore[typeddict-item]
    if spec.deployments is not None:
        args["deployments"] = spec.deployments.as_args()  # type: ignore[typeddict-item]
    return args


def main() -> SecretLifecycle:
    """Entry point of `__main__.py`: a config mistake surfaces as one line, no traceback."""
    try:
        args = stack_args(pulumi.get_stack())
        lifecycle = SecretLifecycle(args["app"], args)
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from None
    pulumi.export("namespace", lifecycle.namespace)
    pulumi.export("versions", lifecycle.versions)
    pulumi.export("secretNames", lifecycle.secret_names)
    pulumi.export("restartTriggers", lifecycle.restart_triggers)
    pulumi.export("podFragments", lifecycle.pod_fragments)
    return lifecycle
