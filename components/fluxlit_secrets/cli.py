"""The `fluxlit-secrets` command line: one `main(argv) -> int`, one place that maps errors."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from fluxlit_secrets.errors import ConfigError, FluxlitSecretsError, one_line

#: Exit codes.
OK, FAILED, USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fluxlit-secrets",
        description="Offline tools for the fluxlit-secrets Pulumi project (no CLI, cloud or cluster needed).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    synth = sub.add_parser(
        "synth",
        help="evaluate a stack through mocks and render what `pulumi up` would create",
        description=(
            "Run the project's program for one stack with the Pulumi SDK's mock runtime and write "
            "resources.json, manifests.yaml and report.md. Secure config values are never decrypted."
        ),
    )
    synth.add_argument("--stack", required=True, help="stack name (stacks/Pulumi.NAME.yaml)")
    synth.add_argument("--out", type=Path, help="output folder (default build/synth/NAME)")
    synth.add_argument("--project-dir", type=Path, default=Path("."),
                       help="a Pulumi Python project (default: the current folder)")
    return parser


def _synth(args: argparse.Namespace) -> int:
    from fluxlit_secrets.engine.synth import synth

    result = synth(args.project_dir, args.stack, args.out)
    print(result.summary)
    print(f"wrote {result.out_dir}/resources.json, manifests.yaml, report.md")
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; config mistakes exit 2 with one line on stderr, never a traceback."""
    args = _parser().parse_args(argv)
    # A short-lived process that allocates many small objects: cyclic GC passes only cost time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return {"synth": _synth}[args.command](args)
    except (ConfigError, FluxlitSecretsError) as exc:
        where = _stack_file(args)
        print(f"error: {where}{one_line(str(exc))}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return FAILED
    except Exception as exc:  # noqa: BLE001 (a bug, not a config mistake: one line unless asked)
        if os.environ.get("FLUXLIT_SECRETS_TRACEBACK"):
            raise
        print(f"error: the program failed: {type(exc).__name__}: {one_line(str(exc))[:500]} "
              "(set FLUXLIT_SECRETS_TRACEBACK=1 for the traceback)", file=sys.stderr)
        return FAILED
    finally:
        if gc_was_enabled:
            gc.enable()


def _stack_file(args: argparse.Namespace) -> str:
    stack = getattr(args, "stack", None)
    if not stack:
        return ""
    try:
        from fluxlit_secrets.engine.project import load_project

        path = load_project(args.project_dir).stack_file(stack)
    except FluxlitSecretsError:
        return ""
    return f"{path}: "


if __name__ == "__main__":
    sys.exit(main())
