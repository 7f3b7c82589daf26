"""A project of several apps, and one app on two clusters: plans, rotations, ages, findings and the
report name each app (its component) and, where the program spans clusters, each cluster."""

import json
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from tests.e2e.plans import parse_rotate

PROGRAM = """\
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets import SecretLifecycle, stack_args

args = stack_args()
SecretLifecycle(args.app, args)
for app in ("billing", "ledger"):
    SecretLifecycle(app, {{"app": app, "disposable": True,
        "secrets": {{"jwt": {{"kind": "jwt-hs256"}},
                    f"{{app}}-token": {{"kind": "opaque", "generation": {generations}[app],
                                       "consumers": {{"streamlit": {{"as": "file", "name": "TOKEN"}}}}}}}},
        "deployments": {{"image": f"ghcr.io/acme/{{app}}:1.0.0"}}}})
"""
STACK_FILE = """\
config:
  fluxlit-secrets:app: shop
  fluxlit-secrets:disposable: true
  fluxlit-secrets:deployments:
    image: ghcr.io/acme/shop:1.0.0
  fluxlit-secrets:secrets:
    jwt:
      kind: jwt-hs256
      generation: 1
    reports-token:
      kind: opaque
      generation: 1
      consumers:
        streamlit:
          as: file
          name: REPORTS_TOKEN
"""
TWO_CLUSTERS = """\
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets import SecretLifecycle, stack_args

args = stack_args()
for region in ("east", "west"):
    cluster = k8s.Provider(f"{region}", context=f"shop-{region}",
                           kubeconfig="users:\\n- user:\\n    token: kubeconfig-token-of-{region}")
    SecretLifecycle(f"shop-{region}", args, pulumi.ResourceOptions(provider=cluster))
"""


def project(root: Path, program: str = PROGRAM.format(generations={"billing": 1, "ledger": 1})) -> Path:
    (root / "Pulumi.yaml").write_text("name: platform\nruntime: python\n", encoding="utf-8")
    (root / "__main__.py").write_text(program, encoding="utf-8")
    (root / "Pulumi.dev.yaml").write_text(STACK_FILE, encoding="utf-8")
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_rotation_restarts_its_own_apps_deployments_and_names_every_other_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    code, out, _ = run(capsys, "rotate", "--stack", "dev", "--project-dir", str(root), "--dry-run", "shop/jwt")
    assert code == 0, out
    printed = parse_rotate(out)
    assert printed.restart == {"shop/shop-gateway": "new versions: jwt"}
    assert sorted(printed.stay) == [
        "billing/billing-gateway",
        "billing/billing-streamlit",
        "ledger/ledger-gateway",
        "ledger/ledger-streamlit",
        "shop/shop-streamlit",
    ]
    assert "billing/billing-streamlit [billing/streamlit]" in out and "[shop/gateway]" in out


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ("jwt", "rotate: 'jwt' is declared by 3 apps (billing/jwt, ledger/jwt, shop/jwt); name one as APP/SECRET"),
        ("billing/jwt", 'rotate: billing/jwt is declared in code (SecretLifecycle "billing"), not in Pulumi.dev.yaml'),
        ("billing-token", 'rotate: billing/billing-token is declared in code (SecretLifecycle "billing")'),
        ("shop/billing-token", "rotate: no secret 'shop/billing-token' in the program"),
        ("payments", "rotate: no secret 'payments' in the program; secrets: billing/billing-token, billing/jwt,"),
    ],
)
def test_rotate_picks_one_app_or_says_which_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], asked: str, said: str
) -> None:
    root = project(tmp_path)
    before = (root / "Pulumi.dev.yaml").read_text()
    code, _, err = run(capsys, "rotate", "--stack", "dev", "--project-dir", str(root), asked)
    assert code == 2 and err.startswith(f"error: {said}") and err.count("\n") == 1, err
    assert (root / "Pulumi.dev.yaml").read_text() == before


def test_an_unambiguous_secret_rotates_by_its_name_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    code, out, _ = run(capsys, "rotate", "--stack", "dev", "--project-dir", str(root), "reports-token")
    assert code == 0, out
    assert parse_rotate(out).restart == {"shop/shop-streamlit": "new versions: reports-token"}
    assert "reports-token:\n      kind: opaque\n      generation: 2" in (root / "Pulumi.dev.yaml").read_text()


