"""The real FluxLit package as a contract: what each pod would read is what we meant it to read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import fluxlit.runtime
import pytest
from fluxlit.config.settings import FluxlitSettings
from fluxlit.runtime import streamlit_proc, upstream_state
from ruamel.yaml import YAML

from fluxlit_secrets.engine import Recording, run_stack
from fluxlit_secrets.engine.mocks import ProviderMocks, unwrap
from fluxlit_secrets.model.labels import SECRETS_DIR
from tests.conftest import KNOWN, OIDC_VALUE, ROOT, base_config, synth_config
from tests.delivery.test_csi import csi_config, objects

STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def deployments(rec: Recording) -> dict[str, dict[str, Any]]:
    out = {}
    for r in rec.of_type("kubernetes:apps/v1:Deployment"):
        d = unwrap(r.inputs)
        out[d["spec"]["template"]["metadata"]["labels"]["fluxlit-secrets/workload"]] = d
    return out


def store_versions(rec: Recording) -> dict[str, str]:
    """Every version the (mock) stores hold, by its full id: what a CSI provider fetches."""
    held = {}
    for r in rec.of_type("aws:secretsmanager/secretVersion:SecretVersion"):
        held[r.outputs["versionId"]] = unwrap(r.inputs)["secretString"]
    for r in rec.of_type("gcp:secretmanager/secretVersion:SecretVersion"):
        held[r.outputs["name"]] = unwrap(r.inputs)["secretData"]
    for r in rec.of_type("azure-native:keyvault:Secret"):
        version = r.outputs["properties"]["secretUriWithVersion"].rstrip("/").rsplit("/", 1)[-1]
        held[version] = unwrap(r.inputs)["properties"]["value"]
    return held


def materialize_csi(rec: Recording, volume: dict[str, Any], secrets_dir: Path) -> None:
    """Files as the CSI driver writes them: each object's pinned version, under its alias, mode 0444."""
    name = volume["csi"]["volumeAttributes"]["secretProviderClass"]
    (spc,) = [
        unwrap(r.inputs)
        for r in rec.of_type("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass")
        if unwrap(r.inputs)["metadata"]["name"] == name
    ]
    held = store_versions(rec)
    for o in objects(spc):
        path = secrets_dir / o["file"]
        path.write_text(held[o["version"]])
        path.chmod(o["mode"])


