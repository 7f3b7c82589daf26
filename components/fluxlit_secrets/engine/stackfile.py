"""Edit a stack file byte for byte: only the `generation` and `rotatedAt` of the rotated secrets
change. A YAML parser only says where they are; the edit itself is textual, so line endings (LF or
CRLF), a missing final newline, comments, flow style, quoting and spacing elsewhere are kept."""

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

from fluxlit_secrets.errors import FluxlitSecretsError
from fluxlit_secrets.model.secrets import DATE
from fluxlit_secrets.model.shape import NAMESPACE

SECRETS_KEYS = (f"{NAMESPACE}:secrets", "secrets")
#: A scalar as written in YAML: double-quoted, single-quoted, or plain (up to `,` `}` `]` `#` or the end).
SCALAR = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^,}\]#\r\n]*[^,}\]#\s]')


class EditError(FluxlitSecretsError):
    """The stack file cannot be edited without changing more than the rotated lines."""


@dataclass(frozen=True, kw_only=True)
class Edit:
    """Replace `length` characters at (line, col) by `text`."""

    line: int
    col: int
    length: int
    text: str


def _secrets_block(doc: Any) -> Any:
    config = doc.get("config") if hasattr(doc, "get") else None
    for key in SECRETS_KEYS:
        if config is not None and key in config:
            return config[key]
    raise EditError(f"no {NAMESPACE}:secrets block in the stack file")


def _scalar_at(lines: list[str], line: int, col: int) -> tuple[int, str]:
    """(length, text) of the scalar that starts at (line, col)."""
    m = SCALAR.match(lines[line], col)
    if m is None or not m.group(0):
        raise EditError(f"cannot read the value at line {line + 1}; edit it by hand")
    return len(m.group(0)), m.group(0)


def _requote(old: str, new: str) -> str:
    """`new` in the quoting `old` was written with; a date is always quoted (see `_quoted_date`)."""
    if old[:1] in ('"', "'"):
        return f"{old[0]}{new}{old[0]}"
    return _quoted_date(new) if DATE.fullmatch(new) else new


def _quoted_date(day: str) -> str:
    """A date as a YAML string: unquoted, YAML reads a timestamp, and the Pulumi CLI passes the
    program Go's rendering of it (`2026-12-03 00:00:00 +0000 UTC`), not the date that was written."""
    return f'"{day}"'


def _key_quote(lines: list[str], entry: Any) -> str:
    line, col = entry.lc.key(next(iter(entry)))
    return lines[line][col] if lines[line][col] in ('"', "'") else ""


def _edits_for(lines: list[str], entry: Any, values: dict[str, str]) -> list[Edit]:
    """Replace each present field's value; insert the missing ones after `generation`, `kind`, or the
    last field."""
    edits, missing = [], []
    for field, value in values.items():
        if field in entry:
            line, col = entry.lc.value(field)
            length, old = _scalar_at(lines, line, col)
            edits.append(Edit(line=line, col=col, length=length, text=_requote(old, value)))
        else:
            missing.append(field)
    if not missing:
        return edits
    anchor = next((f for f in ("generation", "kind") if f in entry), list(entry)[-1])
    line, col = entry.lc.value(anchor)
    if entry.fa.flow_style():
        length, _ = _scalar_at(lines, line, col)
        q = _key_quote(lines, entry)
        added = "".join(f", {q}{f}{q}: {_requote('', values[f])}" for f in missing)
        edits.append(Edit(line=line, col=col + length, length=0, text=added))
    else:
        indent = " " * entry.lc.key(anchor)[1]
        ending = lines[line][len(lines[line].rstrip("\r\n")) :] or "\n"
        added = "".join(f"{indent}{f}: {_requote('', values[f])}{ending}" for f in missing)
        if not lines[line].endswith(("\n", "\r")):  # the anchor is the last line, with no final newline
            edits.append(Edit(line=line, col=len(lines[line]), length=0, text="\n" if ending == "\n" else ending))
            added = added.rstrip("\r\n")
        edits.append(Edit(line=line + 1, col=0, length=0, text=added))
    return edits


def bump_generations(text: str, secrets: list[str], today: _dt.date) -> str:
    """Raise each named secret's `generation` by one and set its `rotatedAt` to `today`."""
    if not secrets:
        return text
    doc = YAML(typ="rt").load(text)
    block = _secrets_block(doc)
    lines = text.splitlines(keepends=True)
    edits: list[Edit] = []
    for name in dict.fromkeys(secrets):
        entry = block[name]
        generation = int(entry.get("generation", 1)) + 1
        edits += _edits_for(lines, entry, {"generation": str(generation), "rotatedAt": today.isoformat()})
    for e in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        if e.line == len(lines):
            lines.append(e.text)
            continue
        current = lines[e.line]
        lines[e.line] = current[: e.col] + e.text + current[e.col + e.length :]
    new = "".join(lines)
    _check_only_rotation_lines(text, new, list(dict.fromkeys(secrets)))
    return new


def _check_only_rotation_lines(old: str, new: str, secrets: list[str]) -> None:
    """A guard against a bad edit: every added line holds `generation` or `rotatedAt`, and the two
    files mean the same once those two fields of the rotated secrets are set aside."""
    added = [ln for ln in new.splitlines() if ln not in old.splitlines()]
    if any(not re.search(r"\b(generation|rotatedAt)\b", ln) for ln in added) or _meaning(old, secrets) != _meaning(
        new, secrets
    ):
        raise EditError(
            "the stack file cannot be rewritten without changing other lines; "
            "raise `generation` and set `rotatedAt` by hand"
        )


def _meaning(text: str, secrets: list[str]) -> Any:
    doc = YAML(typ="safe", pure=True).load(text)
    block = _secrets_block(doc)
    for name in secrets:
        block[name].pop("generation", None)
        block[name].pop("rotatedAt", None)
    return doc
