"""What the policy rules ask of a cloud (pure): who can read its secrets, whether its trust and
grants are narrow, which of its types hold values of record, and how its Secrets Store CSI provider
names, pins and reads objects. Each cloud folder's `policy.py` answers in its own cloud's terms;
`policy/` iterates the clouds' answers and knows no cloud."""

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from fluxlit_secrets.model.resources import Res

Ksa = tuple[str, str]  # (namespace, ServiceAccount)

#: A Kubernetes token subject, as clouds write it in trust: `system:serviceaccount:<ns>:<sa>`.
SUBJECT = re.compile(r"system:serviceaccount:([^:]+):([^:]+)")
#: The same, each part a valid Kubernetes name: what a trust that pins one ServiceAccount names.
ONE_SUBJECT = re.compile(
    r"system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?", re.ASCII
)


def ksa_of(pattern: re.Pattern[str], text: str) -> Ksa | None:
    """(namespace, ServiceAccount) that `text` names by `pattern`'s two groups, or None."""
    m = pattern.fullmatch(text)
    return (m.group(1), m.group(2)) if m else None


@dataclass(frozen=True, kw_only=True)
class CloudRead:
    """A ServiceAccount that can read a cloud secret, and through which identity."""

    ksa: Ksa
    secret: Res
    identity: str
    #: Who reads: the role's name (AWS), the IAM member (GCP), the identity's principal id (Azure).
    principal: str = ""


@dataclass(frozen=True, kw_only=True)
class Federation:
    """One trust of a managed identity in a token issuer and subject."""

    identity: str
    credential: Res
    issuer: str
    subject: str


@dataclass(frozen=True, kw_only=True)
class CsiObject:
    """One object a SecretProviderClass fetches, as its provider reads it."""

    provider: str
    name: str  # AWS objectName (ARN or name), GCP resourceName, Key Vault objectName
    version: str  # the pinned version ("" when none)
    label: str  # AWS objectVersionLabel (a moving label, never a pin)
    file: str
    mode: int | None


def parse_yaml(text: Any) -> Any:
    """A provider parameter's YAML text, parsed (None when it is not text or not YAML)."""
    try:
        return yaml.safe_load(text) if isinstance(text, str) else None
    except yaml.YAMLError:
        return None


def file_mode(value: Any) -> int | None:
    """A file mode given as a number or as octal text (`"0440"`), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"0?[0-7]{3}", value):
        return int(value, 8)
    return None


def versioned_object(provider: str, o: Mapping[str, Any]) -> CsiObject:
    """An object in the objectName / objectVersion / objectAlias / filePermission form (AWS, Azure)."""
    return CsiObject(
        provider=provider,
        name=str(o.get("objectName") or ""),
        version=str(o.get("objectVersion") or ""),
        label=str(o.get("objectVersionLabel") or ""),
        file=str(o.get("objectAlias") or o.get("objectName") or ""),
        mode=file_mode(o.get("filePermission")),
    )


def label_or_version_problem(o: CsiObject, version: re.Pattern[str]) -> str | None:
    """Why an objectVersion-pinned object is not pinned to one full version id (None: it is)."""
    if o.label:
        return f"objectVersionLabel {o.label!r} moves with every rotation; pin objectVersion"
    if not version.fullmatch(o.version):
        return "objectVersion must be the version's full id (empty means the latest)"
    return None


#: (principal the provider reads as, or None for any identity bound to the ServiceAccount; who, in words).
Reader = tuple[str | None, str]


@dataclass(frozen=True, kw_only=True)
class CsiPolicy:
    """How one cloud's Secrets Store CSI provider reads a SecretProviderClass."""

    #: The names its SecretProviderClasses give in `spec.provider`.
    providers: tuple[str, ...]
    #: The CSI drivers that mount its classes.
    drivers: tuple[str, ...]
    #: The objects listed in the class's parameters (None: they are not a list of mappings).
    objects: Callable[[str, Mapping[str, Any]], list[CsiObject] | None]
    #: Why an object is not pinned to one full version (None: it is).
    pin_problem: Callable[[CsiObject], str | None]
    #: The stack's secret an object names, compared the way the cloud compares names.
    secret_of: Callable[[CsiObject, Mapping[str, Any], Sequence[Res]], Res | None]
    #: Who the provider reads as for a pod: (its ServiceAccount's annotations, the parameters, resources).
    reader: Callable[[Mapping[str, Any], Mapping[str, Any], Sequence[Res]], Reader]


def _none_read(resources: list[Res]) -> Iterator[CloudRead]:
    return iter(())


def _no_finding(res: Res) -> Iterator[str]:
    return iter(())


def _no_federation(resources: list[Res]) -> Iterator[Federation]:
    return iter(())


@dataclass(frozen=True, kw_only=True)
class CloudPolicy:
    """One cloud's answers to the rules (each a pure function over resources as rules see them)."""

    #: Types that hold values of record: protected or retained unless the stack is disposable.
    containers: tuple[str, ...] = ()
    #: Every (ServiceAccount, secret) read its workload identities allow, grants evaluated as the cloud does.
    reads: Callable[[list[Res]], Iterator[CloudRead]] = _none_read
    #: Why a trust or federation does not name exactly one ServiceAccount and audience.
    trust: Callable[[Res], Iterator[str]] = _no_finding
    #: Why a grant reads more secrets than the ones it names.
    grants: Callable[[Res], Iterator[str]] = _no_finding
    #: Each federation of a managed identity (two for one identity: a second cluster or account).
    federations: Callable[[list[Res]], Iterator[Federation]] = _no_federation
    #: Per type token, the inputs that hold a secret value (dotted paths): a secret version's payload.
    secret_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Its CSI provider (None: no CSI delivery from this cloud).
    csi: CsiPolicy | None = None
    #: Per type token, the inputs that together name a resource in the cloud: two resources of one
    #: program with one such name (through one provider) are one cloud object, created twice.
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
