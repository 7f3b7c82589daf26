"""The CrossGuard pack through the real CLI (`pulumi preview --policy-pack policies`): the project's
stack and a clean app stack pass; each malicious addition to a deployed app stack makes the CLI
exit non-zero naming the policy and the resource."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from e2e.plane import ControlPlane
from tests.conftest import OIDC_VALUE, base_config
from tests.e2e.harness import REPO, VENV, Pulumi, copy_project
from tests.policy.test_attacks import ATTACKS, PROGRAM

pytestmark = pytest.mark.e2e

#: One violation line of the CLI's "Policies:" section: level, policy, (type: resource name); a
#: ConfigGroup's objects are named `<group>:<namespace>/<name>`.
VIOLATION = re.compile(r"^\s+- \[(mandatory|advisory)\]\s+(\S+)\s+\((\S+): (.+)\)$", re.M)
KUBERNETES_ATTACKS = {name: attack for name, attack in ATTACKS.items() if attack[0] == "kubernetes"}


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """policies/ of a copy of this checkout, with its virtualenv made as its README says."""
    repo = copy_project(REPO, tmp_path_factory.mktemp("checkout"))
    policies = repo / "policies"
    subprocess.run([sys.executable, "-m", "venv", str(policies / "venv")], check=True)
    subprocess.run(
        [str(policies / "venv" / "bin" / "pip"), "install", "--quiet", "-r", "requirements.txt"],
        cwd=policies,
        check=True,
        capture_output=True,
    )
    return policies


def preview(cli: Pulumi, pack: Path) -> tuple[int, str, list[tuple[str, str, str, str]]]:
    """`pulumi preview --policy-pack`: exit code, output, and every violation it lists."""
    argv = ["pulumi", "preview", "--policy-pack", str(pack), "--non-interactive", "--stack", cli.stack]
    done = subprocess.run(argv, cwd=cli.cwd, env=cli.env, capture_output=True, text=True, check=False, timeout=600)
    return done.returncode, done.stdout + done.stderr, VIOLATION.findall(done.stdout)


def test_the_projects_dev_stack_passes_the_pack(plane: ControlPlane, pack: Path, tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "project")
    (project / ".venv").symlink_to(VENV)
    (tmp_path / "state").mkdir()
    cli = Pulumi(cwd=project, plane=plane, stack="dev", backend=tmp_path / "state")
    cli.run("stack", "init", "dev", stack=False)
    code, said, violations = preview(cli, pack)
    assert code == 0, said
    assert [v for v in violations if v[0] == "mandatory"] == []
    # A new stack's delivery names wait for a config value's random id: the stack policies that
    # need them say so rather than pass (the README: gate a first deploy with `fluxlit-secrets check`).
    assert all(level == "advisory" for level, *_ in violations)


@pytest.fixture(scope="module")
def app_stack(plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Pulumi:
    """An app stack (the attack program with no addition) deployed, so its values are known."""
    work = tmp_path_factory.mktemp("attacks")
    project = work / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(f"name: shop\nruntime:\n  name: python\n  options:\n    virtualenv: {VENV}\n")
    config = {f"fluxlit-secrets:{key}": value for key, value in base_config().items()}
    # The pack on its own: with the app's admission policy on, the API server refuses most of these
    # additions in the preview's dry run, before the stack policies run (tests/e2e/test_admission.py).
    config["fluxlit-secrets:admission"] = {"enabled": False, "reason": "the pack's own test"}
    (project / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": config}))
    (project / "__main__.py").write_text(PROGRAM)
    (work / "state").mkdir()
    cli = Pulumi(cwd=project, plane=plane, stack="dev", backend=work / "state")
    cli.run("stack", "init", "dev", stack=False)
    cli.run("config", "set", "--secret", "fluxlit-secrets:oidcClientSecret", OIDC_VALUE)
    cli.up()
    return cli


def test_a_clean_app_stack_passes_the_pack(app_stack: Pulumi, pack: Path) -> None:
    (app_stack.cwd / "__main__.py").write_text(PROGRAM)
    code, said, violations = preview(app_stack, pack)
    assert code == 0, said
    # Its values known, every policy ran: nothing mandatory, the FluxLit reminder, and the report that
    # this stack switched its admission policy off.
    assert {(level, rule) for level, rule, *_ in violations} == {
        ("advisory", "fluxlit-reads-its-secret-files"),
        ("advisory", "admission-policy-on"),
    }


def test_the_attacks_through_the_cli_are_at_least_ten() -> None:
    assert len(KUBERNETES_ATTACKS) >= 10


@pytest.mark.parametrize(("name", "attack"), KUBERNETES_ATTACKS.items(), ids=list(KUBERNETES_ATTACKS))
def test_each_malicious_addition_fails_the_preview_naming_policy_and_resource(
    app_stack: Pulumi, pack: Path, name: str, attack: tuple[str, str, str]
) -> None:
    _, addition, rule = attack
    (app_stack.cwd / "__main__.py").write_text(PROGRAM + addition + "\n")
    code, said, violations = preview(app_stack, pack)
    assert code != 0, f"{name}: the preview passed:\n{said[-3000:]}"
    added = set(re.findall(r'(?:pod|k8s(?:\.\w+)+)\("([^"]+)"', addition))
    hits = [v for v in violations if v[0] == "mandatory" and v[1] == rule]
    assert hits, f"{name}: no mandatory {rule} in:\n{said[-3000:]}"
    # A ConfigGroup's objects are its children, named `<namespace>/<name>` after the object.
    named = {resource.rsplit("/", 1)[-1] for *_, resource in hits} | {resource for *_, resource in hits}
    assert named & added, f"{name}: {rule} names {hits}, not one of {added}"
