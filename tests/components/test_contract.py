"""Every exported component validates its args through the model: bad args are refused in one line
that names the component, its name and the arg path; good args build what the stack program builds."""

from pathlib import Path
from typing import Any

import pytest

from fluxlit_secrets import COMPONENTS
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.engine.project import load_project
from fluxlit_secrets.engine.run import Recording, run_program
from fluxlit_secrets.errors import ConfigError

POD = {
    "service_account_name": "shop-gateway",
    "volumes": [],
    "volume_mounts": [],
    "env": [],
    "pod_annotations": {},
}
GOOD: dict[str, dict[str, Any]] = {
    "SecretLifecycle": {"app": "shop", "secrets": {"jwt": {"kind": "jwt-hs256"}}},
    "ManagedSecret": {
        "app": "shop",
        "secret": "jwt",
        "source": "generated",
        "generation": 1,
        "store": "kubernetes",
        "namespace": "shop",
    },
    "RetiringVersion": {
        "app": "shop",
        "secret": "jwt",
        "source": "generated",
        "generation": 3,
        "store": "kubernetes",
        "namespace": "shop",
        "container": "shop",
    },
    "WorkloadIdentity": {"app": "shop", "namespace": "shop", "workload": "gateway"},
    "WorkloadDelivery": {
        "app": "shop",
        "namespace": "shop",
        "workload": "gateway",
        "secrets": [{"secret": "jwt", "as_": "file", "name": "FLUXLIT_JWT_HS256_SECRET", "value": "v", "version": "1"}],
    },
    "FluxLitWorkloads": {
        "app": "shop",
        "namespace": "shop",
        "topology": "unified",
        "image": "ghcr.io/acme/shop:1.0.0",
        "pods": {"app": POD},
    },
}


def bad(component: str, **changes: Any) -> dict[str, Any]:
    args = dict(GOOD[component])
    for key, value in changes.items():
        if value is None:
            args.pop(key)
        else:
            args[key] = value
    return args


def delivery(**entry: Any) -> list[dict[str, Any]]:
    return [{**GOOD["WorkloadDelivery"]["secrets"][0], **entry}]


CASES = [
    ("SecretLifecycle", bad("SecretLifecycle", app="Shop"), "app"),
    ("SecretLifecycle", bad("SecretLifecycle", apps="shop"), "apps"),
    ("SecretLifecycle", bad("SecretLifecycle", namespace="default"), "namespace"),
    (
        "SecretLifecycle",
        bad("SecretLifecycle", secrets={"jwt": {"kind": "jwt-hs256", "generation": 0}}),
        "secrets.jwt.generation",
    ),
    (
        "SecretLifecycle",
        bad("SecretLifecycle", secrets={"jwt": {"kind": "jwt-hs256", "maxAgeDays": 9}}),
        "secrets.jwt.maxAgeDays",
    ),
    ("SecretLifecycle", bad("SecretLifecycle", store="aws"), "aws"),
    ("ManagedSecret", bad("ManagedSecret", generation=-1), "generation"),
    ("ManagedSecret", bad("ManagedSecret", generation=2.5), "generation"),
    ("ManagedSecret", bad("ManagedSecret", secret="Bad_Name"), "secret"),
    ("ManagedSecret", bad("ManagedSecret", store="vault"), "store"),
    ("ManagedSecret", bad("ManagedSecret", source="config"), "value"),
    ("ManagedSecret", bad("ManagedSecret", namespace=None), "namespace"),
    ("ManagedSecret", bad("ManagedSecret", store="gcp"), "gcp"),
    ("ManagedSecret", bad("ManagedSecret", length=8), "length"),
    ("RetiringVersion", bad("RetiringVersion", container=None), "container"),
    ("WorkloadIdentity", bad("WorkloadIdentity", workload="worker"), "workload"),
    ("WorkloadIdentity", bad("WorkloadIdentity", namespace="Not Valid"), "namespace"),
    ("WorkloadIdentity", bad("WorkloadIdentity", store="aws"), "aws"),
    ("WorkloadDelivery", bad("WorkloadDelivery", secrets=delivery(name="../../etc/passwd")), "secrets.0.name"),
    ("WorkloadDelivery", bad("WorkloadDelivery", secrets=delivery(as_="volume")), "secrets.0.as_"),
    (
        "WorkloadDelivery",
        bad("WorkloadDelivery", workload="streamlit", secrets=delivery()),
        "secrets.0.name",
    ),
    ("WorkloadDelivery", bad("WorkloadDelivery", secrets=delivery() * 2), "secrets.1.name"),
    ("FluxLitWorkloads", bad("FluxLitWorkloads", image="not an image"), "image"),
    ("FluxLitWorkloads", bad("FluxLitWorkloads", gateway_replicas=-5), "gateway_replicas"),
    ("FluxLitWorkloads", bad("FluxLitWorkloads", run_as_user=0), "run_as_user"),
    ("FluxLitWorkloads", bad("FluxLitWorkloads", namespace="default"), "namespace"),
    ("FluxLitWorkloads", bad("FluxLitWorkloads", pods={"gateway": POD}), "pods.gateway"),
]


