"""`rotate` and `diff`: a rotation's restart plan, computed by synthesizing before and after."""

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fluxlit_secrets.engine import render
from fluxlit_secrets.engine.check import declared_secrets, disposable_note
from fluxlit_secrets.engine.files import check_writable, exclusive, replace_atomically
from fluxlit_secrets.engine.mocks import ProviderMocks
from fluxlit_secrets.engine.plan import Plan, format_plan, plan
from fluxlit_secrets.engine.project import Project, ProjectError, load_project, load_stack_config
from fluxlit_secrets.engine.run import run_stack
from fluxlit_secrets.engine.stackfile import bump_generations
from fluxlit_secrets.engine.stackmodel import model_of
from fluxlit_secrets.engine.yamlfile import read_text
from fluxlit_secrets.errors import did_you_mean


@dataclass(frozen=True, kw_only=True)
class RotateResult:
    """The plan, whether the stack file was written, and the commands left to the user."""

    plan: Plan
    text: str
    written: bool
    commands: list[str]


def _resources(
    project_dir: str | Path,
    stack: str,
    mocks: ProviderMocks,
    *,
    stack_text: str | None = None,
    overrides: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    rec = run_stack(project_dir, stack, mocks=mocks, stack_text=stack_text, config_overrides=overrides)
    return render.resources_json(rec)


def rotate(
    project_dir: str | Path, stack: str, secrets: list[str], *, dry_run: bool, today: _dt.date | None = None
) -> RotateResult:
    """Bump generated secrets (one write), plan config-sourced ones, and say what restarts."""
    today = today or _dt.date.today()
    project = load_project(project_dir)
    path = project.stack_file(stack)
    if dry_run:
        return _rotate(project_dir, project, stack, path=path, secrets=secrets, today=today, write=False)
    check_writable(path)
    with exclusive(path):  # read, plan and write under one lock: a concurrent rotation waits, then re-reads
        return _rotate(project_dir, project, stack, path=path, secrets=secrets, today=today, write=True)


@dataclass(frozen=True, kw_only=True)
class Declared:
    """One secret of one app in the program, and where it is declared (a stack file, or code)."""

    app: str
    secret: str
    declared_in: str

    @property
    def in_code(self) -> bool:
        """Declared in the program's args (else in the stack file, which `rotate` edits)."""
        return self.declared_in == "code"

    @property
    def shown(self) -> str:
        """`app/secret`, as `rotate` takes it and `check` names it."""
        return f"{self.app}/{self.secret}"


def _label(project: Project, path: Path) -> str:
    """The stack file as the user knows it (`stacks/Pulumi.dev.yaml`)."""
    return str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)


def _choose(declared: list[Declared], asked: str, stack_file: str) -> Declared:
    # A program reads one stack file (the stack's own): any `declaredIn` but "code" is that file.
    """The secret `asked` names: `APP/SECRET`, or `SECRET` when one app holds it or every app that
    holds it shares the stack file's one value of record; else a one-line error listing candidates."""
    app, _, secret = asked.rpartition("/")
    holders = [d for d in declared if d.secret == secret and (not app or d.app == app)]
    every = ", ".join(d.shown for d in declared) or "none"
    if not holders:
        names = sorted({d.shown for d in declared} | {d.secret for d in declared})
        raise ProjectError(f"rotate: no secret {asked!r} in the program{did_you_mean(asked, names)}; secrets: {every}")
    if len(holders) > 1 and any(d.in_code for d in holders):
        raise ProjectError(
            f"rotate: {secret!r} is declared by {len(holders)} apps ({', '.join(d.shown for d in holders)}); "
            f"name one as APP/SECRET, e.g. `rotate {holders[0].shown}`"
        )
    chosen = holders[0]
    if chosen.in_code:
        raise ProjectError(
            f'rotate: {chosen.shown} is declared in code (SecretLifecycle "{chosen.app}"), not in {stack_file}: '
            f"raise its `secrets.{secret}.generation` arg in the program, run `fluxlit-secrets diff` against a "
            "saved synth to see what restarts, then `pulumi up`"
        )
    return chosen


def _rotate(
    project_dir: str | Path,
    project: Project,
    stack: str,
    *,
    path: Path,
    secrets: list[str],
    today: _dt.date,
    write: bool,
) -> RotateResult:
    text = read_text(path)
    config = load_stack_config(project, stack, text)
    spec = model_of(config, stack, str(path))
    # One process runs both: the second run's mocks compare each resource's values with the first's
    # in memory, so a changed secret gives new ids there, as a provider's would, and nothing is saved.
    earlier = ProviderMocks()
    first = run_stack(project_dir, stack, mocks=earlier, stack_text=text)
    # A replica (`valuesFrom`) delivers its source's values: rotating its secret rotates the source's.
    declared = [
        Declared(
            app=str(entry.get("valuesFrom") or app), secret=name, declared_in=str(entry.get("declaredIn") or "code")
        )
        for app, name, entry in declared_secrets(first)
    ]
    declared = list(dict.fromkeys(declared))
    names = list(dict.fromkeys(_choose(declared, asked, _label(project, path)).secret for asked in secrets))
    assert spec is not None  # a secret declared in the stack file: the file holds a model
    chosen = [spec.secret(n) for n in names]
    generated = [s.name for s in chosen if s.source == "generated"]
    configured = [s for s in chosen if s.source == "config"]
    new_text = bump_generations(text, generated, today) if generated else text
    overrides = {s.config_key: f"(a new value for {s.config_key})" for s in configured if s.config_key}
    before = render.resources_json(first)
    after = _resources(project_dir, stack, ProviderMocks(earlier=earlier), stack_text=new_text, overrides=overrides)
    commands = []
    for s in configured:
        key = s.config_key or ""
        short = key.split(":", 1)[1] if key.startswith(f"{project.name}:") else key
        commands.append(f"pulumi config set --secret --stack {stack} {short} '<new value>'")
    planned = plan(before, after)
    written = bool(generated) and write and not planned.refusals  # a plan the engine refuses is not written
    if written:
        replace_atomically(path, new_text)
    return RotateResult(plan=planned, text=new_text, written=written, commands=commands)


def diff(project_dir: str | Path, stack: str, base: str | Path) -> Plan:
    """The plan from a saved synth output (its resources.json) to the current program."""
    load_project(project_dir)  # a project that cannot run offline is refused before its base is read
    base_file = Path(base) / "resources.json"
    if not base_file.is_file():
        raise ProjectError(
            f"{base}: holds no resources.json; run `fluxlit-secrets synth --stack {stack} --out` with this folder first"
        )
    try:
        before = json.loads(read_text(base_file))
    except ValueError:
        before = None
    if not isinstance(before, list):
        raise ProjectError(f"{base_file}: is not a synth output; run `fluxlit-secrets synth` into that folder again")
    rec = run_stack(project_dir, stack)
    result = plan(before, render.resources_json(rec), values_compared=False)
    note = disposable_note(rec)
    result.notes += [note] if note else []
    return result


__all__ = ["RotateResult", "diff", "format_plan", "rotate"]