def test_a_code_change_of_one_app_restarts_only_that_apps_consumer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    assert run(capsys, "synth", "--stack", "dev", "--project-dir", str(root), "--out", str(tmp_path / "base"))[0] == 0
    (root / "__main__.py").write_text(PROGRAM.format(generations={"billing": 2, "ledger": 1}))
    code, out, _ = run(capsys, "diff", "--stack", "dev", "--project-dir", str(root), "--base", str(tmp_path / "base"))
    assert code == 0, out
    printed = parse_rotate(out)
    assert printed.restart == {"billing/billing-streamlit": "new versions: billing-token"}
    assert len(printed.stay) == len(set(printed.stay)) == 5


def test_ages_and_findings_name_their_app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    _, out, _ = run(capsys, "check", "--stack", "dev", "--project-dir", str(root))
    ages = sorted(line.split("secret-age  ", 1)[1] for line in out.splitlines() if "secret-age" in line)
    assert ages == [
        f"{app}/{secret}: never rotated"
        for app, secret in [
            ("billing", "billing-token"),
            ("billing", "jwt"),
            ("ledger", "jwt"),
            ("ledger", "ledger-token"),
            ("shop", "jwt"),
            ("shop", "reports-token"),
        ]
    ]
    findings = [line for line in out.splitlines() if "Deployment billing-workloads-gateway" in line]
    assert findings and all("billing-workloads-gateway [billing]:" in line for line in findings)


def test_the_report_and_summary_are_per_app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    code, out, _ = run(capsys, "synth", "--stack", "dev", "--project-dir", str(root), "--out", str(tmp_path / "o"))
    assert code == 0
    report = (tmp_path / "o" / "report.md").read_text()
    assert [line for line in report.splitlines() if line.startswith("### ")] == [
        "### billing",
        "### ledger",
        "### shop",
    ]
    assert report.count("```mermaid") == 3
    triggers = [line for line in report.splitlines() if line.startswith("| ") and "`" in line and "/" in line]
    assert {line.split(" | ")[0].removeprefix("| ") for line in triggers} == {"billing", "ledger", "shop"}
    assert "| billing | gateway | billing/billing-gateway | `jwt=1` |" in report
    assert "  billing  billing-token  -> streamlit" in out and "  shop     reports-token  -> streamlit" in out


def test_one_app_on_two_clusters_is_placed_and_rotated_on_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, TWO_CLUSTERS)
    code, out, _ = run(capsys, "synth", "--stack", "dev", "--project-dir", str(root), "--out", str(tmp_path / "o"))
    assert code == 0
    resources = json.loads((tmp_path / "o" / "resources.json").read_text())
    placed = {(r["name"], json.dumps(r["provider"])) for r in resources if r["type"].endswith("Deployment")}
    assert placed == {
        (f"shop-{region}-workloads-{w}", json.dumps({"type": "kubernetes", "name": region}))
        for region in ("east", "west")
        for w in ("gateway", "streamlit")
    }
    assert all(r["provider"] is None for r in resources if not r["custom"] or r["type"].startswith("pulumi:providers"))
    everything = "".join(p.read_text() for p in (tmp_path / "o").iterdir())
    assert "kubeconfig-token-of" not in everything  # a provider's credentials are never written
    assert "| east | Deployment | 2 |" in report_of(tmp_path) and "| west | Deployment | 2 |" in report_of(tmp_path)
    code, out, _ = run(capsys, "rotate", "--stack", "dev", "--project-dir", str(root), "--dry-run", "jwt")
    assert code == 0, out
    restart = [line.strip() for line in out.splitlines() if "new versions: jwt" in line]
    assert restart == [
        "shop/shop-gateway [shop-east/gateway@east]  new versions: jwt",
        "shop/shop-gateway [shop-west/gateway@west]  new versions: jwt",
    ]
    printed = parse_rotate(out)
    assert set(printed.restart) == {"shop/shop-gateway@east", "shop/shop-gateway@west"}
    assert sorted(printed.stay) == ["shop/shop-streamlit@east", "shop/shop-streamlit@west"]


def report_of(tmp_path: Path) -> str:
    return (tmp_path / "o" / "report.md").read_text()
