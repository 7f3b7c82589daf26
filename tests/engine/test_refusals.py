"""The offline plan refuses what the real engine refuses: conflicting aliases, deleting or
replacing a protected resource; and it keeps what `ignoreChanges` keeps (a secret's `length`)."""

from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine.plan import plan
from tests.e2e.plans import parse_rotate
from tests.engine.test_like_pulumi import TWO_CLUSTERS, app_project

LEDGER = """\
import pulumi
from fluxlit_secrets import SecretLifecycle

def ledger(name, namespace, secrets, opts=None):
    SecretLifecycle(name, {{"app": "ledger", "namespace": namespace, "secrets": secrets,
                          "deployments": {{"image": "ghcr.io/acme/ledger:1.0.0"}}}}, opts)

SECRETS = {{"jwt": {{"kind": "jwt-hs256", "length": {length}}}, "bff": {{"kind": "oidc-bff"}}}}
{body}
"""


def program(body: str, length: int = 64) -> str:
    return LEDGER.format(body=body, length=length)


def diff_after(tmp_path: Path, capsys, before: str, after: str) -> tuple[int, str]:
    """Synth `before` into a base, change the program to `after`, run `diff`: (exit code, stdout)."""
    (tmp_path / "p").mkdir()
    project = app_project(tmp_path / "p", before)
    assert main(["synth", "--stack", "dev", "--project-dir", str(project), "--out", str(tmp_path / "base")]) == 0
    (project / "__main__.py").write_text(after, encoding="utf-8")
    capsys.readouterr()
    code = main(["diff", "--stack", "dev", "--project-dir", str(project), "--base", str(tmp_path / "base")])
    return code, capsys.readouterr().out


def test_a_second_cluster_added_to_a_stack_only_creates(tmp_path: Path, capsys) -> None:
    one = program('ledger("ledger", "ledger", SECRETS)')
    two = program('ledger("ledger", "ledger", SECRETS)\nledger("ledger-west", "ledger-west", SECRETS)')
    code, out = diff_after(tmp_path, capsys, one, two)
    assert code == 0, out
    assert "refused" not in out
    assert "  replace: 0" in out and "  update: 0" in out and "  delete: 0" in out
    created = {name for action, _type, name in parse_rotate(out).changes if action == "create"}
    assert created and all(name.startswith("ledger-west") for name in created), created


def test_two_components_claiming_one_former_name_are_refused(tmp_path: Path, capsys) -> None:
    one = program('ledger("ledger", "ledger", SECRETS)')
    moved = 'pulumi.ResourceOptions(aliases=[pulumi.Alias(name="ledger")])'
    two = program(
        f'ledger("ledger-east", "ledger", SECRETS, {moved})\nledger("ledger-west", "ledger-west", SECRETS, {moved})'
    )
    code, out = diff_after(tmp_path, capsys, one, two)
    assert code == 1
    lifecycle = "urn:pulumi:dev::ledger-app::fluxlit-secrets:index:SecretLifecycle"
    assert f"  refused: Duplicate resource alias '{lifecycle}::ledger' applied to resource with URN" in out
    assert "conflicting with resource with URN" in out


def test_an_alias_to_a_resource_still_registered_is_refused(tmp_path: Path, capsys) -> None:
    one = program('ledger("ledger", "ledger", SECRETS)')
    moved = 'pulumi.ResourceOptions(aliases=[pulumi.Alias(name="ledger")])'
    two = program(f'ledger("ledger", "ledger", SECRETS)\nledger("ledger-west", "ledger-west", SECRETS, {moved})')
    code, out = diff_after(tmp_path, capsys, one, two)
    assert code == 1
    assert (
        "  refused: Duplicate resource URN 'urn:pulumi:dev::ledger-app::fluxlit-secrets:index:SecretLifecycle::ledger'"
        " conflicting with alias on resource with URN "
        "'urn:pulumi:dev::ledger-app::fluxlit-secrets:index:SecretLifecycle::ledger-west'"
    ) in out


