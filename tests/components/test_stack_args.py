"""stack_args(): the stack file parsed once into an immutable value that SecretLifecycle takes as it
is, so no field is lost on the way and an edit cannot be silently ignored."""

import json
import shutil
from pathlib import Path

import pytest

from fluxlit_secrets.engine.project import load_project, load_stack_config
from fluxlit_secrets.engine.run import run_stack
from fluxlit_secrets.engine.stackmodel import model_of
from tests.conftest import ROOT

#: Records, from inside the program, what stack_args() gave and what the component was built from.
PROGRAM = """\
import json, pathlib
from fluxlit_secrets import SecretLifecycle, stack_args

args = stack_args()
component = SecretLifecycle(args.app, args)
pathlib.Path({out!r}).write_text(json.dumps([args.model is component.model, repr(args.model)]))
"""


def project_with(tmp_path: Path, program: str) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    shutil.copytree(ROOT / "stacks", project / "stacks")
    (project / "__main__.py").write_text(program)
    return project


@pytest.mark.parametrize("stack", ["dev", "csi-aws", "csi-azure", "csi-gcp", "prod-gcp", "staging-aws", "prod-azure"])
def test_every_field_of_the_stack_file_reaches_the_component(tmp_path: Path, stack: str) -> None:
    out = tmp_path / "seen.txt"
    project = project_with(tmp_path, PROGRAM.format(out=str(out)))
    run_stack(project, stack)
    same, model = json.loads(out.read_text())
    assert same is True  # built from the very value stack_args() returned
    # What the engine reads from the same file, by the same function: delivery, auth, network policy and
    # cloud settings included (the stacks have each).
    expected = model_of(load_stack_config(load_project(project), stack), stack, f"stacks/Pulumi.{stack}.yaml")
    assert model == repr(expected)


def test_the_stacks_hold_every_kind_of_setting() -> None:
    fields = set()
    for stack in ("dev", "csi-aws", "csi-azure", "csi-gcp", "prod-gcp", "staging-aws", "prod-azure"):
        model = model_of(load_stack_config(load_project(ROOT), stack), stack, "x")
        assert model is not None
        fields |= {
            name for name in ("auth", "network_policy", "cloud", "deployments") if getattr(model, name) is not None
        }
        fields |= {"delivery=csi"} if model.delivery == "csi" else set()
    assert fields == {"auth", "network_policy", "cloud", "deployments", "delivery=csi"}


@pytest.mark.parametrize(
    "edit",
    ['args["secrets"]["jwt"]["generation"] = 5', 'args["namespace"] = "shop-web"', 'print(args["app"])'],
    ids=["nested", "top-level", "read"],
)
def test_an_edit_of_stack_args_is_refused_not_ignored(tmp_path: Path, edit: str) -> None:
    program = f"from fluxlit_secrets import SecretLifecycle, stack_args\nargs = stack_args()\n{edit}\n"
    project = project_with(tmp_path, program)
    with pytest.raises(TypeError) as caught:
        run_stack(project, "dev")
    message = str(caught.value)
    assert "stack_args() returns the stack file's validated config, not a dict" in message
    assert "edit the stack file or pass args written in code" in message
