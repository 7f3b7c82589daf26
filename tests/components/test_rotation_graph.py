"""Overlap delivery and retirement order, as recorded by the mocks."""

from __future__ import annotations

from typing import Any

import pytest

from fluxlit_secrets.engine import Recording
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.errors import ConfigError
from tests.clouds.test_clouds import cloud_config
from tests.conftest import KNOWN, base_config, parse_app, secret_values_only, synth_config


def delivery_secret(rec: Recording, workload: str) -> dict[str, Any]:
    (found,) = [
        unwrap(r.inputs)
        for r in rec.of_type("kubernetes:core/v1:Secret")
        if unwrap(r.inputs)["metadata"]["labels"].get("fluxlit-secrets/workload") == workload
    ]
    return found


def by_name(rec: Recording) -> dict[str, Any]:
    return {r.name: r for r in rec.registrations}


def test_overlap_delivers_the_previous_version_beside_the_current_one() -> None:
    config = base_config()
    config["secrets"]["jwt"].update(overlap=True, generation=2)
    config["secrets"]["reports-token"].update(overlap=True, generation=2)
    rec = synth_config(config)
    gateway = delivery_secret(rec, "gateway")["stringData"]
    assert gateway["FLUXLIT_JWT_HS256_SECRET"] == KNOWN["admin-portal-jwt-g2"]
    assert gateway["FLUXLIT_JWT_HS256_SECRET_PREVIOUS"] == KNOWN["admin-portal-jwt-g1"]
    streamlit = delivery_secret(rec, "streamlit")
    assert set(streamlit["stringData"]) == {"REPORTS_TOKEN", "REPORTS_TOKEN_PREVIOUS"}
    (deployment,) = [
        unwrap(r.inputs) for r in rec.of_type("kubernetes:apps/v1:Deployment") if r.name.endswith("streamlit")
    ]
    env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["REPORTS_TOKEN_PREVIOUS"]["valueFrom"]["secretKeyRef"]["key"] == "REPORTS_TOKEN_PREVIOUS"


def test_without_a_previous_version_the_previous_name_is_absent() -> None:
    config = base_config()
    config["secrets"]["jwt"]["overlap"] = True
    rec = synth_config(config)
    assert "FLUXLIT_JWT_HS256_SECRET_PREVIOUS" not in delivery_secret(rec, "gateway")["stringData"]


def test_overlap_is_refused_for_config_secrets() -> None:
    config = base_config()
    config["secrets"]["oidc"]["overlap"] = True
    with pytest.raises(ConfigError, match=r"secrets\.oidc\.overlap: needs a generated secret"):
        parse_app(config, environment="t", secret_config=secret_values_only)


@pytest.mark.parametrize("store", ["kubernetes", "aws", "gcp", "azure"])
def test_the_version_before_the_previous_retires_only_after_its_consumers_rolled(store: str) -> None:
    config = base_config() if store == "kubernetes" else cloud_config(store)
    config["secrets"]["jwt"]["generation"] = 3
    rec = synth_config(config)
    resources = by_name(rec)
    gateway_deployment = resources["admin-portal-workloads-gateway"].urn
    streamlit_deployment = resources["admin-portal-workloads-streamlit"].urn
    retiring = [
        r for r in rec.registrations if r.name in ("admin-portal-jwt-retiring-g1", "admin-portal-jwt-retiring-v1")
    ]
    assert len(retiring) == (1 if store == "azure" else 2), "generation 1 is still in the program, retiring"
    (managed,) = [r.urn for r in rec.of_type("fluxlit-secrets:index:ManagedSecret") if r.name == "admin-portal-jwt"]
    for r in retiring:
        # Registered under RetiringVersion, it keeps the state it had under the ManagedSecret.
        assert r.options["aliases"] == [f"{r.name.replace('-retiring', '')} parent:{managed}"]
        assert gateway_deployment in r.options["dependsOn"]
        assert streamlit_deployment not in r.options["dependsOn"]  # jwt is not streamlit's
    current = [r for r in rec.registrations if r.name in ("admin-portal-jwt-g3", "admin-portal-jwt-v3")]
    assert all(gateway_deployment not in r.options["dependsOn"] for r in current)
    if store == "gcp":
        assert unwrap(resources["admin-portal-jwt-retiring-v1"].inputs)["enabled"] is False
        assert unwrap(resources["admin-portal-jwt-v2"].inputs)["enabled"] is True
    if store in ("aws", "kubernetes"):
        assert all(r.options["retainOnDelete"] for r in retiring if not r.type.startswith("random:"))


