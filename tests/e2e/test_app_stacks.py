"""App teams' programs under the real CLI, each on a control plane of its own: the Python example
from its own virtualenv, the TypeScript one with its generated SDK and real npm packages, the YAML
one through the YAML host; each builds the objects the Python program with the same args builds,
and a rotation rolls only its consumers."""

import json
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kubernetes import client, config

from e2e import plane as planes
from e2e import tools
from fluxlit_secrets.version import VERSION
from tests.e2e import apps, cluster
from tests.e2e.harness import REPO, VENV, Pulumi, copy_project
from tests.e2e.scenario import Run, check_pods_get_what_fragments_promise, check_synth_matches_real, rotation

pytestmark = pytest.mark.e2e

SHOP = ["shop", "shop-records"]


@pytest.fixture(scope="module")
def new_plane(
    tool_set: tools.ToolSet, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], planes.ControlPlane]]:
    """A fresh control plane per program (they all use the namespace `shop`), stopped at the end."""
    started: list[planes.ControlPlane] = []

    def start() -> planes.ControlPlane:
        control = planes.ControlPlane(root=tmp_path_factory.mktemp("plane"), tool_set=tool_set)
        control.start()
        started.append(control)
        return control

    try:
        yield start
    finally:
        for control in started:
            control.stop()


