"""Secret age: which secrets are overdue for rotation, and which were never rotated (pure)."""

import datetime as _dt
from dataclasses import dataclass

from fluxlit_secrets.model.app import AppModel


@dataclass(frozen=True)
class AgeFinding:
    """One secret's rotation age, as `check` and `synth` report it."""

    secret: str
    kind: str  # "overdue" | "never-rotated"
    message: str
    mandatory: bool


def age_findings(spec: AppModel, today: _dt.date) -> list[AgeFinding]:
    """Overdue (rotatedAt older than maxAgeDays: mandatory) and never rotated (advisory)."""
    found = []
    for s in spec.secrets:
        if s.rotated_at is None:
            limit = f" (maxAgeDays {s.max_age_days})" if s.max_age_days else ""
            found.append(AgeFinding(s.name, "never-rotated", f"{s.name}: never rotated{limit}", mandatory=False))
            continue
        age = (today - _dt.date.fromisoformat(s.rotated_at)).days
        if s.max_age_days is not None and age > s.max_age_days:
            found.append(
                AgeFinding(
                    s.name,
                    "overdue",
                    f"{s.name}: last rotated {s.rotated_at}, {age} days ago, more than maxAgeDays {s.max_age_days}; "
                    f"run `fluxlit-secrets rotate --stack {spec.environment} {s.name}`",
                    mandatory=True,
                )
            )
    return found