def test_kubernetes_store_keeps_versions_as_retained_secrets_no_pod_mounts() -> None:
    config = base_config()
    config["secrets"]["bff"]["generation"] = 2
    rec = synth_config(config)
    store = {
        unwrap(r.inputs)["metadata"]["name"]: r
        for r in rec.of_type("kubernetes:core/v1:Secret")
        if "fluxlit-secrets/store-of" in unwrap(r.inputs)["metadata"]["labels"]
    }
    assert {"admin-portal-bff-v1", "admin-portal-bff-v2", "admin-portal-jwt-v1"} <= set(store)
    assert all(r.options["retainOnDelete"] for r in store.values())
    # Records live in a namespace of their own, where no workload runs.
    assert all(unwrap(r.inputs)["metadata"]["namespace"] == "admin-portal-dev-records" for r in store.values())
    namespaces = {unwrap(r.inputs)["metadata"]["name"]: r for r in rec.of_type("kubernetes:core/v1:Namespace")}
    records = unwrap(namespaces["admin-portal-dev-records"].inputs)["metadata"]["labels"]
    assert records["fluxlit-secrets/records"] == "true"
    workloads = [unwrap(r.inputs) for r in rec.of_type("kubernetes:apps/v1:Deployment")]
    assert all(w["metadata"]["namespace"] == "admin-portal-dev" for w in workloads)
    assert not any(name in str(workloads) for name in store)


@pytest.mark.parametrize("store", ["kubernetes", "gcp"])
def test_a_store_that_marks_the_newest_current_writes_the_previous_version_first(store: str) -> None:
    config = base_config() if store == "kubernetes" else cloud_config(store)
    config["secrets"]["jwt"]["generation"] = 2
    resources = by_name(synth_config(config))
    assert resources["admin-portal-jwt-v1"].urn in resources["admin-portal-jwt-v2"].options["dependsOn"]


@pytest.mark.parametrize("generation", [1, 2, 3, 7])
def test_aws_labels_each_version_whatever_order_they_are_created(generation: int) -> None:
    """A fresh stack at generation N labels like one rotated N-1 times: AWSCURRENT on N,
    AWSPREVIOUS on N-1, and the retiring N-2 keeps a label of its own (never AWSCURRENT)."""
    config = cloud_config("aws")
    config["secrets"]["jwt"]["generation"] = generation
    rec = synth_config(config)
    stages = {
        r.name: unwrap(r.inputs)["versionStages"]
        for r in rec.of_type("aws:secretsmanager/secretVersion:SecretVersion")
        if r.name.startswith("admin-portal-jwt-")
    }
    expected = {f"admin-portal-jwt-v{generation}": ["AWSCURRENT"]}
    if generation > 1:
        expected[f"admin-portal-jwt-v{generation - 1}"] = ["AWSPREVIOUS"]
    if generation > 2:
        expected[f"admin-portal-jwt-retiring-v{generation - 2}"] = ["FLUXLIT_RETIRING"]
    assert stages == expected
    if generation > 1:
        current = by_name(rec)[f"admin-portal-jwt-v{generation}"]
        previous = by_name(rec)[f"admin-portal-jwt-v{generation - 1}"]
        assert current.urn in previous.options["dependsOn"]  # AWSCURRENT moves first
