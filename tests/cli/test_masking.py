"""Masking by value: each secret value a run has seen, and its base64 forms, shows as `[secret]`
in every line the CLI prints, every file it writes and every property error the host returns,
whatever its shape (hex, UUID, a passphrase with spaces, a short word)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine import sdk
from fluxlit_secrets.model import masking
from fluxlit_secrets.model.masking import MASK, Masker

SHAPES = {
    "hex": "9f86d081884c7d659a2feaa0c55ad015",
    "uuid": "3f2b8c4e-1d7a-4e5b-9c0f-6a8d2e4b1c7f",
    "passphrase": "correct horse battery staple",
    "short-word": "swordfish",
    "tiny": "owl",
}


@pytest.fixture(autouse=True)
def fresh_mask() -> Iterator[None]:
    MASK.forget()
    yield
    MASK.forget()


def test_the_marker_is_the_sdks() -> None:
    assert (masking.SECRET_SIG_KEY, masking.SECRET_SIG) == (sdk.SECRET_SIG_KEY, sdk.SECRET_SIG)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_remembered_value_and_its_base64_are_masked_in_any_text(shape: str) -> None:
    value, masker = SHAPES[shape], Masker()
    masker.remember([value])
    encoded = base64.b64encode(value.encode()).decode()
    text = f"error: invalid literal {value!r}; b64 {encoded} url {base64.urlsafe_b64encode(value.encode()).decode()}"
    masked = masker.mask(text)
    assert value not in masked and encoded not in masked and encoded.rstrip("=") not in masked
    assert masked.startswith("error: invalid literal '[secret]'")


def test_the_longest_value_is_masked_whole() -> None:
    masker = Masker()
    masker.remember(["swordfish", "swordfish-and-chips"])
    assert masker.mask("x swordfish-and-chips y") == "x [secret] y"


PROGRAM = """\
import json
import pulumi
import pulumi_kubernetes as k8s

value = {value!r}
secret = k8s.core.v1.Secret(
    "app-secret",
    metadata={{"name": "app-secret", "namespace": "shop"}},
    string_data={{"token": pulumi.Output.secret(value)}},
)
# A careless program: the value again, in plain, in an output and in a ConfigMap.
pulumi.export("leaked", value)
k8s.core.v1.ConfigMap("settings", metadata={{"name": "settings", "namespace": "shop"}}, data={{"TOKEN": value}})
if pulumi.Config().get_bool("crash"):
    # The bug of issue 25: an apply that fails on the value prints it in its exception.
    secret.string_data.apply(lambda data: int(data["token"]))
"""


def _project(tmp_path: Path, value: str, *, crash: bool) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: careless\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(f"config:\n  careless:crash: {'true' if crash else 'false'}\n")
    (tmp_path / "__main__.py").write_text(PROGRAM.format(value=value))
    return tmp_path


def _everything_written(root: Path) -> str:
    return "\n".join(
        p.read_text() for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".json", ".yaml", ".md")
    )


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_synth_and_check_print_and_write_no_value_they_have_seen(tmp_path: Path, capsys, shape: str) -> None:
    value = SHAPES[shape]
    project = _project(tmp_path, value, crash=False)
    out_dir = tmp_path / "out"
    assert main(["synth", "--stack", "dev", "--project-dir", str(project), "--out", str(out_dir)]) == 0
    written = _everything_written(out_dir)
    assert "[secret]" in written and value not in written
    assert main(["check", "--stack", "dev", "--project-dir", str(project)]) == 1
    printed = capsys.readouterr()
    assert "no-copy-of-a-secret-value" in printed.out
    assert value not in printed.out + printed.err


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_program_error_on_the_value_is_masked(tmp_path: Path, capsys, shape: str) -> None:
    value = SHAPES[shape]
    project = _project(tmp_path, value, crash=True)
    assert main(["check", "--stack", "dev", "--project-dir", str(project)]) == 1
    err = capsys.readouterr().err
    assert "ValueError" in err and "[secret]" in err and value not in err
