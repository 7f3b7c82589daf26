"""Offline engine: run a Pulumi program through mocks that answer like the providers.

Its names are imported when first used (PEP 562): `engine.files` and the command line need no
Pulumi import to start."""

from typing import TYPE_CHECKING

from fluxlit_secrets.lazy import lazy_names

if TYPE_CHECKING:
    from fluxlit_secrets.engine.mocks import ProviderMocks
    from fluxlit_secrets.engine.monitor import RecordingMonitor, Registration
    from fluxlit_secrets.engine.run import ProgramError, Recording, run_stack

__all__ = ["ProgramError", "ProviderMocks", "Recording", "RecordingMonitor", "Registration", "run_stack"]
_HOMES = {
    "ProviderMocks": "fluxlit_secrets.engine.mocks",
    "RecordingMonitor": "fluxlit_secrets.engine.monitor",
    "Registration": "fluxlit_secrets.engine.monitor",
    "ProgramError": "fluxlit_secrets.engine.run",
    "Recording": "fluxlit_secrets.engine.run",
    "run_stack": "fluxlit_secrets.engine.run",
}


__getattr__ = lazy_names(__name__, _HOMES)