def api_of(control: planes.ControlPlane) -> client.ApiClient:
    return config.new_client_from_config(config_file=str(control.kubeconfig))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout, as a new user clones it."""
    return copy_project(REPO, tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="module")
def plugin(repo: Path) -> Path:
    """components/ ready as a plugin: its virtualenv made from its requirements.txt."""
    apps.plugin_virtualenv(repo / "components")
    return repo / "components"


def cli_for(project: Path, control: planes.ControlPlane, work: Path, **kw: object) -> Pulumi:
    backend = work / f"state-{project.name}"
    backend.mkdir(exist_ok=True)
    return Pulumi(cwd=project, plane=control, stack="dev", backend=backend, **kw)  # type: ignore[arg-type]


# --- Python ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def python_app(
    repo: Path, new_plane: Callable[[], planes.ControlPlane], tmp_path_factory: pytest.TempPathFactory
) -> Run:
    """examples/app-stack, its virtualenv made by `pulumi install` from its requirements.txt (the
    package from the checkout two folders up, the SDKs from PyPI)."""
    work = tmp_path_factory.mktemp("python-app")
    project = repo / "examples" / "app-stack"
    cli = cli_for(project, new_plane(), work, venv=project / ".venv")
    # Only the program's own dependencies: the CLI would download the provider plugins its SDKs name.
    cli.run("install", "--no-plugins", stack=False, registries=True)
    cli.run("stack", "init", "dev", stack=False)
    return Run(cli=cli, work=work, namespace="shop", records="shop-records", deployments={"gateway": "shop-gateway"})


def test_the_python_app_stack_installs_from_its_requirements(python_app: Run) -> None:
    venv = python_app.cli.cwd / ".venv"
    assert (venv / "bin" / "fluxlit-secrets").exists()
    site = next((venv / "lib").glob("python3*/site-packages"))
    installed = {p.name.split("-")[0] for p in site.glob("*.dist-info")}
    assert {"fluxlit_secrets", "pulumi", "pulumi_kubernetes", "pulumi_random"} <= installed
    # Installed from the checkout like any requirement, not in editable mode.
    assert (site / "fluxlit_secrets").is_dir() and not list(site.glob("__editable__*fluxlit*"))


def test_the_python_app_stack_deploys_its_own_deployment(python_app: Run) -> None:
    api = api_of(python_app.cli.plane)
    out = python_app.synth()
    python_app.cli.up()
    real = check_synth_matches_real(out, python_app.cli)
    check_pods_get_what_fragments_promise(python_app, api, real)
    deployment = client.AppsV1Api(api).read_namespaced_deployment("shop-gateway", "shop")
    assert deployment.status.ready_replicas == 2
    for container in deployment.spec.template.spec.containers:
        # Admitted by restricted Pod Security because the merge gives every container what it requires.
        assert container.security_context.allow_privilege_escalation is False
        assert container.security_context.capabilities.drop == ["ALL"]


@pytest.fixture(scope="module")
def python_objects(python_app: Run) -> list[dict]:
    """What the Python example holds on its cluster right after its first `pulumi up`."""
    return apps.snapshot(api_of(python_app.cli.plane), SHOP)


def test_rotating_the_app_stacks_secret_rolls_only_its_deployment(python_app: Run, python_objects: list[dict]) -> None:
    api = api_of(python_app.cli.plane)
    rotation(python_app, api, ["jwt"], {"gateway"})
    names = {s.metadata.name for s in client.CoreV1Api(api).list_namespaced_secret("shop-records").items}
    assert {"shop-jwt-v1", "shop-jwt-v2"} <= names


# --- TypeScript -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ts_app(
    repo: Path, plugin: Path, new_plane: Callable[[], planes.ControlPlane], tmp_path_factory: pytest.TempPathFactory
) -> Pulumi:
    """examples/app-stack-ts: its SDK generated by the CLI from the schema the component host serves,
    its packages from the npm registry, compiled by tsc, deployed."""
    work = tmp_path_factory.mktemp("ts-app")
    project = repo / "examples" / "app-stack-ts"
    cli = cli_for(project, new_plane(), work)
    schema = apps.served_schema(plugin)
    assert schema["version"] == VERSION
    (work / "schema.json").write_text(json.dumps(schema))
    # What `pulumi package add ../../components` generates, without the plugin downloads it starts with.
    cli.run(
        "package",
        "gen-sdk",
        str(work / "schema.json"),
        "--language",
        "nodejs",
        "--local",
        "--out",
        str(work / "sdk"),
        stack=False,
    )
    shutil.copytree(work / "sdk" / "nodejs", project / "sdks" / "fluxlit-secrets")
    npm = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund"],
        cwd=project,
        env=cli.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert npm.returncode == 0, npm.stderr
    return cli


def test_the_typescript_example_compiles(ts_app: Pulumi) -> None:
    built = ts_app.cwd / "sdks" / "fluxlit-secrets" / "bin" / "index.js"
    assert built.exists(), "the local SDK's postinstall (approved in package.json allowScripts) did not build it"
    tsc = subprocess.run(
        [str(ts_app.cwd / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", "."],
        cwd=ts_app.cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tsc.returncode == 0, tsc.stdout + tsc.stderr
    installed = json.loads((ts_app.cwd / "node_modules" / "@pulumi" / "pulumi" / "package.json").read_text())
    assert (
        installed["version"] == json.loads((ts_app.cwd / "package.json").read_text())["dependencies"]["@pulumi/pulumi"]
    )


def test_the_typescript_example_builds_what_the_python_one_builds(ts_app: Pulumi, python_objects: list[dict]) -> None:
    ts_app.run("stack", "init", "dev", stack=False)
    ts_app.run("config", "set", "--secret", "paymentsKey", f"ts-{secrets.token_urlsafe(16)}")
    ts_app.up()
    assert apps.differences(python_objects, apps.snapshot(api_of(ts_app.plane), SHOP)) == []


def test_a_rotation_in_the_typescript_example_rolls_only_its_consumer(ts_app: Pulumi) -> None:
    api = api_of(ts_app.plane)
    before = cluster.rollouts(api)
    ts_app.run("config", "set", "--secret", "paymentsKey", f"ts-{secrets.token_urlsafe(16)}")
    ts_app.up()
    after = cluster.rollouts(api)
    assert after["shop/shop-gateway"].revision == before["shop/shop-gateway"].revision + 1
    assert {k: v for k, v in after.items() if k != "shop/shop-gateway"} == {
        k: v for k, v in before.items() if k != "shop/shop-gateway"
    }


# --- YAML -----------------------------------------------------------------------------------------

#: The YAML example's args, written as a Python program: what its objects are compared with.
YAML_TWIN = """
import pulumi
from fluxlit_secrets import SecretLifecycle

