"""The clouds' fakes and replacement rules, read from each cataloged cloud's folder for the mocks
and plans (at each call: a cloud registered later is seen)."""

import importlib
from collections.abc import Mapping
from types import ModuleType

from fluxlit_secrets.clouds import CLOUDS
from fluxlit_secrets.clouds.fakes import Fake


def _modules() -> list[ModuleType]:
    return [importlib.import_module(c.fakes) for c in CLOUDS.values() if c.fakes]


def fake_of(type_token: str) -> Fake | None:
    """The fake for a cloud resource type the stores and identities create (None: not a cloud's)."""
    return next((m.FAKES[type_token] for m in _modules() if type_token in m.FAKES), None)


def force_new_of(type_token: str) -> tuple[str, ...]:
    """Inputs whose change makes the cloud's provider replace a resource of this type."""
    return next((tuple(m.FORCE_NEW[type_token]) for m in _modules() if type_token in m.FORCE_NEW), ())


def cloud_context(values: Mapping[str, str]) -> dict[str, str]:
    """Account, region, project, subscription... read from the stack's config by each cloud."""
    out: dict[str, str] = {}
    for m in _modules():
        out.update(m.context(values))
    return out
