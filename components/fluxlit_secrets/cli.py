"""The `fluxlit-secrets` command line: one `main(argv) -> int`, one place that maps errors."""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import errno
import gc
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from fluxlit_secrets.engine import files
from fluxlit_secrets.engine.yamlfile import os_problem
from fluxlit_secrets.errors import FluxlitSecretsError, one_line
from fluxlit_secrets.model.labels import PACKAGE
from fluxlit_secrets.model.masking import mask
from fluxlit_secrets.model.secretish import redact_key, redact_text
from fluxlit_secrets.version import VERSION

if TYPE_CHECKING:
    from fluxlit_secrets.engine.check import Violation

#: Exit codes: success, a finding or internal failure, a usage or config mistake, interrupted
#: (SIGINT, SIGTERM or SIGHUP), and the reader of stdout went away (as a Unix tool: 128 + SIGPIPE).
OK, FAILED, USAGE, INTERRUPTED, PIPE_CLOSED = 0, 1, 2, 130, 141
#: The signals that end a run with one line and INTERRUPTED.
STOPS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _common(p: argparse.ArgumentParser, *, stack_required: bool = True) -> None:
    p.add_argument(
        "--stack",
        required=stack_required,
        help="stack name: its file is Pulumi.NAME.yaml in the project's stackConfigDir",
    )
    p.add_argument(
        "--project-dir", type=Path, default=Path("."), help="a Pulumi Python project (default: the current folder)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PACKAGE,
        description="Offline tools for Pulumi stacks of FluxLit secrets (no Pulumi CLI, cloud or cluster needed).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    synth = sub.add_parser(
        "synth",
        help="evaluate a stack through mocks and render what `pulumi up` would create",
        description="Run the project's program for one stack with the Pulumi SDK's mock runtime and write "
        "resources.json, manifests.yaml and report.md. Secure config values are never decrypted.",
    )
    _common(synth)
    synth.add_argument("--out", type=Path, help="output folder (default build/synth/NAME)")
    synth.add_argument(
        "--preview",
        action="store_true",
        help="run as `pulumi preview` would: outputs the providers compute (ids, ARNs, version ids, "
        "generated values) are [unknown]",
    )

    rotate = sub.add_parser(
        "rotate",
        help="rotate secrets: bump their generation and show exactly what restarts",
        description="For generated secrets, raise `generation` and set `rotatedAt` in the stack file (nothing "
        "else in it changes); for config secrets, print the `pulumi config set --secret` command. "
        "Either way print the restart plan, computed by synthesizing before and after.",
    )
    _common(rotate)
    rotate.add_argument("secrets", nargs="+", metavar="SECRET", help="declared secret names")
    rotate.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")

    diff = sub.add_parser(
        "diff",
        help="the restart plan between a saved synth output and the current program",
        description="Compare DIR/resources.json (from `synth --out DIR`) with the program as it is now: "
        "which workloads restart, which stay, and every resource created, replaced, updated, deleted.",
    )
    _common(diff)
    diff.add_argument("--base", type=Path, required=True, help="folder of an earlier synth output")

    check = sub.add_parser(
        "check",
        help="check a stack: secret ages and the policy rules",
        description="Synthesize the stack (or read a deployed one from `pulumi stack export`, whatever language "
        "its program is in) and report findings, one line each; exit 1 on a mandatory one.",
    )
    _common(check, stack_required=False)
    check.add_argument(
        "--state",
        type=Path,
        help="check the resources of `pulumi stack export --file FILE` instead of running a Python program",
    )
    return parser


def _warn(warnings: list[str]) -> None:
    """The program's warnings (deprecated spellings...), one line each, on stderr."""
    for line in warnings:
        print(f"warning: {redact_text(line)}", file=sys.stderr)


def _synth(args: argparse.Namespace) -> int:
    from fluxlit_secrets.engine.check import ages
    from fluxlit_secrets.engine.synth import synth

    result = synth(args.project_dir, args.stack, args.out, preview=args.preview)
    _warn(result.recording.warnings)
    print(result.summary)
    for finding in ages(result.recording, _dt.date.today()):
        print(f"  age: {finding.message}")
    print(f"wrote {result.out_dir}/resources.json, outputs.json, manifests.yaml, report.md")
    return OK


def _rotate(args: argparse.Namespace) -> int:
    from fluxlit_secrets.engine.rotate import format_plan, rotate

    result = rotate(args.project_dir, args.stack, args.secrets, dry_run=args.dry_run)
    verb = "would restart" if args.dry_run or not result.written else "restarts"
    print(format_plan(result.plan, f"rotate {' '.join(args.secrets)} on stack {args.stack} ({verb}):"))
    if result.plan.refusals:
        stack_file = args.project_dir / "stacks" / f"Pulumi.{args.stack}.yaml"
        print(f"error: `pulumi up` would refuse this plan; {stack_file} not written", file=sys.stderr)
        return FAILED
    if result.commands:
        print("config-sourced secrets: change the value at its source (the IdP) first, then run:")
        for command in result.commands:
            print(f"  {command}")
        print("and `pulumi up`; the plan above is what that new value causes.")
    if result.written:
        print(f"wrote {args.project_dir / 'stacks'}/Pulumi.{args.stack}.yaml; run `pulumi up --stack {args.stack}`")
    elif args.dry_run:
        print("dry run: nothing written")
    return OK


def _diff(args: argparse.Namespace) -> int:
    from fluxlit_secrets.engine.rotate import diff, format_plan

    result = diff(args.project_dir, args.stack, args.base)
    print(format_plan(result, f"changes on stack {args.stack} since {args.base}:"))
    if result.refusals:
        print("error: `pulumi preview` and `pulumi up` would refuse this plan (see refused: above)", file=sys.stderr)
        return FAILED
    return OK