config = pulumi.Config()
SecretLifecycle("shop", {
    "app": "shop", "namespace": "shop", "topology": "split",
    "deployments": {"image": "ghcr.io/acme/shop:2.0.1", "target": "shop.main:app", "gateway_replicas": 2,
                    "reads_secrets_dir": True},
    "secrets": {
        "jwt": {"kind": "jwt-hs256", "generation": 1},
        "payments-key": {"kind": "opaque", "source": "config", "value": config.require_secret("paymentsKey"),
                         "consumers": {"gateway": {"as_": "file", "name": "PAYMENTS_KEY"}}},
    },
})
"""


def test_the_yaml_example_builds_what_the_python_program_with_its_args_builds(
    repo: Path, plugin: Path, new_plane: Callable[[], planes.ControlPlane], tmp_path: Path
) -> None:
    yaml_cli = cli_for(repo / "examples" / "app-stack-yaml", new_plane(), tmp_path)
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "Pulumi.yaml").write_text(
        f"name: shop-twin\nruntime:\n  name: python\n  options:\n    virtualenv: {VENV}\n"
    )
    (twin / "__main__.py").write_text(YAML_TWIN)
    twin_cli = cli_for(twin, new_plane(), tmp_path)
    for cli in (yaml_cli, twin_cli):
        cli.run("stack", "init", "dev", stack=False)
        cli.run("config", "set", "--secret", "paymentsKey", "the-same-payments-key")
        cli.up()
    made_by_yaml = apps.snapshot(api_of(yaml_cli.plane), SHOP)
    assert [o for o in made_by_yaml if o["kind"] == "Deployment"], "the YAML program made no Deployment"
    assert apps.differences(apps.snapshot(api_of(twin_cli.plane), SHOP), made_by_yaml) == []


# --- Go -------------------------------------------------------------------------------------------

#: The module the generated Go SDK is (schema.py: GO_IMPORT_BASE_PATH without its package).
GO_SDK_MODULE = "example.com/fluxlit-secrets/sdk/go"


@pytest.fixture(scope="module")
def go_app(
    repo: Path, plugin: Path, new_plane: Callable[[], planes.ControlPlane], tmp_path_factory: pytest.TempPathFactory
) -> Pulumi:
    """examples/app-stack-go: its SDK generated by the CLI from the schema the component host serves,
    compiled with `go build` against the Go SDKs from the module proxy."""
    work = tmp_path_factory.mktemp("go-app")
    project = repo / "examples" / "app-stack-go"
    cli = cli_for(project, new_plane(), work)
    (work / "schema.json").write_text(json.dumps(apps.served_schema(plugin)))
    cli.run(
        "package",
        "gen-sdk",
        str(work / "schema.json"),
        "--language",
        "go",
        "--local",
        "--out",
        str(work / "sdk"),
        stack=False,
    )
    sdk = project / "sdks" / "fluxlit-secrets"
    shutil.copytree(work / "sdk" / "go", sdk)
    sdk_version = next(
        line.split()[1] for line in (project / "go.mod").read_text().splitlines() if "pulumi/sdk/v3 " in line
    )
    (sdk / "go.mod").write_text(
        f"module {GO_SDK_MODULE}\n\ngo 1.26\n\nrequire github.com/pulumi/pulumi/sdk/v3 {sdk_version}\n"
    )
    return cli


def test_the_go_example_builds(go_app: Pulumi) -> None:
    build = subprocess.run(
        ["go", "build", "-o", "/dev/null", "."], cwd=go_app.cwd, capture_output=True, text=True, check=False
    )
    assert build.returncode == 0, build.stderr


def test_the_go_example_builds_what_the_python_one_builds(go_app: Pulumi, python_objects: list[dict]) -> None:
    go_app.run("stack", "init", "dev", stack=False)
    go_app.run("config", "set", "--secret", "paymentsKey", f"go-{secrets.token_urlsafe(16)}")
    go_app.up()
    assert apps.differences(python_objects, apps.snapshot(api_of(go_app.plane), SHOP)) == []
