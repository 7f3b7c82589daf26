"""App teams' programs under the real CLI: each example installed as a new user would, deployed on
the local control plane, and rotated; only its own consumers roll."""

from collections.abc import Iterator

import pytest
from kubernetes import client

from e2e.plane import ControlPlane
from tests.e2e.harness import REPO, Pulumi, copy_project
from tests.e2e.scenario import Run, check_pods_get_what_fragments_promise, check_synth_matches_real, rotation

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def python_app(plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """examples/app-stack in a copy of this checkout, its virtualenv made by `pulumi install` from
    its requirements.txt (the package from the checkout two folders up, the SDKs from PyPI)."""
    work = tmp_path_factory.mktemp("python-app")
    repo = copy_project(REPO, work / "repo")
    project = repo / "examples" / "app-stack"
    (work / "state").mkdir()
    cli = Pulumi(cwd=project, plane=plane, stack="dev", backend=work / "state", venv=project / ".venv")
    # Only the program's own dependencies: the CLI would download the provider plugins its SDKs name.
    cli.run("install", "--no-plugins", stack=False, registries=True)
    cli.run("stack", "init", "dev", stack=False)
    yield Run(cli=cli, work=work, namespace="shop", records="shop-records", deployments={"gateway": "shop-gateway"})


def test_the_python_app_stack_installs_from_its_requirements(python_app: Run) -> None:
    venv = python_app.cli.cwd / ".venv"
    assert (venv / "bin" / "fluxlit-secrets").exists()
    site = next((venv / "lib").glob("python3*/site-packages"))
    installed = {p.name.split("-")[0] for p in site.glob("*.dist-info")}
    assert {"fluxlit_secrets", "pulumi", "pulumi_kubernetes", "pulumi_random"} <= installed
    # Installed from the checkout like any requirement, not in editable mode.
    assert (site / "fluxlit_secrets").is_dir() and not list(site.glob("__editable__*fluxlit*"))


def test_the_python_app_stack_deploys_its_own_deployment(python_app: Run, api: client.ApiClient) -> None:
    out = python_app.synth()
    python_app.cli.up()
    real = check_synth_matches_real(out, python_app.cli)
    check_pods_get_what_fragments_promise(python_app, api, real)
    apps = client.AppsV1Api(api)
    deployment = apps.read_namespaced_deployment("shop-gateway", "shop")
    assert deployment.status.ready_replicas == 2
    for container in deployment.spec.template.spec.containers:
        # Admitted by restricted Pod Security because the merge gives every container what it requires.
        assert container.security_context.allow_privilege_escalation is False
        assert container.security_context.capabilities.drop == ["ALL"]


def test_rotating_the_app_stacks_secret_rolls_only_its_deployment(python_app: Run, api: client.ApiClient) -> None:
    rotation(python_app, api, ["jwt"], {"gateway"})
    names = {s.metadata.name for s in client.CoreV1Api(api).list_namespaced_secret("shop-records").items}
    assert {"shop-jwt-v1", "shop-jwt-v2"} <= names
