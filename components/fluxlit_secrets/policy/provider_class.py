"""What a SecretProviderClass fetches, read the way its provider reads its parameters (each cloud's
CSI provider answers; pure)."""

from collections.abc import Mapping

from fluxlit_secrets.clouds.catalog import csi_provider, csi_providers
from fluxlit_secrets.clouds.policy import CsiObject
from fluxlit_secrets.model.resources import Res


def provider_objects(spc: Res) -> tuple[list[CsiObject], list[str]]:
    """The objects a SecretProviderClass fetches, and what in it cannot be read."""
    spec = spc.props.get("spec") or {}
    provider = str(spec.get("provider") or "")
    params = spec.get("parameters") or {}
    if not isinstance(params, Mapping):
        return [], []  # not known yet (a preview)
    csi = csi_provider(provider)
    if csi is None:
        known = ", ".join(csi_providers())
        return [], [f"provider {provider!r} is not one of {known}: its objects cannot be checked"]
    listed = csi.objects(provider, params)
    if listed is None:
        return [], ["its objects are not a list of mappings"]
    return listed, []
