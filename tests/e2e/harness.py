"""Drive the real Pulumi CLI in a copy of a project, against the local control plane.

A failing command fails the test with the engine's own diagnostics (what the CLI printed), not a
traceback of this harness.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from e2e.plane import ControlPlane

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv"
#: Generous: the kubernetes provider waits for Deployments to roll before it says an update is done.
COMMAND_TIMEOUT = 600
#: A proxy nobody listens on (port 9, discard): a download attempt fails at once instead of leaving the machine.
OFFLINE = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost,::1",
}


def copy_project(source: Path, target: Path) -> Path:
    """The project's files as git would check them out (no build/, no virtualenv), into target."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "."],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        rel = Path(raw.decode())
        if not (source / rel).is_file():
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, target / rel)
    return target


@dataclass
class Pulumi:
    """The CLI in one project folder, with the plane's environment and a backend of its own."""

    cwd: Path
    plane: ControlPlane
    stack: str
    backend: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    #: The virtualenv whose `fluxlit-secrets` command `tool()` runs (the project's own, for an app stack).
    venv: Path = VENV

    @property
    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PULUMI_", "KUBECONFIG", "VIRTUAL_ENV"))
        }
        env.update(self.plane.env())
        env["PULUMI_BACKEND_URL"] = f"file://{self.backend}"
        env["PATH"] = f"{self.plane.tool_set.bin}:{self.venv / 'bin'}:{env.get('PATH', '')}"
        env.update(self.extra_env)
        return env

    def run(
        self,
        *args: str,
        check: bool = True,
        stack: bool = True,
        timeout: int = COMMAND_TIMEOUT,
        registries: bool = False,
    ) -> str:
        """Run `pulumi ARGS` (with --stack and --non-interactive); return stdout, fail with the CLI's output.

        Unless `registries` (a command that installs packages from PyPI or npm), HTTP(S) goes to a
        closed loopback port: anything the CLI or a plugin tries to fetch from elsewhere fails loudly.
        """
        argv = ["pulumi", *args, "--non-interactive"]
        if stack:
            argv += ["--stack", self.stack]
        env = self.env if registries else {**self.env, **OFFLINE}
        done = subprocess.run(argv, check=False, cwd=self.cwd, env=env, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            said = f"{done.stdout[-6000:]}\n{done.stderr[-4000:]}"
            pytest.fail(f"`{' '.join(argv)}` exited {done.returncode} in {self.cwd}:\n{said}", pytrace=False)
        return done.stdout

    def attempt(self, *args: str, stack: bool = True) -> tuple[int, str]:
        """Run `pulumi ARGS` that may fail: its exit code and everything it printed."""
        argv = ["pulumi", *args, "--non-interactive", *(["--stack", self.stack] if stack else [])]
        env = {**self.env, **OFFLINE}
        done = subprocess.run(
            argv, check=False, cwd=self.cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
        return done.returncode, done.stdout + done.stderr

    def json(self, *args: str, stack: bool = True) -> Any:
        return json.loads(self.run(*args, "--json", stack=stack))

    def up(self) -> str:
        return self.run("up", "--yes", "--skip-preview", "--diff")

    def preview_steps(self) -> list[dict[str, Any]]:
        """The steps of `pulumi preview --json`."""
        steps: list[dict[str, Any]] = self.json("preview").get("steps", [])
        return steps

    def export(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.run("stack", "export"))
        return data

    def tool(self, *args: str, expect: int = 0) -> str:
        """The project's `fluxlit-secrets` command, with the same environment; it must exit `expect`."""
        argv = [str(self.venv / "bin" / "fluxlit-secrets"), *args]
        done = subprocess.run(
            argv, check=False, cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != expect:
            pytest.fail(f"`{' '.join(args)}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}", pytrace=False)
        return done.stdout


def python_program(work: Path, plane: ControlPlane, *, name: str, program: str) -> Pulumi:
    """A Python project `name` under `work`, running `program` in this checkout's virtualenv, with
    its stack `dev` initialised on a backend of its own."""
    (work / "project").mkdir()
    (work / "state").mkdir()
    head = f"name: {name}\nruntime:\n  name: python\n  options:\n    virtualenv: {VENV}\n"
    (work / "project" / "Pulumi.yaml").write_text(head)
    (work / "project" / "Pulumi.dev.yaml").write_text("config: {}\n")
    (work / "project" / "__main__.py").write_text(program)
    cli = Pulumi(cwd=work / "project", plane=plane, stack="dev", backend=work / "state")
    cli.run("stack", "init", "dev", stack=False)
    return cli
