"""Secret age: which secrets are overdue for rotation, and which were never rotated (pure)."""

import datetime as _dt
from dataclasses import dataclass

from fluxlit_secrets.model.app import AppModel


@dataclass(frozen=True, kw_only=True)
class AgeFinding:
    """One secret's rotation age, as `check` and `synth` report it."""

    secret: str
    kind: str  # "overdue" | "never-rotated"
    message: str
    mandatory: bool


@dataclass(frozen=True)
class Rotation:
    """What ages a secret: when it was last rotated and how old it may get."""

    secret: str
    rotated_at: str | None
    max_age_days: int | None


def age_findings(spec: AppModel, today: _dt.date, fix: str = "") -> list[AgeFinding]:
    """Overdue (rotatedAt older than maxAgeDays: mandatory) and never rotated (advisory)."""
    rotations = [Rotation(s.name, s.rotated_at, s.max_age_days) for s in spec.secrets]
    return ages_of(rotations, today, fix or f"run `fluxlit-secrets rotate --stack {spec.environment} {{secret}}`")


def ages_of(rotations: list[Rotation], today: _dt.date, fix: str) -> list[AgeFinding]:
    """The findings of these rotations; `fix` may name `{secret}`."""
    found = []
    for r in rotations:
        if r.rotated_at is None:
            limit = f" (maxAgeDays {r.max_age_days})" if r.max_age_days else ""
            found.append(
                AgeFinding(
                    secret=r.secret, kind="never-rotated", message=f"{r.secret}: never rotated{limit}", mandatory=False
                )
            )
            continue
        age = (today - _dt.date.fromisoformat(r.rotated_at)).days
        if r.max_age_days is not None and age > r.max_age_days:
            message = (
                f"{r.secret}: last rotated {r.rotated_at}, {age} days ago, more than maxAgeDays {r.max_age_days}; "
                + fix.format(secret=r.secret)
            )
            found.append(AgeFinding(secret=r.secret, kind="overdue", message=message, mandatory=True))
    return found
