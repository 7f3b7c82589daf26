"""The CLI never loses or corrupts a file, never writes where it should not, and answers every
filesystem or input problem with exit 2 and one line naming the path once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine import files

ROTATED = "generation: 2"


def one_line(err: str, *, naming: str = "") -> str:
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and "Error:" not in err.split(":", 2)[-1][:30]
    if naming:
        assert err.count(naming) == 1, err
    return err


def run(project: Path, *argv: str) -> list[str]:
    return [*argv, "--project-dir", str(project)]


# ---------------------------------------------------------------- stack-file writes


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(project: Path, monkeypatch, capsys) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    before = path.read_bytes()

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    assert main(run(project, "rotate", "--stack", "dev", "jwt")) == 2
    one_line(capsys.readouterr().err, naming=str(path))
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_write_keeps_the_file_mode(project: Path) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    path.chmod(0o640)
    assert main(run(project, "rotate", "--stack", "dev", "jwt")) == 0
    assert path.stat().st_mode & 0o777 == 0o640 and "generation: 2" in path.read_text()


def test_a_read_only_or_symlinked_stack_file_is_refused(project: Path, tmp_path: Path, capsys) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    path.chmod(0o444)  # read-only on purpose, even for root
    before = path.read_bytes()
    assert main(run(project, "rotate", "--stack", "dev", "jwt")) == 2
    assert "read-only" in one_line(capsys.readouterr().err, naming=str(path))
    assert path.read_bytes() == before


def test_a_symlinked_stack_file_is_refused_and_its_target_untouched(project: Path, tmp_path: Path, capsys) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    target = tmp_path / "elsewhere.yaml"
    target.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(target)
    before = target.read_bytes()
    assert main(run(project, "rotate", "--stack", "dev", "jwt")) == 2
    assert "symbolic link" in one_line(capsys.readouterr().err, naming=str(path))
    assert target.read_bytes() == before


def _rotate_process(project: Path, secret: str) -> subprocess.Popen[bytes]:
    code = "import sys; from fluxlit_secrets.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "rotate", "--stack", "dev", secret, "--project-dir", str(project)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_rotations_at_once_both_land(project: Path) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    first, second = _rotate_process(project, "jwt"), _rotate_process(project, "bff")
    assert first.wait(120) == 0 and second.wait(120) == 0
    text = path.read_text()
    assert text.count("generation: 2") == 2 and text.count("rotatedAt") == 2


@pytest.mark.parametrize("delay", [0.5, 1.5, 2.5])
def test_a_terminated_rotation_leaves_the_old_file_or_the_new_one(project: Path, delay: float) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    before = path.read_text()
    proc = _rotate_process(project, "jwt")
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(120)
    after = path.read_text()
    assert after == before or (ROTATED in after and after.count("rotatedAt") == 1)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if code != 0:
        assert code in (130, -signal.SIGTERM) and (code < 0 or err.count("\n") == 1), err
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


# ---------------------------------------------------------------- hostile YAML


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (BOMB, "aliases"),
        ("config: &x\n  fluxlit-secrets:secrets: *x\n", "aliases"),
        ("config:\n  k: " + "[" * 3000 + "]" * 3000 + "\n", "nested deeper"),
        ("config:\n  fluxlit-secrets:app: " + "x" * (300 * 1024) + "\n", "larger than"),
        (
            "config:\n  fluxlit-secrets:secrets: {jwt: {kind: jwt-hs256, generation: " + "9" * 4301 + "}}\n",
            "out of range",
        ),
        ("config:\n  fluxlit-secrets:secrets: {jwt: {kind: jwt-hs256, rotatedAt: 0000-01-01}}\n", "out of range"),
    ],
    ids=["billion-laughs", "alias", "deep-nesting", "large-file", "huge-number", "year-zero"],
)
@pytest.mark.parametrize("command", ["synth", "check", "rotate", "diff"])
def test_hostile_yaml_is_refused_in_one_line_within_a_second(
    project: Path, tmp_path: Path, capsys, command: str, text: str, words: str
) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    path.write_text(text, encoding="utf-8")
    extra = {"rotate": ["jwt"], "diff": ["--base", str(tmp_path)], "synth": ["--out", str(tmp_path / "o")]}
    (tmp_path / "resources.json").write_text("[]")
    start = time.perf_counter()
    code = main(run(project, command, "--stack", "dev", *extra.get(command, [])))
    assert time.perf_counter() - start < 1.0
    assert code == 2
    assert words in one_line(capsys.readouterr().err, naming=str(path))


# ---------------------------------------------------------------- synth outputs


def test_out_that_is_a_symlink_is_refused(project: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "target"
    target.mkdir()
    out = tmp_path / "out"
    out.symlink_to(target)
    assert main(run(project, "synth", "--stack", "dev", "--out", str(out))) == 2
    one_line(capsys.readouterr().err, naming=str(out))
    assert list(target.iterdir()) == []


def test_a_symlink_inside_out_is_never_written_through(project: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    (out / "resources.json").symlink_to(victim)
    assert main(run(project, "synth", "--stack", "dev", "--out", str(out))) == 0
    assert victim.read_text() == "keep me"
    assert not (out / "resources.json").is_symlink()


@pytest.mark.parametrize("shape", ["file", "under-a-file", "read-only"])
def test_unusable_out_folders_are_one_line(project: Path, tmp_path: Path, capsys, shape: str) -> None:
    out = tmp_path / "out"
    if shape == "file":
        out.write_text("x")
    elif shape == "under-a-file":
        (tmp_path / "f").write_text("x")
        out = tmp_path / "f" / "out"
    else:
        out.mkdir()
        out.chmod(0o555)
    assert main(run(project, "synth", "--stack", "dev", "--out", str(out))) == 2
    one_line(capsys.readouterr().err)


def test_a_folder_where_a_file_goes_leaves_no_complete_looking_set(project: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(run(project, "synth", "--stack", "dev", "--out", str(out))) == 0
    (out / "manifests.yaml").unlink()
    (out / "manifests.yaml").mkdir()
    assert main(run(project, "synth", "--stack", "dev", "--out", str(out))) == 2
    one_line(capsys.readouterr().err)
    assert not (out / "resources.json").exists()


def test_a_refused_synth_removes_the_previous_outputs(project: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(run(project, "synth", "--stack", "dev", "--out", str(out))) == 0
    path = project / "stacks" / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("generation: 1", "generation: 0", 1))
    assert main(run(project, "synth", "--stack", "dev", "--out", str(out))) == 2
    assert [p.name for p in out.iterdir()] == []


# ---------------------------------------------------------------- names and messages


def test_a_stack_name_cannot_reach_outside_the_stack_folder(project: Path, tmp_path: Path, capsys) -> None:
    outside = project.parent / "Pulumi.outside.yaml"
    outside.write_text("config: [unclosed\n")
    assert main(run(project, "synth", "--stack", "../../outside")) == 2
    assert "is not a stack name" in one_line(capsys.readouterr().err)


def test_an_error_names_the_stack_file_once(project: Path, capsys) -> None:
    path = project / "stacks" / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("generation: 1", "generation: 0", 1))
    assert main(run(project, "check", "--stack", "dev")) == 2
    assert "stacks/Pulumi.dev.yaml" in one_line(capsys.readouterr().err)


def test_diff_against_a_missing_base_names_the_base(project: Path, tmp_path: Path, capsys) -> None:
    base = tmp_path / "nonexistent"
    assert main(run(project, "diff", "--stack", "dev", "--base", str(base))) == 2
    err = one_line(capsys.readouterr().err, naming=str(base))
    assert "synth" in err and "Pulumi.dev.yaml" not in err


def test_an_interrupted_command_is_one_line_and_exit_130(project: Path, monkeypatch, capsys) -> None:
    from fluxlit_secrets.engine import synth

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(synth, "run_stack", interrupted)
    assert main(run(project, "synth", "--stack", "dev")) == 130
    one_line(capsys.readouterr().err)


def test_a_rotation_leaves_no_lock_file(project: Path) -> None:
    proc = _rotate_process(project, "jwt")
    assert proc.wait(120) == 0
    assert sorted(p.name for p in (project / "stacks").iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("command", ["synth", "check"])
def test_a_reader_that_stops_early_ends_it_quietly_as_a_unix_tool(project: Path, command: str) -> None:
    # `fluxlit-secrets synth ... | head -1`: the reader is gone before the output ends; the command
    # says nothing and ends by SIGPIPE, as `yes | head -1` ends `yes` (status 141 in a shell). The
    # read end is closed before the command writes, so every write finds it gone.
    code = "from fluxlit_secrets.cli import entry; entry()"
    argv = [sys.executable, "-c", code, command, "--stack", "dev", "--project-dir", str(project)]
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(argv, stdout=write, stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(write)
    assert done.returncode == -signal.SIGPIPE and done.stderr == b""


def _tree(root: Path) -> dict[str, int]:
    """Every file under `root`, with its modification time (ns)."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("argv", "asked_for"),
    [
        (["synth", "--stack", "dev", "--out", "{out}"], set()),
        (["check", "--stack", "dev"], set()),
        (["rotate", "--stack", "dev", "jwt", "--dry-run"], set()),
        (["rotate", "--stack", "dev", "jwt"], {"stacks/Pulumi.dev.yaml"}),
        (["diff", "--stack", "dev", "--base", "{out}"], set()),
    ],
    ids=["synth", "check", "rotate-dry-run", "rotate", "diff"],
)
def test_no_command_leaves_a_file_the_user_did_not_ask_for(
    project: Path, tmp_path: Path, argv: list[str], asked_for: set[str]
) -> None:
    """The project's tree after each subcommand: the same files, but the one a rotation edits (no
    lock file, no bytecode cache, no temporary file); synth writes only where --out says."""
    out = tmp_path / "synth-out"
    assert main(["synth", "--stack", "dev", "--out", str(out), "--project-dir", str(project)]) == 0
    before = _tree(project)
    code = main([a.replace("{out}", str(out)) for a in argv] + ["--project-dir", str(project)])
    assert code in (0, 1)
    after = _tree(project)
    assert set(after) == set(before), set(after) ^ set(before)
    assert {name for name in after if after[name] != before[name]} == asked_for
