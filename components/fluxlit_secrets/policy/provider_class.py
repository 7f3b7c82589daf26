"""What a SecretProviderClass fetches, read the way each provider reads its parameters (pure)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from fluxlit_secrets.policy.model import Res, dig


@dataclass(frozen=True)
class CsiObject:
    """One object a SecretProviderClass fetches, as its provider reads it."""

    provider: str
    name: str  # AWS objectName (ARN or name), GCP resourceName, Key Vault objectName
    version: str  # the pinned version ("" when none)
    label: str  # AWS objectVersionLabel (a moving label, never a pin)
    file: str
    mode: int | None


def _yaml(text: Any) -> Any:
    try:
        return yaml.safe_load(text) if isinstance(text, str) else None
    except yaml.YAMLError:
        return None


def _mode(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"0?[0-7]{3}", value):
        return int(value, 8)
    return None


def _entry(provider: str, o: Mapping[str, Any]) -> CsiObject:
    if provider in ("gcp", "gke"):
        name = str(o.get("resourceName") or "")
        return CsiObject(provider, name, name, "", str(o.get("path") or o.get("fileName") or ""), _mode(o.get("mode")))
    return CsiObject(
        provider,
        str(o.get("objectName") or ""),
        str(o.get("objectVersion") or ""),
        str(o.get("objectVersionLabel") or ""),
        str(o.get("objectAlias") or o.get("objectName") or ""),
        _mode(o.get("filePermission")),
    )


def provider_objects(spc: Res) -> tuple[list[CsiObject], list[str]]:
    """The objects a SecretProviderClass fetches, and what in it cannot be read."""
    spec = spc.props.get("spec") or {}
    provider = str(spec.get("provider") or "")
    params = spec.get("parameters") or {}
    if not isinstance(params, Mapping):
        return [], []  # not known yet (a preview)
    if provider in ("gcp", "gke"):
        listed = _yaml(params.get("secrets"))
    elif provider == "azure":
        array = dig(_yaml(params.get("objects")), "array")
        listed = [_yaml(item) for item in array] if isinstance(array, list) else None
    elif provider == "aws":
        listed = _yaml(params.get("objects"))
    else:
        return [], [f"provider {provider!r} is not aws, gcp, gke or azure: its objects cannot be checked"]
    if not isinstance(listed, list) or not all(isinstance(o, Mapping) for o in listed):
        return [], ["its objects are not a list of mappings"]
    return [_entry(provider, o) for o in listed], []
