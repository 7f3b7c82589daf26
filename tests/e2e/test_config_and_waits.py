"""Under the real CLI, with the same verdicts offline: typed project config (required keys, `secret:
true`, secure values decrypted and type-checked, a wrong passphrase) and the provider's wait for
pods on a cluster where they never become Ready (bounded, or skipped on a disposable stack)."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from kubernetes import client

from e2e.plane import PASSPHRASE, ControlPlane
from tests.e2e.harness import VENV, Pulumi
from tests.engine.test_typed_config import CASES, write_project

pytestmark = pytest.mark.e2e

HEAD = f"name: ledger-app\nruntime:\n  name: python\n  options:\n    virtualenv: {VENV}\n"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def typed(plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pulumi]:
    """One stack, whose project and stack files each case rewrites (the stack's salt is kept)."""
    root = tmp_path_factory.mktemp("typed-config")
    (root / "project").mkdir()
    (root / "state").mkdir()
    (root / "project" / "Pulumi.yaml").write_text(HEAD)
    (root / "project" / "__main__.py").write_text("import pulumi\n")
    cli = Pulumi(cwd=root / "project", plane=plane, stack="dev", backend=root / "state")
    cli.run("stack", "init", "dev", stack=False)
    yield cli


def verdicts(cli: Pulumi, block: str, config: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """(offline stderr or "", real preview output or ""): "" where that engine accepts the stack."""
    stack_file = cli.cwd / "Pulumi.dev.yaml"
    state = yaml.safe_load(stack_file.read_text())["encryptionsalt"]
    (cli.cwd / "Pulumi.yaml").write_text(HEAD)
    write_project(cli.cwd, block, config, state=state, phrase=PASSPHRASE)
    cli.extra_env = env or {}
    out = cli.cwd.parent / "out"
    offline = ""
    code, said = cli.attempt("preview")
    real = "" if code == 0 else words(said)
    tool = [str(VENV / "bin" / "fluxlit-secrets"), "synth", "--stack", "dev", "--out", str(out)]
    done = subprocess.run(tool, cwd=cli.cwd, env=cli.env, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0:
        assert done.returncode == 2, done.stderr
        offline = done.stderr
    cli.extra_env = {}
    return offline, real


@pytest.mark.parametrize("case", sorted(CASES))
def test_typed_config_gets_one_verdict_from_both_engines(typed: Pulumi, case: str) -> None:
    block, config, expected = CASES[case]
    offline, real = verdicts(typed, block, config)
    if expected is None:
        assert not offline and not real, (offline, real)
    else:
        assert expected in real, real[-2000:]
        assert expected in offline and offline.count("\n") == 1, offline


def test_a_wrong_passphrase_is_refused_by_both(typed: Pulumi) -> None:
    offline, real = verdicts(
        typed, "", "  ledger-app:anything: {secure: SEAL:x}", {"PULUMI_CONFIG_PASSPHRASE": "wrong"}
    )
    assert "incorrect passphrase" in real and "incorrect passphrase" in offline


WAITING = """\
import pulumi
from fluxlit_secrets import SecretLifecycle

SecretLifecycle("waits", {{"app": "waits", "namespace": "waits-{tag}", "disposable": True,
    "secrets": {{"jwt": {{"kind": "jwt-hs256"}}}},
    "deployments": {{"image": "ghcr.io/acme/waits:1.0.0", {deployments}}}}})
"""


@pytest.fixture
def unschedulable(api: client.ApiClient) -> Iterator[None]:
    """Every node cordoned: new pods stay Pending, as on a cluster that cannot run the image."""
    core = client.CoreV1Api(api)
    nodes = [n.metadata.name for n in core.list_node().items]
    for name in nodes:
        core.patch_node(name, {"spec": {"unschedulable": True}})
    try:
        yield
    finally:
        for name in nodes:
            core.patch_node(name, {"spec": {"unschedulable": False}})


def waits_stack(plane: ControlPlane, root: Path, tag: str, deployments: str) -> Pulumi:
    (root / "project").mkdir(parents=True)
    (root / "state").mkdir()
    (root / "project" / "Pulumi.yaml").write_text(HEAD)
    (root / "project" / "Pulumi.dev.yaml").write_text("config: {}\n")
    (root / "project" / "__main__.py").write_text(WAITING.format(tag=tag, deployments=deployments))
    cli = Pulumi(cwd=root / "project", plane=plane, stack="dev", backend=root / "state")
    cli.run("stack", "init", "dev", stack=False)
    return cli


def test_a_bounded_wait_fails_the_update_when_pods_never_run(
    plane: ControlPlane, unschedulable: None, tmp_path: Path
) -> None:
    """The provider gives up after the bound (not its 10 minutes), naming the Deployment."""
    cli = waits_stack(plane, tmp_path, "bounded", '"rollout_timeout_seconds": 20')
    synth = tmp_path / "synth"
    cli.tool("synth", "--stack", "dev", "--out", str(synth))
    resources = yaml.safe_load((synth / "resources.json").read_text())
    deployments = [r for r in resources if r["type"] == "kubernetes:apps/v1:Deployment"]
    assert deployments and all(
        r["options"]["customTimeouts"] == {"create": "20s", "update": "20s"} for r in deployments
    )
    started = time.monotonic()
    code, said = cli.attempt("up", "--yes", "--skip-preview")
    took = time.monotonic() - started
    assert code != 0 and "waits-gateway" in said, said[-3000:]
    assert took < 240, f"the bounded wait took {took:.0f} s"
    cli.run("destroy", "--yes", "--skip-preview")


def test_a_skipped_wait_deploys_at_once_and_the_api_server_holds_the_annotation(
    plane: ControlPlane, api: client.ApiClient, unschedulable: None, tmp_path: Path
) -> None:
    cli = waits_stack(plane, tmp_path, "skipped", '"await_rollout": False')
    cli.up()
    apps = client.AppsV1Api(api)
    for workload in ("gateway", "streamlit"):
        deployment = apps.read_namespaced_deployment(f"waits-{workload}", "waits-skipped")
        assert deployment.metadata.annotations.get("pulumi.com/skipAwait") == "true"
        assert not deployment.status.available_replicas  # no pod runs: nothing waited for them
    cli.run("destroy", "--yes", "--skip-preview")
