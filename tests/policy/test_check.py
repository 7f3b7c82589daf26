"""`fluxlit-secrets check`: every stack passes; a program that breaks a mandatory rule exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fluxlit_secrets.cli import main
from tests.conftest import ROOT

STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))

BAD_PROGRAM = """
import pulumi_kubernetes as k8s

k8s.apps.v1.Deployment("api", metadata={"name": "api"}, spec={
    "selector": {"matchLabels": {"app": "api"}},
    "template": {
        "metadata": {"labels": {"app": "api", "app.kubernetes.io/component": "streamlit"}},
        "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:1",
                                 "env": [{"name": "API_TOKEN", "value": "hunter2-hunter2"},
                                         {"name": "FLUXLIT_JWT_HS256_SECRET", "valueFrom": {
                                             "secretKeyRef": {"name": "s", "key": "FLUXLIT_JWT_HS256_SECRET"}}}]}]},
    },
})
"""


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_check(stack: str, capsys) -> None:
    assert main(["check", "--stack", stack, "--project-dir", str(ROOT)]) == 0
    assert " 0 mandatory" in capsys.readouterr().out


def test_a_program_without_our_components_is_checked_too(tmp_path: Path, capsys) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: plain-app\nruntime: python\n")
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(BAD_PROGRAM)
    assert main(["check", "--stack", "prod", "--project-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    for rule in (
        "no-secret-literal-in-env",
        "no-default-namespace",
        "automount-token-off",
        "streamlit-no-gateway-secrets",
    ):
        assert f"mandatory  {rule}  kubernetes:apps/v1:Deployment api:" in out
    assert "hunter2" not in out


def test_the_pack_holds_one_policy_per_rule_with_its_level(monkeypatch) -> None:
    """Run policies/__main__.py as `pulumi up --policy-pack` would, catching the pack it builds."""
    import runpy

    import pulumi_policy

    from fluxlit_secrets.policy.rules import RULES

    built: dict = {}

    class Capture:
        def __init__(self, name: str, policies: list, **_: object) -> None:
            built.update(name=name, policies=policies)

    monkeypatch.setattr(pulumi_policy, "PolicyPack", Capture)
    runpy.run_path(str(ROOT / "policies" / "__main__.py"), run_name="__main__")
    assert built["name"] == "fluxlit-secrets"
    levels = {p.name: p.enforcement_level for p in built["policies"]}
    assert levels == {r.name: pulumi_policy.EnforcementLevel(r.level) for r in RULES}
    config = (ROOT / "policies" / "PulumiPolicy.yaml").read_text()
    assert "runtime:" in config and "python" in config


def test_check_and_diff_say_a_stack_is_disposable_and_what_loses_protection(tmp_path, capsys) -> None:
    assert main(["synth", "--stack", "dev", "--out", str(tmp_path / "base")]) == 0
    capsys.readouterr()
    main(["check", "--stack", "dev"])
    out = capsys.readouterr().out
    assert "advisory  disposable  stack dev is disposable: " in out and "`pulumi destroy`" in out
    assert main(["diff", "--stack", "dev", "--base", str(tmp_path / "base")]) == 0
    assert "note: stack dev is disposable" in capsys.readouterr().out
    main(["check", "--stack", "staging-aws"])
    assert "disposable" not in capsys.readouterr().out


@pytest.mark.parametrize("stack", STACKS)
def test_the_crossguard_pack_passes_every_stack(stack: str) -> None:
    """The pack's own policies (as `pulumi preview --policy-pack` runs them) on each stack, CSI ones too."""
    from pulumi_policy import PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs

    from fluxlit_secrets.engine.check import resources_of
    from fluxlit_secrets.engine.run import run_stack
    from fluxlit_secrets.policy.crossguard import policies
    from tests.policy.test_rules import opts

    resources = resources_of(run_stack(ROOT, stack))
    found: list[str] = []
    for policy in policies():
        if policy.enforcement_level.value != "mandatory":
            continue

        def report(message: str, urn: str | None = None, name: str = policy.name) -> None:
            found.append(f"{name}: {message}")

        if isinstance(policy, ResourceValidationPolicy):
            for r in resources:
                args = ResourceValidationArgs(r.type, dict(r.props), r.urn, r.name, opts(r.protect), None)
                policy.validate(args, report)
        else:
            stack_resources = [
                PolicyResource(r.type, dict(r.props), r.urn, r.name, opts(r.protect), None, None, [], {})
                for r in resources
            ]
            policy.validate(StackValidationArgs(stack_resources), report)
    assert found == []
    if stack.startswith("csi-"):
        assert any(r.type.endswith(":SecretProviderClass") for r in resources)


def test_the_pack_version_is_the_packages() -> None:
    from fluxlit_secrets.version import VERSION

    pack = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert pack["version"] == VERSION  # the CLI shows this version beside every violation
