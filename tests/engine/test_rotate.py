"""rotate, diff and check: exact restart plans, byte-preserving stack edits, secret ages."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine.plan import plan
from fluxlit_secrets.engine.rotate import rotate
from fluxlit_secrets.engine.stackfile import bump_generations
from fluxlit_secrets.model.age import age_findings
from tests.conftest import ROOT, base_config, parse_app

STACK_FILES = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
TODAY = dt.date(2026, 11, 27)


def test_dry_run_names_exactly_the_consumers_and_writes_nothing(project: Path, capsys) -> None:
    before = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    assert main(["rotate", "--stack", "dev", "jwt", "--dry-run", "--project-dir", str(project)]) == 0
    out = capsys.readouterr().out
    assert (project / "stacks" / "Pulumi.dev.yaml").read_text() == before
    restart = out.split("restart:")[1].split("stay:")[0]
    # Named as `kubectl rollout status deployment/<name> -n <namespace>` needs them.
    assert "admin-portal-dev/admin-portal-gateway [admin-portal/gateway]" in restart and "streamlit" not in restart
    assert "stay:    admin-portal-dev/admin-portal-streamlit [admin-portal/streamlit]" in out
    assert "dry run: nothing written" in out


@pytest.mark.parametrize(
    ("secret", "restarts", "stays"),
    [
        ("jwt", ["gateway"], ["streamlit"]),
        ("bff", ["gateway"], ["streamlit"]),
        ("reports-token", ["gateway", "streamlit"], []),
    ],
)
def test_the_plan_restarts_exactly_the_consumers(project: Path, secret: str, restarts, stays) -> None:
    result = rotate(project, "dev", [secret], dry_run=True, today=TODAY)
    assert [w.role for w, _, _ in result.plan.restart] == restarts
    assert [w.role for w in result.plan.stay] == stays
    for _, was, now in result.plan.restart:
        assert f"{secret}=1" in was and f"{secret}=2" in now


def test_several_secrets_give_one_restart_per_consumer(project: Path) -> None:
    result = rotate(project, "dev", ["jwt", "bff", "reports-token"], dry_run=True, today=TODAY)
    assert [w.role for w, _, _ in result.plan.restart] == ["gateway", "streamlit"]
    (_, _, gateway_after), _ = result.plan.restart
    assert "bff=2" in gateway_after and "jwt=2" in gateway_after and "reports-token=2" in gateway_after


def test_rotate_writes_only_the_generation_and_date_lines(project: Path, capsys) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    before = path.read_text()
    assert main(["rotate", "--stack", "dev", "jwt", "--project-dir", str(project)]) == 0
    after = path.read_text()
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("- ", "+ ")]
    assert changed == [
        "-       generation: 1",
        "+       generation: 2",
        # Quoted: unquoted, the Pulumi CLI would hand the program `2026-12-03 00:00:00 +0000 UTC`.
        f'+       rotatedAt: "{dt.date.today().isoformat()}"',
    ]
    assert main(["rotate", "--stack", "dev", "jwt", "--project-dir", str(project)]) == 0
    assert "generation: 3" in path.read_text() and path.read_text().count("rotatedAt") == 1


EVERY_STACK_FILE = sorted(
    {*STACK_FILES, *(ROOT / "tests").rglob("Pulumi.*.yaml"), *(ROOT / "examples").rglob("Pulumi.*.yaml")}
)


def _generated(text: str) -> list[str]:
    from ruamel.yaml import YAML

    try:
        config = (YAML(typ="safe", pure=True).load(text) or {}).get("config") or {}
        secrets = config.get("fluxlit-secrets:secrets") or config.get("secrets") or {}
        return [n for n, s in secrets.items() if isinstance(s, dict) and s.get("kind") in ("jwt-hs256", "oidc-bff")]
    except Exception:
        return []


@pytest.mark.parametrize("ending", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.name)
def test_a_rotation_changes_only_the_rotated_lines_in_either_line_ending(path: Path, ending: str) -> None:
    text = path.read_text().replace("\n", ending)
    names = _generated(text)
    assert names, "every sample stack has a generated secret"
    new = bump_generations(text, names, TODAY)
    old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
    assert all(line.endswith(ending) for line in new_lines), "no line ending changed"
    changed = [ln for ln in new_lines if ln not in old_lines] + [ln for ln in old_lines if ln not in new_lines]
    assert changed and all(re.search(r"\b(generation|rotatedAt):", ln) for ln in changed)
    assert bump_generations(text, [], TODAY) == text


@pytest.mark.parametrize("path", EVERY_STACK_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_stack_file_round_trips_byte_for_byte(path: Path) -> None:
    for ending in ("\n", "\r\n"):
        text = path.read_text(encoding="utf-8").replace("\n", ending)
        assert bump_generations(text, [], TODAY) == text
        names = _generated(text)
        if names:
            new = bump_generations(text, names, TODAY)
            assert new.count(ending) >= text.count(ending)


def test_a_file_without_a_final_newline_keeps_it_so() -> None:
    text = "config:\n  fluxlit-secrets:secrets:\n    jwt:\n      kind: jwt-hs256"
    assert bump_generations(text, ["jwt"], TODAY) == (
        "config:\n  fluxlit-secrets:secrets:\n    jwt:\n      kind: jwt-hs256\n"
        '      generation: 2\n      rotatedAt: "2026-11-27"'
    )


def test_a_flow_style_entry_stays_flow_style() -> None:
    text = "config:\n  fluxlit-secrets:secrets:\n    jwt: {kind: jwt-hs256}  # the key\n"
    assert bump_generations(text, ["jwt"], TODAY) == (
        "config:\n  fluxlit-secrets:secrets:\n"
        '    jwt: {kind: jwt-hs256, generation: 2, rotatedAt: "2026-11-27"}  # the key\n'
    )


def test_config_secret_prints_the_command_and_writes_nothing(project: Path, capsys) -> None:
    before = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    assert main(["rotate", "--stack", "dev", "oidc", "--project-dir", str(project)]) == 0
    out = capsys.readouterr().out
    assert "pulumi config set --secret --stack dev oidcClientSecret '<new value>'" in out
    assert (project / "stacks" / "Pulumi.dev.yaml").read_text() == before
    restart = out.split("restart:")[1].split("stay:")[0]
    assert "gateway" in restart and "streamlit" not in restart


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["rotate", "--stack", "dev", "jwtt"], ["jwtt", "did you mean 'jwt'"]),
        (["rotate", "--stack", "nope", "jwt"], ["nope", "stacks here"]),
    ],
)
def test_unknown_secret_or_stack_is_one_line(project: Path, argv, words, capsys) -> None:
    assert main([*argv, "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and all(w in err for w in words)


def test_diff_against_a_saved_synth(project: Path, tmp_path: Path, capsys) -> None:
    base = tmp_path / "base"
    assert main(["synth", "--stack", "dev", "--out", str(base), "--project-dir", str(project)]) == 0
    assert main(["diff", "--stack", "dev", "--base", str(base), "--project-dir", str(project)]) == 0
    out = capsys.readouterr().out
    assert "restart: none" in out and "create: 0" in out and "replace: 0" in out
    assert main(["rotate", "--stack", "dev", "reports-token", "--project-dir", str(project)]) == 0
    capsys.readouterr()
    assert main(["diff", "--stack", "dev", "--base", str(base), "--project-dir", str(project)]) == 0
    out = capsys.readouterr().out
    restart = out.split("restart:")[1].split("stay:")[0]
    assert "gateway" in restart and "streamlit" in restart
    assert "admin-portal-reports-token-g2" in out


PARENT = "urn:pulumi:dev::p::fluxlit-secrets:index:SecretLifecycle$fluxlit-secrets:index:ManagedSecret::shop-jwt"
OLD_V1 = "urn:pulumi:dev::p::fluxlit-secrets:index:SecretLifecycle$fluxlit-secrets:index:ManagedSecret$" + (
    "gcp:secretmanager/secretVersion:SecretVersion::shop-jwt-v1"
)
MOVED_V1 = "urn:pulumi:dev::p::fluxlit-secrets:index:SecretLifecycle$fluxlit-secrets:index:RetiringVersion$" + (
    "gcp:secretmanager/secretVersion:SecretVersion::shop-jwt-retiring-v1"
)


def _moved(**inputs) -> dict:
    """shop-jwt-v1 as RetiringVersion's child, aliased to its old place under the ManagedSecret."""
    r = _r(MOVED_V1, "gcp:secretmanager/secretVersion:SecretVersion", **inputs)
    r["parent"] = "urn:pulumi:dev::p::fluxlit-secrets:index:SecretLifecycle$fluxlit-secrets:index:RetiringVersion::x"
    r["options"] = {"aliases": [f"shop-jwt-v1 parent:{PARENT}"]}
    return r


