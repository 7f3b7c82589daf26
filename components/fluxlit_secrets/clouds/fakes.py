"""Helpers of the per-cloud fakes that the offline engine's mocks answer with (deterministic)."""

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Protocol

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"

#: Account, region, project... the fakes answer with, read from the stack's config by each cloud.
Context = Mapping[str, str]


class Fake(Protocol):
    """(context, logical name, inputs with secrets unwrapped, seed) -> (id, extra outputs)."""

    def __call__(
        self, ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes
    ) -> tuple[str, dict[str, Any]]: ...


def uuid(seed: bytes) -> str:
    """A UUID-shaped string from a seed."""
    h = hashlib.sha256(seed).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def chars(seed: bytes, n: int, alphabet: str = ALNUM) -> str:
    """`n` characters of `alphabet` from a seed."""
    out: list[str] = []
    block = seed
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out.extend(alphabet[b % len(alphabet)] for b in block)
    return "".join(out[:n])


def auto_name(inputs: Mapping[str, Any], key: str, logical: str, *, seed: bytes) -> str:
    """The given name, or the provider's auto-name (logical name plus a random suffix)."""
    return str(inputs.get(key) or f"{logical}-{chars(seed, 7, LOWER)}")


def config_block(values: Mapping[str, str], key: str) -> dict[str, Any]:
    """A `fluxlit-secrets:<cloud>` block from config strings, leniently ({} when unreadable)."""
    try:
        raw = json.loads(values.get(key, "{}"))
    except ValueError:
        return {}
    return raw if isinstance(raw, dict) else {}
