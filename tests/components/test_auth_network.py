"""JWKS mode and the egress NetworkPolicies."""

from __future__ import annotations

from typing import Any

import pytest

from fluxlit_secrets.engine import Recording
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.errors import ConfigError
from tests.conftest import base_config, parse_app, secret_values_only, synth_config

AUTH = {
    "jwksUrl": "https://idp.example.com/.well-known/jwks.json",
    "issuer": "https://idp.example.com/",
    "audience": "admin-portal",
}


def jwks_config(**extra: Any) -> dict[str, Any]:
    config = base_config()
    del config["secrets"]["jwt"]
    config["auth"] = dict(AUTH)
    config.update(extra)
    return config


def env_of(rec: Recording, workload: str) -> dict[str, Any]:
    (dep,) = [
        unwrap(r.inputs)
        for r in rec.of_type("kubernetes:apps/v1:Deployment")
        if unwrap(r.inputs)["spec"]["template"]["metadata"]["labels"]["fluxlit-secrets/workload"] == workload
    ]
    return {e["name"]: e for e in dep["spec"]["template"]["spec"]["containers"][0]["env"]}


def policies(rec: Recording) -> dict[str, dict[str, Any]]:
    return {
        unwrap(r.inputs)["metadata"]["name"]: unwrap(r.inputs)["spec"]
        for r in rec.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    }


def test_jwks_settings_reach_the_gateway_as_plain_env_only() -> None:
    rec = synth_config(jwks_config())
    gateway = env_of(rec, "gateway")
    assert gateway["FLUXLIT_JWT_JWKS_URL"] == {"name": "FLUXLIT_JWT_JWKS_URL", "value": AUTH["jwksUrl"]}
    assert gateway["FLUXLIT_JWT_ISSUER"]["value"] == AUTH["issuer"]
    assert gateway["FLUXLIT_JWT_AUDIENCE"]["value"] == AUTH["audience"]
    assert "FLUXLIT_JWT_HS256_SECRET" not in str(rec.registrations)
    assert not any(k.startswith("FLUXLIT_JWT") for k in env_of(rec, "streamlit"))


def test_hs256_and_jwks_together_are_refused() -> None:
    config = base_config()
    config["auth"] = dict(AUTH)
    with pytest.raises(ConfigError, match=r"secrets\.jwt: is an HS256 key, but auth\.jwksUrl is set"):
        parse_app(config, environment="t", secret_config=secret_values_only)


@pytest.mark.parametrize(
    ("auth", "key"),
    [
        ({"jwksUrl": "http://idp.example.com/jwks"}, "auth.jwksUrl"),
        ({"jwksUrl": AUTH["jwksUrl"], "audience": ""}, "auth.audience"),
        ({"jwksUrl": AUTH["jwksUrl"], "leewaySeconds": 3600}, "auth.leewaySeconds"),
        ({"jwksUri": AUTH["jwksUrl"]}, "auth.jwksUri"),
    ],
)
def test_auth_settings_are_validated(auth: dict, key: str) -> None:
    config = jwks_config(auth=auth)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_app(config, environment="t", secret_config=secret_values_only)


def test_split_policies_let_the_gateway_reach_the_idp_and_streamlit_only_the_gateway() -> None:
    rec = synth_config(jwks_config(networkPolicy={"idpCidrs": ["203.0.113.0/24"]}))
    p = policies(rec)
    gateway = p["admin-portal-gateway-network"]
    assert gateway["policyTypes"] == ["Ingress", "Egress"]
    assert gateway["ingress"] == [{"ports": [{"protocol": "TCP", "port": 8000}]}]
    idp, dns, to_streamlit = gateway["egress"]
    assert idp == {"to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}], "ports": [{"protocol": "TCP", "port": 443}]}
    assert {"protocol": "UDP", "port": 53} in dns["ports"]
    assert to_streamlit["ports"] == [{"protocol": "TCP", "port": 8501}]
    streamlit = p["admin-portal-streamlit-network"]
    assert streamlit["policyTypes"] == ["Ingress", "Egress"]
    (to_gateway, dns2) = streamlit["egress"]
    assert to_gateway["to"] == [
        {
            "podSelector": {
                "matchLabels": {
                    "app.kubernetes.io/name": "admin-portal",
                    "app.kubernetes.io/component": "gateway",
                    "fluxlit-secrets/workload": "gateway",
                }
            }
        }
    ]
    assert to_gateway["ports"] == [{"protocol": "TCP", "port": 8000}]
    assert dns2 == dns
    assert streamlit["ingress"][0]["from"][0]["podSelector"]["matchLabels"]["fluxlit-secrets/workload"] == "gateway"


def test_without_settings_pods_accept_only_their_port_and_streamlit_only_the_gateway() -> None:
    p = policies(synth_config(base_config()))
    assert p["admin-portal-gateway-network"]["policyTypes"] == ["Ingress"]
    streamlit = p["admin-portal-streamlit-network"]
    assert streamlit["policyTypes"] == ["Ingress"] and "egress" not in streamlit
    assert streamlit["ingress"][0]["from"][0]["podSelector"]["matchLabels"]["fluxlit-secrets/workload"] == "gateway"


def test_without_cidrs_the_idp_may_be_any_address_on_443_only() -> None:
    rec = synth_config(jwks_config(networkPolicy={}, topology="unified"))
    (only,) = policies(rec).values()
    assert only["egress"][0] == {"ports": [{"protocol": "TCP", "port": 443}]}


@pytest.mark.parametrize("cidrs", [["203.0.113.5/24"], ["not-a-cidr"], ["10.0.0.0/8", "10.0.0.0/8"]])
def test_bad_cidrs_are_refused(cidrs: list[str]) -> None:
    with pytest.raises(ConfigError, match=r"networkPolicy\.idpCidrs"):
        parse_app(jwks_config(networkPolicy={"idpCidrs": cidrs}), environment="t", secret_config=secret_values_only)
