"""SecretLifecycle under the mock runtime: scoping, delivery shapes, restart triggers, secrecy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fluxlit_secrets.engine import Recording, render, run_stack
from fluxlit_secrets.engine.mocks import is_secret, unwrap
from fluxlit_secrets.model.kinds import GATEWAY_ONLY_NAMES
from tests.conftest import KNOWN, OIDC_VALUE, ROOT, base_config, synth_config

SECRET = "kubernetes:core/v1:Secret"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SA = "kubernetes:core/v1:ServiceAccount"
PASSWORD = "random:index/randomPassword:RandomPassword"


def one(rec: Recording, type_: str, workload: str) -> dict[str, Any]:
    found = [
        r.inputs
        for r in rec.of_type(type_)
        if unwrap(r.inputs)["metadata"]["labels"].get("fluxlit-secrets/workload") == workload
    ]
    assert len(found) == 1, (type_, workload, len(found))
    return found[0]


def pod_spec(rec: Recording, workload: str) -> dict[str, Any]:
    return unwrap(one(rec, DEPLOYMENT, workload))["spec"]["template"]


def container(rec: Recording, workload: str) -> dict[str, Any]:
    return pod_spec(rec, workload)["spec"]["containers"][0]


def secret_keys(rec: Recording, workload: str) -> set[str]:
    return set(unwrap(one(rec, SECRET, workload))["stringData"])


def test_streamlit_never_references_gateway_only_secrets(dev_recording: Recording) -> None:
    streamlit_secret = unwrap(one(dev_recording, SECRET, "streamlit"))
    assert set(streamlit_secret["stringData"]) == {"REPORTS_TOKEN"}
    spec_text = json.dumps(pod_spec(dev_recording, "streamlit"))
    for name in GATEWAY_ONLY_NAMES:
        assert name not in spec_text
    for value in (KNOWN["admin-portal-jwt-g1"], KNOWN["admin-portal-bff-g1"], OIDC_VALUE):
        assert value not in json.dumps(streamlit_secret)
    # ...and the gateway Secret holds exactly the gateway's keys.
    assert secret_keys(dev_recording, "gateway") == {
        "FLUXLIT_JWT_HS256_SECRET",
        "FLUXLIT_OIDC_BFF_SECRET",
        "OIDC_CLIENT_SECRET",
        "REPORTS_TOKEN",
    }


def test_file_delivery_is_a_read_only_0400_volume_without_subpath(dev_recording: Recording) -> None:
    tpl = pod_spec(dev_recording, "gateway")
    secret_name = unwrap(one(dev_recording, SECRET, "gateway"))["metadata"]["name"]
    volumes = [v for v in tpl["spec"]["volumes"] if "secret" in v]
    assert volumes == [
        {
            "name": "fluxlit-secrets",
            "secret": {
                "secretName": secret_name,
                "defaultMode": 0o400,
                "items": [
                    {"key": k, "path": k}
                    for k in sorted(
                        ["FLUXLIT_JWT_HS256_SECRET", "FLUXLIT_OIDC_BFF_SECRET", "OIDC_CLIENT_SECRET", "REPORTS_TOKEN"]
                    )
                ],
            },
        }
    ]
    mounts = [m for m in container(dev_recording, "gateway")["volumeMounts"] if m["name"] == "fluxlit-secrets"]
    assert mounts == [{"name": "fluxlit-secrets", "mountPath": "/var/run/secrets/fluxlit", "readOnly": True}]
    assert all("subPath" not in m for m in container(dev_recording, "gateway")["volumeMounts"])


def test_env_delivery_is_one_secret_key_ref_per_variable(dev_recording: Recording) -> None:
    c = container(dev_recording, "streamlit")
    secret_name = unwrap(one(dev_recording, SECRET, "streamlit"))["metadata"]["name"]
    refs = [e for e in c["env"] if "valueFrom" in e]
    assert refs == [
        {"name": "REPORTS_TOKEN", "valueFrom": {"secretKeyRef": {"name": secret_name, "key": "REPORTS_TOKEN"}}}
    ]
    assert "envFrom" not in c
    assert not any("secret" in v for v in pod_spec(dev_recording, "streamlit")["spec"]["volumes"])


def test_secret_is_immutable_and_created_before_the_old_one_goes(dev_recording: Recording) -> None:
    for r in dev_recording.of_type(SECRET):
        assert unwrap(r.inputs)["immutable"] is True
        assert r.options["deleteBeforeReplace"] is False


def test_service_accounts_mount_no_token(dev_recording: Recording) -> None:
    sas = dev_recording.of_type(SA)
    assert len(sas) == 2
    assert all(r.inputs["automountServiceAccountToken"] is False for r in sas)
    for workload in ("gateway", "streamlit"):
        spec = pod_spec(dev_recording, workload)["spec"]
        assert spec["automountServiceAccountToken"] is False
        assert spec["serviceAccountName"] == f"admin-portal-{workload}"


def _triggers(rec: Recording) -> dict[str, tuple[str, str]]:
    return {
        w: (
            pod_spec(rec, w)["metadata"]["annotations"]["fluxlit-secrets/versions"],
            unwrap(one(rec, SECRET, w))["metadata"]["name"],
        )
        for w in ("gateway", "streamlit")
    }


@pytest.mark.parametrize(
    ("secret", "restarts"),
    [("jwt", {"gateway"}), ("bff", {"gateway"}), ("reports-token", {"gateway", "streamlit"})],
)
def test_bumping_a_generation_restarts_exactly_its_consumers(secret: str, restarts: set[str]) -> None:
    before = _triggers(synth_config(base_config()))
    config = base_config()
    config["secrets"][secret]["generation"] = 2
    after = _triggers(synth_config(config))
    changed = {w for w in before if before[w][0] != after[w][0]}
    renamed = {w for w in before if before[w][1] != after[w][1]}
    assert changed == restarts
    assert renamed == restarts
    for w in restarts:
        assert f"{secret}=2" in after[w][0]


def test_a_new_config_value_restarts_only_the_gateway() -> None:
    first = synth_config(base_config())
    rotated = synth_config(base_config(), secure={"oidcClientSecret": OIDC_VALUE + "-rotated"}, since=first)
    before, after = _triggers(first), _triggers(rotated)
    assert {w for w in before if before[w] != after[w]} == {"gateway"}


def test_a_new_config_value_leaves_no_trace_in_a_run_of_its_own() -> None:
    """Ids derive from inputs with secrets masked: a run of its own cannot tell the two values apart
    (a digest of a value in an id or a name would let a reader test guesses against it)."""
    one = synth_config(base_config())
    other = synth_config(base_config(), secure={"oidcClientSecret": OIDC_VALUE + "-rotated"})
    assert _triggers(one) == _triggers(other)
    assert render.resources_json(one) == render.resources_json(other)
    assert render.manifests(one) == render.manifests(other)


def _strings_outside_secrets(value: Any, out: list[str]) -> None:
    if is_secret(value):
        return
    if isinstance(value, dict):
        for k, v in value.items():
            out.append(str(k))
            _strings_outside_secrets(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings_outside_secrets(v, out)
    else:
        out.append(str(value))


def test_no_secret_value_outside_secret_marked_inputs(dev_recording: Recording) -> None:
    known = [*KNOWN.values(), OIDC_VALUE]
    assert set(dev_recording.mocks.handed_out.values()) <= set(KNOWN.values())
    for r in dev_recording.registrations:
        visible: list[str] = [r.name, r.urn, r.id]
        _strings_outside_secrets(r.inputs, visible)
        text = "\n".join(visible)
        for value in known:
            assert value not in text, f"{value[:8]}... leaks in {r.type} {r.name}"
    # Secret data is secret-marked, and it does hold the values.
    gateway = one(dev_recording, SECRET, "gateway")
    assert is_secret(gateway["stringData"])
    assert unwrap(gateway["stringData"])["OIDC_CLIENT_SECRET"] == OIDC_VALUE


def test_values_of_record_are_protected_unless_disposable() -> None:
    config = base_config()
    config["disposable"] = False
    config["secrets"]["jwt"]["generation"] = 2
    rec = synth_config(config)
    protected = {r.name: r.options["protect"] for r in rec.of_type(PASSWORD)}
    assert protected == {
        "admin-portal-jwt-g2": True,
        "admin-portal-jwt-g1": False,  # the previous generation is kept, no longer the record
        "admin-portal-bff-g1": True,
        "admin-portal-reports-token-g1": True,
    }
    disposable = synth_config(base_config())
    assert not any(r.options["protect"] for r in disposable.registrations)
    # Deleting a namespace deletes the Secrets in it, retained or not: the records namespace is kept too.
    (records,) = [r for r in rec.of_type("kubernetes:core/v1:Namespace") if r.name.endswith("-records")]
    assert records.options["protect"] and records.options["retainOnDelete"]
    (thrown,) = [r for r in disposable.of_type("kubernetes:core/v1:Namespace") if r.name.endswith("-records")]
    assert not thrown.options["protect"] and not thrown.options["retainOnDelete"]


def test_without_deployments_the_pod_fragments_are_exported() -> None:
    config = base_config()
    del config["deployments"]
    rec = synth_config(config)
    assert rec.of_type(DEPLOYMENT) == []
    delivery = [r for r in rec.of_type(SECRET) if "fluxlit-secrets/workload" in unwrap(r.inputs)["metadata"]["labels"]]
    assert len(delivery) == 2


def test_unified_topology_is_one_fluxlit_run_pod() -> None:
    config = base_config()
    config["topology"] = "unified"
    rec = synth_config(config)
    deployments = rec.of_type(DEPLOYMENT)
    assert len(deployments) == 1
    c = container(rec, "app")
    assert c["command"] == ["fluxlit", "run", "app:app", "--host", "0.0.0.0", "--port", "8000", "--no-pidfile"]
    assert secret_keys(rec, "app") >= {"FLUXLIT_JWT_HS256_SECRET", "REPORTS_TOKEN"}


def test_split_commands_and_env_follow_fluxlit(dev_recording: Recording) -> None:
    g = container(dev_recording, "gateway")
    assert g["command"][:3] == ["uvicorn", "fluxlit.runtime:create_gateway_app", "--factory"]
    env = {e["name"]: e.get("value") for e in g["env"]}
    assert env["FLUXLIT_APP"] == "app:app"
    assert env["FLUXLIT_STREAMLIT_UPSTREAM"] == "http://admin-portal-streamlit.admin-portal-dev.svc:8501"
    s = container(dev_recording, "streamlit")
    env = {e["name"]: e.get("value") for e in s["env"]}
    assert env["FLUXLIT_INTERNAL_API_BASE"] == "http://admin-portal-gateway.admin-portal-dev.svc:8000/api"
    assert "streamlit run" in " ".join(s["command"])
    for workload in ("gateway", "streamlit"):
        dep = unwrap(one(dev_recording, DEPLOYMENT, workload))["spec"]
        assert dep["strategy"]["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": 1}
        sc = container(dev_recording, workload)["securityContext"]
        assert sc["readOnlyRootFilesystem"] and sc["runAsNonRoot"] and sc["runAsUser"] == 10001
        assert sc["capabilities"] == {"drop": ["ALL"]} and sc["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize("stack", sorted(p.name[7:-5] for p in (ROOT / "stacks").glob("Pulumi.*.yaml")))
def test_every_stack_file_builds_under_mocks(stack: str) -> None:
    rec = run_stack(ROOT, stack)
    assert rec.of_type("fluxlit-secrets:index:SecretLifecycle")
    # Each consuming workload reads from a Secret, or a SecretProviderClass with CSI delivery.
    assert rec.of_type(SECRET) or rec.of_type("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass")


def test_config_mistake_in_a_stack_surfaces_as_one_line(tmp_path: Path) -> None:
    from fluxlit_secrets.engine import ProgramError

    config = base_config()
    config["secrets"]["jwt"]["generation"] = 0
    with pytest.raises(ProgramError) as info:
        synth_config(config)
    assert "fluxlit-secrets:secrets.jwt.generation" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_config_secret_without_its_value_names_the_component_key(tmp_path: Path) -> None:
    from fluxlit_secrets.engine.project import load_project
    from fluxlit_secrets.engine.run import run_program
    from fluxlit_secrets.errors import ConfigError

    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "from fluxlit_secrets import SecretLifecycle\n"
        "SecretLifecycle('shop', {'app': 'shop', 'environment': 'dev', 'secrets': {\n"
        "    'token': {'kind': 'opaque', 'source': 'config', 'consumers': {'gateway': {'name': 'TOKEN'}}}}})\n"
    )
    with pytest.raises(ConfigError) as info:
        run_program(load_project(tmp_path), "dev", {}, secret_keys=[])
    assert str(info.value).startswith(
        'SecretLifecycle "shop": secrets.token.value: is missing for a config-sourced secret'
    )
