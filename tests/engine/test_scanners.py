"""Real scanners on the rendered manifests of every stack: Checkov's Kubernetes checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fluxlit_secrets.engine.synth import synth
from tests.conftest import ROOT

STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
#: Checks we skip on purpose (the README lists them with the same reasons).
SKIPPED = {
    "CKV_K8S_43": "image digests: the image reference is the stack's own `deployments.image`; give one "
    "with @sha256 to pin it",
}
REQUIRED = ("CKV_K8S_35", "CKV_K8S_38", "CKV_K8S_21", "CKV_K8S_22")


def checkov() -> str:
    found = os.environ.get("CHECKOV") or shutil.which("checkov")
    local = ROOT / ".venv-tools" / "bin" / "checkov"
    if not found and local.exists():
        found = str(local)
    if not found:
        pytest.fail("Checkov is not installed: `make test` installs it into .venv-tools")
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out: dict[str, dict] = {}
    files = []
    for stack in STACKS:
        folder = tmp_path_factory.mktemp(stack)
        synth(ROOT, stack, folder)
        files.append(folder / "manifests.yaml")
    argv = [
        checkov(),
        "--framework",
        "kubernetes",
        "--skip-download",
        "--compact",
        "-o",
        "json",
        "--skip-check",
        ",".join(SKIPPED),
    ]
    for f in files:
        argv += ["-f", str(f)]
    done = subprocess.run(
        argv, check=False, capture_output=True, text=True, timeout=300, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    )
    data = json.loads(done.stdout)
    results = data if isinstance(data, list) else [data]
    for stack, file in zip(STACKS, files, strict=True):
        passed, failed = [], []
        for r in results:
            passed += [c for c in r["results"].get("passed_checks", []) if c.get("file_abs_path") == str(file)]
            failed += [c for c in r["results"].get("failed_checks", []) if c.get("file_abs_path") == str(file)]
        out[stack] = {"passed": passed, "failed": failed}
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_checkov_finds_nothing(stack: str, reports: dict[str, dict]) -> None:
    failed = [(c["check_id"], c["resource"]) for c in reports[stack]["failed"]]
    assert failed == []


@pytest.mark.parametrize("stack", STACKS)
def test_the_secret_checks_ran_and_passed(stack: str, reports: dict[str, dict]) -> None:
    passed = {c["check_id"] for c in reports[stack]["passed"]}
    assert set(REQUIRED) <= passed


def test_checkov_catches_env_secrets(tmp_path: Path) -> None:
    """The scanner itself is live: env delivery (a choice the stacks avoid) is reported."""
    from fluxlit_secrets.engine import render
    from tests.conftest import base_config, synth_config

    rec = synth_config(base_config())  # base_config delivers REPORTS_TOKEN to Streamlit as env
    manifest = tmp_path / "manifests.yaml"
    manifest.write_text(render.dump_yaml(render.manifests(rec)))
    done = subprocess.run(
        [
            checkov(),
            "--framework",
            "kubernetes",
            "--skip-download",
            "--quiet",
            "--compact",
            "-o",
            "json",
            "-f",
            str(manifest),
            "--check",
            "CKV_K8S_35",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    data = json.loads(done.stdout)
    data = data[0] if isinstance(data, list) else data
    assert [c["check_id"] for c in data["results"]["failed_checks"]] == ["CKV_K8S_35"]
