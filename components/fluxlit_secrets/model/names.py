"""Name rules of Kubernetes and of POSIX environments, as pure predicates, and the stack slug."""

import hashlib
import re

DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", re.ASCII)
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]+", re.ASCII)
CONFIG_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*:)?[A-Za-z][A-Za-z0-9_.-]*", re.ASCII)

#: Longest app name: it prefixes derived names such as `<app>-streamlit` (a Service, DNS-1035 label).
APP_MAX = 40
LABEL_MAX = 63
SECRET_KEY_MAX = 253
ENV_NAME_MAX = 255


def is_dns_label(value: object, limit: int = LABEL_MAX) -> bool:
    """A DNS-1123 label (lowercase alphanumerics and '-', starting and ending alphanumeric)."""
    return isinstance(value, str) and len(value) <= limit and DNS1123_LABEL.fullmatch(value) is not None


def is_env_name(value: object) -> bool:
    """A portable environment variable name."""
    return isinstance(value, str) and len(value) <= ENV_NAME_MAX and ENV_NAME.fullmatch(value) is not None


def is_secret_key(value: object) -> bool:
    """A valid Kubernetes Secret data key that is also a safe file name in a Secret volume."""
    return (
        isinstance(value, str)
        and len(value) <= SECRET_KEY_MAX
        and SECRET_KEY.fullmatch(value) is not None
        and not value.startswith("..")  # the kubelet's own `..data` links live there
        and value != "."
    )


RESERVED_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def is_shared_namespace(namespace: str) -> bool:
    """`default` and every `kube-*` namespace: Kubernetes' own, shared with other workloads."""
    return namespace in RESERVED_NAMESPACES or namespace.startswith("kube-")


def env_slug(environment: str) -> str:
    """A stack name as a DNS-label-like slug, one per stack: `prod-eu` stays itself, a name that
    needs changing gets a digest of the original (`prod.eu` -> `prod-eu-3f1c2a`, `prod_eu` ->
    `prod-eu-9b7e01`), so two stacks never share a slug (nor the resources named from it)."""
    slug = re.sub(r"[^a-z0-9]+", "-", environment.lower()).strip("-") or "stack"
    if slug == environment:
        return slug
    return f"{slug}-{hashlib.sha256(environment.encode()).hexdigest()[:6]}"


def fit(name: str, limit: int) -> str:
    """`name`, or, when longer than `limit`, its head and a digest of the whole (never a plain cut,
    which could give two long names one result)."""
    if len(name) <= limit:
        return name
    return f"{name[: limit - 9].rstrip('-_.')}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
