"""Masking by value: every secret value the run has seen (decrypted config, generated values,
values marked secret, secret inputs sent to the host), and its base64 forms, is replaced with
`[secret]` in every line printed and every file written, as CI systems mask their secrets. This
is on top of the shape-based filter (`secretish.redact_text`), which catches values the run has
not seen (a token pasted into a key name); masking catches the ones that do not look secret
(a hex or UUID key, a passphrase with spaces, a short word)."""

import base64
import json
import re
import threading
from collections.abc import Iterable
from typing import Any

MASKED = "[secret]"
#: Shorter values are not masked: a two-letter secret would blank every word that holds it.
MIN_LENGTH = 3
#: The wire's secret marker (pulumi.runtime.rpc); kept here so the model needs no SDK.
SECRET_SIG_KEY, SECRET_SIG = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def forms(value: str) -> set[str]:
    """The value and what a consumer could print of it: base64 (standard and URL-safe, with and
    without padding)."""
    raw = value.encode("utf-8")
    out = {value}
    for encoded in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        out |= {encoded, encoded.rstrip("=")}
    return {f for f in out if len(f) >= MIN_LENGTH}


class Masker:
    """The set of values to mask, shared by every thread of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def remember(self, values: Iterable[Any]) -> None:
        """Add secret values (non-text ones are rendered as JSON would print them)."""
        added = {f for v in values if (text := _text(v)) for f in forms(text)} - self._values
        if added:
            with self._lock:
                self._values |= added
                self._pattern = None  # compiled again when next needed, not once per value

    def mask(self, text: str) -> str:
        """`text` with every remembered value replaced with `[secret]`."""
        if not text or not self._values:
            return text
        pattern = self._pattern
        if pattern is None:
            with self._lock:
                # Longest first: a value that holds another is masked whole.
                ordered = sorted(self._values, key=len, reverse=True)
                pattern = self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
        return pattern.sub(MASKED, text)

    def forget(self) -> None:
        """Drop every value (between runs in one process: tests, the host between calls)."""
        with self._lock:
            self._values, self._pattern = set(), None


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value) if len(str(value)) >= 6 else ""  # a short number would mask every count
    return value if isinstance(value, str) and len(value) >= MIN_LENGTH else ""


def marked_values(value: Any) -> Iterable[Any]:
    """Every value a secret marker wraps directly (a string, a number), however deeply nested. A
    marker around a whole map or list is not followed: a program that puts one secret Output into a
    pod spec taints the whole spec, names and commands included, and those are not secrets (the
    secret fields of the resources that hold values are read by type: `policy.copies`)."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            inner = value.get("value")
            if "plaintext" in value:  # `pulumi stack export --show-secrets`: the value as JSON text
                try:
                    inner = json.loads(value["plaintext"])
                except (TypeError, ValueError):
                    inner = value["plaintext"]
            if not isinstance(inner, (dict, list)):
                yield inner
            return
        for inner in value.values():
            yield from marked_values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from marked_values(inner)


#: The process's masker: the engine remembers, the CLI and the host mask.
MASK = Masker()
remember, mask = MASK.remember, MASK.mask