def _r(urn: str, type_: str = "kubernetes:core/v1:Secret", custom: bool = True, id_: str = "x", **inputs) -> dict:
    return {"urn": urn, "type": type_, "name": urn, "custom": custom, "id": id_, "inputs": inputs}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ([], [_r("a")], [("create", "a")]),
        ([_r("a")], [], [("delete", "a")]),
        ([_r("a", metadata={"name": "s-1"})], [_r("a", metadata={"name": "s-2"})], [("replace", "a")]),
        (
            [_r("a", metadata={"name": "s", "labels": {"x": "1"}})],
            [_r("a", metadata={"name": "s", "labels": {"x": "2"}})],
            [("update", "a")],
        ),
        (
            [_r("a", immutable=True, stringData={"K": "[secret]"})],
            [_r("a", immutable=True, stringData={"K": "[secret]", "L": "[secret]"})],
            [("replace", "a")],
        ),
        (
            [_r("v", "aws:secretsmanager/secretVersion:SecretVersion", id_="1", secretString="[secret]")],
            [_r("v", "aws:secretsmanager/secretVersion:SecretVersion", id_="2", secretString="[secret]")],
            [("replace", "v")],
        ),
        (
            [_r("p", "random:index/randomPassword:RandomPassword", keepers={"generation": "1"})],
            [_r("p", "random:index/randomPassword:RandomPassword", keepers={"generation": "2"})],
            [("replace", "p")],
        ),
        ([_r("a", metadata={"name": "s"})], [_r("a", metadata={"name": "s"})], []),
        # pulumi-kubernetes' defaults: enableSecretMutable and enableConfigMapMutable are false.
        ([_r("a", stringData={"K": "1"})], [_r("a", stringData={"K": "2"})], [("replace", "a")]),
        ([_r("a", type="Opaque")], [_r("a", type="kubernetes.io/tls")], [("replace", "a")]),
        (
            [_r("a", "kubernetes:core/v1:ConfigMap", data={"K": "1"})],
            [_r("a", "kubernetes:core/v1:ConfigMap", data={"K": "2"})],
            [("replace", "a")],
        ),
        (
            [_r("a", "kubernetes:core/v1:ConfigMap", data={"K": "1"}, metadata={"labels": {"x": "1"}})],
            [_r("a", "kubernetes:core/v1:ConfigMap", data={"K": "1"}, metadata={"labels": {"x": "2"}})],
            [("update", "a")],
        ),
        (
            [_r("d", "kubernetes:apps/v1:Deployment", spec={"selector": {"matchLabels": {"a": "1"}}})],
            [_r("d", "kubernetes:apps/v1:Deployment", spec={"selector": {"matchLabels": {"a": "2"}}})],
            [("replace", "d")],
        ),
        (
            [_r("d", "kubernetes:apps/v1:Deployment", spec={"replicas": 1})],
            [_r("d", "kubernetes:apps/v1:Deployment", spec={"replicas": 2})],
            [("update", "d")],
        ),
        (
            [_r("s", "kubernetes:core/v1:Service", spec={"clusterIP": "10.0.0.1"})],
            [_r("s", "kubernetes:core/v1:Service", spec={"clusterIP": "10.0.0.2"})],
            [("replace", "s")],
        ),
        (
            [_r("b", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", roleRef={"name": "a"})],
            [_r("b", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", roleRef={"name": "b"})],
            [("replace", "b")],
        ),
        (
            [_r("p", "kubernetes:apps/v1:DeploymentPatch", spec={"selector": {"matchLabels": {"a": "1"}}})],
            [_r("p", "kubernetes:apps/v1:DeploymentPatch", spec={"selector": {"matchLabels": {"a": "2"}}})],
            [("update", "p")],
        ),
        # An alias names the old resource: the engine moves it (no create, no delete).
        ([_r(OLD_V1, enabled=True)], [_moved(enabled=False)], [("update", MOVED_V1)]),
        ([_r(OLD_V1, enabled=True)], [_moved(enabled=True)], []),
    ],
)
def test_plan_classifies_changes_like_the_engine(before, after, expected) -> None:
    assert [(c.action, c.urn) for c in plan(before, after).changes] == expected


@pytest.mark.parametrize(
    ("rotated", "max_age", "expected"),
    [
        (None, None, [("never-rotated", False)]),
        (None, 90, [("never-rotated", False)]),
        ("2026-10-01", 90, []),
        ("2026-08-01", 90, [("overdue", True)]),
        ("2020-01-01", None, []),
    ],
)
def test_age_findings(rotated, max_age, expected) -> None:
    config = base_config()
    config["secrets"] = {
        "jwt": {
            "kind": "jwt-hs256",
            **({"rotatedAt": rotated} if rotated else {}),
            **({"maxAgeDays": max_age} if max_age else {}),
        }
    }
    spec = parse_app(config, environment="dev")
    assert [(f.kind, f.mandatory) for f in age_findings(spec, TODAY)] == expected


def test_check_exits_1_on_an_overdue_secret(project: Path, capsys) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    assert main(["check", "--stack", "dev", "--project-dir", str(project)]) == 0
    assert "never rotated" in capsys.readouterr().out
    path.write_text(
        path.read_text().replace(
            "kind: jwt-hs256\n      generation: 1",
            "kind: jwt-hs256\n      generation: 1\n      rotatedAt: 2020-01-01\n      maxAgeDays: 30",
        )
    )
    assert main(["check", "--stack", "dev", "--project-dir", str(project)]) == 1
    out = capsys.readouterr().out
    assert "mandatory  secret-age  admin-portal/jwt: last rotated 2020-01-01" in out


def test_resources_json_of_a_base_holds_ids(project: Path, tmp_path: Path) -> None:
    assert main(["synth", "--stack", "dev", "--out", str(tmp_path), "--project-dir", str(project)]) == 0
    assert all("id" in r for r in json.loads((tmp_path / "resources.json").read_text()))


def test_a_gcp_version_moving_to_its_retiring_component_is_not_deleted(project: Path) -> None:
    """Generation 2 -> 3: version 1 moves under the RetiringVersion by alias; the engine keeps it."""
    result = rotate(project, "csi-gcp", ["jwt"], dry_run=True, today=TODAY)
    assert result.plan.of("delete") == []
    updated = {c.name for c in result.plan.of("update")}
    assert "admin-portal-jwt-retiring-v1" in updated  # disabled in place, after the consumers rolled
    assert "admin-portal-jwt-retiring-v1" not in {c.name for c in result.plan.of("create")}


@pytest.mark.parametrize(
    ("stack", "secret"), [("dev", "jwt"), ("staging-aws", "jwt"), ("prod-gcp", "bff"), ("prod-azure", "jwt")]
)
def test_a_restart_names_secrets_never_version_ids(project: Path, capsys, stack: str, secret: str) -> None:
    """Ids a store computes exist only after `pulumi up`: the plan names what gets a new version."""
    assert main(["rotate", "--stack", stack, secret, "--dry-run", "--project-dir", str(project)]) == 0
    out = capsys.readouterr().out
    restart = out.split("  restart:\n")[1].split("  stay:")[0].splitlines()
    assert restart and all(line.endswith(f"/gateway]  new versions: {secret}") for line in restart), restart
