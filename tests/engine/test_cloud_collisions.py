"""One app on two clusters must not create one cloud object twice: the engine refuses a program whose
resources share a name a cloud keys objects by (a Secrets Manager name, an IAM role, a GCP secret,
a Key Vault), naming both resources; a component per cluster with its own environment passes."""

import re
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from tests.conftest import ROOT
from tests.engine.test_like_pulumi import app_project

SAME = """\
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets import SecretLifecycle, stack_args

shared = stack_args()
for region in ("east", "west"):
    cluster = k8s.Provider(region, context=f"ledger-{{region}}")
    SecretLifecycle(f"ledger-{{region}}", {args}, pulumi.ResourceOptions(provider=cluster))
"""
OWN_ENVIRONMENT = (
    '{"app": "ledger", "environment": f"dev-{region}", "store": shared.model.store, '
    'shared.model.store: shared.cloud, "secrets": {"jwt": {"kind": "jwt-hs256"}}}'
)
STACKS = {"aws": "staging-aws", "gcp": "prod-gcp", "azure": "prod-azure"}


def block(cloud: str) -> str:
    """The example stack file's settings block of `cloud`, under an app called ledger."""
    text = (ROOT / "stacks" / f"Pulumi.{STACKS[cloud]}.yaml").read_text()
    found = re.search(rf"^  fluxlit-secrets:{cloud}:\n(?:    .*\n)+", text, re.MULTILINE)
    assert found is not None
    head = f"  fluxlit-secrets:app: ledger\n  fluxlit-secrets:store: {cloud}\n"
    return "config:\n" + head + found.group(0) + "  fluxlit-secrets:secrets:\n    jwt:\n      kind: jwt-hs256\n"


def synth(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["synth", "--stack", "dev", "--project-dir", str(root), "--out", str(root / "out")])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("cloud", "first"),
    [("aws", "aws:iam/role:Role"), ("gcp", "gcp:secretmanager/secret:Secret"), ("azure", "azure-native:keyvault:")],
)
def test_one_app_given_twice_to_one_cloud_is_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cloud: str, first: str
) -> None:
    root = app_project(tmp_path, SAME.format(args="shared"))
    (root / "Pulumi.dev.yaml").write_text(block(cloud))
    code, err = synth(root, capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"error: two resources create the cloud object {first}"), err
    assert "::ledger-east-" in err and "::ledger-west-" in err and "own `environment`" in err


@pytest.mark.parametrize("cloud", ["aws", "gcp"])
def test_a_component_per_cluster_with_its_own_environment_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cloud: str
) -> None:
    root = app_project(tmp_path, SAME.format(args=OWN_ENVIRONMENT))
    (root / "Pulumi.dev.yaml").write_text(block(cloud))
    code, err = synth(root, capsys)
    assert code == 0, err


def test_an_azure_key_vault_name_is_global_so_two_components_cannot_each_create_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = app_project(tmp_path, SAME.format(args=OWN_ENVIRONMENT))
    (root / "Pulumi.dev.yaml").write_text(block("azure"))
    code, err = synth(root, capsys)
    assert code == 2 and "the cloud object azure-native:keyvault:Vault named kv-admin-portal-prod" in err, err
