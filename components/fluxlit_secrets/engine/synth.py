"""`synth`: run one stack offline and write resources.json, manifests.yaml and report.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fluxlit_secrets.engine import render
from fluxlit_secrets.engine.files import prepare_out, write_outputs
from fluxlit_secrets.engine.mocks import ProviderMocks
from fluxlit_secrets.engine.project import load_project
from fluxlit_secrets.engine.run import Recording, run_stack


@dataclass(frozen=True)
class SynthResult:
    """What one synth wrote, and the recording it came from."""

    recording: Recording
    out_dir: Path
    summary: str


def synth(
    project_dir: str | Path,
    stack: str,
    out_dir: str | Path | None = None,
    *,
    mocks: ProviderMocks | None = None,
    preview: bool = False,
) -> SynthResult:
    """Evaluate `stack` of the project through mocks (as `pulumi preview` with `preview`) and write
    resources.json, outputs.json, manifests.yaml and report.md under `out_dir`."""
    project = load_project(project_dir)
    out = Path(out_dir) if out_dir is not None else project.root / "build" / "synth" / stack
    prepare_out(out)  # a refused run leaves no previous, complete-looking outputs behind
    rec = run_stack(project_dir, stack, mocks=mocks, preview=preview)
    objects = render.manifests(rec)
    files = {
        "resources.json": render.write_json(render.resources_json(rec)),
        "outputs.json": render.write_json(render.outputs_json(rec)),
        "manifests.yaml": render.dump_yaml(objects),
        "report.md": render.report_md(rec, objects),
    }
    write_outputs(out, files)
    return SynthResult(recording=rec, out_dir=out, summary=render.summary(rec, objects))