def materialize(rec: Recording, deployment: dict[str, Any], root: Path) -> tuple[Path, dict[str, str]]:
    """Files as the kubelet projects the Secret volume (with its ..data links) or as the CSI driver
    writes them, env from secretKeyRef."""
    secrets = {unwrap(r.inputs)["metadata"]["name"]: unwrap(r.inputs) for r in rec.of_type("kubernetes:core/v1:Secret")}
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    secrets_dir = root / SECRETS_DIR.lstrip("/")
    secrets_dir.mkdir(parents=True)
    volumes = {v["name"]: v["secret"] for v in spec["volumes"] if "secret" in v}
    csi = {v["name"]: v for v in spec["volumes"] if "csi" in v}
    for mount in container["volumeMounts"]:
        if mount["name"] in csi:
            assert mount["mountPath"] == SECRETS_DIR and mount["readOnly"] is True
            materialize_csi(rec, csi[mount["name"]], secrets_dir)
        if mount["name"] not in volumes:
            continue
        assert mount["mountPath"] == SECRETS_DIR
        source = volumes[mount["name"]]
        data = secrets[source["secretName"]]["stringData"]
        timestamped = secrets_dir / "..2026_11_27_10_00_00.000000001"
        timestamped.mkdir()
        for item in source["items"]:
            (timestamped / item["path"]).write_text(data[item["key"]])
            (secrets_dir / item["path"]).symlink_to(Path("..data") / item["path"])
        (secrets_dir / "..data").symlink_to(timestamped.name)
    env = {}
    for e in container["env"]:
        ref = (e.get("valueFrom") or {}).get("secretKeyRef")
        env[e["name"]] = secrets[ref["name"]]["stringData"][ref["key"]] if ref else e["value"]
    return secrets_dir, env


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    for key in list(os.environ):
        if key.startswith(("FLUXLIT_", "OIDC_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env file
    return monkeypatch


def settings_of(
    rec: Recording, workload: str, root: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[FluxlitSettings, Path, dict]:
    secrets_dir, env = materialize(rec, deployments(rec)[workload], root / workload)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return FluxlitSettings(_secrets_dir=str(secrets_dir)), secrets_dir, env


def test_gateway_settings_read_exactly_our_values(clean_env, tmp_path: Path) -> None:
    rec = synth_config(base_config())
    settings, secrets_dir, _ = settings_of(rec, "gateway", tmp_path, clean_env)
    assert settings.jwt_hs256_secret == KNOWN["admin-portal-jwt-g1"]
    assert settings.oidc_bff_secret == KNOWN["admin-portal-bff-g1"]
    assert (secrets_dir / "OIDC_CLIENT_SECRET").read_text() == OIDC_VALUE  # app code reads it
    assert (secrets_dir / "REPORTS_TOKEN").read_text() == KNOWN["admin-portal-reports-token-g1"]


def test_streamlit_settings_hold_no_gateway_secret(clean_env, tmp_path: Path) -> None:
    rec = synth_config(base_config())
    settings, secrets_dir, env = settings_of(rec, "streamlit", tmp_path, clean_env)
    assert settings.jwt_hs256_secret == "" and settings.oidc_bff_secret == ""
    assert env["REPORTS_TOKEN"] == KNOWN["admin-portal-reports-token-g1"]
    assert list(secrets_dir.iterdir()) == []  # Streamlit takes REPORTS_TOKEN as env here: no file at all
    assert OIDC_VALUE not in str(env)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_feeds_fluxlit_the_values_we_meant(stack: str, clean_env, tmp_path: Path) -> None:
    mocks = ProviderMocks()
    rec = run_stack(ROOT, stack, mocks=mocks)
    gateway, _, _ = settings_of(rec, "gateway", tmp_path, clean_env)
    secrets = YAML(typ="safe").load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"][
        "fluxlit-secrets:secrets"
    ]
    current = secrets.get("jwt", {}).get("generation", 1)
    jwt = next((v for k, v in mocks.handed_out.items() if k.endswith(f"-jwt-g{current}")), "")
    bff = next(v for k, v in mocks.handed_out.items() if k.endswith("-bff-g1"))
    assert gateway.jwt_hs256_secret == jwt  # "" on a JWKS stack
    assert gateway.oidc_bff_secret == bff
    streamlit, _, _ = settings_of(rec, "streamlit", tmp_path, clean_env)
    assert streamlit.jwt_hs256_secret == "" and streamlit.oidc_bff_secret == ""
    if jwt == "":
        assert gateway.jwt_jwks_url.startswith("https://")


def test_split_commands_and_env_match_fluxlit_runtime(clean_env, tmp_path: Path) -> None:
    rec = synth_config(base_config())
    deps = deployments(rec)
    gateway = deps["gateway"]["spec"]["template"]["spec"]["containers"][0]
    module, attr = gateway["command"][1].split(":")
    assert gateway["command"][0] == "uvicorn" and "--factory" in gateway["command"]
    assert module == "fluxlit.runtime" and callable(getattr(fluxlit.runtime, attr))
    env = {e["name"]: e["value"] for e in gateway["env"] if "value" in e}
    for k, v in env.items():
        clean_env.setenv(k, v)
    assert upstream_state.read_streamlit_upstream_url() == env["FLUXLIT_STREAMLIT_UPSTREAM"]
    streamlit = deps["streamlit"]["spec"]["template"]["spec"]["containers"][0]
    expected = streamlit_proc._build_streamlit_cmd(runner=Path("main.py"), port=8501)
    ours = " ".join(streamlit["command"])
    for flag, value in zip(expected[5::2], expected[6::2], strict=True):
        wanted = "0.0.0.0" if flag == "--server.address" else value  # its own pod: listen beyond loopback
        assert f"{flag} {wanted}" in ours
    assert "fluxlit.streamlit.main" in ours
    senv = {e["name"]: e.get("value") for e in streamlit["env"]}
    built = streamlit_proc._build_streamlit_env(
        target=senv["FLUXLIT_APP"],
        api_prefix=senv["FLUXLIT_API_PREFIX"],
        internal_api_base=senv["FLUXLIT_INTERNAL_API_BASE"],
    )
    assert {k: built[k] for k in ("FLUXLIT_APP", "FLUXLIT_API_PREFIX", "FLUXLIT_INTERNAL_API_BASE")} == {
        k: senv[k] for k in ("FLUXLIT_APP", "FLUXLIT_API_PREFIX", "FLUXLIT_INTERNAL_API_BASE")
    }
    assert senv["FLUXLIT_INTERNAL_API_BASE"].endswith(senv["FLUXLIT_API_PREFIX"])


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_csi_mounts_feed_fluxlit_the_current_versions(store: str, clean_env, tmp_path: Path) -> None:
    config = csi_config(store)
    config["secrets"]["jwt"]["generation"] = 2
    rec = synth_config(config)
    gateway, secrets_dir, _ = settings_of(rec, "gateway", tmp_path, clean_env)
    assert gateway.jwt_hs256_secret == KNOWN["admin-portal-jwt-g2"]
    assert gateway.oidc_bff_secret == KNOWN["admin-portal-bff-g1"]
    assert (secrets_dir / "OIDC_CLIENT_SECRET").read_text() == OIDC_VALUE
    assert all(oct(p.stat().st_mode & 0o777) == "0o444" for p in secrets_dir.iterdir())
    streamlit, streamlit_dir, _ = settings_of(rec, "streamlit", tmp_path, clean_env)
    assert streamlit.jwt_hs256_secret == "" and streamlit.oidc_bff_secret == ""
    assert sorted(p.name for p in streamlit_dir.iterdir()) == ["REPORTS_TOKEN"]
    assert (streamlit_dir / "REPORTS_TOKEN").read_text() == KNOWN["admin-portal-reports-token-g1"]
