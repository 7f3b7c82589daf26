"""The package's exceptions: the library raises them, only the CLI turns them into exit codes."""

import difflib
from collections.abc import Iterable


class FluxlitSecretsError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(FluxlitSecretsError):
    """A stack-config or component-args value is invalid.

    The message is one line: where the user wrote it (a stack file or a component), the key,
    what is wrong, and how to fix it. It never holds a secret value (callers pass only key names
    and values run through `model.secretish.shown`).
    """

    def __init__(self, key: str, problem: str, fix: str, *, where: str = "") -> None:
        self.key = key
        self.problem = problem
        self.fix = fix
        self.where = where
        super().__init__(self._text())

    def _text(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return one_line(f"{prefix}{self.key}: {self.problem}; {self.fix}")

    def at(self, where: str) -> "ConfigError":
        """The same error, placed in `where` (a stack file or a component), unless it has a place."""
        if self.where or not where:
            return self
        return ConfigError(self.key, self.problem, self.fix, where=where)


def one_line(text: str) -> str:
    """Collapse control characters and newlines so a message stays on one printable line."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """' (did you mean X?)' for a likely typo, else ''."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
