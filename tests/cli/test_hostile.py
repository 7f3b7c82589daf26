"""The hostile-input corpus: every case exits 2 with one line naming the key, no secret, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.model.secretish import redact_text
from tests.conftest import ROOT

CORPUS = sorted((Path(__file__).parents[1] / "hostile").glob("*.yaml"))
SECRET = "HOSTILE-Secret-Value-9f2Kq7Lm3Xz8Wv4Tb6"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    (root / "stacks").mkdir()
    return root


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 60


@pytest.mark.parametrize("case", CORPUS, ids=lambda p: p.stem)
def test_hostile_stack_is_refused_in_one_line(case: Path, project: Path, capsys) -> None:
    text = case.read_text(encoding="utf-8")
    expected = text.splitlines()[0].removeprefix("# expect: ")
    (project / "stacks" / "Pulumi.hostile.yaml").write_text(text, encoding="utf-8")
    code = main(["synth", "--stack", "hostile", "--project-dir", str(project), "--out", str(project / "out")])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expected in err
    assert "Traceback" not in err
    assert SECRET not in err and SECRET not in out
    assert redact_text(err) == err, "nothing secret-looking is echoed, not even a key"


#: Secret shapes that entropy alone does not catch.
SHAPES = ["3f2b8c4e-1d7a-4e5b-9c0f-6a8d2e4b1c7f", "9f86d081884c7d659a2feaa0c55ad015", "correct horse battery staple"]
#: The corpus cases that paste a secret into a key, with each shape; a lowercase UUID or hex run is
#: a valid app name (a DNS-1123 label), so that case takes the passphrase only.
PASTED = [
    (case, shape)
    for case in CORPUS
    if SECRET in case.read_text(encoding="utf-8")
    for shape in SHAPES
    if case.stem != "app-is-a-secret" or " " in shape
]


@pytest.mark.parametrize(("case", "shape"), PASTED, ids=[f"{c.stem}-{s[:8]}" for c, s in PASTED])
def test_a_secret_of_any_shape_pasted_into_a_key_is_not_echoed(case: Path, shape: str, project: Path, capsys) -> None:
    """A UUID, hex digits or a passphrase where the corpus pastes a token: refused, never echoed."""
    text = case.read_text(encoding="utf-8").replace(SECRET, shape)
    (project / "stacks" / "Pulumi.hostile.yaml").write_text(text, encoding="utf-8")
    code = main(["synth", "--stack", "hostile", "--project-dir", str(project), "--out", str(project / "out")])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1
    assert shape not in err and shape not in out


@pytest.mark.parametrize("runtime", ["yaml", "nodejs", "go", "dotnet", "{name: java}"])
@pytest.mark.parametrize("command", [["synth"], ["check"], ["rotate", "jwt"], ["diff", "--base", "x"]])
def test_a_program_in_another_language_is_refused_in_one_line_with_what_works(
    tmp_path: Path, capsys, runtime: str, command: list[str]
) -> None:
    (tmp_path / "Pulumi.yaml").write_text(f"name: app\nruntime: {runtime}\n")
    assert main([command[0], "--stack", "dev", "--project-dir", str(tmp_path), *command[1:]]) == 2
    err = capsys.readouterr().err
    name = runtime.removeprefix("{name: ").rstrip("}")
    assert err.count("\n") == 1 and f"a {name} program: the offline commands run Python programs only" in err
    assert "fluxlit-secrets check --state state.json" in err
