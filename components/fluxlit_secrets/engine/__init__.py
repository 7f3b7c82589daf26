"""Offline engine: run a Pulumi program through mocks that answer like the providers."""

from fluxlit_secrets.engine.mocks import ProviderMocks
from fluxlit_secrets.engine.monitor import RecordingMonitor, Registration
from fluxlit_secrets.engine.run import ProgramError, Recording, run_stack

__all__ = ["ProgramError", "ProviderMocks", "Recording", "RecordingMonitor", "Registration", "run_stack"]
