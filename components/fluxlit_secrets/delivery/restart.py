"""What restarts: the restart trigger of a workload, as pure functions over version identifiers.

A workload's trigger is the sorted list of `secret=version` pairs it consumes. It changes when,
and only when, one of *its* secrets gets a new version, so only that workload's pod template
changes and only its Deployment rolls. Versions are generation numbers or store version ids,
never a value or a hash of one.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from fluxlit_secrets.model.labels import DELIVERY_DIGEST_LENGTH


def restart_trigger(versions: Mapping[str, str]) -> str:
    """`a=1,b=7f3c9e21`: the consumed secrets and their versions, in name order."""
    for name, version in versions.items():
        if not name or any(c in name + str(version) for c in ",= \n"):
            raise ValueError(f"secret names and versions may not contain ',', '=' or spaces: {name!r}")
    return ",".join(f"{name}={versions[name]}" for name in sorted(versions))


def delivery_secret_name(app: str, workload: str, trigger: str, *, layout: Iterable[str]) -> str:
    """Name of a workload's immutable Secret: a new name for each new set of versions or keys.

    `layout` is the delivered key names (not values); the digest is over the trigger and those
    names only, so it reveals nothing about any secret value.
    """
    material = trigger + "|" + ",".join(sorted(layout))
    digest = hashlib.sha256(material.encode()).hexdigest()[:DELIVERY_DIGEST_LENGTH]
    return f"{app}-{workload}-{digest}"


def provider_class_name(app: str, workload: str, spec: Mapping[str, Any]) -> str:
    """Name of a workload's SecretProviderClass: a new name whenever anything the driver reads
    changes (a pinned version, a file name, the identity). The spec holds ids and names, no value."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:DELIVERY_DIGEST_LENGTH]
    return f"{app}-{workload}-{digest}"
