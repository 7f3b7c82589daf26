"""The project's `config:` block (Pulumi.yaml), read and enforced as the Pulumi CLI does.

Read in the SDK's `workspace/config.go` (v3.276). A key of the project's namespace with neither
`default` nor `value` must be set by every stack, typed or not; the keys missing are named sorted.
Then, key by key in sorted order, a typed key's value (the stack's, else the project's default) is
checked: a `secret: true` key must be a `secure:` value, and the value must have the type (`string`,
`integer`, `boolean`, `object`, `array` of `items`), judged on the key's string (cliconfig) as the
CLI's ValidateConfigValue judges it: a scalar passes as a string, `"5"` as an integer and `"true"`
as a boolean. A secure value is judged on its plaintext (engine/passphrase decrypts it); untyped
values are not checked. Messages are the CLI's, with the way to fix them after a semicolon.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.engine.cliconfig import cli_string
from fluxlit_secrets.errors import FluxlitSecretsError

TYPES = ("string", "integer", "boolean", "object", "array")
#: What Go's strconv.Atoi accepts: an optional sign and ASCII digits.
ATOI = re.compile(r"[+-]?[0-9]+", re.ASCII)


class TypedConfigError(FluxlitSecretsError):
    """A stack does not meet the project's typed config (the CLI refuses to run it)."""


@dataclass(frozen=True, kw_only=True)
class Declared:
    """One key of the project's `config:` block."""

    key: str  # as declared (`fluxlit-secrets:app` or `app`)
    full: str  # namespaced (`fluxlit-secrets:app`)
    type: str | None
    items: str | None
    has_default: bool
    default: Any
    #: `secret: true`: the stack must hold the value encrypted (checked on typed keys, as the CLI does).
    secret: bool = False
    #: The key belongs to another namespace (`aws:region`): never required, never typed.
    foreign: bool = False


def declarations(project: str, block: Any, path: str) -> list[Declared]:
    """Read the `config:` block, refusing what the CLI refuses when it loads the project."""
    if not isinstance(block, Mapping):
        return []
    out = []
    for key, decl in block.items():
        full = key if ":" in str(key) else f"{project}:{key}"
        if not isinstance(decl, Mapping):
            out.append(
                Declared(key=str(key), full=full, type=None, items=None, has_default=decl is not None, default=decl)
            )
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
        # The CLI reads `default: null` as no default at all (a nil pointer).
        value = decl["default"] if decl.get("default") is not None else decl.get("value")
        out.append(
            Declared(
                key=str(key),
                full=full,
                type=typ,
                items=items,
                has_default=value is not None,
                default=value,
                secret=decl.get("secret") is True,
                foreign=namespaced,
            )
        )
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


def _listed(keys: list[str]) -> str:
    """The CLI's formatMissingKeys: one key quoted, several sorted as `'a', 'b' and 'c'`."""
    quoted = [f"'{k}'" for k in sorted(keys)] if len(keys) > 1 else [f"'{keys[0]}'"]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def check_stack(
    stack: str,
    declared: list[Declared],
    raw: Mapping[str, tuple[str, bool]],
    *,
    secure: set[str],
    sealed: frozenset[str] = frozenset(),
) -> None:
    """Refuse a stack as the CLI's mergeConfig and validateStackConfigValues refuse it.

    `raw` maps namespaced keys to their CLI strings (text, is_object: cliconfig.cli_string), a
    secure value's decrypted; `secure` are the keys written as `secure:`; `sealed` the secure keys
    nobody here can decrypt (a cloud KMS stack): their type is left to the CLI.
    """
    missing = [d.key for d in declared if not d.foreign and not d.has_default and d.full not in raw]
    if missing:
        noun = "value" if len(missing) == 1 else "values"
        first = sorted(missing)[0]
        raise TypedConfigError(
            f"Stack '{stack}' is missing configuration {noun} {_listed(missing)}; set it in the stack file "
            f"or with `pulumi config set --stack {stack} {first} <value>`"
        )
    for d in sorted(declared, key=lambda d: d.key):
        if d.type is None:
            continue
        if d.full in raw:
            (text, is_object), is_secure = raw[d.full], d.full in secure
        else:
            (text, is_object), is_secure = cli_string(d.default), False
        if d.secret and not is_secure:
            raise TypedConfigError(
                f"Stack '{stack}' with configuration key '{d.key}' must be encrypted as it's secret; "
                f"set it with `pulumi config set --secret --stack {stack} {d.key} <value>`"
            )
        if d.full in sealed:
            continue
        if not _valid(json.loads(text) if is_object else text, d.type, d.items):
            shown = f"array<{d.items}>" if d.type == "array" else d.type
            raise TypedConfigError(
                f"Stack '{stack}' with configuration key '{d.key}' must be of type '{shown}'; "
                "fix the value in the stack file"
            )
