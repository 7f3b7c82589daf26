"""The clouds' fakes and replacement rules, collected from each cloud folder for the mocks and plans."""

import importlib
from collections.abc import Mapping

from fluxlit_secrets.clouds import CLOUDS
from fluxlit_secrets.clouds.fakes import Fake

_MODULES = [importlib.import_module(c.fakes) for c in CLOUDS.values() if c.fakes]
#: type token -> fake, for every cloud resource type the stores and identities create.
FAKES: dict[str, Fake] = {t: f for m in _MODULES for t, f in m.FAKES.items()}
#: type token -> inputs whose change makes the provider replace the resource.
FORCE_NEW: dict[str, tuple[str, ...]] = {t: p for m in _MODULES for t, p in m.FORCE_NEW.items()}


def cloud_context(values: Mapping[str, str]) -> dict[str, str]:
    """Account, region, project, subscription... read from the stack's config by each cloud."""
    out: dict[str, str] = {}
    for m in _MODULES:
        out.update(m.context(values))
    return out
