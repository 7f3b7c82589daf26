"""The restart decision as pure functions, table-driven."""

from __future__ import annotations

import pytest

from fluxlit_secrets.delivery.restart import delivery_secret_name, restart_trigger
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.engine.plan import plan
from tests.conftest import base_config


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


def deployment(workload: str, trigger: str, image: str = "img:1") -> dict:
    template = {
        "metadata": {
            "labels": {"fluxlit-secrets/workload": workload},
            "annotations": {"fluxlit-secrets/versions": trigger},
        },
        "spec": {"containers": [{"name": workload, "image": image}]},
    }
    return {
        "urn": f"urn:pulumi:s::p::kubernetes:apps/v1:Deployment::{workload}",
        "type": "kubernetes:apps/v1:Deployment",
        "name": workload,
        "custom": True,
        "id": workload,
        "inputs": {"metadata": {"name": workload}, "spec": {"template": template}},
    }


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
def test_only_deployments_whose_template_changed_restart(before, after, restart) -> None:
    result = plan([deployment(w, t) for w, t in before.items()], [deployment(w, t) for w, t in after.items()])
    assert [w.role for w, _, _ in result.restart] == restart
    assert sorted(w.role for w in result.stay) == sorted(set(after) - set(restart))


def test_secret_name_follows_versions_and_keys_but_not_values() -> None:
    a = delivery_secret_name("app", "gateway", "jwt=1", layout=["FLUXLIT_JWT_HS256_SECRET"])
    assert a.startswith("app-gateway-") and len(a) == len("app-gateway-") + 10
    assert a == delivery_secret_name("app", "gateway", "jwt=1", layout=["FLUXLIT_JWT_HS256_SECRET"])
    assert a != delivery_secret_name("app", "gateway", "jwt=2", layout=["FLUXLIT_JWT_HS256_SECRET"])
    assert a != delivery_secret_name("app", "gateway", "jwt=1", layout=["OTHER"])
    assert a != delivery_secret_name("app", "streamlit", "jwt=1", layout=["FLUXLIT_JWT_HS256_SECRET"])


def test_names_and_annotations_do_not_depend_on_values() -> None:
    """Two synths whose generated values differ, at the same generations: every name and
    annotation is the same, so none of them can carry (or hash) a value."""

    def visible(generated: dict[str, str]) -> dict[str, dict]:
        from fluxlit_secrets.engine import ProviderMocks
        from tests.conftest import ROOT, _as_config_string, load_project, run_program

        project = load_project(ROOT)
        values = {f"fluxlit-secrets:{k}": _as_config_string(v) for k, v in base_config().items()}
        values["fluxlit-secrets:oidcClientSecret"] = "same-oidc-value-0000"
        rec = run_program(
            project,
            "t",
            values,
            secret_keys=["fluxlit-secrets:oidcClientSecret"],
            mocks=ProviderMocks(generated=generated),
        )
        return {r.urn: unwrap(r.inputs).get("metadata") or {} for r in rec.registrations if r.custom}

    a = visible({"admin-portal-jwt-g1": "A" * 64, "admin-portal-bff-g1": "B" * 64})
    b = visible({"admin-portal-jwt-g1": "C" * 64, "admin-portal-bff-g1": "D" * 64})
    assert a == b
    assert any("fluxlit-secrets/versions" in (m.get("annotations") or {}) for m in a.values())
