"""The component Args TypedDicts and the model's fields stay one to one, and both shapes parse alike."""

import pytest

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.components import (
    AuthArgs,
    AwsArgs,
    AzureArgs,
    ConsumerArgs,
    DeploymentsArgs,
    GcpArgs,
    NetworkPolicyArgs,
    SecretArgs,
    SecretLifecycleArgs,
)
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.model.auth import AUTH_FIELDS, NETWORK_POLICY_FIELDS
from fluxlit_secrets.model.deployments import DEPLOYMENT_FIELDS
from fluxlit_secrets.model.parse import parse_args, top_fields
from fluxlit_secrets.model.secrets import ARGS_FIELDS, CONSUMER_FIELDS
from tests.conftest import parse_app


def fields(typed: type) -> set[str]:
    return set(typed.__annotations__)


def test_lifecycle_args_cover_the_top_level_fields() -> None:
    assert fields(SecretLifecycleArgs) == {"environment", *top_fields(CLOUD_MODELS)}


def test_secret_consumer_and_deployment_args_cover_their_fields() -> None:
    assert fields(SecretArgs) == set(ARGS_FIELDS)
    assert fields(ConsumerArgs) == set(CONSUMER_FIELDS)
    assert fields(DeploymentsArgs) == set(DEPLOYMENT_FIELDS)
    assert fields(AuthArgs) == set(AUTH_FIELDS)
    assert fields(NetworkPolicyArgs) == set(NETWORK_POLICY_FIELDS)


def test_cloud_args_cover_each_cloud_settings_fields() -> None:
    assert fields(AwsArgs) == set(CLOUD_MODELS["aws"].fields)
    assert fields(GcpArgs) == set(CLOUD_MODELS["gcp"].fields)
    assert fields(AzureArgs) == set(CLOUD_MODELS["azure"].fields)


ARGS: SecretLifecycleArgs = {
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
CONFIG = {
    "app": "shop",
    "secrets": {
        "jwt": {"kind": "jwt-hs256", "generation": 3, "rotatedAt": "2026-11-01", "maxAgeDays": 90},
        "token": {
            "kind": "opaque",
            "source": "config",
            "configKey": "token",
            "consumers": {"streamlit": {"as": "env", "name": "TOKEN"}},
        },
    },
    "deployments": {"image": "ghcr.io/acme/shop:1.0.0", "gatewayReplicas": 3},
}


def test_args_and_stack_config_parse_to_the_same_model() -> None:
    from_args = parse_args(ARGS, component="SecretLifecycle", name="shop", clouds=CLOUD_MODELS, default_environment="x")
    from_config = parse_app(CONFIG, environment="prod")
    # Only the stack config names the key that holds a config value; args carry the value itself.
    token = from_config.secret("token")
    assert token.config_key == "fluxlit-secrets:token"
    assert from_args.secret("token").config_key is None
    assert from_args.secrets[0] == from_config.secrets[0]
    assert (from_args.app, from_args.environment, from_args.deployments) == (
        from_config.app,
        from_config.environment,
        from_config.deployments,
    )


@pytest.mark.parametrize(
    ("secret", "wrong", "right"),
    [({"kind": "jwt-hs256", "maxAgeDays": 9}, "maxAgeDays", "max_age_days")],
)
def test_args_refuse_the_stack_config_spelling_with_a_did_you_mean(secret: dict, wrong: str, right: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_args(
            {"app": "shop", "secrets": {"jwt": secret}},
            component="SecretLifecycle",
            name="shop",
            clouds=CLOUD_MODELS,
            default_environment="dev",
        )
    assert str(caught.value).startswith(f'SecretLifecycle "shop": secrets.jwt.{wrong}: unknown key')
    assert f"did you mean {right!r}" in str(caught.value)


def test_stack_config_refuses_the_args_spelling_with_a_did_you_mean() -> None:
    config = {"app": "shop", "secrets": {"jwt": {"kind": "jwt-hs256", "max_age_days": 9}}}
    with pytest.raises(
        ConfigError, match=r"fluxlit-secrets:secrets\.jwt\.max_age_days: unknown key \(did you mean 'maxAgeDays'"
    ):
        parse_app(config, environment="dev")


def test_consumers_say_as_in_every_shape_and_mode_is_deprecated() -> None:
    from fluxlit_secrets.clouds import CLOUD_MODELS
    from fluxlit_secrets.model.parse import parse_args

    def parse(consumer: dict) -> tuple:
        args = {"app": "shop", "secrets": {"t": {"kind": "opaque", "consumers": {"streamlit": consumer}}}}
        model = parse_args(args, component="SecretLifecycle", name="s", clouds=CLOUD_MODELS, default_environment="dev")
        return model.secrets[0].consumers[0].as_, model.notices

    assert parse({"as_": "env", "name": "T"}) == ("env", ())
    assert parse({"as": "env", "name": "T"}) == ("env", ())  # a dict literal may spell it as other languages do
    mode, notices = parse({"mode": "env", "name": "T"})
    assert mode == "env"
    assert notices == ("secrets.t.consumers.streamlit.mode: `mode` is deprecated; write `as_` (same values)",)
    with pytest.raises(ConfigError, match=r"secrets.t.consumers.streamlit.as: repeats 'as_'"):
        parse({"as_": "env", "as": "file", "name": "T"})


def test_a_stack_file_with_mode_warns_and_still_builds(tmp_path) -> None:
    from fluxlit_secrets.cli import main
    from tests.conftest import copy_project

    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.dev.yaml"
    text = path.read_text()
    path.write_text(text.replace("        streamlit:\n          as: file", "        streamlit:\n          mode: file"))
    assert "mode: file" in path.read_text()
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["synth", "--stack", "dev", "--project-dir", str(project), "--out", str(tmp_path / "out")])
    assert code == 0
    assert "warning: " in err.getvalue() and "`mode` is deprecated; write `as`" in err.getvalue()


def test_rotated_at_as_the_pulumi_cli_hands_an_unquoted_date_over() -> None:
    # `rotatedAt: 2026-11-01` unquoted reaches a program under `pulumi up` as Go's time.String().
    config = {"app": "shop", "secrets": {"jwt": {"kind": "jwt-hs256", "rotatedAt": "2026-11-01 00:00:00 +0000 UTC"}}}
    assert parse_app(config, environment="prod").secret("jwt").rotated_at == "2026-11-01"
