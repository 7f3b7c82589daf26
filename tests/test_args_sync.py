"""The component Args TypedDicts and the stack-config model stay one to one."""

from __future__ import annotations

from fluxlit_secrets.cloud_args import AwsArgs, AzureArgs, GcpArgs
from fluxlit_secrets.lifecycle import (
    AuthArgs,
    ConsumerArgs,
    DeploymentsArgs,
    NetworkPolicyArgs,
    SecretArgs,
    SecretLifecycleArgs,
    args_to_config,
    config_key_of,
)
from fluxlit_secrets.spec import parse_app
from fluxlit_secrets.spec.auth import AUTH_KEYS, NETWORK_POLICY_KEYS
from fluxlit_secrets.spec.clouds import AWS_KEYS, AZURE_KEYS, GCP_KEYS
from fluxlit_secrets.spec.parse import CONSUMER_KEYS, DEPLOYMENT_KEYS, SECRET_KEYS, TOP_KEYS


def config_names(typed: type, *, only_in_args: set[str] = frozenset()) -> set[str]:
    return {config_key_of(k) for k in typed.__annotations__} - only_in_args


def test_lifecycle_args_cover_the_top_level_keys() -> None:
    assert config_names(SecretLifecycleArgs, only_in_args={"environment"}) == set(TOP_KEYS)


def test_secret_args_cover_the_secret_keys() -> None:
    # configKey is stack-config only (the program reads it); value is component-only.
    assert config_names(SecretArgs, only_in_args={"value"}) == set(SECRET_KEYS) - {"configKey"}


def test_consumer_and_deployment_args_cover_their_keys() -> None:
    assert config_names(ConsumerArgs) == set(CONSUMER_KEYS)
    assert config_names(DeploymentsArgs) == set(DEPLOYMENT_KEYS)


def test_cloud_args_cover_the_cloud_keys() -> None:
    assert config_names(AwsArgs) == set(AWS_KEYS)
    assert config_names(GcpArgs) == set(GCP_KEYS)
    assert config_names(AzureArgs) == set(AZURE_KEYS)


def test_auth_and_network_policy_args_cover_their_keys() -> None:
    assert config_names(AuthArgs) == set(AUTH_KEYS)
    assert config_names(NetworkPolicyArgs) == set(NETWORK_POLICY_KEYS)


def test_args_convert_to_the_same_spec_as_the_stack_config() -> None:
    args: SecretLifecycleArgs = {
        "app": "shop",
        "environment": "prod",
        "secrets": {
            "jwt": {"kind": "jwt-hs256", "generation": 3, "rotated_at": "2026-11-01", "max_age_days": 90},
            "token": {
                "kind": "opaque",
                "source": "config",
                "value": "never-read-here",
                "consumers": {"streamlit": {"mode": "env", "name": "TOKEN"}},
            },
        },
        "deployments": {"image": "ghcr.io/acme/shop:1.0.0", "gateway_replicas": 3},
    }
    config, values = args_to_config(args)
    assert values == {"token": "never-read-here"}
    from_args = parse_app(config, environment="prod")
    from_config = parse_app(
        {
            "app": "shop",
            "secrets": {
                "jwt": {"kind": "jwt-hs256", "generation": 3, "rotatedAt": "2026-11-01", "maxAgeDays": 90},
                "token": {
                    "kind": "opaque",
                    "source": "config",
                    "consumers": {"streamlit": {"as": "env", "name": "TOKEN"}},
                },
            },
            "deployments": {"image": "ghcr.io/acme/shop:1.0.0", "gatewayReplicas": 3},
        },
        environment="prod",
    )
    assert from_args == from_config
