"""Edit a stack file in place, round trip: comments, order, quoting and layout stay as they were."""

import datetime as _dt
import difflib
import io
import re
from typing import Any

from ruamel.yaml import YAML

from fluxlit_secrets.errors import FluxlitSecretsError
from fluxlit_secrets.model.shape import NAMESPACE

SECRETS_KEYS = (f"{NAMESPACE}:secrets", "secrets")


class EditError(FluxlitSecretsError):
    """The stack file cannot be edited without changing more than the rotated lines."""


def _round_trip(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    # Keep the file's own block-sequence indentation ("- " under or indented past its key).
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^( *)- ", line)
        if m and i:
            parent = next((p for p in reversed(lines[:i]) if p.strip() and not p.lstrip().startswith("-")), "")
            offset = len(m.group(1)) - (len(parent) - len(parent.lstrip()))
            if offset >= 2:
                yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
            break
    return yaml


def _secrets_block(doc: Any) -> Any:
    config = doc.get("config") if hasattr(doc, "get") else None
    for key in SECRETS_KEYS:
        if config is not None and key in config:
            return config[key]
    raise EditError(f"no {NAMESPACE}:secrets block in the stack file")


def bump_generations(text: str, secrets: list[str], today: _dt.date) -> str:
    """Raise each named secret's `generation` by one and set its `rotatedAt` to `today`."""
    yaml = _round_trip(text)
    doc = yaml.load(text)
    block = _secrets_block(doc)
    for name in secrets:
        entry = block[name]
        keys = list(entry.keys())
        if "generation" in entry:
            entry["generation"] = int(entry["generation"]) + 1
        else:
            entry.insert(keys.index("kind") + 1 if "kind" in keys else len(keys), "generation", 2)
        keys = list(entry.keys())
        if "rotatedAt" in entry:
            entry["rotatedAt"] = today.isoformat()
        else:
            entry.insert(keys.index("generation") + 1, "rotatedAt", today.isoformat())
    out = io.StringIO()
    yaml.dump(doc, out)
    new = out.getvalue()
    _check_only_rotation_lines(text, new, secrets)
    return new


def _check_only_rotation_lines(old: str, new: str, secrets: list[str]) -> None:
    flow = re.compile(r"^\s*(" + "|".join(map(re.escape, secrets)) + r"):\s*\{") if secrets else None
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line[:2] not in ("- ", "+ "):
            continue
        body = line[2:]
        if not re.search(r"\b(generation|rotatedAt)\b", body) and not (flow and flow.match(body)):
            raise EditError(
                "the stack file cannot be rewritten without reformatting other lines "
                f"({line[2:].strip()[:60]!r}); raise `generation` and set `rotatedAt` by hand"
            )
