"""Fixtures of the end-to-end tests: the tools `make e2e-tools` built and one control plane per run.

Every module here sets `pytestmark = pytest.mark.e2e`: `make test` deselects them, `make e2e` runs them.
"""

from collections.abc import Iterator

import pytest
from kubernetes import client, config

from e2e import plane as planes
from e2e import tools


@pytest.fixture(scope="session")
def tool_set() -> tools.ToolSet:
    try:
        return tools.installed()
    except tools.ToolError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def plane(tool_set: tools.ToolSet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[planes.ControlPlane]:
    """One control plane for the whole run (about 10 s to start), torn down at the end or on interrupt."""
    control = planes.ControlPlane(root=tmp_path_factory.mktemp("plane"), tool_set=tool_set, nodes=2)
    try:
        control.start()
    except planes.PlaneError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield control
    finally:
        control.stop()


@pytest.fixture(scope="session")
def api(plane: planes.ControlPlane) -> client.ApiClient:
    """A Kubernetes client as the plane's admin: what the API server holds, not what our outputs say."""
    return config.new_client_from_config(config_file=str(plane.kubeconfig))
