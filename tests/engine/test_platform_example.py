"""examples/platform offline: three apps, one on two clusters from one value of record; the docs'
claims about its plans, report, ages and refusals hold (`make e2e` runs it on two control planes)."""

import shutil
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from tests.conftest import ROOT
from tests.e2e.plans import parse_rotate


@pytest.fixture
def platform(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "examples" / "platform", tmp_path / "platform"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_shows_each_app_and_each_cluster(platform: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "synth", "--stack", "dev", "--project-dir", str(platform), "--out", str(platform / "o"))
    assert code == 0, err
    report = (platform / "o" / "report.md").read_text()
    assert [line for line in report.splitlines() if line.startswith("### ")] == [
        "### billing",
        "### ledger",
        "### shop",
        "### shop-west",
    ]
    assert "| east | Deployment | 6 |" in report and "| west | Deployment | 2 |" in report


def test_rotating_shops_jwt_rolls_its_gateways_on_both_clusters_only(
    platform: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "rotate", "--stack", "dev", "--project-dir", str(platform), "shop/jwt")
    assert code == 0, err
    printed = parse_rotate(out)
    assert printed.restart == {
        "shop/shop-gateway@east": "new versions: jwt",
        "shop/shop-gateway@west": "new versions: jwt",
    }
    assert len(printed.stay) == 6
    assert "jwt:\n      kind: jwt-hs256\n      generation: 2" in (platform / "stacks" / "Pulumi.dev.yaml").read_text()
    code, _, err = run(capsys, "rotate", "--stack", "dev", "--project-dir", str(platform), "jwt")
    assert code == 2 and "'jwt' is declared by 3 apps (billing/jwt, ledger/jwt, shop/jwt)" in err


def test_check_passes_and_reports_each_value_once(platform: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--stack", "dev", "--project-dir", str(platform))
    assert code == 0, out
    ages = sorted(line.split("secret-age  ")[1].split(":")[0] for line in out.splitlines() if "secret-age" in line)
    assert ages == [
        "billing/api-token",
        "billing/jwt",
        "ledger/api-token",
        "ledger/jwt",
        "shop/jwt",
        "shop/reports-token",
    ]