def run(tmp_path: Path, component: str, args: dict[str, Any]) -> Recording:
    """Construct one component from a program, as an app team's stack would."""
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        f"import fluxlit_secrets\nfluxlit_secrets.{component}('x', {args!r})\n", encoding="utf-8"
    )
    return run_program(load_project(tmp_path), "dev", {}, secret_keys=[])


def test_the_sweep_covers_every_exported_component() -> None:
    assert {c for c, _, _ in CASES} == {c.__name__ for c in COMPONENTS} == set(GOOD)


@pytest.mark.parametrize(("component", "args", "path"), CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_bad_args_are_refused_in_one_line_naming_component_and_arg(
    tmp_path: Path, component: str, args: dict[str, Any], path: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        run(tmp_path, component, args)
    message = str(caught.value)
    assert message.startswith(f'{component} "x": {path}: '), message
    assert "\n" not in message and "fluxlit-secrets:" not in message


@pytest.mark.parametrize("component", sorted(GOOD))
def test_good_args_build(tmp_path: Path, component: str) -> None:
    rec = run(tmp_path, component, GOOD[component])
    assert rec.of_type(f"fluxlit-secrets:index:{component}")


def test_generation_may_arrive_as_a_whole_float_as_the_wire_sends_it(tmp_path: Path) -> None:
    rec = run(tmp_path, "ManagedSecret", bad("ManagedSecret", generation=2.0))
    keepers = {
        unwrap(r.inputs)["keepers"]["generation"] for r in rec.of_type("random:index/randomPassword:RandomPassword")
    }
    assert keepers == {"1", "2"}


def test_a_retiring_version_waits_for_what_it_depends_on_and_keeps_its_former_state(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi, pulumi_kubernetes as k8s, fluxlit_secrets as fs\n"
        f"args = {GOOD['ManagedSecret'] | {'generation': 3}!r}\n"
        "held = fs.ManagedSecret('shop-jwt', args)\n"
        "app = k8s.core.v1.ConfigMap('consumer', metadata={'namespace': 'shop'})\n"
        "fs.RetiringVersion('shop-jwt-retiring',\n"
        "    {**args, 'container': 'shop', 'managed_secret': 'shop-jwt', 'moved_from': held.urn},\n"
        "    pulumi.ResourceOptions(depends_on=[app]))\n",
        encoding="utf-8",
    )
    rec = run_program(load_project(tmp_path), "dev", {}, secret_keys=[])
    consumer = rec.of_type("kubernetes:core/v1:ConfigMap")[0].urn
    retiring = [r for r in rec.registrations if "RetiringVersion$" in r.urn]
    assert sorted(r.name for r in retiring) == ["shop-jwt-retiring-g1", "shop-jwt-retiring-v1"]
    managed = next(r.urn for r in rec.registrations if r.type == "fluxlit-secrets:index:ManagedSecret")
    for r in retiring:
        assert consumer in r.options["dependsOn"]
        # It keeps the state it had under its ManagedSecret, as shop-jwt-g1 / shop-jwt-v1 there.
        former = r.name.replace("-retiring", "")
        assert f"{former} parent:{managed}" in r.options["aliases"]
    held = [r.name for r in rec.registrations if "ManagedSecret$" in r.urn]
    assert "shop-jwt-g1" not in held and {"shop-jwt-g2", "shop-jwt-g3"} <= set(held)
