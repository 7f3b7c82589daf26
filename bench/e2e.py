"""Measurements of the end-to-end path (not timed tests): `make bench-e2e` or `python bench/e2e.py`.

(a) `make e2e-tools` cold (empty tool, Go build and Go module caches: everything downloaded and
built, with --cold) and warm; (b) control plane start until every component is ready; (c)
`pulumi up` of the dev stack from nothing; (d) a rotation's `pulumi up` against a `pulumi up`
with no change; (e) offline `fluxlit-secrets synth` of the same stack. Medians of --repeat runs,
written to bench/e2e-results.json.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from e2e import plane as planes  # noqa: E402
from e2e import tools  # noqa: E402
from tests.e2e.harness import VENV, copy_project  # noqa: E402


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(argv)}` failed:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")


def cold_tools() -> float:
    """A first build on a machine with nothing cached: modules downloaded, every package compiled."""
    with tempfile.TemporaryDirectory(prefix="fluxlit-cold-") as scratch:
        env = dict(os.environ)
        env.update(
            FLUXLIT_SECRETS_CACHE=f"{scratch}/cache", GOCACHE=f"{scratch}/go-build", GOMODCACHE=f"{scratch}/gomod"
        )
        seconds = timed(lambda: run([sys.executable, "e2e/tools.py", "build"], ROOT, env))
        subprocess.run(["chmod", "-R", "u+w", scratch], check=False)  # the module cache is read-only
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also time a cold `make e2e-tools` (about 20 min)")
    args = parser.parse_args()
    results: dict[str, object] = {}
    if args.cold:
        results["tools_cold_seconds"] = cold_tools()
    results["tools_warm_seconds"] = statistics.median(
        timed(lambda: run([sys.executable, "e2e/tools.py", "build"], ROOT, dict(os.environ))) for _ in range(5)
    )
    tool_set = tools.installed()
    starts, ups, rotations, unchanged, synths = [], [], [], [], []
    for _ in range(args.repeat):
        work = Path(tempfile.mkdtemp(prefix="fluxlit-bench-"))
        control = planes.ControlPlane(root=work / "plane", tool_set=tool_set)
        starts.append(timed(control.start))
        try:
            project = copy_project(ROOT, work / "project")
            (project / ".venv").symlink_to(VENV)
            env = {**os.environ, **control.env(), "PULUMI_BACKEND_URL": f"file://{work}/state"}
            env["PATH"] = f"{tool_set.bin}:{VENV / 'bin'}:{os.environ['PATH']}"
            (work / "state").mkdir()
            pulumi = ["pulumi", "--non-interactive", "--stack", "dev"]
            run(["pulumi", "stack", "init", "dev", "--non-interactive"], project, env)
            synth = [str(VENV / "bin" / "fluxlit-secrets"), "synth", "--stack", "dev", "--out", str(work / "synth")]
            synths.append(timed(lambda: run(synth, project, env)))  # noqa: B023 called at once
            ups.append(timed(lambda: run([*pulumi, "up", "--yes", "--skip-preview"], project, env)))  # noqa: B023
            unchanged.append(timed(lambda: run([*pulumi, "up", "--yes", "--skip-preview"], project, env)))  # noqa: B023
            run([str(VENV / "bin" / "fluxlit-secrets"), "rotate", "--stack", "dev", "jwt"], project, env)
            rotations.append(timed(lambda: run([*pulumi, "up", "--yes", "--skip-preview"], project, env)))  # noqa: B023
        finally:
            control.stop()
            shutil.rmtree(work, ignore_errors=True)
    results.update(
        plane_start_seconds=statistics.median(starts),
        up_from_nothing_seconds=statistics.median(ups),
        up_no_change_seconds=statistics.median(unchanged),
        up_rotation_seconds=statistics.median(rotations),
        synth_seconds=statistics.median(synths),
        repeat=args.repeat,
        cpus=os.cpu_count(),
        tools=tool_set.versions(),
    )
    previous = ROOT / "bench" / "e2e-results.json"
    if not args.cold and previous.exists():
        kept = json.loads(previous.read_text()).get("tools_cold_seconds")
        if kept is not None:
            results["tools_cold_seconds"] = kept
    previous.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    for key, value in sorted(results.items()):
        if isinstance(value, float):
            print(f"{key:28} {value:8.1f}")


if __name__ == "__main__":
    main()
