"""App stacks are first-class: programs of app teams, with secrets in their stack file (read by
stack_args()) or in code, their own Deployments and dependencies, through synth, check, rotate, diff."""

import datetime as dt
import textwrap
from pathlib import Path

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine.check import evaluate, resources_of
from fluxlit_secrets.engine.run import run_stack

DEPLOYMENT = """
def deploy(lifecycle, workload="gateway", merge=True, namespace=True):
    fragment = lifecycle.pod_fragments.apply(lambda f: f[workload])
    base = {"metadata": {"labels": {"app": "shop"}}, "spec": {"containers": [
        {"name": "c", "image": "ghcr.io/acme/shop:1", "command": ["uvicorn", "fluxlit.runtime:create_gateway_app"]}]}}
    if merge:
        template = fragment.apply(lambda f: merge_pod_template(f, base))
    else:  # the old README snippet: no labels, no security context, no namespace from the fragment
        template = {"metadata": {"labels": {"app": "shop"}}, "spec": {
            "serviceAccountName": fragment.apply(lambda f: f["serviceAccountName"]),
            "automountServiceAccountToken": False,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
            "containers": [{"name": "c", "image": "ghcr.io/acme/shop:1",
                            "volumeMounts": fragment.apply(lambda f: f["volumeMounts"])}],
            "volumes": fragment.apply(lambda f: f["volumes"])}}
    meta = {"name": "shop-gateway"}
    if namespace:
        meta["namespace"] = fragment.apply(lambda f: f["namespace"])
    k8s.apps.v1.Deployment("shop-gateway", metadata=meta,
                           spec={"selector": {"matchLabels": {"app": "shop"}}, "template": template})
"""
HEAD = "import pulumi\nimport pulumi_kubernetes as k8s\nfrom fluxlit_secrets import SecretLifecycle, merge_pod_template, stack_args\n"

FROM_STACK_FILE = (
    HEAD + DEPLOYMENT + "\nargs = stack_args()\nlifecycle = SecretLifecycle(args.app, args)\ndeploy(lifecycle)\n"
)
STACK_FILE = """\
config:
  fluxlit-secrets:app: shop
  fluxlit-secrets:disposable: true
  fluxlit-secrets:secrets:
    jwt:
      kind: jwt-hs256
      generation: 1
"""


def app(tmp_path: Path, program: str, stack_file: str = "config: {}\n", pulumi_yaml: str = "") -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\n" + pulumi_yaml, encoding="utf-8")
    (tmp_path / "__main__.py").write_text(program, encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_file, encoding="utf-8")
    return tmp_path


def code_declared(rotated_at: str, max_age: int) -> str:
    return (
        HEAD
        + DEPLOYMENT
        + textwrap.dedent(
            f"""
        lifecycle = SecretLifecycle("shop", {{"app": "shop", "disposable": True, "secrets": {{
            "jwt": {{"kind": "jwt-hs256", "rotated_at": "{rotated_at}", "max_age_days": {max_age}}}}}}})
        deploy(lifecycle)
        """
        )
    )


def test_an_app_stack_declared_in_its_stack_file_synths_checks_rotates_and_diffs(tmp_path: Path, capsys) -> None:
    (tmp_path / "p").mkdir()
    project = app(tmp_path / "p", FROM_STACK_FILE, STACK_FILE)
    argv = ["--stack", "dev", "--project-dir", str(project)]
    assert main(["synth", *argv, "--out", str(tmp_path / "base")]) == 0
    assert main(["check", *argv]) == 0
    assert main(["rotate", *argv, "jwt"]) == 0
    assert "generation: 2" in (project / "Pulumi.dev.yaml").read_text()
    capsys.readouterr()
    assert main(["diff", *argv, "--base", str(tmp_path / "base")]) == 0
    assert "shop/shop-gateway [shop/gateway]" in capsys.readouterr().out


def test_the_stack_program_parses_its_config_once(monkeypatch) -> None:
    import importlib

    from tests.conftest import ROOT

    stack_args = importlib.import_module("fluxlit_secrets.components.stack_args")
    lifecycle = importlib.import_module("fluxlit_secrets.components.lifecycle_value")

    calls = {"config": 0, "args": 0}
    config, args = stack_args.stack_model, lifecycle.parse_args

    def count_config(*a, **k):  # type: ignore[no-untyped-def]
        calls["config"] += 1
        return config(*a, **k)

    def count_args(*a, **k):  # type: ignore[no-untyped-def]
        calls["args"] += 1
        return args(*a, **k)

    monkeypatch.setattr(stack_args, "stack_model", count_config)
    monkeypatch.setattr(lifecycle, "parse_args", count_args)
    run_stack(ROOT, "dev")
    assert calls == {"config": 1, "args": 0}


def test_secrets_declared_in_code_rotate_says_which_arg_to_bump(tmp_path: Path, capsys) -> None:
    project = app(tmp_path, code_declared("2026-01-01", 90))
    assert main(["rotate", "--stack", "dev", "jwt", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert 'declared in code (SecretLifecycle "shop")' in err and "secrets.jwt.generation" in err


def test_check_reads_ages_from_component_args(tmp_path: Path, capsys) -> None:
    old = (dt.date.today() - dt.timedelta(days=695)).isoformat()
    project = app(tmp_path, code_declared(old, 90))
    assert main(["check", "--stack", "dev", "--project-dir", str(project)]) == 1
    out = capsys.readouterr().out
    assert "mandatory  secret-age  shop/jwt: last rotated" in out and "695 days ago" in out


def test_check_flags_plaintext_secret_looking_config(tmp_path: Path, capsys) -> None:
    stack_file = "config:\n  shop:paymentsKey: sk_live_0123456789abcdefghijklmnop\n"
    project = app(tmp_path, code_declared(dt.date.today().isoformat(), 90), stack_file)
    assert main(["check", "--stack", "dev", "--project-dir", str(project)]) == 1
    assert "mandatory  plaintext-config  shop:paymentsKey" in capsys.readouterr().out


def test_a_pod_merged_with_its_fragment_passes_and_the_old_snippet_does_not(tmp_path: Path) -> None:
    merged = (
        app(tmp_path / "a", code_declared(dt.date.today().isoformat(), 90))
        if (tmp_path / "a").mkdir() is None
        else None
    )
    rules = {v.rule for v in evaluate(resources_of(run_stack(merged, "dev"))) if v.level == "mandatory"}
    assert rules == set()
    (tmp_path / "b").mkdir()
    program = code_declared(dt.date.today().isoformat(), 90).replace(
        "deploy(lifecycle)", "deploy(lifecycle, merge=False, namespace=False)"
    )
    old = app(tmp_path / "b", program)
    rules = {v.rule for v in evaluate(resources_of(run_stack(old, "dev"))) if v.level == "mandatory"}
    assert {
        "no-default-namespace",
        "pod-namespace-matches-its-secrets",
        "secret-files-readable-by-the-pod-user",
    } <= rules


def test_a_program_imports_from_the_project_virtualenv(tmp_path: Path) -> None:
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (site / "shop_settings.py").write_text("NAMESPACE = 'shop'\n")
    program = "import shop_settings\n" + code_declared(dt.date.today().isoformat(), 90)
    project = app(tmp_path, program, pulumi_yaml="runtime:\n  name: python\n  options:\n    virtualenv: .venv\n")
    (project / "Pulumi.yaml").write_text(
        "name: shop\nruntime:\n  name: python\n  options:\n    virtualenv: .venv\n", encoding="utf-8"
    )
    assert run_stack(project, "dev").of_type("fluxlit-secrets:index:SecretLifecycle")
