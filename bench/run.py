"""Benchmark of synth (not part of the test suite): `make bench` or `python bench/run.py`.

(a) wall time and peak memory of synth for 1, 10 and 50 apps; (b) time per registered resource
through SecretLifecycle against plain resources under the same mocks; (c) cold `synth --stack
dev` against importing pulumi, pulumi_kubernetes and pulumi_random. Each figure is the median
of several runs in fresh processes on this machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from programs import lifecycle_project, plain_project

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"growth_10_to_50": 5.5, "overhead_per_resource": 1.3, "cold_vs_import": 3.0}


def measure(project: Path, stack: str, repeat: int, dump: Path | None = None) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "child.py"), str(project), stack, *([str(dump)] if dump else [])],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "run_seconds": statistics.median(r["run_seconds"] for r in runs),
        "max_rss_mib": max(r["max_rss_kib"] for r in runs) / 1024,
        "resources": runs[0]["resources"],
    }


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sizes = {}
        dump = Path(tmp) / "registrations.json"
        for apps in (1, 10, 50):
            sizes[apps] = measure(lifecycle_project(Path(tmp) / f"apps{apps}", apps), "bench", args.repeat, dump)
            print(
                f"(a) {apps:>2} apps: {sizes[apps]['resources']:>5} resources, "
                f"{sizes[apps]['seconds']:.2f} s, peak {sizes[apps]['max_rss_mib']:.0f} MiB",
                flush=True,
            )
        growth = sizes[50]["seconds"] / sizes[10]["seconds"]
        registrations = json.loads(dump.read_text())
        plain_dir = plain_project(Path(tmp) / "plain", int(sizes[50]["resources"]), registrations)
        plain = measure(plain_dir, "bench", args.repeat)
        # Program evaluation only (registration through the mocks), not rendering.
        per_lifecycle = sizes[50]["run_seconds"] / sizes[50]["resources"]
        per_plain = plain["run_seconds"] / plain["resources"]
        overhead = per_lifecycle / per_plain
        print(
            f"(b) {plain['resources']} plain resources of the same types and inputs: "
            f"{plain['run_seconds']:.2f} s vs {sizes[50]['run_seconds']:.2f} s; "
            f"per resource {per_lifecycle * 1000:.2f} ms vs {per_plain * 1000:.2f} ms",
            flush=True,
        )
    cold = wall(
        [
            str(ROOT / ".venv" / "bin" / "fluxlit-secrets"),
            "synth",
            "--stack",
            "dev",
            "--out",
            str(Path(tempfile.gettempdir()) / "bench-synth-dev"),
        ],
        args.repeat,
    )
    baseline = wall([sys.executable, "-c", "import pulumi, pulumi_kubernetes, pulumi_random"], args.repeat)
    print(f"(c) cold synth --stack dev {cold:.2f} s; import baseline {baseline:.2f} s", flush=True)
    ratios = {
        "growth_10_to_50": growth,
        "overhead_per_resource": overhead,
        "cold_vs_import": cold / baseline,
    }
    results = {"ratios": ratios, "targets": TARGETS}
    ok = True
    for name, value in ratios.items():
        met = value <= TARGETS[name]
        ok &= met
        print(f"{name}: {value:.2f} (target <= {TARGETS[name]}) {'ok' if met else 'MISSED'}")
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
