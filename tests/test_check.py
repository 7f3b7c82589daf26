"""`fluxlit-secrets check`: every stack passes; a program that breaks a mandatory rule exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_the_pack_builds_its_policies_from_the_same_rules() -> None:
    text = (ROOT / "policies" / "__main__.py").read_text()
    assert "from fluxlit_secrets.policy.crossguard import policies" in text
    assert "PolicyPack(" in text
    config = (ROOT / "policies" / "PulumiPolicy.yaml").read_text()
    assert "runtime:" in config and "python" in config
