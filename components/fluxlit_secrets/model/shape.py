"""Where and how a user wrote the model: a stack file (camelCase keys under `fluxlit-secrets:`) or a
component's args in code (snake_case). Parsers read fields by their snake_case name through a
`Node`, which spells them the user's way, refuses the other spelling, and places every error."""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from fluxlit_secrets.errors import ConfigError, did_you_mean
from fluxlit_secrets.model.labels import PACKAGE
from fluxlit_secrets.model.secretish import redact_key, shown

#: The stack-config namespace: the package name.
NAMESPACE = PACKAGE
#: Fields whose stack-config (and wire) spelling is not their camelCase form: `as_` is `as` (a
#: Python keyword, so Python args spell it `as_`, as Pulumi's own SDKs do with `type_`).
CONFIG_SPELLING = {"as_": "as"}
_MISSING: Any = object()


def camel(field: str) -> str:
    """snake_case field name -> the stack config's camelCase key."""
    return CONFIG_SPELLING.get(field) or re.sub(r"_([a-z])", lambda m: m.group(1).upper(), field)


@dataclass(frozen=True)
class Shape:
    """A stack file (`config=True`, `where` its path) or a component (`where` = `SecretLifecycle "shop"`)."""

    where: str
    config: bool
    #: Deprecation notices met while parsing (one line each), for the caller to show.
    notices: list[str] = field(default_factory=list, compare=False)

    @classmethod
    def stack_file(cls, path: str) -> "Shape":
        """Stack config read from `path` (as the user knows it, e.g. stacks/Pulumi.prod.yaml)."""
        return cls(where=path, config=True)

    @classmethod
    def component(cls, component: str, name: str) -> "Shape":
        """Args of component `component` named `name` in code."""
        return cls(where=f'{component} "{name}"', config=False)

    def spell(self, field: str) -> str:
        """The key under which this shape holds `field`."""
        return camel(field) if self.config else field

    def other_spelling(self, field: str) -> str:
        """The spelling of `field` that belongs to the other shape."""
        return field if self.config else camel(field)

    def key(self, path: tuple[str, ...]) -> str:
        """A user-facing key: `fluxlit-secrets:secrets.jwt.generation` or `secrets.jwt.generation`
        (a part that looks like a secret, pasted as a key, is not shown)."""
        joined = ".".join(redact_key(p) for p in path)
        return f"{NAMESPACE}:{joined}" if self.config else joined

    def root(self, value: Any, example: str) -> "Node":
        """The top node (the whole namespace, or the whole args mapping)."""
        return Node(self, (), value).mapping(example)

    def fail(self, path: tuple[str, ...], problem: str, fix: str) -> NoReturn:
        """Raise a ConfigError at `path`, placed in this shape."""
        raise ConfigError(self.key(path), problem, fix, where=self.where)


@dataclass(frozen=True)
class Node:
    """One value the user wrote, with its path (user spelling) and shape."""

    shape: Shape
    path: tuple[str, ...]
    value: Any

    @property
    def key(self) -> str:
        """This node's user-facing key."""
        return self.shape.key(self.path)

    def fail(self, problem: str, fix: str) -> NoReturn:
        """Raise a ConfigError naming this node."""
        self.shape.fail(self.path, problem, fix)

    def mapping(self, example: str) -> "Node":
        """This node, refusing anything but a mapping (None counts as empty)."""
        if self.value is None:
            return Node(self.shape, self.path, {})
        if not isinstance(self.value, Mapping):
            self.fail(f"must be a mapping, got {type(self.value).__name__}", f"write it as {example}")
        return self

    def known(self, fields: tuple[str, ...]) -> None:
        """Refuse keys other than `fields` (spelled this shape's way); suggest the closest."""
        spelled = tuple(self.shape.spell(f) for f in fields)
        for k in self.value:
            if k in spelled:
                continue
            other = {self.shape.other_spelling(f): self.shape.spell(f) for f in fields}
            hint = f" (did you mean {other[k]!r}?)" if k in other else did_you_mean(k, spelled)
            self.child_raw(str(k)).fail(f"unknown key{hint}", "valid keys are " + ", ".join(spelled))

    def has(self, field: str) -> bool:
        """True when `field` is set (to anything but None)."""
        return isinstance(self.value, Mapping) and self.value.get(self.shape.spell(field)) is not None

    def get(self, field: str, default: Any = None) -> Any:
        """The raw value of `field`, or `default` when absent or None."""
        value = self.value.get(self.shape.spell(field)) if isinstance(self.value, Mapping) else None
        return default if value is None else value

    def field(self, field: str, default: Any = _MISSING) -> "Node":
        """A child node for `field` (its value `default` when absent, or when this node holds none)."""
        value = self.value.get(self.shape.spell(field)) if isinstance(self.value, Mapping) else None
        if value is None and default is not _MISSING:
            value = default
        return Node(self.shape, (*self.path, self.shape.spell(field)), value)

    def child_raw(self, key: str) -> "Node":
        """A child node under a user-chosen key (a secret or workload name)."""
        return Node(self.shape, (*self.path, key), self.value.get(key) if isinstance(self.value, Mapping) else None)

    def items(self) -> Iterator[tuple[str, "Node"]]:
        """(key, child) for each entry of a mapping node, in key order."""
        for k in sorted(self.value, key=str):
            yield str(k), Node(self.shape, (*self.path, str(k)), self.value[k])

    # -- typed readers -----------------------------------------------------------------------
    def one_of(self, choices: tuple[str, ...], what: str) -> str:
        """A value from a closed set."""
        if self.value not in choices:
            hint = did_you_mean(self.value, choices) if isinstance(self.value, str) else ""
            self.fail(f"unknown {what} {shown(self.value)}{hint}", "use one of " + ", ".join(choices))
        return str(self.value)

    def whole(self, low: int, high: int, fix: str) -> int:
        """A whole number in [low, high]; component args may send it as a whole float (the wire does)."""
        value = self.value
        if isinstance(value, float) and not self.shape.config and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"must be a whole number from {low} to {high}, got {shown(self.value)}", fix)
        return value

    def boolean(self) -> bool:
        """true or false."""
        if not isinstance(self.value, bool):
            self.fail(f"must be true or false, got {shown(self.value)}", "write true or false, unquoted")
        return self.value

    def text(self, pattern: re.Pattern[str], fix: str, *, limit: int = 4096) -> str:
        """A string that matches `pattern` entirely."""
        if not isinstance(self.value, str) or len(self.value) > limit or not pattern.fullmatch(self.value):
            self.fail(f"{shown(self.value)} is not valid", fix)
        return self.value

    def required(self, fix: str) -> "Node":
        """This node, refusing an absent value."""
        if self.value is None:
            self.fail("is missing", fix)
        return self
