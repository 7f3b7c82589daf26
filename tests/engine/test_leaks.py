"""Leak scan: with known values, no secret value appears anywhere a person or a log can see."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine import ProviderMocks, run_stack
from fluxlit_secrets.engine.mocks import unwrap
from tests.conftest import ROOT

STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
#: A plaintext for the secure config value, as `pulumi up` would decrypt it (synth never does).
DECRYPTED = "Decrypted-OIDC-Client-Secret-4b8f0d2e9c"


def known_values(stack: str) -> set[str]:
    """Every value the default mocks generate for this stack, and its config secrets."""
    mocks = ProviderMocks()
    rec = run_stack(ROOT, stack, mocks=mocks)
    values = set(mocks.handed_out.values()) | {rec.config.values[k] for k in rec.config.secret_keys}
    assert values
    return values


@pytest.mark.parametrize("stack", STACKS)
def test_no_value_in_files_stdout_or_stderr(stack: str, tmp_path: Path, capsys) -> None:
    values = known_values(stack)
    for argv in (["synth", "--out", str(tmp_path)], ["check"]):
        main([*argv, "--stack", stack, "--project-dir", str(ROOT)])
        out, err = capsys.readouterr()
        for value in values:
            assert value not in out and value not in err
    for name in ("resources.json", "manifests.yaml", "report.md"):
        text = (tmp_path / name).read_text()
        assert not any(value in text for value in values), name


@pytest.mark.parametrize("stack", STACKS)
def test_no_value_in_names_labels_or_annotations(stack: str) -> None:
    mocks = ProviderMocks()
    rec = run_stack(
        ROOT, stack, mocks=mocks, config_overrides={k: DECRYPTED for k in ("fluxlit-secrets:oidcClientSecret",)}
    )
    values = set(mocks.handed_out.values()) | {DECRYPTED}
    for r in rec.registrations:
        inputs = unwrap(r.inputs)
        seen = [r.name, r.urn, r.id]
        for meta in (
            inputs.get("metadata") or {},
            ((inputs.get("spec") or {}).get("template") or {}).get("metadata") or {},
        ):
            seen += [
                json.dumps(meta.get("labels") or {}),
                json.dumps(meta.get("annotations") or {}),
                str(meta.get("name")),
            ]
        seen += [json.dumps(inputs.get("tags") or {}), json.dumps(inputs.get("labels") or {})]
        text = "\n".join(seen)
        assert not any(value in text for value in values), f"{r.type} {r.name}"


def test_an_exception_in_a_program_does_not_carry_values(tmp_path: Path, capsys) -> None:
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", project)
    (project / "stacks").mkdir()
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", project / "stacks")
    (project / "__main__.py").write_text(
        "import pulumi\n"
        "value = pulumi.Config('fluxlit-secrets').require_secret('oidcClientSecret')\n"
        "value.apply(lambda v: (_ for _ in ()).throw(RuntimeError('failed')))\n"
    )
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError" in err and "Traceback" not in err
    ciphertext = (project / "stacks" / "Pulumi.dev.yaml").read_text().split("secure: ")[1].split()[0]
    assert ciphertext not in err
