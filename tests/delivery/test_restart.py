"""The restart decision as pure functions, table-driven."""

from __future__ import annotations

import hashlib

import pytest

from fluxlit_secrets.delivery.restart import delivery_secret_name, restart_trigger, workloads_to_restart


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        ({}, ""),
        ({"jwt": "1"}, "jwt=1"),
        ({"jwt": "2", "bff": "1"}, "bff=1,jwt=2"),
        ({"oidc": "9f3a01cc", "reports-token": "3"}, "oidc=9f3a01cc,reports-token=3"),
    ],
)
def test_trigger_lists_versions_in_name_order(versions: dict[str, str], expected: str) -> None:
    assert restart_trigger(versions) == expected


@pytest.mark.parametrize("bad", [{"a,b": "1"}, {"a": "1=2"}, {"a": "1 2"}, {"": "1"}])
def test_trigger_refuses_ambiguous_names(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        restart_trigger(bad)


@pytest.mark.parametrize(
    ("before", "after", "restart"),
    [
        ({"gateway": "jwt=1", "streamlit": "r=1"}, {"gateway": "jwt=2", "streamlit": "r=1"}, ["gateway"]),
        (
            {"gateway": "jwt=1,r=1", "streamlit": "r=1"},
            {"gateway": "jwt=1,r=2", "streamlit": "r=2"},
            ["gateway", "streamlit"],
        ),
        ({"gateway": "jwt=1"}, {"gateway": "jwt=1"}, []),
        ({"gateway": "jwt=1"}, {"gateway": "jwt=1", "streamlit": "x=1"}, ["streamlit"]),
    ],
)
def test_only_workloads_whose_trigger_changed_restart(before, after, restart) -> None:
    assert workloads_to_restart(before, after) == restart


def test_secret_name_follows_versions_and_keys_but_not_values() -> None:
    a = delivery_secret_name("app", "gateway", "jwt=1", ["FLUXLIT_JWT_HS256_SECRET"])
    assert a.startswith("app-gateway-") and len(a) == len("app-gateway-") + 10
    assert a == delivery_secret_name("app", "gateway", "jwt=1", ["FLUXLIT_JWT_HS256_SECRET"])
    assert a != delivery_secret_name("app", "gateway", "jwt=2", ["FLUXLIT_JWT_HS256_SECRET"])
    assert a != delivery_secret_name("app", "gateway", "jwt=1", ["OTHER"])
    assert a != delivery_secret_name("app", "streamlit", "jwt=1", ["FLUXLIT_JWT_HS256_SECRET"])


def test_secret_name_is_no_plain_hash_of_a_value() -> None:
    value = "s3cr3t-value"
    name = delivery_secret_name("app", "gateway", "jwt=1", ["K"])
    for digest in (hashlib.sha256(value.encode()).hexdigest(), hashlib.md5(value.encode()).hexdigest()):
        assert digest[:10] not in name
