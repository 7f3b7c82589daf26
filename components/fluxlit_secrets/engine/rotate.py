"""`rotate` and `diff`: a rotation's restart plan, computed by synthesizing before and after."""

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from fluxlit_secrets.engine import render
from fluxlit_secrets.engine.check import disposable_note
from fluxlit_secrets.engine.files import check_writable, exclusive, replace_atomically
from fluxlit_secrets.engine.mocks import ProviderMocks
from fluxlit_secrets.engine.plan import Plan, format_plan, plan
from fluxlit_secrets.engine.project import Project, ProjectError, load_project, load_stack_config
from fluxlit_secrets.engine.run import run_stack
from fluxlit_secrets.engine.stackfile import bump_generations
from fluxlit_secrets.engine.stackmodel import model_of
from fluxlit_secrets.engine.yamlfile import read_text
from fluxlit_secrets.errors import ConfigError, did_you_mean
from fluxlit_secrets.model.shape import NAMESPACE


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
    if spec is None:
        _refuse_code_declared(project_dir, stack, path, secrets=secrets)
    declared = [s.name for s in spec.secrets]
    for name in secrets:
        if name not in declared:
            raise ConfigError(
                f"{NAMESPACE}:secrets.{name}",
                f"is not declared{did_you_mean(name, declared)}",
                "declared secrets: " + ", ".join(declared),
            )
    chosen = [spec.secret(n) for n in dict.fromkeys(secrets)]
    generated = [s.name for s in chosen if s.source == "generated"]
    configured = [s for s in chosen if s.source == "config"]
    new_text = bump_generations(text, generated, today) if generated else text
    overrides = {s.config_key: f"(a new value for {s.config_key})" for s in configured if s.config_key}
    # One process runs both: the second run's mocks compare each resource's values with the first's
    # in memory, so a changed secret gives new ids there, as a provider's would, and nothing is saved.
    earlier = ProviderMocks()
    before = _resources(project_dir, stack, earlier, stack_text=text)
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


def _refuse_code_declared(project_dir: str | Path, stack: str, path: Path, *, secrets: list[str]) -> NoReturn:
    """The stack file declares no secrets: say where the program declares them, and what to change."""
    rec = run_stack(project_dir, stack)
    lifecycles = {r.urn: r.name for r in rec.of_type("fluxlit-secrets:index:SecretLifecycle")}
    for secret in secrets:
        for r in rec.of_type("fluxlit-secrets:index:ManagedSecret"):
            owner = lifecycles.get(r.parent)
            if owner is not None and r.name == f"{owner}-{secret}":
                raise ProjectError(
                    f'secret {secret!r} is declared in code (SecretLifecycle "{owner}"), not in {path.name}: '
                    f"raise its `generation` arg (secrets.{secret}.generation) in the program, then `pulumi up`"
                )
    where = ", ".join(f'SecretLifecycle "{n}"' for n in lifecycles.values()) or "no SecretLifecycle"
    raise ProjectError(
        f"{path.name} declares no {NAMESPACE}:secrets, and the program ({where}) declares none of "
        f"{', '.join(repr(s) for s in secrets)}; declare secrets in the stack file and read them with "
        "fluxlit_secrets.stack_args() to rotate them with this command"
    )


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
