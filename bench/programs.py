"""Generated Pulumi projects for the benchmark: N FluxLit apps, or the same count of plain resources."""

from __future__ import annotations

from pathlib import Path

PULUMI_YAML = """name: bench
runtime:
  name: python
main: __main__.py
stackConfigDir: stacks
"""

LIFECYCLE_PROGRAM = """
import pulumi
from fluxlit_secrets import SecretLifecycle

for i in range({apps}):
    SecretLifecycle(f"app{{i}}", {{
        "app": f"app{{i}}",
        "environment": "bench",
        "disposable": True,
        "secrets": {{
            "jwt": {{"kind": "jwt-hs256"}},
            "bff": {{"kind": "oidc-bff"}},
            "reports": {{"kind": "opaque", "consumers": {{
                "gateway": {{"mode": "file", "name": "REPORTS"}},
                "streamlit": {{"mode": "env", "name": "REPORTS"}}}}}},
            "oidc": {{"kind": "oidc-client", "source": "config",
                      "value": pulumi.Output.secret("bench-value-{{}}".format(i))}},
        }},
        "deployments": {{"image": "ghcr.io/acme/app:1.0.0"}},
    }})
"""

PLAIN_PROGRAM = '''
"""Register, directly, resources of the same types and inputs that SecretLifecycle registers."""
import json
import re

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

CLASSES = {{
    "kubernetes:core/v1:Namespace": k8s.core.v1.Namespace,
    "kubernetes:core/v1:ServiceAccount": k8s.core.v1.ServiceAccount,
    "kubernetes:core/v1:Secret": k8s.core.v1.Secret,
    "kubernetes:core/v1:Service": k8s.core.v1.Service,
    "kubernetes:apps/v1:Deployment": k8s.apps.v1.Deployment,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "random:index/randomPassword:RandomPassword": random.RandomPassword,
    "random:index/randomId:RandomId": random.RandomId,
}}
SECRET = "4dabf18193072939515e22adb298388d"


def revive(value):
    if isinstance(value, dict) and SECRET in value:
        return pulumi.Output.secret(revive(value["value"]))
    if isinstance(value, dict):
        return {{k: revive(v) for k, v in value.items()}}
    if isinstance(value, list):
        return [revive(v) for v in value]
    return value


def snake(name):
    return re.sub(r"(?<!^)([A-Z])", r"_\\1", name).lower()


template = json.load(open("registrations.json"))
for i in range({count}):
    r = template[i % len(template)]
    kwargs = {{snake(k): revive(v) for k, v in r["inputs"].items() if k not in ("apiVersion", "kind")}}
    CLASSES[r["type"]](f"{{r['name']}}-{{i}}", **kwargs)
'''


def write_project(root: Path, program: str) -> Path:
    """A project folder with one `bench` stack."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(PULUMI_YAML)
    (root / "__main__.py").write_text(program)
    (root / "stacks").mkdir(exist_ok=True)
    (root / "stacks" / "Pulumi.bench.yaml").write_text("config: {}\n")
    return root


def lifecycle_project(root: Path, apps: int) -> Path:
    """N apps, each with four secrets and both workloads."""
    return write_project(root, LIFECYCLE_PROGRAM.format(apps=apps))


def plain_project(root: Path, count: int, registrations: list[dict]) -> Path:
    """`count` plain resources of the same types and inputs as `registrations`, registered directly."""
    import json

    write_project(root, PLAIN_PROGRAM.format(count=count))
    custom = [{"type": r["type"], "name": r["name"], "inputs": r["inputs"]} for r in registrations if r["custom"]]
    (root / "registrations.json").write_text(json.dumps(custom))
    return root
