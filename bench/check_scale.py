"""Benchmark of `check --state` against the size of the state (not part of the test suite):
`python bench/check_scale.py`. Generates `pulumi stack export` files of 1,000, 5,000 and 10,000
resources, RBAC-heavy (per namespace a Role, a RoleBinding, a ClusterRole aggregated into
`view`, a Secret, a Deployment) and pod-heavy (per namespace a ServiceAccount, a Secret, a ConfigMap and a
Deployment that mounts the Secret), and times `fluxlit-secrets check --state` on each in a fresh
process (median of 3). Writes bench/check-results.json; targets: 10,000 resources in 10 s, growth
from 1,000 to 10,000 no worse than 11x.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1000, 5000, 10000)
TARGETS = {"seconds_at_10000": 10.0, "growth_1000_to_10000": 11.0}
K8S = "kubernetes:"


def _resource(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:bench::scale::{type_}::{name}", "custom": True, "type": type_, "inputs": inputs}


def _deployment(ns: str, name: str, volumes: list[dict[str, Any]]) -> dict[str, Any]:
    template = {
        "metadata": {"labels": {"app": name}},
        "spec": {
            "serviceAccountName": name,
            "automountServiceAccountToken": False,
            "securityContext": {"runAsNonRoot": True, "fsGroup": 1000},
            "containers": [
                {
                    "name": "app",
                    "image": "ghcr.io/acme/app:1.0.0",
                    "env": [{"name": "REGION", "value": "eu-west-1"}],
                    "volumeMounts": [
                        {"name": v["name"], "mountPath": f"/m/{v['name']}", "readOnly": True} for v in volumes
                    ],
                }
            ],
            "volumes": volumes,
        },
    }
    return _resource(
        f"{K8S}apps/v1:Deployment",
        f"{ns}-{name}",
        {
            "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"matchLabels": {"app": name}}, "template": template},
        },
    )


def pod_heavy(ns: str) -> list[dict[str, Any]]:
    meta = {"name": "web", "namespace": ns}
    return [
        _resource(
            f"{K8S}core/v1:ServiceAccount", f"{ns}-sa", {"metadata": meta, "automountServiceAccountToken": False}
        ),
        _resource(
            f"{K8S}core/v1:Secret",
            f"{ns}-secret",
            {"metadata": meta, "stringData": {"TOKEN": f"{ns}-value-0123456789"}},
        ),
        _resource(f"{K8S}core/v1:ConfigMap", f"{ns}-cm", {"metadata": meta, "data": {"MODE": "prod"}}),
        _deployment(ns, "web", [{"name": "s", "secret": {"secretName": "web", "defaultMode": 256}}]),
    ]


def rbac_heavy(ns: str) -> list[dict[str, Any]]:
    rule = {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}
    subject = {"kind": "ServiceAccount", "name": "web", "namespace": ns}
    rbac = f"{K8S}rbac.authorization.k8s.io/v1:"
    return [
        _resource(f"{rbac}Role", f"{ns}-role", {"metadata": {"name": "reader", "namespace": ns}, "rules": [rule]}),
        _resource(
            f"{rbac}RoleBinding",
            f"{ns}-rb",
            {"metadata": {"name": "reader", "namespace": ns}, "subjects": [subject], "roleRef": ref},
        ),
        _resource(
            f"{rbac}ClusterRole",
            f"{ns}-cr",
            {
                "metadata": {"name": f"{ns}-view", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
                "rules": [rule],
            },
        ),
        _resource(
            f"{K8S}core/v1:Secret",
            f"{ns}-secret",
            {"metadata": {"name": "web", "namespace": ns}, "stringData": {"TOKEN": f"{ns}-value-0123456789"}},
        ),
        _deployment(ns, "web", []),
    ]


def state(size: int, kind: str) -> dict[str, Any]:
    make = pod_heavy if kind == "pod-heavy" else rbac_heavy
    resources: list[dict[str, Any]] = []
    n = 0
    while len(resources) < size:
        resources += make(f"ns-{n:05d}")
        n += 1
    return {"version": 3, "deployment": {"manifest": {}, "resources": resources[:size]}}


def timed(path: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "fluxlit_secrets", "check", "--state", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        runs.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"check failed on {path}: {done.stderr}")
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "check-results.json")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("pod-heavy", "rbac-heavy"):
            seconds = {}
            for size in SIZES:
                path = Path(tmp) / f"{kind}-{size}.json"
                path.write_text(json.dumps(state(size, kind)))
                seconds[size] = timed(path, args.repeat)
                print(f"{kind:10} {size:6} resources: {seconds[size]:6.2f} s", flush=True)
            results[kind] = {
                "seconds": seconds,
                "growth_1000_to_10000": round(seconds[10000] / seconds[1000], 2),
                "seconds_at_10000": round(seconds[10000], 2),
            }
    results["targets"] = TARGETS
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
