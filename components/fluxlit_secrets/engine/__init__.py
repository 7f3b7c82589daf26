"""Offline engine: run a Pulumi program through mocks that answer like the providers.

Its names are imported when first used (PEP 562): `engine.files` and the command line need no
Pulumi import to start."""

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    """A name of the engine, imported from its module on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fluxlit_secrets.engine' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