def _check(args: argparse.Namespace) -> int:
    from fluxlit_secrets.engine.check import ages, disposable_note, evaluate, plaintext_config, resources_of
    from fluxlit_secrets.engine.run import run_stack
    from fluxlit_secrets.engine.state import evaluate_state

    if args.state is not None:
        return _report([(v.level, _finding(v)) for v in evaluate_state(args.state)])
    if args.stack is None:
        print(
            "error: check: give --stack NAME (a Python project) or --state FILE (pulumi stack export)", file=sys.stderr
        )
        return USAGE
    recording = run_stack(args.project_dir, args.stack)
    _warn(recording.warnings)
    resources = resources_of(recording)
    clusters = len({r.cluster for r in resources if r.cluster}) > 1
    lines: list[tuple[str, str]] = [(v.level, _finding(v, clusters=clusters)) for v in evaluate(resources)]
    for f in ages(recording, _dt.date.today()):
        level = "mandatory" if f.mandatory else "advisory"
        lines.append((level, f"{level}  secret-age  {f.message}"))
    for key in plaintext_config(recording):
        lines.append(
            (
                "mandatory",
                f"mandatory  plaintext-config  {redact_key(key)}: a secret-looking value in plain text; "
                "set it again with `pulumi config set --secret`",
            )
        )
    note = disposable_note(recording)
    if note:
        lines.append(("advisory", f"advisory  disposable  {note}"))
    return _report(lines)


def _finding(v: Violation, *, clusters: bool = False) -> str:
    """`level  rule  type name [app@cluster]: message` (app and cluster where known)."""
    where = v.app + (f"@{v.cluster}" if clusters and v.cluster else "")
    return f"{v.level}  {v.rule}  {v.type} {v.resource}{f' [{where}]' if where else ''}: {v.message}"


def _report(lines: list[tuple[str, str]]) -> int:
    """Print findings, mandatory first, and a count; exit 1 on a mandatory one."""
    for _, line in sorted(lines, key=lambda item: item[0] != "mandatory"):
        print(line)
    mandatory = sum(level == "mandatory" for level, _ in lines)
    print(f"{len(lines)} findings, {mandatory} mandatory")
    return FAILED if mandatory else OK


COMMANDS = {"synth": _synth, "rotate": _rotate, "diff": _diff, "check": _check}


def _on_signal(signum: int, frame: object) -> None:
    """SIGTERM, SIGHUP (and, from the console script, SIGINT): leave at once, or when the write in
    progress is complete. Leaving is an exit without the interpreter's teardown: an exception
    raised into the program's event loop would end in pages of asyncio traceback instead."""
    what = {signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}.get(signal.Signals(signum), "interrupted")
    files.when_uninterrupted(lambda: _leave(what))


def _leave(what: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    with contextlib.suppress(OSError, ValueError):
        print(f"error: {what}; every file is as it was or complete (a write is all or nothing)", file=sys.stderr)
        sys.stderr.flush()
    os._exit(INTERRUPTED)


class _Masked:
    """A text stream whose every write is masked by value (`model.masking`): each secret value the
    run has seen, and its base64 forms, shows as `[secret]`."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        return self.inner.write(mask(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI: exit 0 on success, 1 on a mandatory finding (or an internal error), 2 with one
    line on stderr for every mistake a user can fix, 130 when interrupted; never a traceback.
    Every line it prints is masked by value."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Masked(sys.stdout), _Masked(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    # A short-lived process that allocates many small objects: cyclic GC passes only cost time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    previous = {sig: signal.signal(sig, _on_signal) for sig in STOPS if sig != signal.SIGINT} if _main_thread() else {}
    try:
        return COMMANDS[args.command](args)
    except FluxlitSecretsError as exc:
        print(f"error: {redact_text(one_line(str(exc)))}", file=sys.stderr)
        return USAGE
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # BrokenPipeError, or EPIPE from a lower layer
            return _pipe_closed()
        where = Path(exc.filename) if exc.filename else Path(".")
        print(f"error: {redact_text(os_problem(where, exc, 'used'))}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("error: interrupted; every file is as it was or complete (a write is all or nothing)", file=sys.stderr)
        return INTERRUPTED
    except Exception as exc:
        if os.environ.get("FLUXLIT_SECRETS_TRACEBACK"):
            raise
        print(
            f"error: the program failed: {type(exc).__name__}: {redact_text(one_line(str(exc)))[:500]} "
            "(set FLUXLIT_SECRETS_TRACEBACK=1 for the traceback)",
            file=sys.stderr,
        )
        return FAILED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if gc_was_enabled:
            gc.enable()


def _pipe_closed() -> int:
    """The reader stopped reading (`| head -1`): nothing more is said, and the status is a Unix
    tool's (the console script ends by SIGPIPE, as `yes | head -1` ends `yes`)."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return PIPE_CLOSED


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def entry() -> None:
    """Console-script entry: run, flush, and leave without the interpreter's slow teardown; a
    closed stdout ends it by SIGPIPE, as it ends a Unix tool."""
    for sig in STOPS:
        signal.signal(sig, _on_signal)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            code = code if stream is sys.stderr else _pipe_closed()
    if code == PIPE_CLOSED:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    os._exit(code)


#: The public API of this module: what the console script and `python -m fluxlit_secrets` run.
__all__ = ["entry", "main"]

if __name__ == "__main__":
    entry()
