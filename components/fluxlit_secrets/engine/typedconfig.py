"""The project's `config:` block (Pulumi.yaml), read and enforced as the Pulumi CLI does.

A key declared with a `type` and no `default` must be set by every stack; a value set for a typed
key must have that type (`string`, `integer`, `boolean`, `object`, `array` of `items`), judged as
the CLI judges it (ValidateConfigValue in the SDK, v3.276): on the key's string (cliconfig), so a
scalar passes as a string, `"5"` as an integer and `"true"` as a boolean. Keys with only a
`default` or a `value` pass their value down; untyped values are not checked. Secure values are
opaque here (never decrypted), so only their presence counts.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.errors import FluxlitSecretsError

TYPES = ("string", "integer", "boolean", "object", "array")
#: What Go's strconv.Atoi accepts: an optional sign and ASCII digits.
ATOI = re.compile(r"[+-]?[0-9]+", re.ASCII)


class TypedConfigError(FluxlitSecretsError):
    """A stack does not meet the project's typed config (the CLI refuses to run it)."""


@dataclass(frozen=True)
class Declared:
    """One key of the project's `config:` block."""

    key: str  # as declared (`fluxlit-secrets:app` or `app`)
    full: str  # namespaced (`fluxlit-secrets:app`)
    type: str | None
    items: str | None
    has_default: bool
    default: Any


def declarations(project: str, block: Any, path: str) -> list[Declared]:
    """Read the `config:` block, refusing what the CLI refuses when it loads the project."""
    if not isinstance(block, Mapping):
        return []
    out = []
    for key, decl in block.items():
        full = key if ":" in str(key) else f"{project}:{key}"
        if not isinstance(decl, Mapping):
            out.append(Declared(str(key), full, None, None, True, decl))
            continue
        if "default" in decl and "value" in decl:
            raise TypedConfigError(
                f"{path}: project config '{key}' cannot have both a 'default' and 'value' attribute; keep one"
            )
        typ = decl.get("type")
        if typ is not None and typ not in TYPES:
            raise TypedConfigError(
                f"{path}: config key '{key}' has unknown type {typ!r}; use one of {', '.join(TYPES)}"
            )
        namespaced = ":" in str(key) and not str(key).startswith(f"{project}:")
        if namespaced and (typ is not None or "default" in decl):
            raise TypedConfigError(
                f"{path}: configuration key '{key}' is not namespaced by the project and should not define "
                "a type or a default; use the 'value' attribute"
            )
        items = (decl.get("items") or {}).get("type") if isinstance(decl.get("items"), Mapping) else None
        if typ == "array" and items is None:
            raise TypedConfigError(
                f"{path}: the configuration key '{key}' declares an array but does not specify the "
                "underlying type via the 'items' attribute"
            )
        if namespaced and "value" not in decl:
            raise TypedConfigError(
                f"{path}: configuration key '{key}' is namespaced and must provide an attribute 'value'"
            )
        if typ is not None and "default" in decl and not _valid(decl["default"], typ, items):
            shown = f"array<{items}>" if typ == "array" else typ
            raise TypedConfigError(
                f"{path}: the default value specified for configuration key '{key}' is not of the "
                f"expected type '{shown}'; give a default of that type"
            )
        has_default = "default" in decl or "value" in decl
        out.append(Declared(str(key), full, typ, items, has_default, decl.get("default", decl.get("value"))))
    return out


def _integer(content: Any) -> bool:
    if isinstance(content, bool):
        return False
    if isinstance(content, (int, float)):
        return content == int(content)
    return isinstance(content, str) and ATOI.fullmatch(content) is not None and abs(int(content)) < 2**63


#: The CLI's ValidateConfigValue per type: `content` is the key's string, or the parsed JSON of an object.
VALID: dict[str, Callable[[Any, str | None], bool]] = {
    "string": lambda content, _: isinstance(content, str),
    "integer": lambda content, _: _integer(content),
    "boolean": lambda content, _: isinstance(content, bool) or content in ("true", "false"),
    "object": lambda content, _: isinstance(content, dict),
    "array": lambda content, items: (
        isinstance(content, list) and items is not None and all(_valid(v, items, None) for v in content)
    ),
}


def _valid(content: Any, typ: str, items: str | None) -> bool:
    return VALID[typ](content, items)


def check_stack(stack: str, declared: list[Declared], raw: Mapping[str, tuple[str, bool]], secure: set[str]) -> None:
    """Refuse a stack that misses a required typed key or sets one to a value of another type.

    `raw` maps namespaced keys to their CLI strings (text, is_object: cliconfig.cli_string);
    `secure` are the keys whose value is a `secure:` ciphertext.
    """
    missing = [d.key for d in declared if d.type is not None and not d.has_default and d.full not in raw]
    if missing:
        quoted = [f"'{k}'" for k in missing]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        noun = "value" if len(missing) == 1 else "values"
        raise TypedConfigError(
            f"Stack '{stack}' is missing configuration {noun} {listed}; set it in the stack file "
            f"or with `pulumi config set --stack {stack} {missing[0]} <value>`"
        )
    for d in declared:
        if d.type is None or d.full not in raw or d.full in secure:
            continue
        text, is_object = raw[d.full]
        if not _valid(json.loads(text) if is_object else text, d.type, d.items):
            shown = f"array<{d.items}>" if d.type == "array" else d.type
            raise TypedConfigError(
                f"Stack '{stack}' with configuration key '{d.key}' must be of type '{shown}'; "
                "fix the value in the stack file"
            )
