"""`synth`: run one stack offline and write resources.json, manifests.yaml and report.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fluxlit_secrets.engine import render
from fluxlit_secrets.engine.mocks import ProviderMocks
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
    rec = run_stack(project_dir, stack, mocks=mocks, preview=preview)
    out = Path(out_dir) if out_dir is not None else rec.project.root / "build" / "synth" / stack
    out.mkdir(parents=True, exist_ok=True)
    objects = render.manifests(rec)
    (out / "resources.json").write_text(render.write_json(render.resources_json(rec)), encoding="utf-8")
    (out / "outputs.json").write_text(render.write_json(render.outputs_json(rec)), encoding="utf-8")
    (out / "manifests.yaml").write_text(render.dump_yaml(objects), encoding="utf-8")
    (out / "report.md").write_text(render.report_md(rec, objects), encoding="utf-8")
    return SynthResult(recording=rec, out_dir=out, summary=render.summary(rec, objects))
