"""Spec validation: each invalid input is refused with one line naming key, problem and fix."""

from __future__ import annotations

from typing import Any

import pytest

from fluxlit_secrets.errors import ConfigError
from tests.conftest import base_config, parse_app

PLAINTEXT_VALUE = "plain-text-oidc-secret-value"


def lookup(present: dict[str, bool]):
    return present.get


SECURE = lookup({"fluxlit-secrets:oidcClientSecret": True})


def parse(config: dict[str, Any], secret_config=SECURE):
    return parse_app(config, environment="test", secret_config=secret_config)


def with_secret(name: str, body: dict[str, Any]) -> dict[str, Any]:
    config = base_config()
    config["secrets"][name] = body
    return config


def edit(**top: Any) -> dict[str, Any]:
    config = base_config()
    config.update(top)
    return config


CASES = [
    # (id, config, key named in the message, words of the problem)
    ("app-not-dns", edit(app="Admin_Portal"), "fluxlit-secrets:app", "DNS-1123"),
    ("app-too-long", edit(app="a" * 41), "fluxlit-secrets:app", "at most 40"),
    ("namespace-not-dns", edit(namespace="admin.portal"), "fluxlit-secrets:namespace", "DNS-1123"),
    ("namespace-default", edit(namespace="default"), "fluxlit-secrets:namespace", "shared"),
    ("secret-name-not-dns", with_secret("Bad_Name", {"kind": "jwt-hs256"}), "secrets.Bad_Name", "DNS-1123"),
    ("unknown-kind", with_secret("x", {"kind": "jwt-rs256"}), "secrets.x.kind", "unknown kind"),
    (
        "unknown-source",
        with_secret("x", {"kind": "opaque", "source": "vault", "consumers": {"gateway": {"name": "X"}}}),
        "secrets.x.source",
        "unknown source",
    ),
    ("unknown-store", edit(store="vault"), "fluxlit-secrets:store", "unknown store"),
    ("unknown-topology", edit(topology="sidecar"), "fluxlit-secrets:topology", "unknown topology"),
    (
        "unknown-workload",
        with_secret("x", {"kind": "opaque", "consumers": {"worker": {"name": "X"}}}),
        "secrets.x.consumers.worker",
        "unknown workload",
    ),
    (
        "gateway-only-to-streamlit",
        with_secret("jwt", {"kind": "jwt-hs256", "consumers": {"streamlit": {}}}),
        "secrets.jwt.consumers.streamlit",
        "gateway-only",
    ),
    (
        "bad-env-name",
        with_secret("x", {"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "1TOKEN"}}}),
        "secrets.x.consumers.gateway.name",
        "environment variable",
    ),
    (
        "env-name-with-dash",
        with_secret("x", {"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "API-TOKEN"}}}),
        "secrets.x.consumers.gateway.name",
        "environment variable",
    ),
    (
        "bad-file-name",
        with_secret("x", {"kind": "opaque", "consumers": {"gateway": {"as": "file", "name": "a/b"}}}),
        "secrets.x.consumers.gateway.name",
        "Secret key",
    ),
    (
        "dotdot-file-name",
        with_secret("x", {"kind": "opaque", "consumers": {"gateway": {"name": "..data"}}}),
        "secrets.x.consumers.gateway.name",
        "Secret key",
    ),
    (
        "duplicate-name",
        with_secret("x", {"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "REPORTS_TOKEN"}}}),
        "consumers.gateway.name",
        "already delivered",
    ),
    (
        "config-key-missing",
        with_secret("oidc", {"kind": "oidc-client", "configKey": "nope"}),
        "fluxlit-secrets:nope",
        "missing",
    ),
    ("config-source-without-key", with_secret("oidc", {"kind": "oidc-client"}), "secrets.oidc.configKey", "missing"),
    ("generation-zero", with_secret("jwt", {"kind": "jwt-hs256", "generation": 0}), "secrets.jwt.generation", "1 to"),
    (
        "generation-negative",
        with_secret("jwt", {"kind": "jwt-hs256", "generation": -3}),
        "secrets.jwt.generation",
        "1 to",
    ),
    (
        "generation-string",
        with_secret("jwt", {"kind": "jwt-hs256", "generation": "2"}),
        "secrets.jwt.generation",
        "1 to",
    ),
    (
        "generation-float",
        with_secret("jwt", {"kind": "jwt-hs256", "generation": 1.5}),
        "secrets.jwt.generation",
        "1 to",
    ),
    (
        "generation-bool",
        with_secret("jwt", {"kind": "jwt-hs256", "generation": True}),
        "secrets.jwt.generation",
        "1 to",
    ),
    (
        "generation-absurd",
        with_secret("jwt", {"kind": "jwt-hs256", "generation": 10**12}),
        "secrets.jwt.generation",
        "1 to",
    ),
    ("opaque-without-consumers", with_secret("x", {"kind": "opaque"}), "secrets.x.consumers", "no default consumer"),
    (
        "unknown-secret-key",
        with_secret("jwt", {"kind": "jwt-hs256", "generaton": 2}),
        "secrets.jwt.generaton",
        "did you mean 'generation'",
    ),
    ("unknown-top-key", edit(topolgy="unified"), "fluxlit-secrets:topolgy", "did you mean 'topology'"),
    (
        "opaque-shadows-fluxlit",
        with_secret(
            "x", {"kind": "opaque", "consumers": {"streamlit": {"as": "env", "name": "FLUXLIT_JWT_HS256_SECRET"}}}
        ),
        "secrets.x.consumers.streamlit.name",
        "gateway-only",
    ),
    (
        "runtime-env-name",
        with_secret("x", {"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "FLUXLIT_APP"}}}),
        "secrets.x.consumers.gateway.name",
        "set by the workload",
    ),
    ("bad-image", edit(deployments={"image": "not an image"}), "deployments.image", "image reference"),
]


@pytest.mark.parametrize(("config", "key", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_input_is_one_clear_line(config: dict[str, Any], key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(config)
    message = str(info.value)
    assert "\n" not in message
    assert key in message
    assert problem in message
    assert "; " in message  # problem; fix


def test_plaintext_config_value_is_refused_without_echoing_it() -> None:
    config = base_config()
    with pytest.raises(ConfigError) as info:
        parse(config, secret_config=lookup({"fluxlit-secrets:oidcClientSecret": False}))
    message = str(info.value)
    assert "fluxlit-secrets:oidcClientSecret" in message
    assert "plaintext" in message
    assert "pulumi config set --secret" in message
    assert PLAINTEXT_VALUE not in message


def test_kinds_fill_fluxlit_defaults() -> None:
    spec = parse(base_config())
    names = {s.name: (s.source, s.consumers) for s in spec.secrets}
    assert names["jwt"][0] == "generated"
    assert [(d.workload, d.as_, d.name) for d in names["jwt"][1]] == [("gateway", "file", "FLUXLIT_JWT_HS256_SECRET")]
    assert [(d.workload, d.name) for d in names["bff"][1]] == [("gateway", "FLUXLIT_OIDC_BFF_SECRET")]
    assert names["oidc"][0] == "config"
    assert [(d.workload, d.name) for d in names["oidc"][1]] == [("gateway", "OIDC_CLIENT_SECRET")]
    assert spec.secret("oidc").config_key == "fluxlit-secrets:oidcClientSecret"


def test_unified_topology_merges_both_processes_into_one_pod() -> None:
    config = base_config()
    config["topology"] = "unified"
    spec = parse(config)
    assert spec.workloads() == ("app",)
    delivered = {(d.as_, d.name) for _, d in spec.consumed_by("app")}
    assert ("file", "REPORTS_TOKEN") in delivered
    assert ("env", "REPORTS_TOKEN") in delivered
    assert ("file", "FLUXLIT_JWT_HS256_SECRET") in delivered


def test_unified_refuses_two_secrets_under_one_name_across_processes() -> None:
    config = with_secret("other", {"kind": "opaque", "consumers": {"streamlit": {"as": "file", "name": "SHARED"}}})
    config["secrets"]["reports-token"]["consumers"]["gateway"]["name"] = "SHARED"
    parse(config)  # split: different pods, fine
    config["topology"] = "unified"
    with pytest.raises(ConfigError, match="already delivered to the app pod"):
        parse(config)
