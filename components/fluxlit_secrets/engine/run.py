"""Run a Pulumi Python program for one stack under the mock runtime and record what it does."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import runpy
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from fluxlit_secrets.engine import sdk
from fluxlit_secrets.engine.collisions import colliding_objects
from fluxlit_secrets.engine.mocks import ProviderMocks
from fluxlit_secrets.engine.monitor import RecordingMonitor, Registration
from fluxlit_secrets.engine.project import Project, StackConfig, load_project, load_stack_config
from fluxlit_secrets.errors import ConfigError, FluxlitSecretsError, one_line


class ProgramError(FluxlitSecretsError):
    """The program refused its config (a RunError / ConfigError) or failed."""


@dataclass(kw_only=True)
class Recording:
    """Everything one mock run of a stack registered, in order."""

    project: Project
    stack: str
    config: StackConfig
    registrations: list[Registration]
    mocks: ProviderMocks
    #: The stack's outputs (`pulumi.export`), as registered: secrets keep their signature wrapper.
    outputs: dict[str, Any] = field(default_factory=dict)
    #: Each component's registered outputs, by URN, as sent to the engine.
    component_outputs: dict[str, Any] = field(default_factory=dict)
    #: True for a run as `pulumi preview` (values the providers compute are unknown).
    preview: bool = False
    #: Wall time of the program's evaluation under the mocks.
    seconds: float = 0.0
    #: Warnings the program logged (`pulumi.log.warn`: deprecations, notices), in order.
    warnings: list[str] = field(default_factory=list)

    def outputs_of(self, urn: str) -> dict[str, Any]:
        """A component's registered outputs (secrets keep their signature wrapper); {} when none."""
        raw = self.component_outputs.get(urn)
        if raw is None:
            return {}
        sdk.ensure_event_loop()
        outputs = sdk.deserialize(raw, keep_unknowns=True)
        return outputs if isinstance(outputs, dict) else {}

    def component_output(self, urn: str, name: str) -> Any:
        """One registered output of a component (secrets keep their signature wrapper)."""
        return self.outputs_of(urn).get(name)

    def of_type(self, type_: str) -> list[Registration]:
        """Registrations of one type token."""
        return [r for r in self.registrations if r.type == type_]


@contextlib.contextmanager
def _program_context(project: Project) -> Iterator[None]:
    """The program's folder as working directory and on sys.path, then its virtualenv's packages
    (as the Pulumi CLI runs it with that virtualenv's interpreter)."""
    old_cwd, old_path = os.getcwd(), list(sys.path)
    os.chdir(project.root)
    sys.path.insert(0, str(project.root))
    sys.path.extend(str(p) for p in project.site_packages() if str(p) not in sys.path)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path


class _RunLoop:
    """This run's event loop, and the loops its worker threads use (the mock monitor runs there).

    Every loop is closed when the run ends, so none is left for the interpreter to collect at exit.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread_loops: list[asyncio.AbstractEventLoop] = []
        self.executor = ThreadPoolExecutor(thread_name_prefix="fluxlit-mock", initializer=self._thread_loop)
        self.loop.set_default_executor(self.executor)
        asyncio.set_event_loop(self.loop)

    def _thread_loop(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.thread_loops.append(loop)

    def close(self) -> None:
        try:
            self.executor.shutdown(wait=True)
        finally:
            for loop in (*self.thread_loops, self.loop):
                loop.close()
            asyncio.set_event_loop(None)


def _run_main(main: Path) -> None:
    runpy.run_path(str(main), run_name="__main__")


def run_stack(
    project_dir: str | Path,
    stack: str,
    *,
    mocks: ProviderMocks | None = None,
    config_overrides: dict[str, str] | None = None,
    stack_text: str | None = None,
    preview: bool = False,
) -> Recording:
    """Evaluate the project's program for `stack` through mocks; raise on any config mistake.

    `stack_text` stands in for the stack file's content; `config_overrides` replace config values.
    """
    project = load_project(project_dir)
    config = load_stack_config(project, stack, stack_text)
    values = dict(config.values)
    values.update(config_overrides or {})
    return run_program(
        project, stack, values, secret_keys=config.secret_keys, mocks=mocks, config=config, preview=preview
    )


class _Warnings(logging.Handler):
    """Collects what a program logs at warning level or above (the mock engine's logger)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: list[str] = []
        self.logger = logging.Logger("fluxlit-secrets.program", level=logging.WARNING)
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(one_line(record.getMessage()))


def _refuse_what_up_refuses(monitor: RecordingMonitor) -> None:
    """A URN registered twice, or one Kubernetes object created by two resources, in one line."""
    if monitor.duplicates:
        urn = monitor.duplicates[0]
        raise ProgramError(
            f"duplicate URN {urn}: two resources of one type have one name under one parent type chain, "
            "which `pulumi up` refuses; give each a unique name (components name their children from their own name)"
        )
    for obj, first, second in colliding_objects(monitor.registrations)[:1]:
        fix = (
            "give one another name (or namespace), or create the object once"
            if obj.startswith("the Kubernetes")
            else "cloud names are made of the app, its environment and its cluster's settings: give a component "
            "on another cluster its own `environment` and that cluster's settings (EKS clusterName, OIDC "
            "issuer), or declare the app once"
        )
        raise ProgramError(
            f"two resources create {obj} ({first} and {second}): `pulumi preview` passes, `pulumi up` "
            f"fails on the second (AlreadyExists) or both write one object; {fix}"
        )


def run_program(
    project: Project,
    stack: str,
    values: dict[str, str],
    *,
    secret_keys: list[str],
    mocks: ProviderMocks | None = None,
    config: StackConfig | None = None,
    preview: bool = False,
) -> Recording:
    """Run `project.main` with this config under a fresh mock runtime (as `pulumi preview` with `preview`)."""
    mocks = mocks or ProviderMocks()
    mocks.configure(values, preview=preview)
    monitor = RecordingMonitor(mocks, stack=stack, project=project.name)
    run_loop = _RunLoop()  # this run's own loops, closed when it ends
    sdk.new_root()
    warnings = _Warnings()
    pulumi.runtime.set_mocks(
        mocks, project=project.name, stack=stack, preview=preview, monitor=monitor, logger=warnings.logger
    )
    sdk.new_root()  # set_mocks may register a Stack of its own; the program runs in a new one, as under `pulumi up`
    start = time.perf_counter()
    try:
        with _program_context(project), sdk.language_host_config(values, secret_keys):
            sdk.run_in_new_stack(lambda: _run_main(project.main))
    except (ConfigError, ProgramError):
        raise
    except ModuleNotFoundError as exc:
        venv = f" nor in the project's virtualenv {project.virtualenv}" if project.virtualenv else ""
        raise ProgramError(
            f"the program imports {exc.name!r}, which is not installed for {sys.executable}{venv}; "
            f"install the project's requirements (pip install -r requirements.txt) there"
        ) from None
    except pulumi.RunError as exc:
        raise ProgramError(one_line(str(exc))) from None
    finally:
        run_loop.close()
    _refuse_what_up_refuses(monitor)
    return Recording(
        project=project,
        stack=stack,
        config=config or StackConfig(values=values, secret_keys=secret_keys, path=project.root),
        registrations=list(monitor.registrations),
        mocks=mocks,
        seconds=time.perf_counter() - start,
        outputs=dict(monitor.stack_outputs),
        component_outputs=dict(monitor.component_outputs),
        warnings=list(warnings.lines),
        preview=preview,
    )
