"""The package's exceptions: the library raises them, only the CLI turns them into exit codes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class FluxlitSecretsError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(FluxlitSecretsError):
    """A stack-config or component-args value is invalid.

    The message is one line: the key, what is wrong, and how to fix it. It never holds a
    secret value (callers pass only key names and non-secret values).
    """

    def __init__(self, key: str, problem: str, fix: str) -> None:
        self.key = key
        self.problem = problem
        self.fix = fix
        super().__init__(one_line(f"{key}: {problem}; {fix}"))


def one_line(text: str) -> str:
    """Collapse control characters and newlines so a message stays on one printable line."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def shown(value: object, limit: int = 40) -> str:
    """A short, printable rendering of a received value for an error message.

    A value that looks like a secret (pasted into the wrong key) is not shown: error lines end up
    in CI logs.
    """
    from fluxlit_secrets.policy.secretish import secret_literal

    if isinstance(value, str) and secret_literal("", value):
        return "(a secret-looking value, not shown)"
    text = one_line(repr(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' for a likely typo, else ''."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
