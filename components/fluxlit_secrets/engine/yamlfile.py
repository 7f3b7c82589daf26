"""The one YAML loader every command uses for project and stack files, hardened against hostile
input: a size limit, no aliases (the Pulumi CLI never writes one; an alias bomb expands without
bound), a nesting limit, and numbers or dates out of range, each refused in one line, fast.

It reads what the Pulumi CLI reads (go-yaml v3, mostly YAML 1.2) or refuses: where go-yaml and a
YAML 1.2 reader disagree (`017` is octal 15 to go-yaml, 17 to YAML 1.2; `08` a float; explicit
tags such as `!!omap`, `!!binary`, `!`; mapping keys that are collections) the file is refused in
one line, so a plan computed here is the plan `pulumi up` runs."""

import errno
import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)

from fluxlit_secrets.errors import FluxlitSecretsError, one_line
from fluxlit_secrets.model.secretish import shown

#: Largest project or stack file read (a stack file is a few KiB).
MAX_BYTES = 256 * 1024
#: Deepest nesting of mappings and sequences (the deepest stack config nests five levels).
MAX_DEPTH = 32


class FileError(FluxlitSecretsError):
    """A project, stack or output file cannot be used (missing, unreadable, hostile, a symlink...)."""


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """A small UTF-8 text file (at most `limit` bytes), read without following a symlink at its own name."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise FileError(os_problem(path, exc, "read")) from None
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileError(f"{path}: larger than {limit // 1024} KiB; check it is the file you meant")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileError(f"{path}: is not UTF-8 text; save it as UTF-8") from None


def os_problem(path: Path, exc: OSError, verb: str) -> str:
    """One line for an OS error on `path`: what is wrong and what to do, no exception name."""
    reasons = {
        errno.ENOENT: "does not exist",
        errno.EACCES: f"cannot be {verb} (permission denied); check its mode and owner",
        errno.EPERM: f"cannot be {verb} (permission denied); check its mode and owner",
        errno.ELOOP: "is a symbolic link; use the file itself",
        errno.EISDIR: "is a folder, not a file",
        errno.ENOTDIR: "has a file where a folder should be in its path",
        errno.EROFS: "is on a read-only file system",
        errno.ENOSPC: "no space left on the device",
    }
    return f"{path}: {reasons.get(exc.errno or 0, one_line(exc.strerror or str(exc)))}"


#: Explicit tags go-yaml v3 reads as a YAML 1.2 reader does; any other is refused.
SAME_TAGS = {None, "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
#: A plain number with a leading zero: octal (or, with an 8 or 9, a float) to go-yaml, decimal to YAML 1.2.
LEADING_ZERO = re.compile(r"[-+]?0[0-9_]*[0-9][0-9_]*")


def _unlike_pulumi(event: NodeEvent) -> str | None:
    """Why go-yaml v3 (the Pulumi CLI) would read this node otherwise than we do (None: alike)."""
    tag = getattr(event, "tag", None)
    if tag not in SAME_TAGS:
        short = one_line(str(tag)).replace("tag:yaml.org,2002:", "!!")
        return f"the YAML tag {short} is read otherwise by the Pulumi CLI; remove it"
    if isinstance(event, ScalarEvent) and event.style is None and tag is None and LEADING_ZERO.fullmatch(event.value):
        return (
            f"{shown(event.value)} is octal (or a float) to the Pulumi CLI and decimal to YAML 1.2; "
            "write the number without leading zeros, or quote it for text"
        )
    return None


def _flow_too_deep(text: str) -> int | None:
    """The line where flow collections (`[`, `{`) nest deeper than MAX_DEPTH, by one linear scan
    (quotes and comments skipped), so a hostile file is refused before the parser walks it."""
    depth, line, quote, comment, previous = 0, 1, "", False, "\n"
    for ch in text:
        if ch == "\n":
            line, comment = line + 1, False
        elif comment:
            pass
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"" and previous in " \t\n[{,:":
            quote = ch
        elif ch == "#" and previous in " \t\n":
            comment = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth = max(depth - 1, 0)
        previous = ch
    return None


def check_events(path: Path, text: str) -> None:
    """Refuse aliases, deep nesting, collection keys and nodes the Pulumi CLI reads otherwise, before
    anything is built (the event stream is not recursive)."""
    deep = _flow_too_deep(text)
    if deep is not None:
        raise FileError(f"{path}: line {deep}: nested deeper than {MAX_DEPTH} levels")
    #: Per open collection: [is a mapping, its next node is a key].
    open_: list[list[bool]] = []
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent):
                raise FileError(f"{path}: line {_line(event)}: YAML aliases (*name) are not accepted in stack files")
            if isinstance(event, NodeEvent) and (why := _unlike_pulumi(event)):
                raise FileError(f"{path}: line {_line(event)}: {why}")
            if isinstance(event, CollectionStartEvent):
                if open_ and open_[-1] == [True, True]:
                    raise FileError(
                        f"{path}: line {_line(event)}: a mapping key is itself a mapping or a list; "
                        "keys of stack files are plain names"
                    )
                open_.append([isinstance(event, MappingStartEvent), True])
                if len(open_) > MAX_DEPTH:
                    raise FileError(f"{path}: line {_line(event)}: nested deeper than {MAX_DEPTH} levels")
                continue
            if isinstance(event, CollectionEndEvent):
                open_.pop()
            if isinstance(event, (ScalarEvent, CollectionEndEvent)) and open_ and open_[-1][0]:
                open_[-1][1] = not open_[-1][1]
    except YAMLError as exc:
        raise FileError(_syntax(path, exc)) from None


def _line(event: Any) -> int:
    mark = getattr(event, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else 0


def _syntax(path: Path, exc: YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or "invalid YAML"
    return f"{path}: {one_line(str(problem))}{where}; fix the YAML syntax"


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a project or stack file (`text` stands in for its content)."""
    text = read_text(path) if text is None else text
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise FileError(f"{path}: larger than {MAX_BYTES // 1024} KiB")
    check_events(path, text)
    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise FileError(_syntax(path, exc)) from None
    except (ValueError, OverflowError, RecursionError):
        raise FileError(f"{path}: holds a number or a date out of range; check the values") from None
