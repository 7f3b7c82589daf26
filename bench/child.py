"""One measured synth in a fresh process: prints JSON {seconds, max_rss_kib, resources}."""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from fluxlit_secrets.engine.synth import synth

project, stack = sys.argv[1], sys.argv[2]
dump = sys.argv[3] if len(sys.argv) > 3 else None
start = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    result = synth(project, stack, out)
seconds = time.perf_counter() - start
rec = result.recording
if dump:
    Path(dump).write_text(
        json.dumps(
            [{"type": r.type, "name": r.name, "custom": r.custom, "inputs": r.inputs} for r in rec.registrations]
        )
    )
print(
    json.dumps(
        {
            "seconds": seconds,
            "run_seconds": rec.seconds,
            "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "resources": len(rec.registrations),
        }
    )
)
