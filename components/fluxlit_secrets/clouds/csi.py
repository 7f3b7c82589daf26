"""What every cloud's CSI provider takes: objects pinned to full version ids, and the class they form.

Each cloud folder's `csi.py` turns pinned objects into its provider's SecretProviderClass
parameters (pure functions over plain strings: the delivery layer calls them once the store's
ids are known). Parameters are strings; the structured ones are YAML text.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Optional

import yaml

from fluxlit_secrets.model.app import CloudSettings

#: The Secrets Store CSI driver (open source; EKS and AKS add-ons install it under this name).
DRIVER = "secrets-store.csi.k8s.io"
API_VERSION = "secrets-store.csi.x-k8s.io/v1"
KIND = "SecretProviderClass"


@dataclass(frozen=True, kw_only=True)
class PinnedObject:
    """One file of a CSI mount: which secret, under which file name, at exactly which version."""

    secret: str
    file: str
    #: What the store calls the secret: the AWS ARN, the Secret Manager id, the Key Vault resource id.
    ref: str
    #: The full id of the version: AWS VersionId, GCP version name, Key Vault version.
    version: str


Parameters = Callable[[Sequence[PinnedObject], Optional[str]], dict[str, str]]


@dataclass(frozen=True)
class CsiClass:
    """A cloud's CSI provider for one stack: its name, the driver pods mount, and its parameters
    from the pinned objects and the workload's identity (Azure's client id; unused elsewhere)."""

    provider: str
    driver: str
    parameters: Parameters


#: A cloud folder's entry: its settings -> its CSI class.
CsiOf = Callable[[CloudSettings], CsiClass]


def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    """A string as YAML: multi-line text as a literal block (`|`), as the providers' docs show it."""
    literal = "\n" in value and all(line == line.rstrip() for line in value.splitlines())
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if literal else None)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, represent_str)


def yaml_text(value: Any) -> str:
    """Block YAML with keys in the given order, as the providers' docs write it."""
    return str(yaml.dump(value, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=4096))


def file_permission(mode: int) -> str:
    """A mode as the AWS and Azure providers take it: a 4-digit octal string."""
    return f"{mode:04o}"
