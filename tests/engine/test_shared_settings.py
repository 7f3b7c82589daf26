"""One spelling for settings shared between apps: a code app takes the stack file's cloud block as it
is (`stack_args().cloud`), validated again under its own settings, errors naming the stack file."""

import json
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from tests.engine.test_like_pulumi import app_project

STACK = (
    '"fluxlit-secrets:app": shop, "fluxlit-secrets:store": aws, "fluxlit-secrets:aws": {'
    '"region": "eu-west-1", "identity": "pod-identity", "clusterName": "platform-eu", '
    '"accountId": "111122223333", "recoveryWindowInDays": %s}, "fluxlit-secrets:disposable": true, '
    '"fluxlit-secrets:secrets": {"jwt": {"kind": "jwt-hs256"}}'
)
PROGRAM = """\
from fluxlit_secrets import SecretLifecycle, stack_args

shop = stack_args()
SecretLifecycle(shop.app, shop)
SecretLifecycle("billing", {{"app": "billing", "store": "{store}", "{store}": shop.cloud, {extra}
                             "secrets": {{"jwt": {{"kind": "jwt-hs256"}}}}}})
"""


def synth(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["synth", "--stack", "dev", "--project-dir", str(root), "--out", str(root / "out")])
    return code, capsys.readouterr().err


def test_a_code_app_takes_the_stack_files_aws_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = app_project(tmp_path, PROGRAM.format(store="aws", extra='"disposable": True,'), STACK % 30)
    code, err = synth(root, capsys)
    assert code == 0, err
    resources = json.loads((root / "out" / "resources.json").read_text())
    associations = {
        r["inputs"]["serviceAccount"]: r["inputs"]["clusterName"]
        for r in resources
        if r["type"] == "aws:eks/podIdentityAssociation:PodIdentityAssociation"
    }
    assert associations == {"shop-gateway": "platform-eu", "billing-gateway": "platform-eu"}
    names = sorted(r["inputs"]["name"] for r in resources if r["type"] == "aws:secretsmanager/secret:Secret")
    assert len(names) == 2 and names[0] != names[1] and all(n.startswith("fluxlit/") for n in names), names


def test_the_shared_aws_block_is_checked_again_for_the_app_that_takes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Recovery window 0 is for disposable stacks: the shop app is, billing is not."""
    root = app_project(tmp_path, PROGRAM.format(store="aws", extra=""), STACK % 0)
    code, err = synth(root, capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: Pulumi.dev.yaml: fluxlit-secrets:aws.recoveryWindowInDays: 0 deletes a secret"), err


def test_an_aws_block_given_as_gcp_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = app_project(tmp_path, PROGRAM.format(store="gcp", extra='"disposable": True,'), STACK % 30)
    code, err = synth(root, capsys)
    assert code == 2 and err.count("\n") == 1
    assert 'SecretLifecycle "billing": gcp: is the aws block of Pulumi.dev.yaml' in err, err