def test_removing_a_secret_of_a_protected_stack_is_refused_with_the_way_out(tmp_path: Path, capsys) -> None:
    one = program('ledger("ledger", "ledger", SECRETS)')
    two = program('del SECRETS["bff"]\nledger("ledger", "ledger", SECRETS)')
    code, out = diff_after(tmp_path, capsys, one, two)
    assert code == 1
    refused = [line for line in out.splitlines() if line.startswith("  refused:")]
    assert refused and all("cannot be deleted because it is protected" in line for line in refused)
    assert all("bff" in line for line in refused)
    unprotect = [line for line in out.splitlines() if "way out: pulumi state unprotect --stack dev --yes" in line]
    assert len(unprotect) == len(refused)
    assert "then `pulumi up` deletes them from the stack; retained where they live:" in out


def test_removing_a_secret_of_a_disposable_stack_plans_the_deletes(tmp_path: Path, capsys) -> None:
    one = program('ledger("ledger", "ledger", SECRETS)').replace(
        '"namespace": namespace,', '"namespace": namespace, "disposable": True,'
    )
    two = one.replace('ledger("ledger", "ledger", SECRETS)', 'del SECRETS["bff"]\nledger("ledger", "ledger", SECRETS)')
    code, out = diff_after(tmp_path, capsys, one, two)
    assert code == 0, out
    assert "refused" not in out and "  delete: 0" not in out


@pytest.mark.parametrize("disposable", [False, True], ids=["protected", "disposable"])
def test_a_new_length_keeps_the_current_value_and_says_when_it_applies(
    tmp_path: Path, capsys, disposable: bool
) -> None:
    one = program('ledger("ledger", "ledger", SECRETS)', length=64)
    if disposable:
        one = one.replace('"namespace": namespace,', '"namespace": namespace, "disposable": True,')
    two = one.replace('"length": 64', '"length": 96')
    code, out = diff_after(tmp_path, capsys, one, two)
    assert code == 0, out
    assert "restart: none" in out and all(f"  {a}: 0" in out for a in ("create", "replace", "update", "delete"))
    assert "  note: ledger-jwt-g1: length changed; kept as it is (applies to new resources only)" in out


def test_a_protected_replacement_is_refused() -> None:
    urn = "urn:pulumi:dev::p::random:index/randomId:RandomId::v"
    old = {
        "urn": urn,
        "type": "random:index/randomId:RandomId",
        "name": "v",
        "custom": True,
        "id": "1",
        "inputs": {"byteLength": 8},
        "options": {"protect": True},
    }
    new = {**old, "inputs": {"byteLength": 16}}
    (refusal,) = plan([old], [new]).refusals
    assert refusal.message == f'unable to replace resource "{urn}" as it is currently marked for protection'
    assert plan([old], [{**new, "options": {"protect": False}}]).refusals == []


def test_two_apps_in_one_namespace_are_refused_before_up_fails(tmp_path: Path, capsys) -> None:
    """Two Namespaces of one name: the preview passes, `pulumi up` fails with AlreadyExists."""
    two = program('ledger("ledger", "shared", SECRETS)\nledger("billing", "shared", SECRETS)').replace(
        '"app": "ledger"', '"app": name'
    )
    project = app_project(tmp_path, two)
    assert main(["synth", "--stack", "dev", "--project-dir", str(project), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: two resources create the Kubernetes object Namespace shared on one cluster (")
    assert "AlreadyExists" in err and err.count("\n") == 1


def test_one_object_name_on_two_clusters_is_not_a_collision(tmp_path: Path) -> None:
    # TWO_CLUSTERS: one app, so one namespace name, on each of two clusters.
    assert main(["synth", "--stack", "dev", "--project-dir", str(app_project(tmp_path, TWO_CLUSTERS))]) == 0
